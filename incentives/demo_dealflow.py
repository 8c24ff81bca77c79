"""Demo data of issue 28 (called by incentives.demo.seed, idempotent): tier rules for
protection extensions and credited revenue, an extension request waiting for a decision, a
deal with an influenced and a delivering partner, and approval dates that give the
dashboard's activation block real cohorts."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Min
from django.utils import timezone

from incentives import rollups, services
from incentives.models import Deal, DealCredit, ProtectionExtension, Tier
from partners.models import Membership, Partner
from prm.models import User

# rank: (extensions per deal, grace days, influenced weight, delivered weight)
TIER_RULES = {
    0: (1, 7, "0", "0"),
    1: (1, 7, "0.25", "0.5"),
    2: (2, 14, "0.25", "0.5"),
    3: (3, 14, "0.5", "0.5"),
}
# Days between a demo partner's approval and its first registration: a mix of fast, slow and
# late starters (the 60- and 90-day activation rates).
FIRST_DEAL_AFTER = (12, 45, 75, 130)
# Demo partners without deals: approved this many days ago (one finished onboarding long ago).
NO_DEAL_APPROVED = (95, 70, 30, 20, 8)


def seed(today) -> None:
    for rank, (extensions, grace, influenced, delivered) in TIER_RULES.items():
        Tier.objects.filter(rank=rank).update(
            max_extensions=extensions,
            extension_grace_days=grace,
            influenced_weight=Decimal(influenced),
            delivered_weight=Decimal(delivered),
        )
    _approval_dates()
    # Seeded deals skip the review service: their first approval is their registration + 3 days.
    Deal.objects.filter(approved_amount__isnull=False, first_approved_at__isnull=True).update(
        first_approved_at=F("created_at") + timedelta(days=3)
    )
    _extension_waiting(today)
    _credits()


def _approval_dates() -> None:
    """Move each demo partner's approval (its creation: demo partners have no application)
    before its first deal, once (a partner approved today has nothing to show)."""
    fresh = Partner.objects.filter(created_at__gte=timezone.now() - timedelta(days=2)).order_by("pk")
    firsts = dict(
        Deal.objects.filter(partner__in=fresh)
        .values("partner_id")
        .annotate(first=Min("created_at"))
        .values_list("partner_id", "first")
    )
    without = 0
    for n, partner in enumerate(fresh):
        if partner.pk in firsts:
            approved = firsts[partner.pk] - timedelta(days=FIRST_DEAL_AFTER[n % len(FIRST_DEAL_AFTER)])
        else:
            approved = timezone.now() - timedelta(days=NO_DEAL_APPROVED[without % len(NO_DEAL_APPROVED)])
            without += 1
        Partner.objects.filter(pk=partner.pk).update(created_at=approved)
    rollups.activation_refresh()


def _admin(partner):
    membership = Membership.objects.filter(partner=partner, role="admin", is_active=True).first()
    return membership.user if membership else None


def _extension_waiting(today) -> None:
    if ProtectionExtension.objects.exists():
        return
    deal = (
        Deal.objects.filter(
            status=Deal.Status.APPROVED, stage__in=Deal.OPEN_STAGES, partner__slug="sakura-systems"
        )
        .order_by("pk")
        .first()
    )
    user = _admin(deal.partner) if deal else None
    if deal is None or user is None:
        return
    services.extension_request(
        deal=deal,
        user=user,
        reason="お客様の稟議が来月の取締役会に回ったため、決裁が1か月ほど遅れる見込みです。",
        expected_close_date=today + timedelta(days=50),
        on=today,
    )


def _credits() -> None:
    if DealCredit.objects.exists():
        return
    won = Deal.objects.counted().filter(partner__slug="sakura-systems").order_by("-closed_on").first()
    opened = Deal.objects.filter(
        partner__slug="hokuto-it", status=Deal.Status.APPROVED, stage__in=Deal.OPEN_STAGES
    ).first()
    delivery = Partner.objects.filter(slug="fuji-integration").first()
    manager = User.objects.filter(email="manager@example.com").first()  # the demo channel manager
    solution = Partner.objects.filter(slug="pacific-support").first()
    for deal, partner, role in (
        (won, delivery, DealCredit.Role.DELIVERED),
        (won, solution, DealCredit.Role.INFLUENCED),
        (opened, delivery, DealCredit.Role.DELIVERED),
    ):
        if deal is not None and partner is not None and partner.status in Partner.PORTAL_STATUSES:
            services.deal_credit_add(deal=deal, partner=partner, role=role, actor=manager)
