"""Deal registration: conflict detection, partner pages, review, expiry and reminders."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from incentives import services
from incentives.models import Deal
from prm.models import AuditEvent
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory, ProductFactory

TODAY = date(2026, 6, 1)


def form_data(**overrides):
    data = {
        "customer_company": "株式会社みなと物流",
        "customer_domain": "minato-logistics.example.jp",
        "contact_name": "港 一郎",
        "contact_email": "ichiro@minato-logistics.example.jp",
        "contact_source": "meeting",
        "contact_consent": "on",
        "product": ProductFactory(code="erp").pk,
        "amount": "4500000",
        "currency": "JPY",
        "expected_close_date": (date.today() + timedelta(days=30)).isoformat(),
        "notes": "",
    }
    data.update(overrides)
    return data


# --- conflict detection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company", "domain", "conflict"),
    [
        ("Different Name", "minato-logistics.example.jp", True),  # same domain
        ("（株）みなと 物流", "other.example.jp", True),  # same normalised name
        ("みなと物流関西株式会社", "other.example.jp", True),  # near match: one name contains the other
        ("Totally Unrelated KK", "unrelated.example.jp", False),
    ],
)
def test_conflict_cases(db, company, domain, conflict):
    other = DealFactory(
        customer_company="株式会社みなと物流", customer_domain="minato-logistics.example.jp", approved=True
    )
    mine = PartnerFactory()
    found = list(services.find_conflicts(partner=mine, customer_domain=domain, customer_company=company))
    assert (found == [other]) is conflict


def test_own_unprotected_or_closed_registrations_are_not_conflicts(db):
    mine = PartnerFactory()
    kwargs = {"customer_company": "みなと物流", "customer_domain": "minato.example.jp"}
    DealFactory(partner=mine, approved=True, **kwargs)  # own deal
    DealFactory(**kwargs)  # another partner's, still under review: not protected
    DealFactory(won=True, **kwargs)  # closed
    DealFactory(approved=True, protected_until=date.today() - timedelta(days=1), **kwargs)  # lapsed
    DealFactory(status=Deal.Status.REJECTED, **kwargs)
    assert not services.find_conflicts(
        partner=mine, customer_domain="minato.example.jp", customer_company="みなと物流"
    ).exists()


def test_partner_is_told_under_review_without_the_other_partner(world, client_for):
    DealFactory(
        partner=world.partner_b,
        customer_company="株式会社みなと物流",
        customer_domain="minato-logistics.example.jp",
        approved=True,
    )
    response = client_for(world.member_a).post(reverse("incentives:deal_create"), form_data(), follow=True)
    assert response.status_code == 200
    deal = Deal.objects.get(partner=world.partner_a)
    assert deal.has_conflict and deal.status == Deal.Status.SUBMITTED
    assert "Beta Holdings" in deal.conflict_notes
    text = response.getvalue().decode()
    assert 'data-testid="under-review"' in text
    assert "Beta Holdings" not in text
    assert "conflict" not in text.lower() and "競合" not in text
    event = AuditEvent.objects.get(action="deal.registered")
    assert event.data["conflict"] is True


def test_registration_validates_fields(world, client_for):
    data = form_data(
        customer_domain="not a domain",
        amount="0",
        expected_close_date=(date.today() - timedelta(days=1)).isoformat(),
    )
    response = client_for(world.member_a).post(reverse("incentives:deal_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"customer_domain", "amount", "expected_close_date"} <= set(errors)
    assert not Deal.objects.exists()


def test_registration_stores_normalised_keys_and_jpy(world, client_for):
    data = form_data(
        customer_domain="https://www.Minato-Logistics.example.jp/", amount="1000", currency="USD"
    )
    client_for(world.member_a).post(reverse("incentives:deal_create"), data)
    deal = Deal.objects.get()
    assert deal.customer_domain == "minato-logistics.example.jp"
    assert deal.company_key == "ミナト物流"  # ひらがな as カタカナ (prm.i18n.kana)
    assert deal.amount_jpy == Decimal(150_000)
    assert deal.registered_by == world.member_a


# --- partner list -----------------------------------------------------------------------


def test_list_filters_and_hides_other_partners(world, client_for):
    DealFactory(partner=world.partner_a, customer_company="Visible Won", won=True)
    DealFactory(partner=world.partner_a, customer_company="Visible Open")
    DealFactory(partner=world.partner_b, customer_company="Hidden B deal")
    client = client_for(world.member_a)
    text = client.get(reverse("incentives:deals")).getvalue().decode()
    assert "Visible Won" in text and "Visible Open" in text and "Hidden B deal" not in text
    text = client.get(reverse("incentives:deals"), {"stage": "won"}).getvalue().decode()
    assert "Visible Won" in text and "Visible Open" not in text
    response = client.get(reverse("incentives:deals"), {"format": "csv"})
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff") and "Visible Open" in body and "Hidden B deal" not in body


@pytest.mark.parametrize("count", [2, 30])
def test_list_query_count_is_flat(world, client_for, django_assert_max_num_queries, count):
    DealFactory.create_batch(count, partner=world.partner_a)
    client = client_for(world.member_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("incentives:deals")).status_code == 200


def test_other_partners_deal_is_404(world, client_for):
    deal = DealFactory(partner=world.partner_b)
    client = client_for(world.member_a)
    assert client.get(reverse("incentives:deal_detail", args=[deal.pk])).status_code == 404
    assert (
        client.post(reverse("incentives:deal_close", args=[deal.pk]), {"outcome": "won"}).status_code == 404
    )


# --- stage and outcome ------------------------------------------------------------------


def test_partner_updates_stage_and_marks_won(world, client_for):
    deal = DealFactory(partner=world.partner_a, approved=True)
    client = client_for(world.member_a)
    data = {
        "stage": "negotiation",
        "amount": "1000000",
        "currency": "JPY",
        "expected_close_date": deal.expected_close_date.isoformat(),
        "contact_name": deal.contact_name,
    }
    assert client.post(reverse("incentives:deal_update", args=[deal.pk]), data).status_code == 302
    deal.refresh_from_db()
    assert deal.stage == "negotiation" and deal.amount_jpy == Decimal(1_000_000)
    assert deal.status == Deal.Status.APPROVED  # the approved amount did not change
    response = client.post(
        reverse("incentives:deal_close", args=[deal.pk]), {"outcome": "won", "amount": "900000"}
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == Deal.Stage.WON and deal.closed_on == date.today() and deal.amount_jpy == 900_000
    assert deal.status == Deal.Status.APPROVED  # won at or below the approved amount
    assert list(AuditEvent.objects.filter(target_id=str(deal.pk)).values_list("action", flat=True)) == [
        "deal.won",
        "deal.updated",
    ]


def test_lost_needs_a_reason(world, client_for):
    deal = DealFactory(partner=world.partner_a, approved=True)
    response = client_for(world.member_a).post(
        reverse("incentives:deal_close", args=[deal.pk]), {"outcome": "lost"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["close_form"].errors


def test_submitted_deal_cannot_be_closed(world):
    deal = DealFactory(partner=world.partner_a)
    with pytest.raises(services.IncentivesError):
        services.deal_close(deal=deal, user=world.member_a, won=True)


# --- review -------------------------------------------------------------------------------


def test_approval_protects_for_the_tier_days(world, tiers, django_capture_on_commit_callbacks):
    services.tiers_recompute(as_of=TODAY)
    deal = DealFactory(partner=world.partner_a, registered_by=world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_approve(deal=deal, actor=world.manager_a, reason="OK", on=TODAY)
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    assert deal.protected_until == TODAY + timedelta(days=30)  # Registered tier: 30 days
    assert deal.reviewed_by == world.manager_a
    assert AuditEvent.objects.filter(action="deal.approved", target_id=str(deal.pk)).exists()
    assert world.member_a.email in {m.to[0] for m in mail.outbox}
    with pytest.raises(services.IncentivesError):
        services.deal_approve(deal=deal, actor=world.manager_a)


def test_rejection_needs_a_reason_and_is_shown_to_the_partner(world, client_for):
    deal = DealFactory(partner=world.partner_a)
    with pytest.raises(services.IncentivesError):
        services.deal_reject(deal=deal, actor=world.manager_a, reason=" ")
    services.deal_reject(deal=deal, actor=world.manager_a, reason="Customer already served directly.")
    text = (
        client_for(world.member_a).get(reverse("incentives:deal_detail", args=[deal.pk])).getvalue().decode()
    )
    assert "Customer already served directly." in text


def test_manager_reviews_in_staff_pages(world, client_for):
    deal = DealFactory(partner=world.partner_a, has_conflict=True)
    client = client_for(world.manager_a)
    text = client.get(reverse("incentives:staff_deals")).getvalue().decode()
    assert deal.customer_company in text and 'data-testid="conflict-flag"' in text
    url = reverse("incentives:staff_deal_detail", args=[deal.pk])
    response = client.post(url, {"decision": "reject"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 302
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED


def test_unassigned_manager_cannot_review(world, client_for):
    deal = DealFactory(partner=world.partner_a)
    client = client_for(world.manager_other)
    assert client.get(reverse("incentives:staff_deal_detail", args=[deal.pk])).status_code == 404
    assert deal.customer_company not in client.get(reverse("incentives:staff_deals")).getvalue().decode()


@pytest.mark.parametrize("count", [2, 25])
def test_review_queue_query_count_is_flat(world, client_for, django_assert_max_num_queries, count):
    DealFactory.create_batch(count, partner=world.partner_a)
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("incentives:staff_deals")).status_code == 200


# --- expiry and reminders ------------------------------------------------------------------


def test_sweep_expires_and_reminds_once(world, django_capture_on_commit_callbacks):
    ending = DealFactory(
        partner=world.partner_a,
        registered_by=world.member_a,
        approved=True,
        protected_until=TODAY + timedelta(days=7),
    )
    lapsed = DealFactory(partner=world.partner_a, approved=True, protected_until=TODAY - timedelta(days=1))
    later = DealFactory(partner=world.partner_a, approved=True, protected_until=TODAY + timedelta(days=8))
    won = DealFactory(partner=world.partner_a, won=True, protected_until=TODAY - timedelta(days=3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.deals_protection_sweep(today=TODAY)
    assert result == {"expired": 1, "reminded": 1}
    lapsed.refresh_from_db()
    won.refresh_from_db()
    assert lapsed.status == Deal.Status.EXPIRED and won.status == Deal.Status.APPROVED
    assert AuditEvent.objects.filter(action="deal.protection_expired", target_id=str(lapsed.pk)).exists()
    assert {m.to[0] for m in mail.outbox} == {world.member_a.email, world.admin_a.email}
    assert all(ending.customer_company in m.subject or "ending" in m.subject for m in mail.outbox)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deals_protection_sweep(today=TODAY) == {"expired": 0, "reminded": 0}
        assert services.deals_protection_sweep(today=TODAY + timedelta(days=1)) == {
            "expired": 0,
            "reminded": 1,
        }
    assert len(mail.outbox) == sent + 1  # `later` entered the window the next day (partner admin only)
    later.refresh_from_db()
    assert later.reminder_sent_for == later.protected_until


def test_sweep_task_runs_with_todays_date(world):
    DealFactory(partner=world.partner_a, approved=True, protected_until=TODAY - timedelta(days=1))
    from incentives import tasks

    with time_machine.travel(TODAY, tick=False):
        assert tasks.sweep_deal_protection.delay().get()["expired"] == 1


def test_assigned_managers_are_told_about_a_new_registration(
    world, client_for, django_capture_on_commit_callbacks
):
    DealFactory(
        partner=world.partner_b,
        customer_company="株式会社みなと物流",
        customer_domain="minato-logistics.example.jp",
        approved=True,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.member_a).post(reverse("incentives:deal_create"), form_data())
    recipients = {m.to[0] for m in mail.outbox}
    assert world.manager_a.email in recipients
    assert world.manager_other.email not in recipients and world.member_a.email not in recipients
    message = next(m for m in mail.outbox if m.to == [world.manager_a.email])
    # manager_a is not assigned to Beta: told that there is a conflict, not whose customer.
    assert "競合" in message.subject and "Beta Holdings" not in message.body
    assert "minato-logistics" in message.body  # A's own registration
    assert message.body.count("minato-logistics") == 1
    # Someone who may see Beta (the superuser) gets the details.
    full = next(m for m in mail.outbox if m.to == [world.superuser.email])
    assert "Beta Holdings" in full.body


def test_the_reviewer_reads_the_conflict_in_their_language(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.core import mail

    DealFactory(
        partner=world.partner_b,
        customer_company="株式会社みなと物流",
        customer_domain="minato-logistics.example.jp",
        approved=True,
    )
    # The superuser may see partner B, so its mail carries the conflict's details.
    world.superuser.language = "ja"
    world.superuser.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.member_a).post(reverse("incentives:deal_create"), form_data())
    to_manager = [m for m in mail.outbox if world.superuser.email in m.to]
    assert to_manager, [m.to for m in mail.outbox]
    assert "まで保護" in to_manager[0].body and "protected until" not in to_manager[0].body
