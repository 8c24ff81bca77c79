from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners.models import PartnerType
from promotion import services, tasks
from promotion.models import AnnouncementReceipt, OverviewVideo, ReminderLog, VideoView
from promotion.video import embed_url
from tests.factories import MembershipFactory
from tests.promotion.factories import AnnouncementFactory, CampaignFactory, asset_with_file

pytestmark = pytest.mark.django_db


# --- Announcements ------------------------------------------------------------------------


def test_scheduled_targeted_and_dismissed_announcements(world, client_for):
    now = timezone.now()
    shown = AnnouncementFactory(title_ja="表示中のお知らせ")
    AnnouncementFactory(title_ja="予定のお知らせ", starts_at=now + timedelta(days=1))
    AnnouncementFactory(
        title_ja="終了したお知らせ", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)
    )
    AnnouncementFactory(title_ja="販売パートナー向け", partner_types=[PartnerType.SALES])
    AnnouncementFactory(title_ja="非公開", is_published=False)
    client = client_for(world.admin_a)
    html = client.get("/").getvalue().decode()
    assert "表示中のお知らせ" in html
    for hidden in ("予定のお知らせ", "終了したお知らせ", "販売パートナー向け", "非公開"):
        assert hidden not in html
    assert AnnouncementReceipt.objects.filter(announcement=shown, user=world.admin_a).exists()  # reach
    assert "販売パートナー向け" in client_for(world.admin_b).get("/").getvalue().decode()

    response = client.post(reverse("promotion:announcement_dismiss", args=[shown.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "表示中のお知らせ" not in client.get("/").getvalue().decode()
    assert "表示中のお知らせ" in client_for(world.member_a).get("/").getvalue().decode()  # per user

    with time_machine.travel(now + timedelta(days=2)):
        assert "予定のお知らせ" in client.get("/").getvalue().decode()


def test_announcement_in_english(world, client_for):
    AnnouncementFactory(title_ja="新機能のお知らせ", title_en="New feature")
    world.admin_a.language = "en"
    world.admin_a.save()
    html = client_for(world.admin_a).get("/", HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    assert "New feature" in html


# --- Overview video -------------------------------------------------------------------------


def test_video_on_landing_page_and_home_for_new_members(world, client_for, client):
    OverviewVideo.objects.create(
        title_ja="ポータル概要",
        title_en="Portal overview",
        external_url="https://www.youtube.com/watch?v=abcdefghijk",
        chapters_ja="0:00 はじめに\n1:30 案件登録",
        transcript_ja="こんにちは。",
    )
    landing = client.get("/").getvalue().decode()
    assert "youtube-nocookie.com/embed/abcdefghijk" in landing and "ポータル概要" in landing
    assert "<iframe" not in landing  # nothing loads from YouTube before a click
    home = client_for(world.member_a).get("/").getvalue().decode()
    assert 'data-testid="overview-video"' in home and "案件登録" in home
    MembershipFactory._meta.model.objects.filter(user=world.member_a).update(
        created_at=timezone.now() - timedelta(days=90)
    )
    world.member_a._prm_membership = False
    home = client_for(world.member_a).get("/").getvalue().decode()
    assert 'data-testid="overview-video"' not in home
    assert reverse("promotion:overview") in home
    assert client_for(world.member_a).post(reverse("promotion:video_watched")).status_code == 204
    assert client_for(world.member_a).post(reverse("promotion:video_watched")).status_code == 204
    assert VideoView.objects.count() == 1


def test_embed_urls_are_privacy_enhanced():
    assert (
        embed_url("https://youtu.be/abcdefghijk")
        == "https://www.youtube-nocookie.com/embed/abcdefghijk?rel=0"
    )
    assert embed_url("https://vimeo.com/123456789") == "https://player.vimeo.com/video/123456789?dnt=1"
    assert embed_url("https://evil.example/youtube") == ""


def test_invitation_email_links_the_overview_video(world, django_capture_on_commit_callbacks):
    from partners import services as partner_services

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.invitation_create(
            partner=world.partner_a, email="new@example.test", role="member", actor=world.admin_a
        )
    assert any(reverse("promotion:overview") in m.body for m in mail.outbox)


# --- Reminders ----------------------------------------------------------------------------


def test_reminders_are_sent_once_in_the_recipients_language(world, django_capture_on_commit_callbacks):
    world.admin_b.language = "en"
    world.admin_b.save()
    today = timezone.localdate()
    CampaignFactory(
        name_ja="春のキャンペーン",
        name_en="Spring campaign",
        starts_on=today,
        ends_on=today + timedelta(days=5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep()
    # opens + closing for A and B; one e-mail per partner admin each
    assert ReminderLog.objects.count() == 4
    assert len(mail.outbox) == 4
    subjects = sorted(m.subject for m in mail.outbox if m.to == [world.admin_b.email])
    assert subjects == ["New campaign: Spring campaign", "One week left: Spring campaign"]
    assert all("春のキャンペーン" in m.subject for m in mail.outbox if m.to == [world.admin_a.email])
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep()
    for log in ReminderLog.objects.all():  # a redelivered task
        tasks.send_reminder(log_id=log.pk)
    assert len(mail.outbox) == 4


def test_a_reminder_interrupted_before_commit_is_sent_on_redelivery(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from promotion import emails

    today = timezone.localdate()
    campaign = CampaignFactory(
        starts_on=today, ends_on=today + timedelta(days=30), partner_types=[PartnerType.DELIVERY]
    )
    log = ReminderLog.objects.create(campaign=campaign, partner=world.partner_a, kind=ReminderLog.Kind.OPENS)
    real = emails.reminder

    def killed(_log):
        raise SystemExit("worker killed")

    monkeypatch.setattr(emails, "reminder", killed)
    with pytest.raises(SystemExit):
        services.reminder_send(log_id=log.pk)
    log.refresh_from_db()
    assert log.sent_at is None  # the claim rolled back with the interrupted transaction
    monkeypatch.setattr(emails, "reminder", real)
    assert services.reminder_send(log_id=log.pk) is True
    assert services.reminder_send(log_id=log.pk) is False
    assert len(mail.outbox) == 1


def test_no_download_reminder_after_seven_days(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=30))
    campaign.assets.set([asset_with_file("image")])
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    services.participation_opt_in(campaign=campaign, partner=world.partner_b, user=world.admin_b)
    services.kit_download_record(
        campaign=campaign, partner=world.partner_b, user=world.admin_b, asset_version=None
    )
    services.reminders_sweep()
    assert not ReminderLog.objects.filter(kind="no_download").exists()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        services.reminders_sweep()
    assert list(ReminderLog.objects.filter(kind="no_download").values_list("partner", flat=True)) == [
        world.partner_a.pk
    ]


def test_video_needs_a_file_or_an_embeddable_link():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        OverviewVideo(title_ja="概要", title_en="Overview").full_clean()
    with pytest.raises(ValidationError):
        OverviewVideo(
            title_ja="概要", title_en="Overview", external_url="https://evil.example/v.mp4"
        ).full_clean()
    OverviewVideo(
        title_ja="概要", title_en="Overview", external_url="https://vimeo.com/123456789"
    ).full_clean()
