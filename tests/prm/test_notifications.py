"""Notifications: one model and service in prm; preferences, idempotency, bell and list."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from incentives import services as incentives_services
from incentives import tasks as incentives_tasks
from incentives.models import Deal
from prm import tasks
from prm.models import Notification, NotificationPreference
from prm.notifications import center
from tests.incentives.factories import DealFactory, make_tiers


def _prefer(user, kind, channel):
    NotificationPreference.objects.create(user=user, kind=kind, channel=channel)


@pytest.fixture
def tiers(db):
    return make_tiers()


def test_the_same_event_is_stored_and_mailed_once(world, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            center.notify(
                kind="campaign_new",
                recipients=[world.admin_a, world.member_a],
                event_key="campaign:1",
                params={"title": "Spring"},
                url="/campaigns/",
            )
    assert Notification.objects.filter(kind="campaign_new").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.admin_a.email, world.member_a.email])


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        center.notify(kind="nope", recipients=[world.admin_a], event_key="x")


@pytest.mark.parametrize(
    ("channel", "in_app", "mails_now"),
    [("in_app", True, 0), ("email", False, 1), ("both", True, 1), ("digest", True, 0)],
)
def test_preferences_are_honoured(world, django_capture_on_commit_callbacks, channel, in_app, mails_now):
    _prefer(world.member_a, "campaign_new", channel)
    with django_capture_on_commit_callbacks(execute=True):
        center.notify(
            kind="campaign_new", recipients=[world.member_a], event_key="c:1", params={"title": "T"}
        )
    n = Notification.objects.get()
    assert n.in_app is in_app
    assert len(mail.outbox) == mails_now
    assert center.unread_count(world.member_a) == (1 if in_app else 0)


def test_daily_summary_collects_digest_rows_once(world):
    _prefer(world.member_a, "campaign_new", "digest")
    _prefer(world.member_a, "announcement_new", "digest")
    center.notify(kind="campaign_new", recipients=[world.member_a], event_key="c:1", params={"title": "A"})
    center.notify(
        kind="announcement_new", recipients=[world.member_a], event_key="a:1", params={"title": "B"}
    )
    assert tasks.send_notification_summaries() == 1
    assert tasks.send_notification_summaries() == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "A" in body and "B" in body


def test_emails_are_in_the_recipients_language(world, django_capture_on_commit_callbacks):
    world.admin_a.language = "en"
    world.admin_a.save(update_fields=["language"])
    world.member_a.language = "ja"
    world.member_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        center.notify(
            kind="campaign_new",
            recipients=[world.admin_a, world.member_a],
            event_key="c",
            params={"title": "X"},
        )
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "A new campaign is open" in by_to[world.admin_a.email].body
    assert "新しいキャンペーン" in by_to[world.member_a.email].body


def test_deal_review_notifies_once_even_when_the_task_is_retried(
    world, tiers, django_capture_on_commit_callbacks
):
    deal = DealFactory(partner=world.partner_a, registered_by=world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        incentives_services.deal_approve(deal=deal, actor=world.manager_a, reason="OK")
    sent = len(mail.outbox)
    incentives_tasks.notify_deal_reviewed(deal_id=deal.pk)  # a redelivered task
    assert len(mail.outbox) == sent
    rows = Notification.objects.filter(
        kind="deal_reviewed", event_key__startswith=f"deal:{deal.pk}:{Deal.Status.APPROVED}:"
    )  # one event per review (a re-review is another)
    assert set(rows.values_list("recipient_id", flat=True)) == {world.admin_a.pk, world.member_a.pk}
    assert "was approved" in rows.first().text or "承認" in rows.first().text


def test_in_app_only_preference_suppresses_the_deal_email(world, tiers, django_capture_on_commit_callbacks):
    _prefer(world.member_a, "deal_reviewed", "in_app")
    deal = DealFactory(partner=world.partner_a, registered_by=world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        incentives_services.deal_approve(deal=deal, actor=world.manager_a, reason="OK")
    assert world.member_a.email not in {m.to[0] for m in mail.outbox}
    assert world.admin_a.email in {m.to[0] for m in mail.outbox}
    assert center.unread_count(world.member_a) == 1


def test_protection_ending_notifies_once_per_sweep(world, tiers, django_capture_on_commit_callbacks):
    DealFactory(
        partner=world.partner_a,
        registered_by=world.member_a,
        approved=True,
        protected_until=date.today() + timedelta(days=3),
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            incentives_services.deals_protection_sweep()
    assert Notification.objects.filter(kind="protection_ending", recipient=world.member_a).count() == 1


def test_application_assigned_notifies_the_reviewer(world, django_capture_on_commit_callbacks):
    from partners import services as partner_services
    from tests.partners.factories import ApplicationFactory

    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.application_assign(
            application=application, reviewer=world.manager_a, actor=world.superuser
        )
    n = Notification.objects.get(kind="application_assigned")
    assert n.recipient == world.manager_a
    assert application.company_name in n.text
    assert world.manager_a.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize("url_name", ["notification_bell", "home", "notifications"])
def test_the_bell_costs_one_indexed_query_per_page(
    world, client_for, django_assert_max_num_queries, url_name
):
    center.notify(kind="campaign_new", recipients=[world.member_a], event_key="c:1", params={"title": "T"})
    client = client_for(world.member_a)
    client.get(reverse(url_name))  # warm the session
    with django_assert_max_num_queries(40) as captured:
        response = client.get(reverse(url_name))
    bell = [q["sql"] for q in captured.captured_queries if 'FROM "prm_notification"' in q["sql"]]
    # At most one count (for partner users it is cached until a notification arrives or is read).
    assert len([q for q in bell if "COUNT(*)" in q and 'read_at" IS NULL' in q]) <= 1
    assert 'data-unread="1"' in response.getvalue().decode()


def test_page_cost_does_not_grow_with_notifications(world, client_for, django_assert_max_num_queries):
    client = client_for(world.member_a)
    url = reverse("notifications")
    client.get(url)
    for i in range(30):
        center.notify(
            kind="campaign_new", recipients=[world.member_a], event_key=f"c:{i}", params={"title": str(i)}
        )
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_list_and_mark_read(world, client_for):
    center.notify(
        kind="campaign_new", recipients=[world.member_a], event_key="c:1", params={"title": "Spring"}, url="/"
    )
    center.notify(
        kind="campaign_new", recipients=[world.admin_b], event_key="c:1", params={"title": "B only"}
    )
    client = client_for(world.member_a)
    text = client.get(reverse("notifications")).getvalue().decode()
    assert "Spring" in text and "B only" not in text
    own = Notification.objects.get(recipient=world.member_a)
    other = Notification.objects.get(recipient=world.admin_b)
    assert client.post(reverse("notification_read", args=[other.pk])).status_code == 404
    response = client.post(reverse("notification_read", args=[own.pk]))
    assert response.status_code == 302 and response["Location"] == "/"
    assert center.unread_count(world.member_a) == 0
    center.notify(kind="campaign_new", recipients=[world.member_a], event_key="c:2", params={"title": "x"})
    client.post(reverse("notification_read_all"))
    assert center.unread_count(world.member_a) == 0
    assert center.unread_count(world.admin_b) == 1


def test_preferences_page_saves_per_kind(world, client_for):
    client = client_for(world.member_a)
    page = client.get(reverse("notification_preferences")).getvalue().decode()
    assert "application_assigned" not in page  # a staff kind
    response = client.post(
        reverse("notification_preferences"), {"deal_reviewed": "digest", "campaign_new": "email"}
    )
    assert response.status_code == 302
    assert dict(
        NotificationPreference.objects.filter(user=world.member_a).values_list("kind", "channel")
    ) == {
        "deal_reviewed": "digest",
        "campaign_new": "email",
    }


def test_tier_change_notifies_partner_admins_once(world, tiers):
    from incentives import emails as incentive_emails
    from incentives.models import TierChange

    change = TierChange.objects.create(
        partner=world.partner_a,
        kind=TierChange.Kind.UPGRADE,
        from_tier=tiers[0],
        to_tier=tiers[1],
        effective_on=date.today(),
    )
    incentive_emails.tier_changes(change_ids=[change.pk])
    incentive_emails.tier_changes(change_ids=[change.pk])
    rows = Notification.objects.filter(kind="tier_changed")
    assert [n.recipient for n in rows] == [world.admin_a]
    assert len(mail.outbox) == 1
