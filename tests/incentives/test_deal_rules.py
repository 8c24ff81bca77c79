"""Approved deals keep their amount and currency: changes, and won amounts above the
approved amount, go back to review and are not counted until approved again."""

from datetime import date
from decimal import Decimal

from django.core import mail
from django.urls import reverse

from incentives import services
from incentives.models import Deal
from tests.incentives.factories import DealFactory


def _update(client, deal, **changes):
    data = {
        "stage": deal.stage,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date.isoformat(),
        "contact_name": deal.contact_name,
        **changes,
    }
    return client.post(reverse("incentives:deal_update", args=[deal.pk]), data)


def test_a_member_raising_an_approved_amount_sends_it_back_to_review(
    world, client_for, django_capture_on_commit_callbacks
):
    deal = DealFactory(partner=world.partner_a, approved=True, registered_by=world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert _update(client_for(world.member_a), deal, amount="50000000").status_code == 302
    deal.refresh_from_db()
    assert deal.status == Deal.Status.SUBMITTED
    assert deal.amount == Decimal(50_000_000)
    assert deal.approved_amount == Decimal(1_000_000)  # what the reviewer approved is kept
    assert world.manager_a.email in {m.to[0] for m in mail.outbox}  # the reviewer hears of it
    # Not protected and not closable until approved again.
    assert not deal.can_close()


def test_a_currency_change_goes_back_to_review_too(world, client_for):
    deal = DealFactory(partner=world.partner_a, approved=True)
    _update(client_for(world.member_a), deal, currency="USD")
    deal.refresh_from_db()
    assert deal.status == Deal.Status.SUBMITTED and deal.approved_currency == "JPY"


def test_winning_above_the_approved_amount_is_reviewed_and_not_counted(world, tiers):
    deal = DealFactory(partner=world.partner_a, approved=True)
    services.deal_close(deal=deal, user=world.member_a, won=True, amount=Decimal(2_900_000))
    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.WON and deal.status == Deal.Status.SUBMITTED
    services.tiers_recompute(as_of=date.today())
    from incentives.models import PartnerTierState

    state = PartnerTierState.objects.filter(partner=world.partner_a).first()
    assert state is None or state.won_revenue == 0
    # Once approved, it counts.
    services.deal_approve(deal=deal, actor=world.manager_a)
    services.tiers_recompute(as_of=date.today())
    assert PartnerTierState.objects.get(partner=world.partner_a).won_revenue == Decimal(2_900_000)


def test_mails_about_a_deal_skip_people_who_left_the_partner(world, django_capture_on_commit_callbacks):
    from partners.models import Membership

    deal = DealFactory(partner=world.partner_a, registered_by=world.member_a)
    Membership.objects.filter(user=world.member_a).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(deal=deal, actor=world.manager_a)
    recipients = {m.to[0] for m in mail.outbox}
    assert world.admin_a.email in recipients
    assert world.member_a.email not in recipients
