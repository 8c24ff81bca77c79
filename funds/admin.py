"""The funds in the admin: read-only records under the partner scope. Money moves only
through the services (the staff pages decide requests and claims and adjust funds), so the
admin never edits a figure, a status or a movement."""

from django.contrib import admin

from funds.models import Claim, ClaimFile, Fund, FundRequest, LedgerEntry
from prm.access.admin_mixins import PartnerScopedAdminMixin, ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    """Funds' records change only through the staff pages' services."""


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class LedgerInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["booked_on", "kind", "amount", "request", "claim", "reason", "actor"]


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = [
        "partner",
        "period_start",
        "period_end",
        "tier",
        "allocated",
        "reserved",
        "committed",
        "paid",
    ]
    list_filter = ["period_start"]
    search_fields = ["partner__name"]
    list_select_related = ["partner", "tier"]
    inlines = [LedgerInline]


@admin.register(FundRequest)
class FundRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "partner",
        "activity_type",
        "starts_on",
        "requested_amount",
        "approved_amount",
        "status",
    ]
    list_filter = ["status", "activity_type"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
    date_hierarchy = "starts_on"


class ClaimFileInline(ReadOnlyInline):
    model = ClaimFile
    fields = ["kind", "name", "size", "uploaded_by", "uploaded_at"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "request",
        "partner",
        "actual_cost",
        "approved_amount",
        "status",
        "approved_at",
        "paid_on",
    ]
    list_filter = ["status"]
    search_fields = ["request__title", "partner__name"]
    list_select_related = ["partner", "request"]
    exclude = ["request"]
    readonly_fields = ["request_title"]
    inlines = [ClaimFileInline]

    @admin.display(description=FundRequest._meta.verbose_name)
    def request_title(self, obj):
        return obj.request.title


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    partner_path = "fund__partner"
    list_display = ["booked_on", "fund", "kind", "amount", "reason", "actor"]
    list_filter = ["kind"]
    list_select_related = ["fund__partner", "actor"]
