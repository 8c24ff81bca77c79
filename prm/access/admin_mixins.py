"""Plain mixins for the project's ModelAdmins (compose them before any admin base class).

- `AuditedAdminMixin`: every admin. Missing objects (and objects outside the staff
  user's partners) are a 404, deletions are audited, guardian receivers know the actor.
- `PartnerScopedAdminMixin`: every admin of partner-owned data. The changelist, change,
  delete and history views, exports, foreign-key and many-to-many choices and the
  autocomplete (which uses the remote admin's queryset) all go through
  `prm.tenancy.partners_for_staff`.
- `SuperuserObjectPermissionsMixin`: guardian's object-permission screens, superusers only.
- `SuperuserOnlyAdminMixin`: models only superusers manage (groups, e-mail addresses, MFA).
- `AudienceWideningAdminMixin`: records shown to an audience of partners (campaigns,
  announcements): a save that would show one to more partners than before asks for
  confirmation first.

Many-to-many choices narrowed to a staff user's partners never lose what the user cannot
see: on save, the relations outside their scope are kept (`AuditedAdminMixin.save_related`),
for every such field of every admin and inline, found by introspection
(tests/prm/test_admin_m2m_scope.py).

Which *models* a role may use is prm/access/roles.py; this file is about which *rows*.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prm.audit.log import audit, current_actor
from prm.tenancy import membership_model, partner_model, partners_for_staff


def partner_of(obj):
    """The partner id an object belongs to, for audit rows and the cache scope an admin edit
    bumps (None for programme data): its own `partner_id`, else the path its scoped admin
    follows to the partner (`partner_path`, e.g. a task's "plan__partner")."""
    Partner = partner_model()

    if obj is None:
        return None
    if isinstance(obj, Partner):
        return obj.pk
    if getattr(obj, "partner_id", None) is not None:
        return obj.partner_id
    if isinstance(obj, get_user_model()):  # a partner user's name shows on their partner's pages
        membership = membership_model().objects.filter(user=obj).order_by("-is_active").first()
        return membership.partner_id if membership else None

    model_admin = admin.site._registry.get(type(obj))
    paths = getattr(model_admin, "partner_path", None)
    for path in (paths,) if isinstance(paths, str) else paths or ():
        if path not in ("pk", "partner"):
            found = type(obj)._default_manager.filter(pk=obj.pk).values_list(path, flat=True).first()
            if found is not None:
                return found
    return None


def audit_denied(request, reason: str, **data):
    """An attempt a staff user was not allowed to make: nothing changes, the audit keeps it."""
    return audit(actor=request.user, action="admin.denied", reason=reason, path=request.path, **data)


def users_for_staff(user):
    """Accounts a staff user may see in the admin: themselves and partner users of their partners
    (a membership, active or ended, at a partner they see).

    Staff accounts (other than themselves) and people with no membership at all (applicants,
    people removed from a partner) are superuser-only: a manager cannot reach them, nor attach
    them to a partner of theirs.
    """
    User = get_user_model()
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(is_staff=False, is_superuser=False, membership__partner__in=partners_for_staff(user).values("pk"))
    )


def is_scoped_model(model, queryset=None) -> bool:
    """Whether `scope_choices` narrows rows of `model` to a staff user's partners."""
    queryset = queryset if queryset is not None else model._default_manager.all()
    return (
        model is partner_model()
        or model is get_user_model()
        or bool(getattr(queryset, "partner_lookup", None))
    )


def scope_choices(model, user, queryset=None):
    """Rows of `model` a staff user may pick in a form or autocomplete."""
    Partner = partner_model()

    queryset = queryset if queryset is not None else model._default_manager.all()
    if user.is_superuser:
        return queryset
    if model is Partner:
        return queryset.filter(pk__in=partners_for_staff(user).values("pk"))
    if model is get_user_model():
        # Partner users of their partners, and active staff (owners, assignees, reviewers).
        # Membership forms narrow this further to partner users (partners/admin.py).
        return queryset.filter(
            Q(pk__in=users_for_staff(user).values("pk")) | Q(is_staff=True, is_active=True)
        )
    lookup = getattr(queryset, "partner_lookup", None)
    if lookup:
        return queryset.filter(**{f"{lookup}__in": partners_for_staff(user).values("pk")})
    return queryset


