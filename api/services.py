"""Writes of the api app: API tokens (issue, revoke, record their use) and idempotent
creates. Keyword-only, transactional, audited."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api import scopes as scope_defs
from api.models import ApiToken
from prm.audit.log import audit
from prm.models import User
from prm.tenancy import active_membership

TOKEN_PREFIX = "prm_"  # noqa: S105 - the public prefix of every token, not a secret
LIFETIMES = (30, 90, 180, 365)  # days a token may live; the form offers these
USE_WRITE_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often
USE_AUDIT_EVERY = timedelta(hours=1)  # one "token used" audit row per token and hour


class TokenError(Exception):
    """A token request the rules do not allow (message is translated)."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def audience_of(user) -> str | None:
    """Whose side of the API a user's tokens work on: "partner" (an active membership at a
    partner in the portal), "vendor" (channel managers and superusers) or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.is_staff:
        return "vendor" if user.is_channel_manager else None
    return "partner" if active_membership(user) is not None else None


def issue_targets(actor):
    """Whom `actor` may issue a token for: a partner admin, any active member of their
    partner (a token acting as a member can do less than the admin); staff, themselves."""
    if audience_of(actor) == "vendor":
        return User.objects.filter(pk=actor.pk)
    membership = active_membership(actor)
    if membership is None or not membership.is_admin:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, membership__partner=membership.partner, membership__is_active=True
    ).order_by("email")


def tokens_visible_to(user):
    """Tokens a person sees on their token page: a partner admin, every token of their
    partner; anyone else, their own."""
    membership = active_membership(user)
    if membership is not None and membership.is_admin:
        return ApiToken.objects.for_partner(membership.partner)
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def token_create(*, actor, user, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token acting as `user`; returns it with its secret (shown once, never stored)."""
    if not issue_targets(actor).filter(pk=user.pk).exists():
        raise TokenError(_("You cannot create a token for this person."))
    audience = audience_of(user)
    allowed = set(scope_defs.all_scopes(audience)) if audience else set()
    if not scopes or not set(scopes) <= allowed:
        raise TokenError(_("Choose at least one of the scopes offered."))
    if days not in LIFETIMES:
        raise TokenError(_("Choose one of the lifetimes offered."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    membership = active_membership(user) if audience == "partner" else None
    token = ApiToken.objects.create(
        user=user,
        partner=membership.partner if membership else None,
        name=name.strip()[:100],
        key_prefix=raw[:12],
        key_hash=token_hash(raw),
        scopes=sorted(scopes),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit(
        actor=actor,
        action="api.token_created",
        target=token,
        partner=token.partner_id,
        acts_as=user.pk,
        scopes=token.scopes,
        expires_at=token.expires_at.isoformat(),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise TokenError(_("This token has already been revoked."))
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit(actor=actor, action="api.token_revoked", target=token, partner=token.partner_id)
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token with this secret (its user joined), or None. One indexed query."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return ApiToken.objects.usable().select_related("user").filter(key_hash=token_hash(raw)).first()


def token_used(token: ApiToken, *, ip: str | None, user_agent: str, path: str) -> None:
    """Record a request made with `token`, cheaply: `last_used_at` at most once a minute,
    and an `api.token_used` audit row at most once an hour (IP, client, first path).

    Writes made through the API are audited in full by the services they call (with the
    token in the row, prm.audit.log's `via`); reads are summarised here, because one audit
    row per read would make the log (and every sync run) grow with each page fetched."""
    now = timezone.now()
    due_audit = token.audited_until is None or token.audited_until <= now
    due_write = token.last_used_at is None or now - token.last_used_at >= USE_WRITE_EVERY
    if not (due_audit or due_write):
        return
    values = {"last_used_at": now, "last_used_ip": ip}
    if not due_audit:
        ApiToken.objects.filter(pk=token.pk).update(**values)
        return
    claimed = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(audited_until=None) | Q(audited_until__lte=now))
        .update(audited_until=now + USE_AUDIT_EVERY, **values)
    )
    if claimed:
        audit(
            actor=token.user,
            action="api.token_used",
            target=token,
            partner=token.partner_id,
            ip=ip,
            user_agent=user_agent[:200],
            path=path[:200],
        )
