import pytest


class Facts:
    """Real rows in the apps content reads from (no stand-ins): tiers from incentives, the
    partner's lifecycle and first won deal from partners."""

    def tier(self, partner, rank: int | None):
        from incentives.models import PartnerTierState, Tier

        tier = None
        if rank is not None:
            tier = Tier.objects.filter(rank=rank).first() or Tier.objects.create(
                name=f"Rank {rank}", rank=rank
            )
        PartnerTierState.objects.update_or_create(partner=partner, defaults={"tier": tier})
        partner._tier_state = False  # forget the tier state cached on the object

    def onboarding(self, partner):
        from partners.models import Partner

        Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.ONBOARDING)
        partner.status = Partner.Status.ONBOARDING

    def won_deal(self, partner, on=None):
        from django.utils import timezone

        from partners.services import partner_deal_won

        partner_deal_won(partner=partner, on=on or timezone.localdate())
        partner.refresh_from_db(fields=["first_deal_won_at"])


@pytest.fixture
def facts(db):
    return Facts()


@pytest.fixture(autouse=True)
def _english():
    """Service calls outside a request run in English (pages follow the user's language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