class AuditedAdminMixin:
    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("Not found."))
        return obj

    def _audit_out_of_scope(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            # Raised inside the admin's transaction: the audit row is written after its rollback.
            if request.method == "POST":
                audit_denied(request, "out_of_scope", model=self.model._meta.label_lower)
            raise

    def delete_view(self, request, object_id, extra_context=None):
        return self._audit_out_of_scope(request, super().delete_view, object_id, extra_context)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(
                actor=request.user,
                action="admin.deleted",
                target=obj,
                partner=partner_of(obj),
                model=obj._meta.label_lower,
            )
        return super().log_deletions(request, queryset)

    def changeform_view(self, request, *args, **kwargs):
        token = current_actor.set(request.user)
        try:
            return self._audit_out_of_scope(request, super().changeform_view, *args, **kwargs)
        finally:
            current_actor.reset(token)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_choices(db_field.related_model, request.user, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            if not request.user.is_superuser and is_scoped_model(db_field.related_model, formfield.queryset):
                # The widget offers only what the user may see; save_related keeps the rest.
                formfield.keeps_out_of_scope = True
            formfield.queryset = scope_choices(db_field.related_model, request.user, formfield.queryset)
        return formfield

    def save_related(self, request, form, formsets, change):
        keep_out_of_scope_relations(form)
        for formset in formsets:
            for inline_form in formset.forms:
                keep_out_of_scope_relations(inline_form)
        super().save_related(request, form, formsets, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and context.get("adminform") is not None:
            form = context["adminform"].form
            for name, field in form.fields.items():
                hidden = (
                    out_of_scope_relations(form, name) if getattr(field, "keeps_out_of_scope", False) else []
                )
                if hidden:
                    note = ngettext(
                        "Also set: %(n)d entry you cannot see (outside your partners); saving keeps it.",
                        "Also set: %(n)d entries you cannot see (outside your partners); saving keeps them.",
                        len(hidden),
                    ) % {"n": len(hidden)}
                    field.help_text = f"{field.help_text} {note}".strip()
        return super().render_change_form(request, context, add, change, form_url, obj)


def out_of_scope_relations(form, name) -> list:
    """Objects related through the many-to-many field `name` of the form's saved instance that
    the field's choices (the staff user's scope) do not offer."""
    instance, field = form.instance, form.fields.get(name)
    if field is None or instance is None or instance.pk is None or not hasattr(instance, name):
        return []
    return list(getattr(instance, name).exclude(pk__in=field.queryset.values("pk")))


def keep_out_of_scope_relations(form) -> None:
    """Before `save_m2m()`: add back the relations a narrowed widget could not show, so that a
    save sets `posted + out of scope` instead of dropping what the user could not see."""
    if not getattr(form, "cleaned_data", None):
        return
    for name, field in form.fields.items():
        if getattr(field, "keeps_out_of_scope", False) and name in form.cleaned_data:
            hidden = out_of_scope_relations(form, name)
            if hidden:
                form.cleaned_data[name] = [*form.cleaned_data[name], *hidden]


CONFIRM_WIDENING = "confirm_audience_widening"


class AudienceWideningAdminMixin:
    """Ask before a save shows a record to more partners than before.

    `audience_rules` maps each audience field to how it reads ("everyone" when empty):
    - "choices": a list of values (partner types); widening = emptied, or a value added;
    - "rank": a tier foreign key, a minimum; widening = removed or lowered;
    - "named": a many-to-many of partners; widening = emptied, or a partner added.
    A many-to-many keeps its out-of-scope relations on save (AuditedAdminMixin), and they
    count here: a manager who removes every partner they can see does not empty the list.
    `audience_live(form)` says whether the record is shown after the save (a draft is not).
    """

    audience_rules: dict[str, str] = {}

    def audience_live(self, form) -> bool:
        return True

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not self.audience_rules:
            return fieldsets
        return [*fieldsets, (None, {"fields": [CONFIRM_WIDENING]})]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and self.audience_rules:
            kwargs["form"] = self._confirming_form(kwargs.get("form", self.form), obj)
        return super().get_form(request, obj, **kwargs)

    def _confirming_form(self, base, obj):
        admin = self

        class ConfirmingForm(base):
            confirm_audience_widening = forms.BooleanField(
                label=_("Yes, show it to more partners"), required=False, widget=forms.HiddenInput
            )

            def clean(self):
                data = super().clean()
                reasons = admin.audience_widening(obj, self) if admin.audience_live(self) else []
                if reasons and not data.get(CONFIRM_WIDENING):
                    self.fields[CONFIRM_WIDENING].widget = forms.CheckboxInput()
                    raise ValidationError(
                        [
                            _("Saving shows this to more partners than before:"),
                            *reasons,
                            _("Tick “Yes, show it to more partners” and save again to confirm."),
                        ]
                    )
                return data

        ConfirmingForm.__name__ = base.__name__
        return ConfirmingForm

    def audience_widening(self, obj, form) -> list[str]:
        """Why the posted audience is wider than the stored one (empty: it is not)."""
        old = type(obj)._default_manager.get(pk=obj.pk)
        reasons = []
        for name, kind in self.audience_rules.items():
            if name not in form.cleaned_data:
                continue  # not on the form: unchanged
            label = str(type(obj)._meta.get_field(name).verbose_name)
            reason = _WIDENING[kind](old, form, name)
            if reason:
                reasons.append(reason % {"field": label})
        return reasons


def _choices_widened(old, form, name):
    before, after = set(getattr(old, name) or []), set(form.cleaned_data.get(name) or [])
    if before and not after:
        return _("%(field)s: emptied, which means every partner")
    if before and after - before:
        return _("%(field)s: values added")
    return None


def _rank_widened(old, form, name):
    before, after = getattr(old, name), form.cleaned_data.get(name)
    if before is not None and after is None:
        return _("%(field)s: removed, which means every tier")
    if before is not None and after.rank < before.rank:
        return _("%(field)s: lowered")
    return None


def _named_widened(old, form, name):
    before = set(getattr(old, name).values_list("pk", flat=True))
    after = {o.pk for o in form.cleaned_data.get(name) or []}
    if getattr(form.fields[name], "keeps_out_of_scope", False):
        after |= {o.pk for o in out_of_scope_relations(form, name)}
    if before and not after:
        return _("%(field)s: none named any more, which means every partner")
    if before and after - before:
        return _("%(field)s: partners added")
    return None


_WIDENING = {"choices": _choices_widened, "rank": _rank_widened, "named": _named_widened}


class PartnerScopedAdminMixin(AuditedAdminMixin):
    """Rows limited to the partners the staff user may see (`partners_for_staff`).

    `partner_path` is the lookup from the row to its partner ("partner",
    "task__plan__partner"; "pk" for Partner itself); a tuple means "any of these".
    """

    partner_path: str | tuple[str, ...] = "partner"

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        partners = partners_for_staff(request.user).values("pk")
        paths = self.partner_path if isinstance(self.partner_path, tuple) else (self.partner_path,)
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__in": partners})
        return queryset.filter(condition)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))


class ReadOnlyAdminMixin:
    """Records only services write (ledgers, statements, reviewed profiles): the admin shows
    them; the staff pages' services change them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserObjectPermissionsMixin:
    """Guardian's object-permission screens (`.../permissions/`) for superusers only.

    Anyone else gets a 403 and the attempt is audited; grants and revocations made by a
    superuser are audited by prm.audit.receivers.
    """

    def _superuser_only(self, request, view, *args, **kwargs):
        if not request.user.is_superuser:
            audit_denied(
                request, "object_permissions", model=self.model._meta.label_lower, method=request.method
            )
            raise PermissionDenied
        token = current_actor.set(request.user)
        try:
            return view(request, *args, **kwargs)
        finally:
            current_actor.reset(token)

    def obj_perms_manage_view(self, request, object_pk):
        return self._superuser_only(request, super().obj_perms_manage_view, object_pk)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        return self._superuser_only(request, super().obj_perms_manage_user_view, object_pk, user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        return self._superuser_only(request, super().obj_perms_manage_group_view, object_pk, group_id)


class SuperuserOnlyAdminMixin(AuditedAdminMixin):
    """Models that only superusers see or change (whatever a group grants)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_delete_permission = has_change_permission

    def changeform_view(self, request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_superuser:
            audit_denied(request, "superuser_only", model=self.model._meta.label_lower)
            raise PermissionDenied
        return super().changeform_view(request, *args, **kwargs)


def run_service_action(modeladmin, request, queryset, call, *, errors=(Exception,), done_message=None) -> int:
    """Call a service once per selected row (each in its own transaction); report errors per row."""
    done = 0
    for obj in queryset:
        try:
            with transaction.atomic():
                call(obj)
            done += 1
        except errors as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
    if done_message is not None:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)
    return done


def reason_action(modeladmin, request, queryset, call, *, question, reason_label, choices=None, **kwargs):
    """An admin action that first asks for a reason (free text, or one of `choices`)."""
    if "apply" in request.POST:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            modeladmin.message_user(request, _("Give a reason."), messages.ERROR)
            return None
        run_service_action(modeladmin, request, queryset, lambda obj: call(obj, reason), **kwargs)
        return None
    return TemplateResponse(
        request,
        "admin/prm/reason_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": question,
            "question": question,
            "reason_label": reason_label,
            "choices": choices,
            "objects": queryset,
            "action": request.POST["action"],
            "opts": modeladmin.model._meta,
        },
    )
