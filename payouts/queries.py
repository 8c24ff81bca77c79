"""Reads of the payouts app, shared by the partner pages, the finance pages and tests."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from funds import queries as fund_queries
from incentives import queries as incentive_queries
from partners.models import Partner
from payouts.models import PayeeProfile, Payout, PayoutLine, TransferBatch
from prm.access.scoping import scoped
from prm.exports.streaming import stream_rows
from prm.tenancy import partners_for_staff

# Finance's right (the "Finance" group: prm.access.roles): changing a statement is approving it,
# putting it in a transfer file and recording its payment.
MANAGE = "payouts.change_payout"


def can_manage(user) -> bool:
    """Finance: approves statements, produces transfer files and records payments."""
    return bool(user.is_active and user.is_staff and user.has_perm(MANAGE))


def can_view(user) -> bool:
    return can_manage(user) or bool(user.is_channel_manager)


def visible_partners(user) -> QuerySet[Partner]:
    """Finance pays every partner; a channel manager sees the payouts of the partners they manage."""
    return Partner.objects.all() if can_manage(user) else partners_for_staff(user)


def payouts_for_staff(user) -> QuerySet[Payout]:
    return scoped(Payout.objects.all(), visible_partners(user)).select_related("partner", "batch")


def profiles_for_staff(user) -> QuerySet[PayeeProfile]:
    return scoped(PayeeProfile.objects.all(), visible_partners(user)).select_related("partner")


def batches() -> QuerySet[TransferBatch]:
    """Transfer files, newest first, with how many of their statements are paid."""
    return (
        TransferBatch.objects.select_related("created_by")
        .annotate(paid=Count("payouts", filter=Q(payouts__status=Payout.Status.PAID)))
        .order_by("-created_at", "-pk")
    )


def lines_for_staff(user) -> QuerySet[PayoutLine]:
    return scoped(PayoutLine.objects.all(), visible_partners(user), field="payout__partner")


def lines_of(payout: Payout) -> QuerySet[PayoutLine]:
    return payout.lines.select_related("earning").order_by("transaction_date", "pk")


def unpaid_earnings(user, *, until) -> QuerySet:
    """Approved earnings that no payment statement holds yet (the "unpaid" view)."""
    qs = incentive_queries.earnings_payable(until=until).filter(payout_line__isnull=True)
    return scoped(qs, visible_partners(user), field="statement__partner")


def unpaid_claims(user, *, until) -> QuerySet:
    """Approved MDF claims that no payment statement holds yet."""
    qs = fund_queries.claims_payable(until=until).filter(payout_line__isnull=True)
    return scoped(qs, visible_partners(user))


def finance_totals(user, *, until) -> dict[str, Decimal]:
    """Tax-exclusive amounts by where the money stands, in one read per table: unpaid (approved
    earnings and MDF claims on no statement), pending (on a statement under review), approved (issued,
    not yet transferred) and paid. Their sum is every approved or paid earning and claim."""
    lines = (
        scoped(PayoutLine.objects.all(), visible_partners(user), field="payout__partner")
        .values("payout__status")
        .annotate(total=Sum("amount"))
    )
    out = {"unpaid": Decimal(0), "draft": Decimal(0), "approved": Decimal(0), "paid": Decimal(0)}
    for row in lines:
        out[row["payout__status"]] = row["total"] or Decimal(0)
    earnings = unpaid_earnings(user, until=until).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    claims = unpaid_claims(user, until=until).aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)
    out["unpaid"] = earnings + claims
    return out


def payouts_for_export(partner):
    return stream_rows(
        Payout.objects.for_partner(partner).select_related("partner").order_by("period", "pk"),
        chunk_size=2000,
    )
