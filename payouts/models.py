"""Payouts: what the vendor pays each partner, as a Japanese finance team books it.

- `PayeeProfile`: the partner's legal name, qualified-invoice registration number (or none)
  and bank account, written by the partner's admins and reviewed by finance before money
  goes to it.
- `Payout`: one partner's payment statement for a month (支払通知書): lines from approved
  incentive statements and approved MDF claims, consumption tax once per rate, reviewed by
  finance (draft -> approved), sent in a transfer file, then paid.
- `PayoutLine`: one earning or one claim; each source row is on at most one statement.
- `TransferBatch`: a 全銀 総合振込 file for approved statements, kept byte for byte.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payouts.invoice import validate_registration_number
from payouts.zengin import validate_zengin_text
from prm.models import PartnerScopedQuerySet

digits = {n: RegexValidator(rf"^\d{{{n}}}$", _("Enter %(n)s digits.") % {"n": n}) for n in (3, 4, 7)}


class PayeeProfile(models.Model):
    class AccountType(models.TextChoices):
        ORDINARY = "1", _("Ordinary (futsū)")
        CURRENT = "2", _("Current (tōza)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="payee_profile", verbose_name=_("partner")
    )
    legal_name = models.CharField(
        _("legal name"), max_length=200, help_text=_("As registered, e.g. 株式会社サンプル.")
    )
    registration_number = models.CharField(
        _("invoice registration number"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
        help_text=_("T followed by 13 digits. Leave empty if you are not a registered invoice issuer."),
    )
    bank_code = models.CharField(_("bank code"), max_length=4, validators=[digits[4]])
    bank_name_kana = models.CharField(
        _("bank name (half-width katakana)"), max_length=15, blank=True, validators=[validate_zengin_text]
    )
    branch_code = models.CharField(_("branch code"), max_length=3, validators=[digits[3]])
    branch_name_kana = models.CharField(
        _("branch name (half-width katakana)"), max_length=15, blank=True, validators=[validate_zengin_text]
    )
    account_type = models.CharField(
        _("account type"), max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField(_("account number"), max_length=7, validators=[digits[7]])
    account_holder_kana = models.CharField(
        _("account holder (half-width katakana)"), max_length=30, validators=[validate_zengin_text]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payee profile")
        verbose_name_plural = _("payee profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_number="") | Q(registration_number__regex=r"^T[0-9]{13}$"),
                name="payee_registration_number_shape",
            ),
            models.CheckConstraint(
                condition=Q(bank_code__regex=r"^[0-9]{4}$")
                & Q(branch_code__regex=r"^[0-9]{3}$")
                & Q(account_number__regex=r"^[0-9]{7}$"),
                name="payee_bank_digits",
            ),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def registered(self) -> bool:
        return bool(self.registration_number)

    @property
    def account_number_masked(self) -> str:
        return "****" + self.account_number[-3:]


class TransferBatch(models.Model):
    """One 全銀 総合振込 file: the bytes handed to the bank, kept as they were."""

    transfer_date = models.DateField(_("transfer date"))
    content = models.BinaryField(_("file"), editable=False)
    count = models.PositiveIntegerField(_("transfers"))
    total = models.DecimalField(_("total (JPY)"), max_digits=16, decimal_places=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transfer file")
        verbose_name_plural = _("transfer files")
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="transferbatch_total_nonnegative")
        ]

    def __str__(self):
        return f"{self.transfer_date:%Y-%m-%d} #{self.pk}"

    @property
    def filename(self) -> str:
        return f"zengin-{self.transfer_date:%Y%m%d}-{self.pk}.txt"


class Payout(models.Model):
    """A partner's payment statement for one month: draft -> approved -> paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Under review")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("partner")
    )
    period = models.DateField(_("period (first day of month)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Per rate, tax-exclusive totals and their tax (computed once per statement and rate).
    net_standard = models.DecimalField(_("Items at 10% (JPY)"), max_digits=16, decimal_places=0, default=0)
    tax_standard = models.DecimalField(_("tax at 10% (JPY)"), max_digits=16, decimal_places=0, default=0)
    net_reduced = models.DecimalField(_("Items at 8% (JPY)"), max_digits=16, decimal_places=0, default=0)
    tax_reduced = models.DecimalField(_("tax at 8% (JPY)"), max_digits=16, decimal_places=0, default=0)
    total = models.DecimalField(_("amount paid (JPY)"), max_digits=16, decimal_places=0, default=0)
    # What the statement was issued with (the profile may change afterwards).
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    registration_number = models.CharField(_("invoice registration number"), max_length=14, blank=True)
    deductible_percent = models.PositiveSmallIntegerField(_("deductible share of the tax (%)"), default=100)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        TransferBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("transfer file"),
    )
    paid_on = models.DateField(_("transferred on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "partner__name"]
        verbose_name = _("payment statement")
        verbose_name_plural = _("payment statements")
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="payout_one_per_partner_period"),
            models.CheckConstraint(condition=Q(period__day=1), name="payout_period_first_of_month"),
            models.CheckConstraint(
                condition=Q(net_standard__gte=0, tax_standard__gte=0, net_reduced__gte=0, tax_reduced__gte=0),
                name="payout_amounts_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(
                    total=models.F("net_standard")
                    + models.F("tax_standard")
                    + models.F("net_reduced")
                    + models.F("tax_reduced")
                ),
                name="payout_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False), name="payout_approved_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False, batch__isnull=False),
                name="payout_paid_has_transfer",
            ),
            models.CheckConstraint(
                condition=Q(deductible_percent__lte=100), name="payout_deductible_percent_range"
            ),
        ]
        indexes = [models.Index(fields=["status", "period"], name="payout_status_period")]

    def __str__(self):
        return f"{self.partner} {self.period:%Y-%m}"

    @property
    def number(self) -> str:
        """The statement's number on the notice and in the transfer file's customer code."""
        return f"{self.pk:010d}"

    @property
    def net_total(self) -> Decimal:
        return self.net_standard + self.net_reduced

    @property
    def tax_total(self) -> Decimal:
        return self.tax_standard + self.tax_reduced


