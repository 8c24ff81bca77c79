from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from prm.access.admin_mixins import (
    AuditedAdminMixin,
    SuperuserOnlyAdminMixin,
    audit_denied,
    users_for_staff,
)
from prm.audit.log import audit
from prm.exports.streaming import csv_response, stream_rows
from prm.models import AuditEvent, ClosureDay, User
from prm.tenancy import partners_for_staff

# Fields of the user form that only superusers may see or post.
PROTECTED_USER_FIELDS = (
    "is_superuser",
    "is_staff",
    "groups",
    "user_permissions",
    "password",
    "password1",
    "password2",
    "usable_password",
)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Superusers manage accounts; a channel manager edits the profile of their partners' users."""

    ordering = ["email"]
    list_display = ["email", "display_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    manager_fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Profile"), {"fields": ["display_name", "language", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=users_for_staff(request.user).values("pk"))

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["is_active", "language"]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.manager_fieldsets

    def get_readonly_fields(self, request, obj=None):
        # The e-mail address is the login and where password resets go: it changes only through
        # the person's own verified change (allauth: a link to the new address, a notice to the
        # old one), never in a staff form, whoever the staff user is.
        if obj is None:
            return []
        return ["email"] if request.user.is_superuser else ["email", "last_login", "date_joined"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not request.user.is_superuser:
            attempted = sorted(f for f in PROTECTED_USER_FIELDS if f in request.POST)
            if attempted:
                # The form below ignores these fields; the attempt is kept in the audit log.
                audit_denied(request, "protected_user_fields", fields=attempted, object_id=object_id)
        if request.method == "POST" and object_id and "email" in request.POST:
            user = self.get_queryset(request).filter(pk=object_id).first()
            if user is not None and request.POST["email"].strip().lower() != user.email.lower():
                # Ignored (read-only field); kept in the audit log with the address tried.
                audit_denied(
                    request, "email_change", object_id=object_id, attempted=request.POST["email"][:254]
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if not request.user.is_superuser and user.pk != request.user.pk:
            audit_denied(request, "password_of_other_user", object_id=id, method=request.method)
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The audit trail is append-only: nobody changes or deletes a row here, not even superusers."""

    list_display = ["created_at", "actor", "action", "target_repr", "partner_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        partner_ids = partners_for_staff(request.user).values("pk")
        return qs.filter(partner_id__in=partner_ids) | qs.filter(actor=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
def export_csv(modeladmin, request, queryset):
    """The generic export of every changelist: the columns of the list, scoped rows only.
    Streamed; "select all" over more than EXPORT_BACKGROUND_ROWS rows is written by a
    worker (prm.exports.jobs re-runs the changelist's filters as the same user)."""
    fields = [f for f in modeladmin.get_list_display(request) if f != "action_checkbox"]
    header = [label_for_field(f, modeladmin.model, modeladmin) for f in fields]

    def cell(obj, name):
        try:
            _field, _attr, value = lookup_field(name, obj, modeladmin)
        except Exception:
            return ""
        return value

    job = getattr(request, "export_job", None)
    total = job.job.total if job is not None else queryset.count()
    if job is None:
        audit(
            actor=request.user, action="admin.exported", model=modeladmin.model._meta.label_lower, rows=total
        )
        if total <= settings.PRM_EXPORT_BACKGROUND_ROWS:
            modeladmin.message_user(request, _("%(n)d rows exported.") % {"n": total}, messages.SUCCESS)
    rows = ([cell(obj, f) for f in fields] for obj in stream_rows(queryset))
    return csv_response(
        modeladmin.model._meta.model_name, header, rows, request=request, count=total if job is None else None
    )


admin.site.add_action(export_csv, "export_csv")


def harden_third_party_admins() -> None:
    """Groups, e-mail addresses, MFA authenticators and single sign-on's identity providers,
    linked accounts and tokens (allauth's socialaccount): superusers only, whatever a group grants.

    Called from prm/urls.py: those admins register after ours (INSTALLED_APPS order).
    """
    for model, base in list(admin.site._registry.items()):
        if model._meta.app_label not in {"auth", "account", "mfa", "socialaccount"} or isinstance(
            base, SuperuserOnlyAdminMixin
        ):
            continue
        hardened = type(f"SuperuserOnly{type(base).__name__}", (SuperuserOnlyAdminMixin, type(base)), {})
        admin.site.unregister(model)
        admin.site.register(model, hardened)


@admin.register(ClosureDay)
class ClosureDayAdmin(AuditedAdminMixin, TranslationAdmin):
    """Company closure days (New Year break, summer break): skipped by business-day targets."""

    list_display = ["name", "first_day", "last_day"]
    date_hierarchy = "first_day"
