"""Endpoints, the outbox of events, and their deliveries with every attempt."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.text.weburl import WebURLField, web_url_constraint
from prm.webhooks.urls import validate_endpoint_url


class Endpoint(models.Model):
    """Where one person's systems want events: a partner admin's (their partner's events) or
    a channel manager's (the partners they may see)."""

    class Disabled(models.TextChoices):
        OWNER = "owner", _("Paused by its owner")
        FAILING = "failing", _("Disabled after repeated failures")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("registered by")
    )
    partner = models.ForeignKey(
        settings.PRM_PARTNER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    url = WebURLField(_("URL"), max_length=500, validators=[validate_endpoint_url])
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    # Standard Webhooks secrets ("whsec_…"), encrypted with a key derived from SECRET_KEY
    # (prm.webhooks.signing); the previous one keeps signing for a day after a rotation.
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=10, choices=Disabled.choices, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first failure since the last success (cleared by a success).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["partner"]), models.Index(fields=["owner"])]
        constraints = [web_url_constraint("url", name="webhook_endpoint_web_url")]

    def __str__(self):
        return self.url


class Event(models.Model):
    """One event, written in the transaction of the change that caused it (the outbox)."""

    public_id = models.CharField(max_length=40, unique=True, editable=False)
    type = models.CharField(_("event"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    partner_id = models.BigIntegerField(_("partner id"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.public_id} {self.type}"

    def save(self, *args, **kwargs):
        if not self.public_id:
            self.public_id = new_message_id()
        super().save(*args, **kwargs)


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Delivery(models.Model):
    """One event to one endpoint: pending until delivered, or failed once every attempt of
    the back-off schedule has failed (or the owner can redeliver it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # One object's events reach an endpoint in order: a delivery waits while an earlier one
    # with the same key is pending.
    ordering_key = models.CharField(max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)  # a task was queued (the sweep waits)
    sending_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it (a lease)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # The body, built the first time it is sent (the object as the endpoint's owner sees it
    # through the API at that moment) and then kept: every retry sends the same bytes.
    payload = models.JSONField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["endpoint", "ordering_key", "id"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_queue",
            ),
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due"
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"{self.event_id} -> {self.endpoint_id} ({self.status})"


class Attempt(models.Model):
    """One HTTP attempt of a delivery, for the endpoint's delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(_("when"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    manual = models.BooleanField(_("redelivered by hand"), default=False)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
