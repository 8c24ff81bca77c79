"""Lead figures on the partner's scorecard: leads registers a section with incentives'
scorecard section registry; known offers give known figures, another partner sees none."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from incentives import scorecard_sections
from incentives import services as incentives
from incentives.models import Deal
from leads import services, views
from tests.incentives.factories import ProductFactory, make_tiers
from tests.leads.helpers import manager, new_lead

pytestmark = pytest.mark.django_db


def _scorecard(client):
    response = client.get(reverse("incentives:scorecard"))
    assert response.status_code == 200
    return response.getvalue().decode()


def test_the_scorecard_shows_the_partners_lead_figures(world, client_for):
    make_tiers()
    boss = manager()
    a, admin = world.partner_a, world.admin_a
    world.member_a.language = "en"
    world.member_a.save(update_fields=["language"])
    now = timezone.now()
    # Three offers to A: accepted after 2 h and converted, declined, accepted after 6 h:
    # acceptance 2 of 3 answered (67%), median 4 hours, conversion 1 of 2 accepted (50%).
    for company, hours, answer in [
        ("Won Co", 2, "accept"),
        ("No Co", 1, "decline"),
        ("Slow Co", 6, "accept"),
    ]:
        lead = new_lead(boss, company=company)
        services.lead_offer(lead=lead, partner=a, actor=boss, now=now - timedelta(hours=hours + 1))
        if answer == "accept":
            services.lead_accept(lead=lead, user=admin, now=now - timedelta(hours=1))
        else:
            services.lead_decline(
                lead=lead, user=admin, reason="Out of our region", now=now - timedelta(hours=1)
            )
    deal = services.lead_convert(
        lead=a.leads.get(company="Won Co"),
        user=admin,
        customer_domain="won-co.example.jp",
        product=ProductFactory(),
        amount=Decimal(2_400_000),
        expected_close_date=timezone.localdate() + timedelta(days=30),
    )
    incentives.deal_close(deal=Deal.objects.get(pk=deal.pk), user=admin, won=True, amount=Decimal(2_400_000))
    assert Deal.objects.get(pk=deal.pk).counted_amount_jpy == Decimal(2_400_000)  # reviewed: counts

    text = _scorecard(client_for(world.member_a))
    section = text[text.index('data-testid="scorecard-leads"') :]
    section = section[: section.index("</section>")]
    for shown in ("Leads from us", '<dd class="col-5">3</dd>', "67%", "4.0 hours", "50%", "¥2,400,000"):
        assert shown in section, shown
    # The section sits in the scorecard's cached fragment: an offer made since shows at once.
    services.lead_offer(lead=new_lead(boss, company="New Co"), partner=a, actor=boss)
    assert '<dd class="col-5">4</dd>' in _scorecard(client_for(world.member_a))

    # Partner B was offered nothing: no section, and none of A's figures.
    text_b = _scorecard(client_for(world.admin_b))
    assert 'data-testid="scorecard-leads"' not in text_b and "¥2,400,000" not in text_b


def test_the_leads_section_is_registered_once_and_hides_without_offers(world):
    registered = [s.func for s in scorecard_sections._sections]
    assert registered.count(views.scorecard_section) == 1
    scorecard_sections.register_section(views.scorecard_section, order=10)  # ready() again: no-op
    assert [s.func for s in scorecard_sections._sections] == registered
    assert views.scorecard_section(world.partner_b) is None
    assert scorecard_sections.sections(world.partner_b) == []
