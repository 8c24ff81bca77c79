"""What a plan's goals count: one registered kind per goal code, each a set-based figure
`figure(partner_ids, start, end) -> {partner_id: value}` (one query for any number of
partners), computed from the owning app's own rows.

The kinds here are plans' own reads of the apps below it. A kind whose app is not installed
is not registered, and its goal cannot be chosen (PlanGoal.Kind lists every code the
database may hold; `available()` is what a form offers): "leads accepted" appears once the
leads app registers its figure with `register(GoalKind(PlanGoal.Kind.LEADS_ACCEPTED, ...))`.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from incentives.models import Deal
from plans.models import PlanGoal
from promotion.models import Campaign, CampaignParticipation
from training.queries import valid_certifications

Figure = Callable[[Collection[int], date, date], dict[int, Decimal | int]]


@dataclass(frozen=True)
class GoalKind:
    code: str  # a PlanGoal.Kind value
    figure: Figure
    money: bool = False  # shown in yen
    stock: bool = False  # a level at the period's end (people), not a sum over the period

    @property
    def label(self) -> str:
        return str(PlanGoal.Kind(self.code).label)


_KINDS: dict[str, GoalKind] = {}


def register(kind: GoalKind) -> None:
    if kind.code not in PlanGoal.Kind.values:
        raise ValueError(f"Unknown goal kind: {kind.code}")
    _KINDS[kind.code] = kind


def available() -> list[GoalKind]:
    """The registered kinds, in PlanGoal.Kind's order."""
    return [_KINDS[code] for code in PlanGoal.Kind.values if code in _KINDS]


def kind_of(code: str) -> GoalKind | None:
    return _KINDS.get(code)


# --- The built-in figures ---------------------------------------------------------------


def won_revenue(partner_ids: Collection[int], start: date, end: date) -> dict[int, Decimal | int]:
    """Counted (reviewed) won revenue closed in the period: never what a partner claims."""
    rows = (
        Deal.objects.counted()
        .filter(partner_id__in=list(partner_ids), closed_on__gte=start, closed_on__lte=end)
        .order_by()
        .values("partner_id")
        .annotate(value=Sum("counted_amount_jpy"))
        .values_list("partner_id", "value")
    )
    return dict(rows)


def deals_won(partner_ids: Collection[int], start: date, end: date) -> dict[int, Decimal | int]:
    """Won deals whose reviewed figure counts, closed in the period."""
    rows = (
        Deal.objects.counted()
        .filter(partner_id__in=list(partner_ids), closed_on__gte=start, closed_on__lte=end)
        .order_by()
        .values("partner_id")
        .annotate(value=Count("pk"))
        .values_list("partner_id", "value")
    )
    return dict(rows)


def certified_people(partner_ids: Collection[int], start: date, end: date) -> dict[int, Decimal | int]:
    """People holding a valid certification at the period's end (today, for a period not
    over yet): the same count the tier thresholds use."""
    on = min(end, timezone.localdate())
    rows = (
        valid_certifications(as_of=on)
        .filter(partner_id__in=list(partner_ids))
        .order_by()
        .values("partner_id")
        .annotate(value=Count("user_id", distinct=True))
        .values_list("partner_id", "value")
    )
    return dict(rows)


def campaigns_run(partner_ids: Collection[int], start: date, end: date) -> dict[int, Decimal | int]:
    """Published campaigns the partner joined (and did not leave) that started in the period."""
    rows = (
        CampaignParticipation.objects.opted_in()
        .filter(
            partner_id__in=list(partner_ids),
            campaign__status=Campaign.Status.PUBLISHED,
            campaign__starts_on__gte=start,
            campaign__starts_on__lte=end,
        )
        .order_by()
        .values("partner_id")
        .annotate(value=Count("campaign_id", distinct=True))
        .values_list("partner_id", "value")
    )
    return dict(rows)


BUILT_IN = (
    GoalKind(PlanGoal.Kind.REVENUE, won_revenue, money=True),
    GoalKind(PlanGoal.Kind.DEALS_WON, deals_won),
    GoalKind(PlanGoal.Kind.CERTIFIED_PEOPLE, certified_people, stock=True),
    GoalKind(PlanGoal.Kind.CAMPAIGNS_RUN, campaigns_run),
)
for _kind in BUILT_IN:
    register(_kind)
