import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.audit.labels import action_label
from prm.files.storage import private_storage
from prm.notifications.kinds import KINDS, render_text
from prm.text.weburl import WebURLField, web_url_constraint


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: partner users and vendor staff alike. E-mail is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Vendor staff: may use the admin site and staff pages."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def public_name(self) -> str:
        """What a public page (a certificate) may show: the display name, else initials made
        from the address ("taro.yamada@..." -> "T. Y."), never the address itself."""
        if self.display_name.strip():
            return self.display_name.strip()
        local = self.email.split("@")[0]
        parts = [p for p in re.split(r"[._+\-\d]+", local) if p][:3]
        return " ".join(f"{p[0].upper()}." for p in parts) or "—"

    def in_group(self, name: str) -> bool:
        # The names read once per user object (a request's user: every staff check shares it).
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            return any(g.name == name for g in self.groups.all())
        names = self.__dict__.get("_group_names")
        if names is None:
            names = self.__dict__["_group_names"] = frozenset(self.groups.values_list("name", flat=True))
        return name in names

    @property
    def is_channel_manager(self) -> bool:
        return self.is_active and self.is_staff and (self.is_superuser or self.in_group(CHANNEL_MANAGERS))

    @property
    def is_support(self) -> bool:
        return self.is_active and self.is_staff and self.in_group(SUPPORT)


CHANNEL_MANAGERS = "Channel managers"
SUPPORT = "Support"


class AuditEvent(models.Model):
    """Who did what to which object, when. Written by services, read by staff."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    partner_id = models.BigIntegerField(_("partner id"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # Sign-ins by week on the dashboard.
            models.Index(
                fields=["action", "created_at"], include=["partner_id"], name="auditevent_action_time"
            ),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class Heartbeat(models.Model):
    """Last time a periodic task ran: proves beat and a worker are alive (shown by /healthz)."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class PartnerScopedQuerySet(models.QuerySet):
    """The `for_partner()` convention (docs/architecture.md section 3) for partner-owned rows.

    Subclasses name the path from the row to its partner when it is not a direct
    `partner` foreign key, e.g. `partner_lookup = "plan__partner"`.
    """

    partner_lookup = "partner"

    def for_partner(self, partner):
        return self.filter(**{self.partner_lookup: partner})


class Notification(models.Model):
    """One thing a person should hear about (DESIGN: one model, one service in prm).

    The text is rendered at display time from `kind` and `params` (prm.notifications.kinds.KINDS),
    so a notification reads in whatever language its recipient uses now. The unique
    (recipient, kind, event_key) row is the idempotency claim: a retried task that
    notifies about the same event again inserts nothing and sends nothing.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    event_key = models.CharField(max_length=120)
    partner_id = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    url = WebURLField(max_length=500, blank=True, relative=True)
    created_at = models.DateTimeField(default=timezone.now)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest_due = models.BooleanField(default=False)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "event_key"], name="prm_notification_once"),
            web_url_constraint("url", name="prm_notification_url_web_url", relative=True),
        ]
        indexes = [
            # The bell: one index-only count per page.
            models.Index(
                fields=["recipient"],
                condition=models.Q(in_app=True, read_at=None),
                name="prm_notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="prm_notification_list"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(digest_due=True, digested_at=None),
                name="prm_notification_digest",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.kind} {self.event_key} -> {self.recipient_id}"

    @property
    def text(self) -> str:
        return render_text(self.kind, self.params)

    @property
    def kind_label(self):
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind


class NotificationPreference(models.Model):
    """How one person wants one kind of notification delivered (default: BOTH)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the portal only")
        EMAIL = "email", _("E-mail only")
        BOTH = "both", _("In the portal and by e-mail")
        DIGEST = "digest", _("In the portal and in a daily summary e-mail")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="prm_notification_pref_once")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.channel}"


class ClosureDay(models.Model):
    """Days the company is closed besides weekends and national holidays (New Year break,
    summer break): business-day arithmetic skips them (prm.i18n.business_days)."""

    name = models.CharField(_("name"), max_length=100)
    first_day = models.DateField(_("first day"), unique=True)
    last_day = models.DateField(_("last day"), help_text=_("The same as the first day for a single day."))

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="closure_days_ordered"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d})"


class ExportJob(models.Model):
    """A CSV export too large to stream in one request: a worker writes it to the private
    storage, the person who asked sees its progress and gets an e-mail with the link
    (prm.exports.jobs). Only that person can see it; files are deleted after a week."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    # The export's own address: the worker asks the same view, with the same checks.
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True, max_length=300)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["created_at"], name="prm_exportjob_created")]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_written * 100 // self.total) if self.total else 0
