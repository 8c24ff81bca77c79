"""The life of a lead on known data: the SLA across the New Year holiday, who may answer,
working it, converting it into an approved deal that keeps the lead as its source (and
counts toward a tier that asks for converted leads), the metrics, retention and erasure."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from incentives import services as incentives
from incentives.models import Deal, PartnerTierState
from leads import queries, services
from leads.models import Lead, LeadNote, LeadOffer, RoutingRule
from partners.models import Membership
from privacy import registry
from privacy.models import ProvisionRecord
from tests.factories import MembershipFactory
from tests.incentives.factories import ProductFactory, make_tiers
from tests.leads.helpers import at, manager, new_lead, partner_with_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiers():
    return make_tiers()


def test_sla_is_counted_in_business_days_across_new_year(tiers, settings):
    settings.PRM_LEAD_SLA_BUSINESS_DAYS = 2
    boss = manager()
    a, _admin = partner_with_admin("A")
    partner_with_admin("B")
    RoutingRule.objects.create(name="All", order=1)
    lead = new_lead(boss)
    # Thursday 31 December 2026, 10:00: 1 January is a holiday, 2-3 January a weekend.
    offer = services.lead_offer(lead=lead, partner=a, actor=boss, now=at(2026, 12, 31, 10))
    assert offer.due_at == at(2027, 1, 5, 10)  # Monday 4th and Tuesday 5th are the two days
    assert services.offers_expire(now=at(2027, 1, 4, 18)) == {"reoffered": 0, "unrouted": 0, "skipped": 0}
    assert services.offers_expire(now=at(2027, 1, 5, 10, 1))["reoffered"] == 1
    offer.refresh_from_db()
    lead.refresh_from_db()
    assert offer.status == LeadOffer.Status.EXPIRED
    assert lead.partner.name == "B" and lead.status == Lead.Status.OFFERED
    # The late answer of A is refused.
    with pytest.raises(services.LeadsError):
        services.lead_accept(lead=lead, user=_admin, now=at(2027, 1, 5, 11))


def test_admin_or_assigned_member_answers(tiers):
    boss = manager()
    a, admin = partner_with_admin("A")
    member = MembershipFactory(partner=a).user
    lead = new_lead(boss)
    services.lead_offer(lead=lead, partner=a, actor=boss)
    membership = Membership.objects.get(user=member)
    assert not services.may_answer(membership, lead)
    assert queries.partner_lead(membership, lead.pk) is None  # members see their own only
    services.lead_assign(lead=lead, actor=admin, assignee=member)
    lead.refresh_from_db()
    assert services.may_answer(membership, lead)
    services.lead_accept(lead=lead, user=member)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.ACCEPTED and lead.assigned_to == member


def test_decline_needs_a_reason_and_status_flow(tiers):
    boss = manager()
    a, admin = partner_with_admin("A")
    lead = new_lead(boss)
    services.lead_offer(lead=lead, partner=a, actor=boss)
    with pytest.raises(services.LeadsError):
        services.lead_decline(lead=lead, user=admin, reason="  ")
    services.lead_accept(lead=lead, user=admin)
    with pytest.raises(services.LeadsError):  # no reason
        services.lead_status_set(lead=lead, user=admin, status=Lead.Status.DISQUALIFIED)
    services.lead_status_set(lead=lead, user=admin, status=Lead.Status.CONTACTED, note="Called")
    services.lead_status_set(lead=lead, user=admin, status=Lead.Status.QUALIFIED)
    with pytest.raises(services.LeadsError):  # no way back
        services.lead_status_set(lead=lead, user=admin, status=Lead.Status.CONTACTED)
    services.lead_note_add(lead=lead, user=admin, text="Budget confirmed")
    assert list(LeadNote.objects.filter(lead=lead).values_list("status", "text")) == [
        ("contacted", "Called"),
        ("qualified", ""),
        ("", "Budget confirmed"),
    ]


def _converted(tiers, *, amount=Decimal(4_000_000)):
    boss = manager()
    a, admin = partner_with_admin("A", tier=tiers[1])
    lead = new_lead(boss)
    services.lead_offer(lead=lead, partner=a, actor=boss, now=timezone.now() - timedelta(hours=5))
    services.lead_accept(lead=lead, user=admin)
    deal = services.lead_convert(
        lead=lead,
        user=admin,
        customer_domain="test-shoji.example.jp",
        product=ProductFactory(),
        amount=amount,
        expected_close_date=timezone.localdate() + timedelta(days=60),
    )
    return lead, deal, admin


def test_conversion_keeps_the_source_and_is_approved_with_the_tier_protection(tiers):
    lead, deal, _admin = _converted(tiers)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.deal == deal
    assert deal.source == Deal.Source.LEAD and deal.status == Deal.Status.APPROVED
    assert deal.protected_until == timezone.localdate() + timedelta(days=60)  # Silver: 60 days
    assert deal.first_approved_at is not None and deal.contact_name == "山田 太郎"
    assert deal.customer_company == lead.company and deal.registered_by == _admin
    # The vendor gave the contact: no partner-to-vendor provision record for it.
    assert not ProvisionRecord.objects.filter(source_id=str(deal.pk)).exists()
    with pytest.raises(services.LeadsError):
        services.lead_status_set(lead=lead, user=_admin, status=Lead.Status.CONTACTED)


def test_converted_leads_count_toward_a_tier_that_asks_for_them(tiers):
    tiers[1].min_won_revenue, tiers[1].min_won_deals, tiers[1].min_certified_people = 0, 0, 0
    tiers[1].min_converted_leads = 1
    tiers[1].save()
    _lead, deal, _admin = _converted(tiers)
    incentives.tiers_recompute(as_of=timezone.localdate())
    state = PartnerTierState.objects.get(partner=deal.partner)
    assert state.converted_leads == 1 and state.tier == tiers[1]
    tiers[1].min_converted_leads = 2
    tiers[1].save()
    incentives.tiers_recompute(as_of=timezone.localdate())
    state.refresh_from_db()
    assert state.qualified_tier == tiers[0]


def test_metrics_on_known_offers(tiers):
    boss = manager()
    a, admin = partner_with_admin("A")
    b, _b = partner_with_admin("B")
    now = timezone.now()
    product = ProductFactory()
    # A: four offers; accepted after 2 h and 6 h (median 4), one declined, one open.
    for i, (hours, answer) in enumerate([(2, "accept"), (6, "accept"), (1, "decline"), (0, None)]):
        lead = new_lead(boss, company=f"Co {i}")
        services.lead_offer(lead=lead, partner=a, actor=boss, now=now - timedelta(hours=hours + 1))
        if answer == "accept":
            services.lead_accept(lead=lead, user=admin, now=now - timedelta(hours=1))
        elif answer == "decline":
            services.lead_decline(lead=lead, user=admin, reason="No", now=now - timedelta(hours=1))
    won_lead = Lead.objects.get(company="Co 0")
    deal = services.lead_convert(
        lead=won_lead,
        user=admin,
        customer_domain="co0.example.jp",
        product=product,
        amount=Decimal(3_000_000),
        expected_close_date=timezone.localdate() + timedelta(days=30),
    )
    # Won at a claimed 9,000,000 over the approved 3,000,000: under review, counts nothing yet.
    incentives.deal_close(deal=deal, user=admin, won=True, amount=Decimal(5_000_000))
    m = queries.partner_lead_metrics(a)
    assert (m.offered, m.accepted, m.decided, m.converted) == (4, 2, 3, 1)
    assert (m.acceptance_rate, m.median_hours, m.conversion_rate) == (67, 4.0, 50)
    assert m.won_revenue == 0  # the win is above the approved amount: reviewed first
    incentives.deal_approve(deal=Deal.objects.get(pk=deal.pk), actor=boss)
    assert queries.partner_lead_metrics(a).won_revenue == Decimal(5_000_000)
    assert queries.partner_lead_metrics(b).offered == 0


def test_retention_anonymises_closed_leads_and_the_privacy_finder_erases(tiers, settings):
    settings.PRM_LEAD_RETENTION_DAYS = 30
    boss = manager()
    a, admin = partner_with_admin("A")
    old = new_lead(boss, company="Old")
    services.lead_offer(lead=old, partner=a, actor=boss)
    services.lead_accept(lead=old, user=admin)
    services.lead_status_set(lead=old, user=admin, status=Lead.Status.DISQUALIFIED, note="山田さんは退職")
    Lead.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    fresh = new_lead(boss, company="Fresh", contact_email="other@example.jp")
    assert services.leads_contacts_anonymise_stale() == 1
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_phone) == ("", "", "")
    assert old.contacts_anonymised_at is not None
    assert not LeadNote.objects.filter(lead=old).exclude(text="").exists()
    finder = registry.subject_finder("leads")
    found = finder.find(email="other@example.jp", name="", partner_ids=None)
    assert [f.pk for f in found] == [fresh.pk]
    assert finder.erase(ids=[fresh.pk], actor=boss, reason="request") == 1
    assert finder.find(email="other@example.jp", name="", partner_ids=None) == []


def test_conversion_refused_before_acceptance(tiers):
    boss = manager()
    a, admin = partner_with_admin("A")
    lead = new_lead(boss)
    services.lead_offer(lead=lead, partner=a, actor=boss)
    with pytest.raises(services.LeadsError):
        services.lead_convert(
            lead=lead,
            user=admin,
            customer_domain="x.example.jp",
            product=ProductFactory(),
            amount=Decimal(1),
            expected_close_date=date(2030, 1, 1),
        )
