"""Personal API tokens and the idempotency keys of API creates."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(revoked_at=None, expires_at__gt=now or timezone.now())

    def for_partner(self, partner):
        return self.filter(partner=partner)


class ApiToken(models.Model):
    """A personal token: every request made with it acts as `user`, with the user's own
    tenancy and staff scoping, narrowed by `scopes`. Only a SHA-256 of the secret is kept;
    the secret itself is shown once, when the token is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    # The partner the token was issued at (None for staff): partner admins list and revoke
    # their partner's tokens by it.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “CRM sync”."))
    key_prefix = models.CharField(_("token starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    # Token use is audited once per token and hour (api.auth_audit): this is the claim.
    audited_until = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["partner", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def state_label(self) -> str:
        if self.is_revoked:
            return str(_("Revoked"))
        if self.is_expired:
            return str(_("Expired"))
        return str(_("Active"))


class IdempotencyKey(models.Model):
    """The response to a create made with an `Idempotency-Key` header, kept for a day: the
    same key with the same request replays it (a retried POST never creates twice)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
