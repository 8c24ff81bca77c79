"""Bulk import in the Django admin: the import jobs, listed and read here.

The flow itself (upload, dry run row by row, confirm, progress) is the staff pages' under
/staff/imports/ (imports.staff_views): the admin reaches it through the "Import" button its
templates add to the changelists of the models a file brings in
(`templates/admin/<app>/<model>/change_list_object_tools.html`, each with its kind chosen)
and through this changelist's own button. A job is written only by imports.services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from imports.models import ImportJob
from prm.access.admin_mixins import PartnerScopedAdminMixin, ReadOnlyAdminMixin


def count_column(action: str, label):
    """A column of the job's rows with one outcome (its dry run's, or its import's)."""

    @admin.display(description=label)
    def column(model_admin, obj):
        return obj.counts.get(action, 0)

    return column


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    """A manager sees the jobs they uploaded (the staff pages' rule: a job's rows name the
    partners and people of the uploader's scope); a superuser sees every job."""

    list_display = [
        "filename",
        "kind",
        "status",
        "total",
        "new",
        "updated",
        "unchanged",
        "errors",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["filename"]
    date_hierarchy = "created_at"
    fields = [
        "filename",
        "kind",
        "status",
        "user",
        "total",
        "rows_done",
        "new",
        "updated",
        "unchanged",
        "errors",
        "error",
        "created_at",
        "checked_at",
        "finished_at",
        "job_page",
    ]
    readonly_fields = fields

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser or not self.has_view_permission(request):
            # Without the right every view is a 403 (the same answer for any id), not a 404.
            return queryset
        return queryset.filter(user=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    new = count_column("new", pgettext_lazy("import outcome", "New"))
    updated = count_column("update", pgettext_lazy("import outcome", "Update"))
    unchanged = count_column("skip", pgettext_lazy("import outcome", "Unchanged"))
    errors = count_column("error", pgettext_lazy("import outcome", "Errors"))

    @admin.display(description=_("Rows and confirmation"))
    def job_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("imports:job", args=[obj.pk]), _("Open the import's page")
        )

    def get_fields(self, request, obj=None):
        # Only the uploader has the job's page (its rows name people): nobody else gets the link.
        own = obj is not None and obj.user_id == request.user.pk
        return [f for f in self.fields if f != "job_page" or own]
