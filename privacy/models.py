"""Personal data held for partners' customers (APPI, 個人情報保護法).

- `ProvisionRecord`: the record of a third-party provision (第三者提供の記録, APPI arts. 29
  and 30): each time a partner hands the vendor a named person's data (a deal registration,
  a changed contact; leads later), who provided whose data to whom, when, which items, on
  what basis and how the partner obtained it. A snapshot, so that it stays readable for its
  retention period after the deal, the partner or the person's data is gone.
- `PartnerLegalIdentity`: the provider's name, address and representative as the vendor
  confirmed them (art. 30(1)); copied into each record.
- `DataRequest`: a request from the person concerned (開示等請求: disclosure, correction,
  cessation of use, deletion, ...), with its deadline in Japanese business days.
- `PartnerExport`: everything the portal holds about one partner, as a ZIP of CSV files in
  private storage (offboarding).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet

# What a provision may contain: the item codes a record lists (labels for pages and CSV).
ITEMS = {
    "name": _("name"),
    "company": _("company"),
    "email": _("e-mail address"),
    "phone": _("phone number"),
}


class ProvisionRecordQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class ProvisionRecord(models.Model):
    class Source(models.TextChoices):
        DEAL_REGISTRATION = "deal_registration", _("Deal registration")
        DEAL_CONTACT_CHANGE = "deal_contact_change", _("Deal contact changed")
        LEAD_REGISTRATION = "lead_registration", _("Lead registration")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("The person's consent")
        JOINT_USE = "joint_use", _("Joint use announced to the person")

    class Acquisition(models.TextChoices):
        MEETING = "meeting", _("Business meeting or exchange of business cards")
        INQUIRY = "inquiry", _("The customer contacted the partner")
        EXISTING = "existing", _("Existing business relationship")
        EVENT = "event", _("Event or seminar")
        OTHER = "other", _("Other")

    provided_at = models.DateTimeField(_("provided"), default=timezone.now)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    # What carried the data (a deal today, a lead later): a generic pointer, kept as text so
    # that the record outlives it.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_id = models.CharField(max_length=40, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    # Provider (the partner) as confirmed, and the person who entered the data.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("partner"),
    )
    provider_name = models.CharField(_("provider"), max_length=200)
    provider_address = models.CharField(_("provider's address"), max_length=300, blank=True)
    provider_representative = models.CharField(_("provider's representative"), max_length=150, blank=True)
    provided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provided_by_name = models.CharField(_("entered by"), max_length=254, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    # The person the data is about.
    subject_name = models.CharField(_("person"), max_length=120)
    subject_company = models.CharField(_("person's company"), max_length=200, blank=True)
    items = models.JSONField(_("items provided"), default=list)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    acquisition = models.CharField(
        _("how the partner obtained it"), max_length=20, choices=Acquisition.choices
    )
    acquisition_note = models.CharField(_("note on how it was obtained"), max_length=300, blank=True)
    retain_until = models.DateField(_("kept until"))

    objects = ProvisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-provided_at", "-id"]
        verbose_name = _("third-party provision record")
        verbose_name_plural = _("third-party provision records")
        indexes = [
            models.Index(fields=["partner", "-provided_at"], name="provision_partner_recent"),
            models.Index(fields=["retain_until"], name="provision_retain_until"),
            models.Index(fields=["source_type", "source_id"], name="provision_source"),
        ]

    def __str__(self):
        return (
            f"{self.provider_name} → {self.recipient_name}: {self.subject_name} ({self.provided_at:%Y-%m-%d})"
        )

    def item_labels(self) -> list[str]:
        return [str(ITEMS.get(code, code)) for code in self.items]


class PartnerLegalIdentityQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class PartnerLegalIdentity(models.Model):
    """The provider as the vendor confirmed it before receiving personal data (APPI art.
    30(1)(i)): once per partner, from the partner agreement; every provision record copies it."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="legal_identity", verbose_name=_("partner")
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    address = models.CharField(_("registered address"), max_length=300)
    representative = models.CharField(_("representative"), max_length=150)
    confirmed_on = models.DateField(_("confirmed on"), default=timezone.localdate)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    objects = PartnerLegalIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner's legal identity")
        verbose_name_plural = _("partners' legal identities")

    def __str__(self):
        return self.legal_name


class DataRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=DataRequest.OPEN_STATUSES)


class DataRequest(models.Model):
    """A request from the person the data is about, or their agent (開示等請求, APPI arts.
    33-35): handled by staff within `due_on` (business days from receipt, a target the
    vendor sets; the Act itself asks for a response without delay)."""

    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure", _("Disclosure of the data held")
        PROVISION_RECORDS = "provision_records", _("Disclosure of third-party provision records")
        CORRECTION = "correction", _("Correction, addition or deletion of content")
        CESSATION = "cessation", _("Cessation of use")
        DELETION = "deletion", _("Deletion")
        STOP_PROVISION = "stop_provision", _("Cessation of third-party provision")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFYING = "verifying", _("Verifying identity")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined (reason given)")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.RECEIVED, Status.VERIFYING, Status.IN_PROGRESS)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("respond by"))
    requester_name = models.CharField(_("requester"), max_length=120)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=40, blank=True)
    by_agent = models.BooleanField(_("made by an agent"), default=False)
    subject_name = models.CharField(_("person concerned"), max_length=120)
    subject_email = models.EmailField(_("person's e-mail"), blank=True)
    subject_company = models.CharField(_("person's company"), max_length=200, blank=True)
    details = models.TextField(_("what is asked"))
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("partner concerned"),
        help_text=_("The partner through which the data came, if known."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    identity_verified_on = models.DateField(_("identity verified on"), null=True, blank=True)
    identity_method = models.CharField(_("how the identity was verified"), max_length=200, blank=True)
    response = models.TextField(_("response to the person"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("request from a person concerned")
        verbose_name_plural = _("requests from people concerned")
        indexes = [models.Index(fields=["status", "due_on"], name="datarequest_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")), name="datarequest_due"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["completed", "declined", "withdrawn"])
                | models.Q(closed_at__isnull=False),
                name="datarequest_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class DataRequestReminder(models.Model):
    """One reminder per request, kind and date: a repeated beat run sends nothing twice."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # "due_soon" | "overdue"
    sent_for = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request reminder")
        verbose_name_plural = _("request reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "sent_for"], name="datarequest_reminder_once")
        ]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.sent_for}"


class PartnerExportQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class PartnerExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to="privacy/exports/", storage=private_storage, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)

    objects = PartnerExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner data export")
        verbose_name_plural = _("partner data exports")
        indexes = [models.Index(fields=["status", "expires_at"], name="partnerexport_expiry")]

    def __str__(self):
        return f"{self.partner} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
