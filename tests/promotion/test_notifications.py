"""promotion emits campaign_new and announcement_new through prm.notifications.center, once per
person and event, from the reminder sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from partners.models import PartnerType
from prm.models import Notification
from promotion import services, tasks
from tests.promotion.factories import AnnouncementFactory, CampaignFactory

pytestmark = pytest.mark.django_db


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_new_campaign_and_announcement_notified_once(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - timedelta(days=1), partner_types=[PartnerType.DELIVERY])
    CampaignFactory(starts_on=today - timedelta(days=20))  # opened long ago: not new
    CampaignFactory(status="draft")
    announcement = AnnouncementFactory(title_ja="新機能")
    AnnouncementFactory(starts_at=timezone.now() + timedelta(days=1))  # scheduled
    AnnouncementFactory(is_published=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep()
    members_a = sorted([world.admin_a.email, world.member_a.email])
    assert _told("campaign_new") == members_a  # only partner A is a delivery partner
    assert _told("announcement_new") == sorted([*members_a, world.admin_b.email])
    note = Notification.objects.get(kind="campaign_new", recipient=world.member_a)
    assert note.event_key == f"campaign:{campaign.pk}:open" and note.in_app
    assert Notification.objects.get(kind="announcement_new", recipient=world.member_a).event_key == (
        f"announcement:{announcement.pk}"
    )
    sent = len(mail.outbox)
    # A repeated sweep and a redelivered task change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep()
        tasks.sweep_reminders()
    assert Notification.objects.filter(kind="campaign_new").count() == 2
    assert Notification.objects.filter(kind="announcement_new").count() == 3
    assert len(mail.outbox) == sent


def test_announcement_emails_follow_preferences(world, django_capture_on_commit_callbacks):
    from prm.models import NotificationPreference

    NotificationPreference.objects.create(
        user=world.member_a, kind="announcement_new", channel=NotificationPreference.Channel.IN_APP
    )
    AnnouncementFactory(title_ja="新機能")
    with django_capture_on_commit_callbacks(execute=True):
        services.new_notifications_send()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert world.admin_a.email in by_to and world.member_a.email not in by_to
    assert "新しいお知らせ：新機能。" in by_to[world.admin_a.email].body  # the recipient's language
