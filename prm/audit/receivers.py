"""Audit rows for what does not go through a service: admin edits, guardian grants and
revocations, sign-ins (and failed ones), password and e-mail changes and MFA changes.
Connected by importing this module in PrmConfig.ready().

Admin deletions are audited by `AuditedAdminMixin.log_deletions` (Django logs them in bulk,
without post_save); CSV exports by the export action itself.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from prm.access.admin_mixins import partner_of
from prm.audit.log import audit, current_actor
from prm.http.clientip import client_ip
from prm.tenancy import active_membership, partner_model

ADMIN_ACTIONS = {1: "admin.added", 2: "admin.changed"}
# (signal, action) pairs: allauth's account and MFA signals, each audited as its action.
ACCOUNT_ACTIONS = (
    (account_signals.password_changed, "account.password_changed"),
    (account_signals.password_set, "account.password_changed"),
    (account_signals.password_reset, "account.password_changed"),
    (account_signals.email_changed, "account.email_changed"),
)
MFA_ACTIONS = (
    (mfa_signals.authenticator_added, "mfa.added"),
    (mfa_signals.authenticator_removed, "mfa.removed"),
    (mfa_signals.authenticator_reset, "mfa.reset"),
)


@receiver(post_save, sender=LogEntry, dispatch_uid="prm.audit.logentry")
def _log_entry_saved(sender, instance, created, **kwargs):
    action = ADMIN_ACTIONS.get(instance.action_flag)
    if not created or action is None:
        return
    target = None
    try:
        target = instance.get_edited_object()
    except Exception:
        target = None
    audit(
        actor=instance.user,
        action=action,
        target=target,
        partner=partner_of(target),  # also the cache scope the edit bumps (prm.cache.pagecache)
        model=f"{instance.content_type.app_label}.{instance.content_type.model}",
        object_id=instance.object_id,
        object_repr=instance.object_repr,
        change=instance.get_change_message(),
    )


def _object_permission_partner(instance):
    Partner = partner_model()

    ct = instance.content_type
    if (ct.app_label, ct.model) == ("partners", "partner"):
        return int(instance.object_pk)
    model = ct.model_class()
    if model is not None and any(f.name == "partner" for f in model._meta.fields):
        partner_id = model.objects.filter(pk=instance.object_pk).values_list("partner_id", flat=True).first()
        return partner_id if Partner.objects.filter(pk=partner_id).exists() else None
    return None


def _object_permission_changed(action, instance):
    holder = getattr(instance, "user", None) or getattr(instance, "group", None)
    audit(
        actor=current_actor.get(),
        action=action,
        target=holder,
        partner=_object_permission_partner(instance),
        permission=instance.permission.codename,
        object_type=f"{instance.content_type.app_label}.{instance.content_type.model}",
        object_pk=instance.object_pk,
        holder=str(holder),
    )


@receiver(post_save, sender=UserObjectPermission, dispatch_uid="prm.audit.grant.UserObjectPermission")
@receiver(post_save, sender=GroupObjectPermission, dispatch_uid="prm.audit.grant.GroupObjectPermission")
def object_permission_granted(sender, instance, created, **kwargs):
    if created:
        _object_permission_changed("guardian.granted", instance)


@receiver(post_delete, sender=UserObjectPermission, dispatch_uid="prm.audit.revoke.UserObjectPermission")
@receiver(post_delete, sender=GroupObjectPermission, dispatch_uid="prm.audit.revoke.GroupObjectPermission")
def object_permission_revoked(sender, instance, **kwargs):
    _object_permission_changed("guardian.revoked", instance)


def _ip(request) -> str:
    """The client's address as prm.http.clientip finds it behind the proxy (not the proxy's own)."""
    return client_ip(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="prm.audit.login")
def _logged_in(sender, request, user, **kwargs):
    # The partner is kept on the row: the dashboard counts sign-ins per partner by week.
    membership = active_membership(user)
    partner = membership.partner_id if membership else None
    audit(actor=user, action="auth.login", target=user, partner=partner, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="prm.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    audit(actor=None, action="auth.login_failed", identifier=str(identifier)[:254], ip=_ip(request))


@receiver([s for s, _action in MFA_ACTIONS], dispatch_uid="prm.audit.mfa")
def _mfa_changed(sender, signal, request=None, user=None, authenticator=None, **kwargs):
    audit(
        actor=current_actor.get() or user,
        action=dict(MFA_ACTIONS)[signal],
        target=user,
        kind=getattr(authenticator, "type", ""),
    )


@receiver([s for s, _action in ACCOUNT_ACTIONS], dispatch_uid="prm.audit.account")
def _account_changed(sender, signal, request=None, user=None, **kwargs):
    """Password and e-mail changes write the user's row (allauth saves it whole): audited,
    which also renews the cached pages that show the person (prm.cache.pagecache)."""
    audit(actor=user, action=dict(ACCOUNT_ACTIONS)[signal], target=user)
