"""Joint business plans: one per partner and fiscal year, written together by the partner's
admins and its channel managers, with goals whose progress the portal computes from its own
data (plans.goals), planned activities, and a review per fiscal quarter that both sides sign.

Text a plan shares with both sides (summary, focus, a review's narrative and agreed actions)
is bilingual (plans/translation.py: `summary_ja`, `summary_en`, ...)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from prm.models import PartnerScopedQuerySet

WHOLE = {"max_digits": 16, "decimal_places": 0}


class PlanQuerySet(PartnerScopedQuerySet):
    pass


class BusinessPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    summary = models.TextField(_("summary"), blank=True)
    focus = models.TextField(_("focus markets and solutions"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decision_comment = models.TextField(_("comment from the channel manager"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "partner_id"]
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        indexes = [models.Index(fields=["fiscal_year", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["partner", "fiscal_year"], name="plan_one_per_partner_year"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="plan_dates"),
            models.CheckConstraint(
                condition=Q(status="approved", approved_at__isnull=False)
                | Q(~Q(status="approved"), approved_at__isnull=True),
                name="plan_approved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.partner} FY{self.fiscal_year}"

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanGoal(models.Model):
    """A goal for the year, optionally split into quarterly targets. What counts toward it
    is computed, never typed (plans.goals)."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("Won revenue (reviewed, JPY)")
        DEALS_WON = "deals_won", _("Deals won")
        CERTIFIED_PEOPLE = "certified_people", _("Certified people")
        LEADS_ACCEPTED = "leads_accepted", _("Leads accepted")
        CAMPAIGNS_RUN = "campaigns_run", _("Campaigns run")

    plan = models.ForeignKey(
        BusinessPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    kind = models.CharField(_("goal"), max_length=20, choices=Kind.choices)
    target = models.DecimalField(_("target for the year"), **WHOLE)
    q1 = models.DecimalField(_("Q1 target"), null=True, blank=True, **WHOLE)
    q2 = models.DecimalField(_("Q2 target"), null=True, blank=True, **WHOLE)
    q3 = models.DecimalField(_("Q3 target"), null=True, blank=True, **WHOLE)
    q4 = models.DecimalField(_("Q4 target"), null=True, blank=True, **WHOLE)

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="plangoal_one_per_kind"),
            models.CheckConstraint(
                condition=Q(target__gt=0)
                & (Q(q1__isnull=True) | Q(q1__gte=0))
                & (Q(q2__isnull=True) | Q(q2__gte=0))
                & (Q(q3__isnull=True) | Q(q3__gte=0))
                & (Q(q4__isnull=True) | Q(q4__gte=0)),
                name="plangoal_targets_not_negative",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def quarter_target(self, quarter: int):
        return getattr(self, f"q{quarter}")


class ActivityQuerySet(PartnerScopedQuerySet):
    partner_lookup = "plan__partner"


class PlanActivity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        BusinessPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan")
    )
    title = models.CharField(_("activity"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("A person of the partner or its channel manager."),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    fund_request = models.ForeignKey(
        "funds.FundRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("MDF request"),
    )
    campaign = models.ForeignKey(
        "promotion.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")

    def __str__(self):
        return self.title


class ReviewQuerySet(PartnerScopedQuerySet):
    partner_lookup = "plan__partner"


class PlanReview(models.Model):
    """The quarterly business review: the figures against the goals as they stood when the
    review was recorded (`figures`, stored), what happened, what both sides agreed, and each
    side's sign-off. Editing a signed review clears both sign-offs (plans.services)."""

    plan = models.ForeignKey(
        BusinessPlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan")
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    narrative = models.TextField(_("what happened"), blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True, help_text=_("One action per line."))
    figures = models.JSONField(_("figures at the review"), default=list)
    figures_taken_at = models.DateTimeField(_("figures taken"))
    partner_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed for the partner by"),
    )
    partner_signed_at = models.DateTimeField(_("signed for the partner"), null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed for the vendor by"),
    )
    manager_signed_at = models.DateTimeField(_("signed for the vendor"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "quarter"]
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="planreview_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="planreview_quarter"),
        ]

    def __str__(self):
        return f"{self.plan} Q{self.quarter}"

    @property
    def signed(self) -> bool:
        return self.partner_signed_at is not None and self.manager_signed_at is not None

    def action_list(self) -> list[str]:
        return [line.strip() for line in self.agreed_actions.splitlines() if line.strip()]
