import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.access.scoping import sees_every_partner
from prm.files.storage import PrivateFileSystemStorage, private_storage
from prm.models import PartnerScopedQuerySet
from prm.tenancy import partners_for_staff


class Category(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    TRAINING = "training", _("Training")
    DEALS = "deals", _("Deals")
    INCENTIVES = "incentives", _("Incentives")
    CONTENT = "content", _("Content")
    TECHNICAL = "technical", _("Technical")
    OTHER = "other", _("Other")


# The first migration names this class; attachments now use the portal's private storage.
PrivateStorage = PrivateFileSystemStorage


class ThreadQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def for_staff(self, user):
        if not (user.is_authenticated and user.is_staff):
            return self.none()
        if user.is_superuser or user.is_support:
            return self
        visible = partners_for_staff(user)
        if sees_every_partner(visible):  # a manager with the global permission: no sub-query
            return self
        return self.filter(partner__in=visible.values("pk"))

    def past_target(self, now=None):
        """Threads that missed (or are missing) the first-response target."""
        now = now or timezone.now()
        return self.filter(
            models.Q(first_response_at__gt=models.F("response_due_at"))
            | models.Q(first_response_at__isnull=True, response_due_at__lt=now)
        )


class Thread(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        AWAITING_PARTNER = "awaiting_partner", _("Awaiting partner")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="threads", verbose_name=_("partner")
    )
    subject = models.CharField(_("subject"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="threads_started",
        verbose_name=_("asked by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads_assigned",
        verbose_name=_("assignee"),
    )
    # What the question is about (an onboarding task, a deal, an asset): see threads.about.
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    response_due_at = models.DateTimeField(_("response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The latest message partners can see, for unread counts and sorting.
    last_public_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_public_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_public_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["partner", "status", "-last_public_at"], name="thread_partner_status"),
            models.Index(fields=["status", "-last_public_at"], name="thread_status_activity"),
            models.Index(fields=["assignee", "status"], name="thread_assignee_status"),
            models.Index(fields=["created_at"], name="thread_created"),
            # The staff inbox's order (all statuses): its first page without sorting every thread.
            models.Index(fields=["-last_public_at", "-id"], name="thread_activity"),
            # The cached question metrics' expiry: the next unanswered question due (a handful).
            models.Index(
                fields=["response_due_at"],
                condition=models.Q(first_response_at__isnull=True),
                name="thread_awaiting_response",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(about_type__isnull=True, about_id__isnull=True)
                | models.Q(about_type__isnull=False, about_id__isnull=False),
                name="thread_about_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="thread_closed_has_date",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        if self.first_response_at:
            return self.first_response_at > self.response_due_at
        return self.response_due_at < timezone.now()


class MessageQuerySet(models.QuerySet):
    def public(self):
        return self.filter(kind=Message.Kind.PUBLIC)


class Message(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("message", "author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    by_staff = models.BooleanField(_("written by staff"), default=False)
    body = models.TextField(_("message (Markdown)"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    knowledge_asset_id = models.PositiveBigIntegerField(_("knowledge article"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_thread_created"),
            models.Index(fields=["author", "by_staff", "created_at"], name="message_author_staff"),
        ]
        constraints = [
            # Partners write public messages only; an internal note is always staff's.
            models.CheckConstraint(
                condition=models.Q(kind="public") | models.Q(by_staff=True), name="message_internal_is_staff"
            ),
        ]

    def __str__(self):
        return f"{self.thread} #{self.pk}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL


def attachment_path(instance, filename):
    ext = Path(filename).suffix.lower()
    return f"threads/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class ReadMarker(models.Model):
    """When a user last read a thread; unread = public activity by someone else since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="readmarker_unique")]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} at {self.read_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One e-mail per message and recipient: the unique row makes a repeated task a no-op."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["message", "recipient"], name="notification_unique")]

    def __str__(self):
        return f"{self.message_id} -> {self.recipient_id}"