class PayoutLineQuerySet(PartnerScopedQuerySet):
    partner_lookup = "payout__partner"


class PayoutLine(models.Model):
    class Kind(models.TextChoices):
        REBATE = "rebate", _("Rebate")
        SPIFF = "spiff", _("SPIFF")
        TIER_BONUS = "tier_bonus", _("Tier bonus")
        MDF = "mdf", _("Market development funds")

    payout = models.ForeignKey(
        Payout, on_delete=models.CASCADE, related_name="lines", verbose_name=_("payment statement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    transaction_date = models.DateField(_("transaction date"))
    rate = models.PositiveSmallIntegerField(_("tax rate (%)"), default=10)
    amount = models.DecimalField(_("amount excluding tax (JPY)"), max_digits=14, decimal_places=0)
    # The source row: an earning of an approved incentive statement, or an approved MDF claim.
    earning = models.OneToOneField(
        "incentives.Earning",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_line",
        verbose_name=_("earning"),
    )

    claim = models.OneToOneField(
        "funds.Claim",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_line",
        verbose_name=_("MDF claim"),
    )

    objects = PayoutLineQuerySet.as_manager()

    class Meta:
        ordering = ["transaction_date", "id"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payoutline_amount_nonnegative"),
            models.CheckConstraint(condition=Q(rate__in=[10, 8]), name="payoutline_rate_known"),
            # Exactly one source row: an earning or an MDF claim.
            models.CheckConstraint(
                condition=Q(earning__isnull=False, claim__isnull=True)
                | Q(earning__isnull=True, claim__isnull=False),
                name="payoutline_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"

    @property
    def reduced(self) -> bool:
        return self.rate == 8
