"""Market development funds (MDF): a fund per partner and period, requests that reserve
money from it, claims after the activity, and the ledger of every movement.

The fund row carries the running figures (allocated, reserved, committed, paid) and a
database constraint keeps `reserved + committed + paid <= allocated`: whatever the code
does, no write can spend more than the fund holds. Services lock the fund row
(`select_for_update`) before they read the balance, so two approvals at once queue up and
the second sees what the first reserved. Every change of a figure is one `LedgerEntry`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet

YEN = {"max_digits": 14, "decimal_places": 0}


class FundQuerySet(PartnerScopedQuerySet):
    def covering(self, day):
        return self.filter(period_start__lte=day, period_end__gte=day)


class Fund(models.Model):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    tier = models.ForeignKey(
        "incentives.Tier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tier at allocation"),
    )
    allocated = models.DecimalField(_("allocated (JPY)"), default=Decimal(0), **YEN)
    reserved = models.DecimalField(_("reserved for approved requests (JPY)"), default=Decimal(0), **YEN)
    committed = models.DecimalField(_("approved claims to pay (JPY)"), default=Decimal(0), **YEN)
    paid = models.DecimalField(_("paid (JPY)"), default=Decimal(0), **YEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "partner_id"]
        verbose_name = _("market development fund")
        verbose_name_plural = _("market development funds")
        indexes = [models.Index(fields=["period_start", "period_end"])]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period_start"], name="fund_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="fund_period_dates"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0, reserved__gte=0, committed__gte=0, paid__gte=0),
                name="fund_figures_not_negative",
            ),
            # The ledger cannot overspend: what is reserved, approved and paid fits the fund.
            models.CheckConstraint(
                condition=Q(allocated__gte=F("reserved") + F("committed") + F("paid")),
                name="fund_never_overspent",
            ),
        ]

    def __str__(self):
        return f"{self.partner} {self.period_start:%Y-%m}"

    @property
    def available(self) -> Decimal:
        return self.allocated - self.reserved - self.committed - self.paid

    @property
    def spent(self) -> Decimal:
        return self.committed + self.paid


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    WEB_CAMPAIGN = "web_campaign", _("Web campaign")
    COBRANDED_CONTENT = "cobranded_content", _("Co-branded content")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class Reviewed(models.Model):
    """What requests and claims share: who sent it and when, the decision target in business
    days, and the decision (who, when, the comment to the partner)."""

    decision_comment = models.TextField(_("comment"), blank=True)
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RequestQuerySet(PartnerScopedQuerySet):
    def pending(self):
        return self.filter(status=FundRequest.Status.SUBMITTED)


class FundRequest(Reviewed):
    """A partner's request for MDF money for one activity."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired (no claim)")
        CLAIMED = "claimed", _("Claim settled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests", verbose_name=_("fund"))
    title = models.CharField(_("title"), max_length=150)
    activity_type = models.CharField(_("activity type"), max_length=20, choices=ActivityType.choices)
    description = models.TextField(_("description"))
    starts_on = models.DateField(_("activity starts"))
    ends_on = models.DateField(_("activity ends"))
    expected_leads = models.PositiveIntegerField(_("expected leads"), default=0)
    expected_attendees = models.PositiveIntegerField(_("expected attendees"), default=0)
    expected_pipeline = models.DecimalField(_("expected pipeline (JPY)"), default=Decimal(0), **YEN)
    requested_amount = models.DecimalField(_("requested amount (JPY)"), **YEN)
    campaign = models.ForeignKey(
        "promotion.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
        help_text=_("Deals registered against this campaign are attributed to the activity."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # What the manager approved: the amount reserved in the fund until the claim settles it.
    approved_amount = models.DecimalField(_("approved amount (JPY)"), null=True, blank=True, **YEN)
    claim_due_on = models.DateField(_("claim due"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("MDF request")
        verbose_name_plural = _("MDF requests")
        indexes = [
            models.Index(fields=["status", "decision_due_on"]),
            models.Index(fields=["partner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="fundrequest_dates"),
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0, expected_pipeline__gte=0), name="fundrequest_amounts"
            ),
            # Approved money exists exactly for approved (and later) requests, within the request.
            models.CheckConstraint(
                condition=Q(
                    approved_amount__isnull=True,
                    status__in=["submitted", "returned", "rejected", "withdrawn"],
                )
                | Q(
                    approved_amount__gt=0,
                    approved_amount__lte=F("requested_amount"),
                    status__in=["approved", "expired", "claimed", "withdrawn"],
                ),
                name="fundrequest_approved_amount",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED)

    def can_edit(self) -> bool:
        return self.status == self.Status.RETURNED

    def can_claim(self) -> bool:
        return self.status == self.Status.APPROVED and not hasattr(self, "claim")

    def can_withdraw(self) -> bool:
        """Awaiting a decision, returned, or approved with no claim sent yet."""
        return self.is_open or self.can_claim()


def claim_upload_to(instance, filename):
    # The stored name is ours (the partner's name is kept apart in `name`).
    return f"funds/claims/{instance.claim.partner_id}/{instance.claim_id}/{instance.token}{instance.ext}"


class ClaimQuerySet(PartnerScopedQuerySet):
    def payable(self):
        return self.filter(status=Claim.Status.APPROVED, approved_amount__gt=0, paid_on__isnull=True)


class Claim(Reviewed):
    """What the activity cost and achieved, with receipts and proof of performance."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.OneToOneField(
        FundRequest, on_delete=models.PROTECT, related_name="claim", verbose_name=_("request")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    actual_cost = models.DecimalField(_("actual cost (JPY, excluding tax)"), **YEN)
    leads = models.PositiveIntegerField(_("leads"), default=0)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    results = models.TextField(_("results of the activity"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # Whole yen, excluding consumption tax (the payout statement adds the tax).
    approved_amount = models.DecimalField(_("approved amount (JPY)"), null=True, blank=True, **YEN)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("MDF claim")
        verbose_name_plural = _("MDF claims")
        indexes = [
            models.Index(fields=["status", "decision_due_on"]),
            models.Index(
                fields=["approved_at"],
                include=["partner", "approved_amount"],
                condition=Q(status="approved", paid_on__isnull=True),
                name="claim_payable",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(actual_cost__gte=0), name="claim_actual_cost_not_negative"),
            # Money is counted only after review: an approved claim has its amount and time.
            models.CheckConstraint(
                condition=Q(status="approved", approved_amount__gte=0, approved_at__isnull=False)
                | Q(~Q(status="approved"), approved_amount__isnull=True, paid_on__isnull=True),
                name="claim_approved_amount",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(approved_amount__gt=0), name="claim_paid_is_approved"
            ),
        ]

    def __str__(self):
        return str(self.request)

    @property
    def description(self) -> str:
        """How a payout statement names the claim: the request's title and activity type."""
        return f"{self.request.title} ({self.request.get_activity_type_display()})"

    def can_edit(self) -> bool:
        return self.status == self.Status.RETURNED


class ClaimFile(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt or invoice")
        PROOF = "proof", _("Proof of performance")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="files", verbose_name=_("claim"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=claim_upload_to, storage=private_storage, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    token = models.CharField(max_length=32, editable=False)
    ext = models.CharField(max_length=10, editable=False)
    content_type = models.CharField(max_length=120, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]
        verbose_name = _("claim file")
        verbose_name_plural = _("claim files")

    def __str__(self):
        return self.name


class LedgerEntry(models.Model):
    """One movement of a fund's money, in the order it happened. `amount` is positive except
    for an adjustment, which may take allocated money back."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")
        ADJUSTMENT = "adjustment", _("Adjustment")
        RESERVATION = "reservation", _("Reserved on approval")
        RELEASE = "release", _("Released")
        CLAIM_APPROVED = "claim_approved", _("Claim approved")
        PAYMENT = "payment", _("Paid")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    kind = models.CharField(_("movement"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (JPY)"), **YEN)
    request = models.ForeignKey(
        FundRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("request"),
    )
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("claim"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    booked_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="adjustment", reason__gt="") & ~Q(amount=0))
                | Q(~Q(kind="adjustment"), amount__gt=0),
                name="ledger_amount_and_reason",
            ),
            models.UniqueConstraint(
                fields=["fund"], condition=Q(kind="allocation"), name="ledger_one_allocation"
            ),
            # A claim is paid once, however often the payout is retried.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(kind="payment"), name="ledger_claim_paid_once"
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(kind="reservation"), name="ledger_request_reserved_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
