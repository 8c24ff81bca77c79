from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    def in_group(self, name: str) -> bool:
        return any(g.name == name for g in self.groups.all())

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

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    partner_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


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
    """The `for_partner()` convention (DESIGN.md section 3) for partner-owned rows.

    Subclasses name the path from the row to its partner when it is not a direct
    `partner` foreign key, e.g. `partner_lookup = "plan__partner"`.
    """

    partner_lookup = "partner"

    def for_partner(self, partner):
        return self.filter(**{self.partner_lookup: partner})


class ClosureDay(models.Model):
    """Days the company is closed besides weekends and national holidays (New Year break,
    summer break): business-day arithmetic skips them (prm.business_days)."""

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
