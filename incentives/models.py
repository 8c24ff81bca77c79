from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.i18n.kana import fill_reading
from prm.models import PartnerScopedQuerySet


class Tier(models.Model):
    """A channel performance level (demo: Registered, Silver, Gold, Platinum).

    Thresholds are over a rolling 12 months; a partner reaches a tier when it meets all of
    them. Benefits are what the partner gets at this level.
    """

    class SupportLevel(models.TextChoices):
        STANDARD = "standard", _("Standard (business hours)")
        PRIORITY = "priority", _("Priority (next business day)")
        DEDICATED = "dedicated", _("Dedicated partner manager")
        PREMIUM = "premium", _("Premium (24/7, named engineer)")

    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("0 is the entry level."))
    # Thresholds (rolling 12 months)
    min_won_revenue = models.DecimalField(
        _("won deal revenue (JPY)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    min_won_deals = models.PositiveIntegerField(_("won deals"), default=0)
    min_certified_people = models.PositiveIntegerField(_("certified people"), default=0)
    requires_onboarding = models.BooleanField(_("onboarding completed"), default=False)
    # Leads the vendor passed that the partner converted into approved registrations
    # (Deal.source "lead", rolling 12 months); 0: not required.
    min_converted_leads = models.PositiveIntegerField(_("converted leads"), default=0, db_default=0)
    requires_approved_plan = models.BooleanField(
        _("approved business plan"),
        default=False,
        db_default=False,
        help_text=_("The partner needs an approved joint business plan for the current fiscal year."),
    )
    # Benefits
    discount_percent = models.DecimalField(
        _("discount / margin %"), max_digits=5, decimal_places=2, default=0
    )
    protection_days = models.PositiveIntegerField(_("deal protection days"), default=30)
    max_extensions = models.PositiveSmallIntegerField(
        _("protection extensions per deal"),
        default=1,
        help_text=_("How many times a partner at this tier may have a deal's protection extended."),
    )
    extension_grace_days = models.PositiveSmallIntegerField(
        _("extension grace period (days)"),
        default=7,
        help_text=_("How many days after protection ends a partner may still ask for an extension."),
    )
    # Deals the partner is credited on (incentives.DealCredit) count toward the revenue
    # threshold at these weights; the partner's own (sourced) deals count in full.
    influenced_weight = models.DecimalField(
        _("weight of influenced revenue"),
        max_digits=3,
        decimal_places=2,
        default=Decimal(0),
        help_text=_(
            "0 to 1: the share of a won deal the partner influenced that counts toward the revenue threshold."
        ),
    )
    delivered_weight = models.DecimalField(
        _("weight of delivered revenue"),
        max_digits=3,
        decimal_places=2,
        default=Decimal(0),
        help_text=_(
            "0 to 1: the share of a won deal the partner delivered or implemented that counts toward the revenue threshold."
        ),
    )
    mdf_budget = models.DecimalField(
        _("market development fund (JPY)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    support_level = models.CharField(
        _("support level"), max_length=20, choices=SupportLevel.choices, default=SupportLevel.STANDARD
    )
    perks = models.TextField(_("perks"), blank=True, help_text=_("One perk per line."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the API's updated_since

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="tier_discount_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_won_revenue__gte=0, mdf_budget__gte=0),
                name="tier_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    influenced_weight__gte=0,
                    influenced_weight__lte=1,
                    delivered_weight__gte=0,
                    delivered_weight__lte=1,
                ),
                name="tier_credit_weights_range",
            ),
        ]

    def __str__(self):
        return self.name

    def perk_list(self) -> list[str]:
        return [line.strip() for line in self.perks.splitlines() if line.strip()]

    @property
    def label(self) -> str:
        """The name in the active language, falling back to the other (see translation.py)."""
        return self.name


# --- Products -------------------------------------------------------------------------


class Product(models.Model):
    """A product or solution a partner can register deals for and programs can target."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the API's updated_since

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name in the active language, falling back to the other (see translation.py)."""
        return self.name


# --- Deals ----------------------------------------------------------------------------


class Currency(models.TextChoices):
    JPY = "JPY", "JPY"
    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    GBP = "GBP", "GBP"
    SGD = "SGD", "SGD"


class DealQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def counted(self):
        """Won deals whose reviewed figure counts (`counted_amount_jpy`): the only deals that
        tiers, earnings, the leaderboard, the dashboard and campaign results may sum. A won
        amount still under review, or a win that was never approved, is not among them."""
        return self.filter(stage=Deal.Stage.WON, counted_amount_jpy__isnull=False)

    def protected_on(self, day):
        """Approved, still open registrations whose protection covers `day`."""
        return self.filter(status=Deal.Status.APPROVED, protected_until__gte=day, stage__in=Deal.OPEN_STAGES)


class Deal(models.Model):
    """A registered opportunity. Review status and sales stage are separate axes."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Protection expired")

    class Stage(models.TextChoices):
        QUALIFYING = "qualifying", _("Qualifying")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    class Source(models.TextChoices):
        PARTNER = "partner", _("Registered by the partner")
        LEAD = "lead", _("Lead passed by the vendor")

    OPEN_STAGES = (Stage.QUALIFYING, Stage.PROPOSAL, Stage.NEGOTIATION)

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="deals", verbose_name=_("partner")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    customer_company = models.CharField(_("customer company"), max_length=200)
    customer_company_kana = models.CharField(
        _("customer company reading"),
        max_length=200,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    company_key = models.CharField(
        _("normalised company name"), max_length=200, db_index=True, editable=False
    )
    customer_domain = models.CharField(
        _("customer domain"), max_length=200, db_index=True, help_text=_("For example example.co.jp")
    )
    # Blank once anonymised (contacts_anonymised_at); the registration form requires it.
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_name_kana = models.CharField(
        _("contact name reading"),
        max_length=120,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="deals", verbose_name=_("product / solution")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.JPY)
    amount_jpy = models.DecimalField(
        _("amount (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0), editable=False
    )
    # What the reviewer approved: a later change of amount or currency, or a won amount
    # above it, sends the registration back to review (incentives.services).
    approved_amount = models.DecimalField(
        _("approved amount"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    approved_currency = models.CharField(_("approved currency"), max_length=3, blank=True, editable=False)
    approved_amount_jpy = models.DecimalField(
        _("approved amount (JPY)"), max_digits=16, decimal_places=0, null=True, blank=True, editable=False
    )
    # The one reviewed figure every consumer sums (tiers, earnings, leaderboard, dashboard,
    # campaign results, partner 360). Written only by the review services
    # (incentives.services: a win within the approved amount, an approval, a rejected
    # re-review that restores the approved amount); never above the approved amount.
    counted_amount_jpy = models.DecimalField(
        _("counted won amount (JPY)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The reviewed won amount that tiers, incentives and reports count."),
    )
    expected_close_date = models.DateField(_("expected close date"))
    notes = models.TextField(_("notes"), blank=True)
    campaign = models.ForeignKey(
        "promotion.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("related campaign"),
    )
    status = models.CharField(
        _("review status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.QUALIFYING)
    # Conflict check on submit: visible to reviewers only, never to the partner.
    has_conflict = models.BooleanField(_("possible conflict"), default=False, db_index=True)
    conflict_notes = models.TextField(_("conflict details"), blank=True)
    conflicting_deals = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name=_("conflicting registrations")
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    # The first approval (a re-review keeps it): when the partner's first approved deal was
    # approved, for activation (incentives.rollups.activation_refresh).
    first_approved_at = models.DateTimeField(_("first approved"), null=True, blank=True, editable=False)
    # Idempotency of the "protection ends in a week" reminder: the date it was sent for.
    reminder_sent_for = models.DateField(_("reminder sent for"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The customer contact (name, e-mail, phone) and the notes were erased: after the
    # retention period of a lost, expired or rejected deal, or on the person's request.
    contacts_anonymised_at = models.DateTimeField(
        _("contact anonymised"), null=True, blank=True, editable=False
    )
    lost_reason = models.TextField(_("reason lost"), blank=True)
    # Where the opportunity came from: the leads app converts an accepted lead through
    # services.deal_register(source="lead"); incentives never reads the lead itself.
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Source.choices,
        default=Source.PARTNER,
        db_default=Source.PARTNER,
        editable=False,
    )
    # The vendor's own id for the opportunity (its CRM's), the key a bulk import matches on.
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        indexes = [
            models.Index(fields=["partner", "stage", "closed_on"]),
            models.Index(fields=["status", "protected_until"]),
            models.Index(fields=["status", "created_at"]),
            # Counted wins in a period (a closed_on range): tier metrics, earnings, the dashboard's
            # deals block, and the open pipeline.
            models.Index(
                fields=["closed_on"],
                include=["partner", "counted_amount_jpy"],
                condition=models.Q(stage="won", counted_amount_jpy__isnull=False),
                name="deal_counted_closed",
            ),
            models.Index(
                fields=["partner"],
                include=["approved_amount_jpy"],
                condition=models.Q(status="approved", stage__in=["qualifying", "proposal", "negotiation"]),
                name="deal_open",
            ),
            # The API's incremental sync: changes since a time, in the order they happened.
            models.Index(fields=["updated_at", "id"], name="deal_sync"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=~models.Q(external_id=""),
                name="deal_external_id_unique_per_partner",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deal_amount_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(stage="won") | models.Q(closed_on__isnull=False),
                name="deal_won_has_close_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(protected_until__isnull=False),
                name="deal_approved_is_protected",
            ),
            # Money is counted only after review: a reviewed registration knows what was
            # approved; the counted figure exists exactly for reviewed wins, and never
            # exceeds the approved amount.
            models.CheckConstraint(
                condition=models.Q(
                    approved_amount__isnull=False,
                    approved_amount_jpy__isnull=False,
                    approved_amount__gte=0,
                    approved_amount_jpy__gte=0,
                )
                | models.Q(approved_amount__isnull=True, approved_amount_jpy__isnull=True),
                name="deal_approved_amount_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "expired"])
                | models.Q(approved_amount__isnull=False, approved_amount_jpy__isnull=False),
                name="deal_reviewed_has_approved_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(counted_amount_jpy__isnull=True)
                | models.Q(
                    stage="won",
                    status__in=["approved", "expired"],
                    approved_amount_jpy__isnull=False,
                    counted_amount_jpy__gte=0,
                    counted_amount_jpy__lte=models.F("approved_amount_jpy"),
                ),
                name="deal_counted_is_reviewed_win",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="won", status__in=["approved", "expired"])
                | models.Q(counted_amount_jpy__isnull=False),
                name="deal_reviewed_win_is_counted",
            ),
        ]

    def __str__(self):
        return f"{self.customer_company} ({self.product})"

    def save(self, *args, **kwargs):
        fill_reading(self, "customer_company", "customer_company_kana")
        fill_reading(self, "contact_name", "contact_name_kana")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    def can_update(self) -> bool:
        return self.is_open and self.status != self.Status.REJECTED

    def can_close(self) -> bool:
        return self.is_open and self.status in (self.Status.APPROVED, self.Status.EXPIRED)

    def can_review(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_re_review(self) -> bool:
        """Under review again after an approval (a changed amount, or a win above the
        approved amount): a rejection restores what was approved."""
        return self.status == self.Status.SUBMITTED and self.approved_amount is not None

    @property
    def win_under_review(self) -> bool:
        return self.stage == self.Stage.WON and self.status == self.Status.SUBMITTED


class ProtectionExtensionQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def open(self):
        return self.filter(status=ProtectionExtension.Status.REQUESTED)


class ProtectionExtension(models.Model):
    """A partner's request to extend an approved deal's protection, and the manager's decision.

    Asked before protection ends or within the tier's grace period after; at most the tier's
    number of approved extensions per deal, and one open request per deal (a constraint)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for a decision")
        APPROVED = "approved", _("Extended")
        DECLINED = "declined", _("Declined")

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("deal registration")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("reason"))
    expected_close_date = models.DateField(_("new expected close date"))
    protected_until_before = models.DateField(_("protection ended or ends on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    protected_until_after = models.DateField(_("new protection end date"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    objects = ProtectionExtensionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("protection extension")
        verbose_name_plural = _("protection extensions")
        indexes = [models.Index(fields=["status", "created_at"], name="extension_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["deal"], condition=models.Q(status="requested"), name="extension_one_open_per_deal"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(protected_until_after__isnull=False, decided_at__isnull=False),
                name="extension_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | models.Q(decided_at__isnull=False),
                name="extension_declined_is_decided",
            ),
        ]

    def __str__(self):
        return f"{self.deal} ({self.get_status_display()})"


class DealCreditQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class DealCredit(models.Model):
    """A further partner named on a deal, with its role. The registering partner is the
    sourcing partner (implicitly); a credited partner sees the deal only on its "credited
    deals" list (customer company, product, stage, counted won figure), never the registrant's
    name, contacts, domain, notes, amounts or history."""

    class Role(models.TextChoices):
        INFLUENCED = "influenced", _("Influenced")
        DELIVERED = "delivered", _("Delivered / implemented")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="credits", verbose_name=_("deal"))
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="deal_credits",
        verbose_name=_("credited partner"),
    )
    role = models.CharField(pgettext_lazy("deal credit", "role"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = DealCreditQuerySet.as_manager()

    class Meta:
        ordering = ["deal", "id"]
        verbose_name = _("deal credit")
        verbose_name_plural = _("deal credits")
        constraints = [
            models.UniqueConstraint(fields=["deal", "partner"], name="dealcredit_once_per_partner")
        ]
        indexes = [models.Index(fields=["partner", "role"], name="dealcredit_partner")]

    def __str__(self):
        return f"{self.deal}: {self.partner} ({self.get_role_display()})"


# --- Tier state and changes -----------------------------------------------------------


class PartnerTierStateQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class PartnerTierState(models.Model):
    """A partner's current tier and the metrics of the last recomputation (one row per partner).

    Written only by the set-based recomputation (services.tiers_recompute), except the
    leaderboard opt-in which the partner admin sets.
    """

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="tier_state", verbose_name=_("partner")
    )
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("tier")
    )
    qualified_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tier the metrics qualify for"),
    )
    tier_since = models.DateField(_("at this tier since"), null=True, blank=True)
    downgrade_pending_since = models.DateField(_("downgrade pending since"), null=True, blank=True)
    won_revenue = models.DecimalField(
        _("won revenue (JPY, 12 months)"), max_digits=16, decimal_places=0, default=0
    )
    won_deals = models.PositiveIntegerField(_("won deals (12 months)"), default=0)
    influenced_revenue = models.DecimalField(
        _("influenced revenue (JPY, 12 months)"), max_digits=16, decimal_places=0, default=0
    )
    delivered_revenue = models.DecimalField(
        _("delivered revenue (JPY, 12 months)"), max_digits=16, decimal_places=0, default=0
    )
    certified_people = models.PositiveIntegerField(_("certified people"), default=0)
    onboarding_completed = models.BooleanField(_("onboarding completed"), default=False)
    converted_leads = models.PositiveIntegerField(_("converted leads (12 months)"), default=0, db_default=0)
    # The fiscal years covered by approved joint business plans (the run of consecutive
    # approved years that contains today, or else the next one), written by plans through
    # partner_plan_approval_set; the recomputation reads whether `as_of` falls inside.
    plan_approved_from = models.DateField(_("approved business plan from"), null=True, blank=True)
    plan_approved_until = models.DateField(_("approved business plan until"), null=True, blank=True)
    leaderboard_opt_in = models.BooleanField(_("show our name on the leaderboard"), default=False)

    objects = PartnerTierStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner tier")
        verbose_name_plural = _("partner tiers")
        indexes = [models.Index(fields=["tier"])]

    def __str__(self):
        return f"{self.partner}: {self.tier or '-'}"


class TierChangeQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class TierChange(models.Model):
    """A tier movement recorded by the recomputation, with the metrics before and after."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial tier")
        UPGRADE = "upgrade", _("Upgrade")
        DOWNGRADE_PENDING = "downgrade_pending", _("Downgrade pending (grace period)")
        DOWNGRADE_CANCELLED = "downgrade_cancelled", _("Downgrade cancelled")
        DOWNGRADE = "downgrade", _("Downgrade")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="tier_changes", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("from tier")
    )
    to_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("to tier")
    )
    effective_on = models.DateField(_("date"), db_index=True)
    downgrade_on = models.DateField(_("downgrade takes effect on"), null=True, blank=True)
    metrics_before = models.JSONField(_("metrics before"), default=dict)
    metrics_after = models.JSONField(_("metrics after"), default=dict)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = TierChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        # The staff overview's "recent changes" (the ordering, LIMIT 20): a recomputation
        # records thousands of changes on one date, which the date index alone must sort.
        indexes = [models.Index(fields=["-effective_on", "-id"], name="tierchange_recent")]

    def __str__(self):
        return f"{self.partner}: {self.get_kind_display()} {self.from_tier or '-'} -> {self.to_tier or '-'}"


class RecomputationRun(models.Model):
    """One run of the tier recomputation, for staff ("last recomputed at")."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    partners = models.PositiveIntegerField(_("partners evaluated"), default=0)
    changes = models.PositiveIntegerField(_("changes recorded"), default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("tier recomputation")
        verbose_name_plural = _("tier recomputations")

    def __str__(self):
        return f"{self.as_of} ({self.changes})"


# --- Programs, earnings and statements --------------------------------------------------


class IncentiveProgram(models.Model):
    class Kind(models.TextChoices):
        SPIFF = "spiff", _("SPIFF (fixed amount per won deal)")
        REBATE = "rebate", _("Rebate (percent of won revenue)")
        TIER_BONUS = "tier_bonus", _("Bonus on reaching a tier")

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(
        _("amount (JPY)"),
        max_digits=14,
        decimal_places=0,
        default=Decimal(0),
        help_text=_("Per won deal (SPIFF) or once (tier bonus)."),
    )
    percent = models.DecimalField(
        _("rebate %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("Rebate programs only."),
    )
    bonus_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tier to reach"),
        help_text=_("Tier bonus programs only: paid once when a partner reaches this tier or higher."),
    )
    eligible_tiers = models.ManyToManyField(
        Tier,
        blank=True,
        related_name="+",
        verbose_name=_("eligible tiers"),
        help_text=_("Empty: every tier."),
    )
    eligible_products = models.ManyToManyField(
        Product,
        blank=True,
        related_name="+",
        verbose_name=_("eligible products"),
        help_text=_("Empty: every product."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the API's updated_since

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("incentive program")
        verbose_name_plural = _("incentive programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="program_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="program_percent_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="tier_bonus") | models.Q(bonus_tier__isnull=False),
                name="program_tier_bonus_has_tier",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name in the active language, falling back to the other (see translation.py)."""
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start date.")})
        if self.kind == self.Kind.TIER_BONUS and not self.bonus_tier_id:
            raise ValidationError({"bonus_tier": _("Choose the tier a partner must reach.")})
        if self.kind == self.Kind.REBATE and not self.percent:
            raise ValidationError({"percent": _("Enter the rebate percentage.")})
        if self.kind in (self.Kind.SPIFF, self.Kind.TIER_BONUS) and not self.amount:
            raise ValidationError({"amount": _("Enter the amount.")})


class StatementQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class Statement(models.Model):
    """A partner's earnings for one calendar month: draft -> approved -> paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="statements", verbose_name=_("partner")
    )
    period = models.DateField(_("period (first day of month)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = models.DecimalField(_("total (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    currency = models.CharField(_("currency"), max_length=3, default="JPY", editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "partner__name"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["partner", "period"], name="statement_one_per_partner_period"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="statement_period_first_of_month"),
        ]

    def __str__(self):
        return f"{self.partner} {self.period:%Y-%m}"


class EarningQuerySet(PartnerScopedQuerySet):
    partner_lookup = "statement__partner"


class Earning(models.Model):
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="earnings", verbose_name=_("statement")
    )
    program = models.ForeignKey(
        IncentiveProgram, on_delete=models.PROTECT, related_name="earnings", verbose_name=_("program")
    )
    deal = models.ForeignKey(
        Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="earnings", verbose_name=_("deal")
    )
    tier_change = models.ForeignKey(
        TierChange,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="earnings",
        verbose_name=_("tier change"),
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    amount = models.DecimalField(_("amount (JPY)"), max_digits=14, decimal_places=0)
    basis = models.DecimalField(_("basis (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EarningQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "id"]
        verbose_name = _("earning")
        verbose_name_plural = _("earnings")
        constraints = [
            # A deal earns once per program; a tier bonus is paid once per partner and program.
            models.UniqueConstraint(
                fields=["program", "deal"],
                condition=models.Q(deal__isnull=False),
                name="earning_once_per_deal",
            ),
            models.UniqueConstraint(
                fields=["program", "partner"],
                condition=models.Q(deal__isnull=True),
                name="earning_bonus_once_per_partner",
            ),
        ]

    def __str__(self):
        return f"{self.program}: {self.amount}"


class DealNotification(models.Model):
    """One e-mail per deal, event and recipient: the unique row makes a redelivered task a no-op
    (a worker killed mid-task, a retry), and a failed send rolls the claim back."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    # "submitted", "reviewed", "protection_ending:<protected_until>"
    event = models.CharField(max_length=40)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deal notification")
        verbose_name_plural = _("deal notifications")
        constraints = [
            models.UniqueConstraint(fields=["deal", "event", "recipient"], name="deal_notification_once")
        ]

    def __str__(self):
        return f"{self.deal_id} {self.event} -> {self.recipient_id}"


# --- Roll-ups (rebuilt set-based by incentives/rollups.py) ----------------------------


class PartnerDealRollup(models.Model):
    """Per partner: deals under review, approved open deals and their pipeline (the approved
    amounts), as they stood at `refreshed_at` (the channel dashboard's deals block)."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="deal_rollup", verbose_name=_("partner")
    )
    submitted = models.PositiveIntegerField(_("deals under review"), default=0)
    open_count = models.PositiveIntegerField(_("open deals"), default=0)
    open_amount = models.DecimalField(_("pipeline (JPY)"), max_digits=18, decimal_places=0, default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("deal roll-up")
        verbose_name_plural = _("deal roll-ups")

    def __str__(self):
        return f"{self.partner_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class PartnerDealMonth(models.Model):
    """Counted won deals and their reviewed figure (`Deal.counted_amount_jpy`) per partner and
    month closed."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    month = models.DateField(_("month closed"))  # the first day of the month
    won_count = models.PositiveIntegerField(_("won deals"), default=0)
    won_amount = models.DecimalField(_("won (JPY)"), max_digits=18, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("won deals by month")
        verbose_name_plural = _("won deals by month")
        constraints = [models.UniqueConstraint(fields=["partner", "month"], name="dealmonth_once")]
        indexes = [
            models.Index(
                fields=["month"], include=["partner", "won_count", "won_amount"], name="dealmonth_month"
            )
        ]

    def __str__(self):
        return f"{self.partner_id} {self.month:%Y-%m}"


class ProgramCost(models.Model):
    """Per (program, partner): earning lines and their amounts by statement status (the staff
    tier overview's program cost), kept current by the services that write earnings or change
    a statement's status."""

    program = models.ForeignKey(
        "incentives.IncentiveProgram", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    lines = models.PositiveIntegerField(_("earning lines"))
    draft = models.DecimalField(_("draft (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    approved = models.DecimalField(_("approved (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    paid = models.DecimalField(_("paid (JPY)"), max_digits=16, decimal_places=0, default=Decimal(0))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("program cost")
        verbose_name_plural = _("program costs")
        constraints = [models.UniqueConstraint(fields=["program", "partner"], name="programcost_unique")]
        indexes = [models.Index(fields=["partner"], name="programcost_partner")]

    def __str__(self):
        return f"{self.program_id}/{self.partner_id}: {self.lines} lines"


class PartnerActivation(models.Model):
    """Per partner: when it was approved (its application's decision, else its creation), how
    it came (the application's source) and its type, and the days of its first registered,
    first approved and first won (counted) deal: the activation rates by cohort, source and
    type on the dashboard (incentives.queries.activation_block), rebuilt hourly by
    incentives.rollups.activation_refresh."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    approved_on = models.DateField(_("approved on"))
    source = models.CharField(_("how they heard of us"), max_length=20, blank=True)
    partner_type = models.CharField(_("partner type"), max_length=20)
    onboarding_completed_on = models.DateField(_("onboarding completed on"), null=True, blank=True)
    first_registered_on = models.DateField(_("first deal registered"), null=True, blank=True)
    first_approved_on = models.DateField(_("first deal approved"), null=True, blank=True)
    first_won_on = models.DateField(_("first deal won"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("partner activation")
        verbose_name_plural = _("partner activation")
        indexes = [models.Index(fields=["approved_on"], name="activation_cohort")]

    def __str__(self):
        return f"{self.partner_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
