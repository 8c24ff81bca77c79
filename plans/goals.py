"""What a plan's goals count: one kind per goal code, each a set-based figure
`figure(partner_ids, start, end) -> {partner_id: value}` (one query for any number of
partners), computed from the owning app's own rows: plans sits above every app it reads.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from incentives.models import Deal
from leads.queries import accepted_offers_by_partner
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


# --- The figures ---------------------------------------------------------------


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


def leads_accepted(partner_ids: Collection[int], start: date, end: date) -> dict[int, Decimal | int]:
    """Leads the vendor passed that the partner accepted in the period."""
    return accepted_offers_by_partner(partner_ids, start, end)


KINDS = (
    GoalKind(PlanGoal.Kind.REVENUE, won_revenue, money=True),
    GoalKind(PlanGoal.Kind.DEALS_WON, deals_won),
    GoalKind(PlanGoal.Kind.CERTIFIED_PEOPLE, certified_people, stock=True),
    GoalKind(PlanGoal.Kind.LEADS_ACCEPTED, leads_accepted),
    GoalKind(PlanGoal.Kind.CAMPAIGNS_RUN, campaigns_run),
)
_BY_CODE = {kind.code: kind for kind in KINDS}


def available() -> list[GoalKind]:
    """Every kind, in PlanGoal.Kind's order."""
    return [_BY_CODE[code] for code in PlanGoal.Kind.values]


def kind_of(code: str) -> GoalKind | None:
    return _BY_CODE.get(code)
