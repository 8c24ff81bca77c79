"""Admin: review actions with a reason, "recompute now", statement actions."""

from decimal import Decimal

from django.urls import reverse

from incentives.models import Deal, IncentiveProgram, PartnerTierState, Statement
from prm.models import AuditEvent
from tests.incentives.factories import DealFactory, ProgramFactory


def test_admin_reject_asks_for_a_reason_then_rejects(world, client_for):
    deal = DealFactory(partner=world.partner_a)
    client = client_for(world.superuser)
    url = reverse("admin:incentives_deal_changelist")
    response = client.post(url, {"action": "reject_deals", "_selected_action": [deal.pk]})
    assert response.status_code == 200 and deal.customer_company in response.getvalue().decode()
    client.post(url, {"action": "reject_deals", "_selected_action": [deal.pk], "apply": "1", "reason": ""})
    deal.refresh_from_db()
    assert deal.status == Deal.Status.SUBMITTED
    client.post(
        url, {"action": "reject_deals", "_selected_action": [deal.pk], "apply": "1", "reason": "Duplicate"}
    )
    deal.refresh_from_db()
    assert deal.status == Deal.Status.REJECTED and deal.review_reason == "Duplicate"
    assert AuditEvent.objects.filter(action="deal.rejected", actor=world.superuser).exists()


def test_admin_approve_action(world, client_for, tiers):
    deal = DealFactory(partner=world.partner_a)
    url = reverse("admin:incentives_deal_changelist")
    client_for(world.superuser).post(
        url, {"action": "approve_deals", "_selected_action": [deal.pk], "apply": "1", "reason": ""}
    )
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED and deal.protected_until


def test_recompute_now_action(world, client_for, tiers, django_capture_on_commit_callbacks):
    url = reverse("admin:incentives_tier_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.superuser).post(
            url, {"action": "recompute_now", "_selected_action": [tiers[0].pk]}
        )
    assert response.status_code == 302
    assert PartnerTierState.objects.filter(partner=world.partner_a, tier=tiers[0]).exists()


def test_statement_actions(world, client_for):
    ProgramFactory(
        kind=IncentiveProgram.Kind.SPIFF, amount=Decimal(1000), starts_on="2000-01-01", ends_on="2100-01-01"
    )
    deal = DealFactory(partner=world.partner_a, won=True)
    from incentives import services

    services.earnings_compute(period=deal.closed_on)
    statement = Statement.objects.get()
    url = reverse("admin:incentives_statement_changelist")
    client = client_for(world.superuser)
    client.post(url, {"action": "approve", "_selected_action": [statement.pk]})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    # Paying happens in payouts (a transfer file and its paid step), not in this admin.
    assert "mark_paid" not in client.get(url).content.decode()
    for name in (
        "tier",
        "deal",
        "product",
        "incentiveprogram",
        "statement",
        "partnertierstate",
        "tierchange",
    ):
        assert client.get(reverse(f"admin:incentives_{name}_changelist")).status_code == 200
