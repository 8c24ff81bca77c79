"""Protection extensions (issue 28, part 2): a partner admin or the registrant asks before
protection ends or within the tier's grace period after; at most the tier's number of
approved extensions per deal, one open request at a time; the manager approves (a new end
date, by default the tier's protection days from the old end) or declines with a reason."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from incentives import services
from incentives.models import Deal, PartnerTierState, ProtectionExtension
from prm.models import AuditEvent, Notification
from prm.webhooks import registry as webhook_registry
from tests.factories import MembershipFactory
from tests.incentives.factories import DealFactory

TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def english():
    """The services' messages are matched in English."""
    with translation.override("en"):
        yield


ENDS = date(2026, 12, 10)


@pytest.fixture
def tier(world, tiers):
    """Partner A at Silver: 60 protection days, 2 extensions, 5 grace days."""
    silver = tiers[1]
    silver.max_extensions, silver.extension_grace_days = 2, 5
    silver.save()
    PartnerTierState.objects.create(partner=world.partner_a, tier=silver)
    return silver


@pytest.fixture
def deal(world, tier):
    return DealFactory(
        partner=world.partner_a,
        registered_by=world.member_a,
        status=Deal.Status.APPROVED,
        protected_until=ENDS,
        expected_close_date=date(2026, 12, 20),
    )


def ask(deal, user, on=TODAY, close=date(2027, 2, 1)):
    return services.extension_request(
        deal=deal,
        user=user,
        reason="The customer's board meets in January.",
        expected_close_date=close,
        on=on,
    )


def test_the_registrant_asks_and_the_manager_approves_with_the_tiers_days_from_the_old_end(
    world, deal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        extension = ask(deal, world.member_a)
    # The manager assigned to A is told, in the portal and by e-mail.
    assert Notification.objects.filter(kind="extension_requested", recipient=world.manager_a).exists()
    assert any(world.manager_a.email in m.to for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_approve(extension=extension, actor=world.manager_a, on=TODAY)
    deal.refresh_from_db()
    extension.refresh_from_db()
    assert deal.protected_until == ENDS + timedelta(days=60)  # Silver's protection days
    assert deal.expected_close_date == date(2027, 2, 1)
    assert extension.status == ProtectionExtension.Status.APPROVED
    assert extension.protected_until_after == deal.protected_until
    actions = set(AuditEvent.objects.filter(target_id=str(deal.pk)).values_list("action", flat=True))
    assert {"deal.extension_requested", "deal.extension_approved"} <= actions
    decided = Notification.objects.filter(kind="extension_decided", recipient=world.member_a).get()
    assert decided.params["variant"] == "approved"
    assert {tuple(m.to) for m in mail.outbox} >= {(world.member_a.email,), (world.admin_a.email,)}


def test_the_decision_mail_is_in_the_recipients_language(world, deal, django_capture_on_commit_callbacks):
    world.admin_a.language = "en"
    world.admin_a.save()
    world.member_a.language = "ja"
    world.member_a.save()
    extension = ask(deal, world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decline(
            extension=extension, actor=world.manager_a, reason="期限内に決裁が見込めません。"
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "declined" in subjects[world.admin_a.email]
    assert "延長" in subjects[world.member_a.email]
    body = next(m.body for m in mail.outbox if m.to[0] == world.member_a.email)
    assert "期限内に決裁が見込めません。" in body


def test_a_member_who_did_not_register_the_deal_cannot_ask(world, deal):
    other = MembershipFactory(partner=world.partner_a).user
    with pytest.raises(services.IncentivesError):
        ask(deal, other)
    ask(deal, world.admin_a)  # a partner admin can


def test_one_open_request_per_deal(world, deal):
    ask(deal, world.member_a)
    with pytest.raises(services.IncentivesError, match="already waiting"):
        ask(deal, world.admin_a)
    # The database holds it too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectionExtension.objects.create(
            deal=deal,
            partner=deal.partner,
            reason="x",
            expected_close_date=TODAY,
            protected_until_before=ENDS,
        )


@pytest.mark.parametrize(
    ("on", "allowed"),
    [
        (ENDS, True),  # the last protected day
        (ENDS + timedelta(days=5), True),  # the last day of Silver's grace period
        (ENDS + timedelta(days=6), False),  # one day too late
    ],
)
def test_the_grace_period_after_protection_ends(world, deal, on, allowed):
    if on > ENDS:
        Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.EXPIRED)
    if allowed:
        assert ask(deal, world.member_a, on=on).status == ProtectionExtension.Status.REQUESTED
    else:
        with pytest.raises(services.IncentivesError, match="more than 5 days ago"):
            ask(deal, world.member_a, on=on)


def test_an_expired_deal_approved_in_the_grace_period_is_protected_again(world, deal):
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.EXPIRED)
    on = ENDS + timedelta(days=3)
    extension = ask(deal, world.member_a, on=on)
    services.extension_approve(extension=extension, actor=world.manager_a, on=on)
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    assert deal.protected_until == on + timedelta(days=60)  # from today, the old end being past


def test_an_expired_deal_is_not_renewed_over_another_partners_protection(world, deal):
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.EXPIRED)
    on = ENDS + timedelta(days=2)
    extension = ask(deal, world.member_a, on=on)
    DealFactory(
        partner=world.partner_b,
        customer_company=deal.customer_company,
        customer_domain=deal.customer_domain,
        status=Deal.Status.APPROVED,
        protected_until=on + timedelta(days=30),
    )
    with pytest.raises(services.IncentivesError, match="Another partner"):
        services.extension_approve(extension=extension, actor=world.manager_a, on=on)


