"""Reads of the plans app: a plan's goals with their computed progress (one query per goal
kind and period, whatever the partner's data), the review snapshot, and the staff lists."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from partners.models import Partner
from plans.fiscal import Span, fiscal_year_of, quarter_of, quarter_span, year_span
from plans.goals import GoalKind, kind_of
from plans.models import BusinessPlan, PlanActivity, PlanGoal, PlanReview
from prm.access.scoping import scoped
from prm.i18n.formats import yen_short


@dataclass
class GoalProgress:
    goal: PlanGoal
    kind: GoalKind
    actual: Decimal
    percent: int
    quarter: int | None = None
    quarter_actual: Decimal | None = None
    quarter_target: Decimal | None = None
    quarter_percent: int | None = None

    @property
    def label(self) -> str:
        return self.kind.label

    def show(self, value) -> str:
        if value is None:
            return "–"
        return yen_short(value) if self.kind.money else f"{int(value):,}"


def percent(actual, target) -> int:
    if not target:
        return 100
    return max(0, min(100, int(Decimal(actual) * 100 / Decimal(target))))


def _figure(kind: GoalKind, partner_id: int, span: Span) -> Decimal:
    return Decimal(kind.figure([partner_id], span.start, span.end).get(partner_id, 0) or 0)


def progress(plan: BusinessPlan, *, today: date | None = None) -> list[GoalProgress]:
    """Each goal of a registered kind with the year's figure so far and, while the plan's
    year runs, the current quarter's figure against its target (if one is set): one query
    per kind for the year, one per kind with a quarterly target for the quarter. Goals of a
    kind no longer registered are left out (their app is not installed)."""
    today = today or timezone.localdate()
    year = year_span(plan.fiscal_year)
    fiscal_year, quarter = quarter_of(today)
    current = quarter if fiscal_year == plan.fiscal_year else None
    rows = []
    for goal in plan.goals.all():
        kind = kind_of(goal.kind)
        if kind is None:
            continue
        actual = _figure(kind, plan.partner_id, year)
        row = GoalProgress(goal, kind, actual, percent(actual, goal.target))
        target = goal.quarter_target(current) if current else None
        if current and target is not None:
            quarter_actual = _figure(kind, plan.partner_id, quarter_span(plan.fiscal_year, current))
            row.quarter, row.quarter_actual, row.quarter_target = current, quarter_actual, target
            row.quarter_percent = percent(quarter_actual, target)
        rows.append(row)
    return rows


def snapshot(plan: BusinessPlan, quarter: int) -> list[dict]:
    """The figures a quarterly review keeps: per goal, the quarter's figure and target and
    the year's figure up to the quarter's end (plain JSON; amounts as whole numbers)."""
    span = quarter_span(plan.fiscal_year, quarter)
    to_date = Span(year_span(plan.fiscal_year).start, span.end)
    rows = []
    for goal in plan.goals.all():
        kind = kind_of(goal.kind)
        if kind is None:
            continue
        target = goal.quarter_target(quarter)
        rows.append(
            {
                "kind": goal.kind,
                "money": kind.money,
                "quarter_actual": int(_figure(kind, plan.partner_id, span)),
                "quarter_target": None if target is None else int(target),
                "year_actual": int(_figure(kind, plan.partner_id, to_date)),
                "year_target": int(goal.target),
            }
        )
    return rows


def _show(value, money: bool) -> str:
    if value is None:
        return "–"
    return yen_short(value) if money else f"{int(value):,}"


def snapshot_rows(review: PlanReview) -> list[dict]:
    """The stored figures with their labels and display values, for the review page."""
    labels = dict(PlanGoal.Kind.choices)
    out = []
    for row in review.figures:
        money = bool(row.get("money"))
        out.append(
            {
                "label": labels.get(row["kind"], row["kind"]),
                "quarter_actual": _show(row["quarter_actual"], money),
                "quarter_target": _show(row["quarter_target"], money),
                "quarter_percent": percent(row["quarter_actual"], row["quarter_target"])
                if row["quarter_target"]
                else None,
                "year_actual": _show(row["year_actual"], money),
                "year_target": _show(row["year_target"], money),
                "year_percent": percent(row["year_actual"], row["year_target"]),
            }
        )
    return out


def current_fiscal_year(today: date | None = None) -> int:
    return fiscal_year_of(today or timezone.localdate())


def plans_of(partner) -> QuerySet[BusinessPlan]:
    return BusinessPlan.objects.for_partner(partner).order_by("-fiscal_year")


def plan_page(plans: QuerySet[BusinessPlan]) -> QuerySet[BusinessPlan]:
    """A plan with what its page shows, in a fixed number of queries."""
    return plans.select_related("partner", "approved_by", "submitted_by").prefetch_related(
        "goals",
        Prefetch(
            "activities",
            queryset=PlanActivity.objects.select_related("owner", "fund_request", "campaign"),
        ),
        Prefetch(
            "reviews", queryset=PlanReview.objects.select_related("partner_signed_by", "manager_signed_by")
        ),
    )


def reviews_of(partner) -> QuerySet[PlanReview]:
    return PlanReview.objects.for_partner(partner).select_related(
        "plan", "plan__partner", "partner_signed_by", "manager_signed_by"
    )


def activities_of(partner) -> QuerySet[PlanActivity]:
    return PlanActivity.objects.for_partner(partner).select_related("plan")


def staff_plans(visible, *, fiscal_year: int) -> QuerySet[BusinessPlan]:
    return scoped(BusinessPlan.objects.filter(fiscal_year=fiscal_year), visible).select_related("partner")


def partners_without_plan(visible, *, fiscal_year: int) -> QuerySet[Partner]:
    """Partners in the portal the viewer may see that have no plan for the fiscal year."""
    has_plan = BusinessPlan.objects.filter(partner_id=OuterRef("pk"), fiscal_year=fiscal_year)
    return visible.filter(status__in=Partner.PORTAL_STATUSES).filter(~Exists(has_plan)).order_by("name", "pk")
