"""Routing on known data sets: which partner the rules pick (type, region, tier,
certification, load, round robin), never one that declined or let the offer expire, and a
decline chain that ends with nobody (the manager is told)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from leads import services
from leads.models import Lead, LeadOffer, Prefecture, RoutingRule
from partners.models import Partner, PartnerType
from prm.models import Notification
from tests.incentives.factories import make_tiers
from tests.leads.helpers import manager, new_lead, partner_with_admin
from tests.training.factories import CertificationFactory, UserCertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers():
    return make_tiers()


def _route(lead, actor):
    offer = services.lead_route(lead=lead, actor=actor)
    return offer.partner.name if offer else None


def test_rule_filters_type_region_tier_and_certification(tiers):
    boss = manager()
    cert = CertificationFactory()
    silver, gold = tiers[1], tiers[2]
    partner_with_admin("Wrong type", tier=gold, partner_type=PartnerType.DELIVERY)
    partner_with_admin("Too low", tier=tiers[0])
    partner_with_admin("Not certified", tier=gold)
    partner_with_admin("Suspended", tier=gold, status=Partner.Status.SUSPENDED)
    fit, fit_admin = partner_with_admin("Fits", tier=silver)
    UserCertificationFactory(certification=cert, partner=fit, user=fit_admin)
    RoutingRule.objects.create(
        name="Osaka sales",
        order=1,
        region=Prefecture.OSAKA,
        partner_type=PartnerType.SALES,
        min_tier=silver,
        certification=cert,
    )
    assert _route(new_lead(boss, region=Prefecture.OSAKA), boss) == "Fits"
    # A Tokyo lead matches no rule: unrouted.
    assert _route(new_lead(boss, region=Prefecture.TOKYO), boss) is None


def test_first_matching_rule_wins_and_named_partners_narrow_it(tiers):
    boss = manager()
    kansai, _a = partner_with_admin("Kansai")
    partner_with_admin("Anywhere")
    rule = RoutingRule.objects.create(name="Kansai", order=1, region=Prefecture.OSAKA)
    rule.partners.set([kansai])
    RoutingRule.objects.create(name="Default", order=2)
    assert _route(new_lead(boss, region=Prefecture.OSAKA), boss) == "Kansai"
    assert _route(new_lead(boss, region=Prefecture.HOKKAIDO), boss) in {"Kansai", "Anywhere"}


def test_least_loaded_then_round_robin_and_load_cap(tiers):
    boss = manager()
    for name in ("A", "B", "C"):
        partner_with_admin(name)
    RoutingRule.objects.create(name="All", order=1, max_open_leads=2)
    # Equal loads: whoever was offered longest ago (never: first, by age) -> A, B, C, then A.
    picks = [_route(new_lead(boss, company=f"Co {i}"), boss) for i in range(6)]
    assert picks == ["A", "B", "C", "A", "B", "C"]
    # Every partner holds its maximum of two open leads: the seventh is unrouted.
    assert _route(new_lead(boss, company="Co 7"), boss) is None
    # A closes one (disqualified): it has the lowest load and gets the next.
    a_lead = Lead.objects.filter(partner__name="A").order_by("pk").first()
    services.lead_accept(lead=a_lead, user=a_lead.partner.memberships.first().user)
    services.lead_status_set(
        lead=a_lead, user=a_lead.partner.memberships.first().user, status="disqualified", note="No budget"
    )
    assert _route(new_lead(boss, company="Co 8"), boss) == "A"


def test_decline_chain_ends_with_nobody_and_the_manager_is_told(
    tiers, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    boss = manager()
    admins = dict(partner_with_admin(name)[::-1] for name in ("A", "B"))
    RoutingRule.objects.create(name="All", order=1)
    with django_capture_on_commit_callbacks(execute=True):
        lead = new_lead(boss)
        services.lead_route(lead=lead, actor=boss)
    first = lead.offers.get()
    assert [m.to for m in mail.outbox] == [[first.partner.memberships.get().user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_decline(lead=lead, user=first.partner.memberships.get().user, reason="Too far")
        lead.refresh_from_db()
        second = lead.offers.get(status=LeadOffer.Status.OPEN)
        assert second.partner != first.partner
        # The second lets it expire: nobody is left (A declined, B expired), never A again.
        services.offers_expire(now=second.due_at + timedelta(minutes=1))
    lead.refresh_from_db()
    assert lead.status == Lead.Status.UNROUTED and lead.partner is None
    assert sorted(lead.offers.values_list("status", flat=True)) == ["declined", "expired"]
    note = Notification.objects.get(recipient=boss, kind="lead_unrouted")
    assert note.url.endswith(f"/staff/leads/{lead.pk}/")
    unrouted = [m for m in mail.outbox if boss.email in m.to]
    assert len(unrouted) == 1 and "Too far" in unrouted[0].body
    assert len(admins) == 2
    # A manager cannot hand it back to a partner that declined.
    with pytest.raises(services.LeadsError):
        services.lead_offer(lead=lead, partner=first.partner, actor=boss)


def test_a_manual_offer_needs_an_active_partner_and_an_unoffered_lead(tiers):
    boss = manager()
    a, _x = partner_with_admin("A")
    gone, _y = partner_with_admin("Gone", status=Partner.Status.OFFBOARDED)
    lead = new_lead(boss)
    with pytest.raises(services.LeadsError):
        services.lead_offer(lead=lead, partner=gone, actor=boss)
    services.lead_offer(lead=lead, partner=a, actor=boss, now=timezone.now())
    with pytest.raises(services.LeadsError):
        services.lead_offer(lead=lead, partner=a, actor=boss)
