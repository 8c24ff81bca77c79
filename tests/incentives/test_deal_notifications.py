"""Deal notification tasks claim each (event, recipient) once: a redelivered task (a worker
killed mid-task, a retry) sends only what was not sent yet (tests/faults kills real workers).
Reviews and protection notices are claimed through prm.notifications.center (one row per recipient,
kind and event); submissions to reviewers through incentives' DealNotification."""

from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives

from incentives import tasks
from prm.models import Notification
from tests.factories import MembershipFactory
from tests.incentives.factories import DealFactory


@pytest.fixture
def deal(db):
    deal = DealFactory(approved=True)
    for _ in range(2):
        MembershipFactory(partner=deal.partner, role="admin")
    return deal


def test_it_sends_each_deal_email_once_when_the_task_runs_twice(deal):
    tasks.notify_deal_reviewed(deal_id=deal.pk)
    tasks.notify_deal_reviewed(deal_id=deal.pk)
    assert len(mail.outbox) == 2
    assert (
        Notification.objects.filter(kind="deal_reviewed", event_key=f"deal:{deal.pk}:approved").count() == 2
    )


def test_a_failed_send_leaves_no_claim_and_the_retry_sends_the_rest(deal):
    calls = []

    def fail_second(message, *args, **kwargs):  # the mail server, outside the system
        calls.append(message.to)
        if len(calls) == 2:
            raise ConnectionError("mail server went away")
        return EmailMessage.send(message, *args, **kwargs)

    with (
        mock.patch.object(EmailMultiAlternatives, "send", autospec=True, side_effect=fail_second),
        pytest.raises(ConnectionError),
    ):
        tasks.notify_deal_reviewed(deal_id=deal.pk)
    assert Notification.objects.filter(kind="deal_reviewed", emailed_at__isnull=False).count() == 1
    tasks.notify_deal_reviewed(deal_id=deal.pk)
    assert len(mail.outbox) == 2
    assert len({m.to[0] for m in mail.outbox}) == 2


def test_protection_ending_is_claimed_per_protection_period(deal):
    tasks.notify_protection_ending(deal_id=deal.pk)
    tasks.notify_protection_ending(deal_id=deal.pk)
    assert len(mail.outbox) == 2
    assert Notification.objects.get(
        kind="protection_ending", recipient__email=mail.outbox[0].to[0]
    ).event_key == (f"deal:{deal.pk}:protection:{deal.protected_until}")