def test_the_tiers_maximum_of_approved_extensions(world, deal, tier):
    for _ in range(tier.max_extensions):
        services.extension_approve(extension=ask(deal, world.member_a), actor=world.manager_a, on=TODAY)
        deal.refresh_from_db()
    with pytest.raises(services.IncentivesError, match="most extensions"):
        ask(deal, world.member_a)
    # Declined requests do not use up the allowance.
    tier.max_extensions = 3
    tier.save()
    services.extension_decline(extension=ask(deal, world.member_a), actor=world.manager_a, reason="No.")
    assert ask(deal, world.member_a).status == ProtectionExtension.Status.REQUESTED


def test_the_limit_is_checked_again_when_approving(world, deal, tier):
    extension = ask(deal, world.member_a)
    tier.max_extensions = 0  # the tier changed while the request waited
    tier.save()
    with pytest.raises(services.IncentivesError, match="most extensions"):
        services.extension_approve(extension=extension, actor=world.manager_a, on=TODAY)


def test_the_manager_chooses_the_date_and_it_must_move_forward(world, deal):
    extension = ask(deal, world.member_a)
    with pytest.raises(services.IncentivesError, match="after the current one"):
        services.extension_approve(extension=extension, actor=world.manager_a, protected_until=ENDS, on=TODAY)
    services.extension_approve(
        extension=extension, actor=world.manager_a, protected_until=date(2027, 1, 31), on=TODAY
    )
    deal.refresh_from_db()
    assert deal.protected_until == date(2027, 1, 31)


def test_a_decline_needs_a_reason_and_a_decision_is_made_once(world, deal):
    extension = ask(deal, world.member_a)
    with pytest.raises(services.IncentivesError):
        services.extension_decline(extension=extension, actor=world.manager_a, reason="  ")
    services.extension_decline(extension=extension, actor=world.manager_a, reason="Not this quarter.")
    with pytest.raises(services.IncentivesError, match="already been decided"):
        services.extension_approve(extension=extension, actor=world.manager_a, on=TODAY)
    deal.refresh_from_db()
    assert deal.protected_until == ENDS


def test_closed_or_rejected_deals_cannot_be_extended(world, tier):
    for deal in (
        DealFactory(partner=world.partner_a, won=True),
        DealFactory(partner=world.partner_a, status=Deal.Status.REJECTED),
        DealFactory(partner=world.partner_a),  # under review
    ):
        with pytest.raises(services.IncentivesError):
            ask(deal, world.admin_a)


def test_the_audit_actions_raise_declared_webhook_events():
    raised = {
        action: [event.code for event in webhook_registry.for_action(action, {})]
        for action in ("deal.extension_requested", "deal.extension_approved", "deal.extension_declined")
    }
    assert raised == {
        "deal.extension_requested": ["deal.protection_extension_requested"],
        "deal.extension_approved": ["deal.protection_extended"],
        "deal.extension_declined": ["deal.protection_extension_declined"],
    }


def test_the_pages_show_the_request_and_the_queue(client, world, deal):
    client.force_login(world.member_a)
    with translation.override("en"):
        page = client.get(reverse("incentives:deal_detail", args=[deal.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-testid="extension-form"' in page.content
    response = client.post(
        reverse("incentives:deal_extension", args=[deal.pk]),
        {"reason": "Budget approval moved to January.", "expected_close_date": "2099-01-31"},
    )
    assert response.status_code == 302
    page = client.get(reverse("incentives:deal_detail", args=[deal.pk]))
    assert b'data-testid="extension-requested"' in page.content
    assert b'data-testid="extension-form"' not in page.content
    client.force_login(world.manager_a)
    queue = client.get(reverse("incentives:staff_extensions"))
    assert b"Budget approval moved to January." in queue.content
    response = client.post(
        reverse("incentives:staff_extension_decide", args=[deal.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 302
    assert ProtectionExtension.objects.get(deal=deal).status == ProtectionExtension.Status.APPROVED


def test_an_invalid_request_keeps_what_was_typed(client, world, deal):
    client.force_login(world.member_a)
    response = client.post(
        reverse("incentives:deal_extension", args=[deal.pk]),
        {"reason": "Kept text 7f2a", "expected_close_date": "2001-01-01"},
    )
    assert response.status_code == 400
    assert b"Kept text 7f2a" in response.content
    assert not ProtectionExtension.objects.exists()


def waiting(world, numbers):
    for n in numbers:
        made = DealFactory(
            partner=world.partner_a,
            registered_by=world.member_a,
            approved=True,
            customer_company=f"Queue {n}",
        )
        ask(made, world.member_a, on=date.today())


def test_the_staff_queue_reads_a_fixed_number_of_queries(client, world, tier, django_assert_max_num_queries):
    client.force_login(world.manager_a)
    client.get(reverse("incentives:staff_extensions"))  # the session
    waiting(world, range(3))
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("incentives:staff_extensions"))
    waiting(world, range(3, 9))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("incentives:staff_extensions"))
    assert response.content.count(b'data-testid="extension-row"') == 9
