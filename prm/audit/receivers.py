"""Audit rows for what does not go through a service: admin edits, guardian grants and
revocations, sign-ins (and failed ones), password and e-mail changes and MFA changes. Connected in PrmConfig.ready().

Admin deletions are audited by `AuditedAdminMixin.log_deletions` (Django logs them in bulk,
without post_save); CSV exports by the export action itself.
"""

from contextvars import ContextVar

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from guardian.models import GroupObjectPermission, UserObjectPermission

from prm.audit.log import audit
from prm.http.clientip import client_ip
from prm.tenancy import active_membership, partner_model

# The staff user acting in the current request, for receivers that get no request
# (guardian's permission rows). Set by the admin mixin around its views.
current_actor: ContextVar = ContextVar("prm_current_actor", default=None)

ADMIN_ACTIONS = {1: "admin.added", 2: "admin.changed"}


def _log_entry_saved(sender, instance, created, **kwargs):
    action = ADMIN_ACTIONS.get(instance.action_flag)
    if not created or action is None:
        return
    from prm.access.admin_mixins import partner_of

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


def _object_permission_changed(action):
    def receiver(sender, instance, **kwargs):
        if kwargs.get("created") is False:
            return
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

    return receiver


def _ip(request) -> str:
    """The client's address as prm.http.clientip finds it behind the proxy (not the proxy's own)."""
    return client_ip(request) if request is not None else ""


def _logged_in(sender, request, user, **kwargs):
    # The partner is kept on the row: the dashboard counts sign-ins per partner by week.
    membership = active_membership(user)
    partner = membership.partner_id if membership else None
    audit(actor=user, action="auth.login", target=user, partner=partner, ip=_ip(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    audit(actor=None, action="auth.login_failed", identifier=str(identifier)[:254], ip=_ip(request))


def _mfa(action):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        audit(
            actor=current_actor.get() or user,
            action=action,
            target=user,
            kind=getattr(authenticator, "type", ""),
        )

    return receiver


def _account(action):
    """Password and e-mail changes write the user's row (allauth saves it whole): audited,
    which also renews the cached pages that show the person (prm.cache.pagecache)."""

    def receiver(sender, request=None, user=None, **kwargs):
        audit(actor=user, action=action, target=user)

    return receiver


_receivers = []


def connect() -> None:
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="prm.audit.logentry")
    for model in (UserObjectPermission, GroupObjectPermission):
        granted, revoked = (
            _object_permission_changed("guardian.granted"),
            _object_permission_changed("guardian.revoked"),
        )
        _receivers.extend([granted, revoked])  # signals hold weak references
        post_save.connect(granted, sender=model, dispatch_uid=f"prm.audit.grant.{model.__name__}")
        post_delete.connect(revoked, sender=model, dispatch_uid=f"prm.audit.revoke.{model.__name__}")

    for signal, action in (
        (account_signals.password_changed, "account.password_changed"),
        (account_signals.password_set, "account.password_changed"),
        (account_signals.password_reset, "account.password_changed"),
        (account_signals.email_changed, "account.email_changed"),
    ):
        receiver = _account(action)
        _receivers.append(receiver)
        signal.connect(receiver, dispatch_uid=f"prm.audit.{action}.{id(signal)}")
    user_logged_in.connect(_logged_in, dispatch_uid="prm.audit.login")
    user_login_failed.connect(_login_failed, dispatch_uid="prm.audit.login_failed")
    for signal, action in (
        (mfa_signals.authenticator_added, "mfa.added"),
        (mfa_signals.authenticator_removed, "mfa.removed"),
        (mfa_signals.authenticator_reset, "mfa.reset"),
    ):
        receiver = _mfa(action)
        _receivers.append(receiver)
        signal.connect(receiver, dispatch_uid=f"prm.audit.{action}")
