"""Reads of the funds app (MDF): balances, requests and claims, what is due, ROI through
the linked campaign's deal registrations, the staff queues, the dashboard block and what
the payouts app pays."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.models import Claim, Fund, FundRequest, LedgerEntry
from funds.periods import period_of
from incentives.models import Deal
from prm.audit.labels import action_label
from prm.audit.log import events_for
from prm.models import AuditEvent
from prm.ui.registry import BlockQuery

# Deals registered against the linked campaign count for an activity from its first day
# until this many days after its last (registrations follow an event by weeks).
ATTRIBUTION_DAYS = 90
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=0))


# --- For the payouts app ------------------------------------------------------------------


def claims_payable(*, until: date, partner_ids: Collection[int] | None = None) -> QuerySet[Claim]:
    """Claims approved (approved_amount > 0) on or before `until` and not paid yet, with their
    request (for `Claim.description`) loaded. Amounts are whole yen, excluding tax."""
    claims = Claim.objects.payable().filter(approved_at__date__lte=until).select_related("request")
    if partner_ids is not None:
        claims = claims.filter(partner_id__in=list(partner_ids))
    return claims.order_by("partner_id", "approved_at", "pk")


# --- The partner's pages --------------------------------------------------------------------


def current_fund(partner) -> Fund | None:
    return Fund.objects.for_partner(partner).covering(timezone.localdate()).first()


def funds_of(partner) -> QuerySet[Fund]:
    return Fund.objects.for_partner(partner).order_by("-period_start")


def requests_of(partner) -> QuerySet[FundRequest]:
    return with_results(
        FundRequest.objects.for_partner(partner).select_related("fund", "campaign", "claim")
    ).order_by("-submitted_at", "-pk")


def ledger_of(fund: Fund) -> QuerySet[LedgerEntry]:
    return fund.entries.select_related("request", "claim__request").order_by("created_at", "pk")


class Due(NamedTuple):
    request: FundRequest
    what: str  # "claim" (send the claim by the date) or "changes" (returned: change and resend)
    due_on: date | None


def due_for(partner, *, today: date | None = None) -> list[Due]:
    """What the partner must do: claims to send for approved activities that have ended,
    requests and claims returned for changes."""
    today = today or timezone.localdate()
    rows = FundRequest.objects.for_partner(partner).select_related("claim")
    due = [
        Due(r, "claim", r.claim_due_on)
        for r in rows.filter(status=FundRequest.Status.APPROVED, ends_on__lte=today, claim__isnull=True)
    ]
    due += [Due(r, "changes", None) for r in rows.filter(status=FundRequest.Status.RETURNED)]
    due += [Due(r, "claim_changes", None) for r in rows.filter(claim__status=Claim.Status.RETURNED)]
    return sorted(due, key=lambda d: (d.due_on or today, d.request.pk))


def history_of(request: FundRequest) -> list[AuditEvent]:
    """What happened to a request and its claim, oldest first, each event with its label."""
    claim = claim_of(request)
    events = [*events_for(request), *(events_for(claim) if claim is not None else [])]
    for event in events:
        event.label = action_label(event.action)
    return sorted(events, key=lambda e: (e.created_at, e.pk))


# --- Results and ROI ----------------------------------------------------------------------


def attributed_deals(request: FundRequest) -> QuerySet[Deal]:
    """The partner's deals registered against the request's campaign in its window."""
    if request.campaign_id is None:
        return Deal.objects.none()
    return Deal.objects.filter(
        partner_id=request.partner_id,
        campaign_id=request.campaign_id,
        created_at__date__gte=request.starts_on,
        created_at__date__lte=request.ends_on + timedelta(days=ATTRIBUTION_DAYS),
    ).select_related("product")


def _deal_sum(expression, condition: Q | None = None):
    deals = Deal.objects.filter(
        partner_id=OuterRef("partner_id"),
        campaign_id=OuterRef("campaign_id"),
        created_at__date__gte=OuterRef("starts_on"),
        created_at__date__lte=OuterRef("attribution_end"),
    )
    if condition is not None:
        deals = deals.filter(condition)
    return Coalesce(
        Subquery(deals.order_by().values("partner_id").annotate(v=expression).values("v")[:1]),
        ZERO if not isinstance(expression, Count) else Value(0),
    )


def with_results(requests: QuerySet[FundRequest]) -> QuerySet[FundRequest]:
    """Each request with its attributed deals (`deals`), open pipeline (`pipeline`: approved
    amounts of approved open deals) and won revenue (`won`: the counted, reviewed figure
    only) and what it cost (`spent`: the approved claim, else the reservation)."""
    open_approved = Q(status=Deal.Status.APPROVED, stage__in=Deal.OPEN_STAGES)
    counted = Q(stage=Deal.Stage.WON, counted_amount_jpy__isnull=False)
    return requests.annotate(
        attribution_end=ExpressionWrapper(
            F("ends_on") + timedelta(days=ATTRIBUTION_DAYS), output_field=DateField()
        ),
        deals=_deal_sum(Count("pk")),
        pipeline=_deal_sum(Sum("approved_amount_jpy"), open_approved),
        won=_deal_sum(Sum("counted_amount_jpy"), counted),
    )


def claim_of(request: FundRequest) -> Claim | None:
    """The request's claim, or None (the reverse one-to-one raises when there is none)."""
    return getattr(request, "claim", None)


