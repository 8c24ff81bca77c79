from django.contrib import admin

from privacy.models import DataRequest, PartnerExport, PartnerLegalIdentity, ProvisionRecord
from privacy.queries import requests_for_staff
from prm.access.admin_mixins import PartnerScopedAdminMixin


class ReadOnlyMixin:
    """Records written by services: viewed here, changed only through the staff pages."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProvisionRecord)
class ProvisionRecordAdmin(ReadOnlyMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "provided_at",
        "provider_name",
        "subject_name",
        "subject_company",
        "source",
        "basis",
        "retain_until",
    ]
    list_filter = ["source", "basis", "acquisition"]
    search_fields = ["subject_name", "subject_company", "provider_name"]
    date_hierarchy = "provided_at"
    list_select_related = ["partner"]

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the legal period; the purge job deletes them afterwards


@admin.register(PartnerLegalIdentity)
class PartnerLegalIdentityAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "legal_name", "representative", "confirmed_on", "confirmed_by"]
    search_fields = ["partner__name", "legal_name"]
    autocomplete_fields = ["partner"]
    fields = ["partner", "legal_name", "address", "representative", "confirmed_on"]
    list_select_related = ["partner", "confirmed_by"]

    def save_model(self, request, obj, form, change):
        obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    """The workflow is on the staff pages (/staff/privacy/); here the rows can be searched."""

    list_display = ["pk", "kind", "subject_name", "status", "received_on", "due_on", "assignee"]
    list_filter = ["status", "kind"]
    search_fields = ["subject_name", "subject_email", "requester_name"]
    list_select_related = ["assignee"]

    def scope_queryset(self, request, queryset):
        # Requests tied to the user's partners, and those tied to none (the staff pages' rule).
        return queryset.filter(pk__in=requests_for_staff(request.user).values("pk"))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerExport)
class PartnerExportAdmin(ReadOnlyMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "status", "rows", "created_at", "expires_at", "requested_by"]
    list_filter = ["status"]
    exclude = ["file"]  # private: downloaded through the staff page, which checks the partner
    list_select_related = ["partner", "requested_by"]