def spent_on(request: FundRequest) -> Decimal:
    claim = claim_of(request)
    if claim is not None and claim.status == Claim.Status.APPROVED:
        return claim.approved_amount or Decimal(0)
    if request.status == FundRequest.Status.APPROVED:
        return request.approved_amount or Decimal(0)
    return Decimal(0)


def roi(won: Decimal, spent: Decimal) -> Decimal | None:
    """Won revenue per yen of fund money spent (None when nothing was spent)."""
    return (Decimal(won) / Decimal(spent)).quantize(Decimal("0.1")) if spent else None


class PartnerRoi(NamedTuple):
    requests: int
    spent: Decimal
    deals: int
    pipeline: Decimal
    won: Decimal
    roi: Decimal | None


def partner_roi(requests) -> PartnerRoi:
    """The totals of `requests` (already annotated by `with_results`)."""
    counted = [r for r in requests if r.status in (FundRequest.Status.APPROVED, FundRequest.Status.CLAIMED)]
    spent = sum((spent_on(r) for r in counted), Decimal(0))
    won = sum((r.won for r in counted), Decimal(0))
    return PartnerRoi(
        requests=len(counted),
        spent=spent,
        deals=sum(r.deals for r in counted),
        pipeline=sum((r.pipeline for r in counted), Decimal(0)),
        won=won,
        roi=roi(won, spent),
    )


NO_ROI = PartnerRoi(0, Decimal(0), 0, Decimal(0), Decimal(0), None)


def roi_by_partner(partners, *, period) -> dict[int, PartnerRoi]:
    """Each partner's totals over its requests drawing on funds of `period` (one query)."""
    by_partner: dict[int, list[FundRequest]] = {}
    for request in with_results(staff_requests(partners).filter(fund__period_start=period.start)):
        by_partner.setdefault(request.partner_id, []).append(request)
    return {partner_id: partner_roi(rows) for partner_id, rows in by_partner.items()}


# --- Staff ----------------------------------------------------------------------------------


def staff_requests(partners) -> QuerySet[FundRequest]:
    rows = FundRequest.objects.select_related("partner", "fund", "campaign", "claim")
    if partners is not None:
        rows = rows.filter(partner__in=partners)
    return rows


def staff_claims(partners) -> QuerySet[Claim]:
    rows = Claim.objects.select_related("partner", "request", "request__fund")
    if partners is not None:
        rows = rows.filter(partner__in=partners)
    return rows


def staff_funds(partners, *, period_start: date) -> QuerySet[Fund]:
    rows = Fund.objects.filter(period_start=period_start).select_related("partner", "tier")
    if partners is not None:
        rows = rows.filter(partner__in=partners)
    return rows.order_by("partner__name", "pk")


def fund_totals(funds: QuerySet[Fund]) -> dict:
    return funds.aggregate(
        allocated=Coalesce(Sum("allocated"), ZERO),
        reserved=Coalesce(Sum("reserved"), ZERO),
        committed=Coalesce(Sum("committed"), ZERO),
        paid=Coalesce(Sum("paid"), ZERO),
    )


def funds_block(query: BlockQuery) -> dict:
    """MDF in the current period: allocated, reserved, approved and paid, and the decisions
    waiting (requests and claims), for the viewer's partners."""
    period = period_of(query.today)
    totals = fund_totals(query.scoped(Fund.objects.filter(period_start=period.start)))
    waiting_requests = query.scoped(FundRequest.objects.pending()).count()
    waiting_claims = query.scoped(Claim.objects.filter(status=Claim.Status.SUBMITTED)).count()
    overdue = (
        query.scoped(FundRequest.objects.pending().filter(decision_due_on__lt=timezone.localdate())).count()
        + query.scoped(
            Claim.objects.filter(status=Claim.Status.SUBMITTED, decision_due_on__lt=timezone.localdate())
        ).count()
    )
    figures = [
        (_("Allocated (JPY)"), int(totals["allocated"])),
        (_("Reserved for approved requests (JPY)"), int(totals["reserved"])),
        (_("Approved claims to pay (JPY)"), int(totals["committed"])),
        (_("Paid (JPY)"), int(totals["paid"])),
        (_("Requests awaiting a decision"), waiting_requests),
        (_("Claims under review"), waiting_claims),
        (_("Decisions overdue"), overdue),
    ]
    return {
        "title": _("Market development funds (%(period)s)") % {"period": period.label()},
        "header": [_("Figure"), _("Value")],
        "rows": [[label, value] for label, value in figures],
        "detail_url": "funds:staff_requests",
    }
