from io import StringIO

import pytest
from django.core.management import call_command

from promotion.models import Announcement, Campaign, CampaignParticipation, OverviewVideo

pytestmark = pytest.mark.django_db


def test_demo_has_three_campaigns_announcements_and_the_video():
    call_command("seed_demo", stdout=StringIO())
    counts = (Campaign.objects.count(), Announcement.objects.count(), CampaignParticipation.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        Campaign.objects.count(),
        Announcement.objects.count(),
        CampaignParticipation.objects.count(),
    ) == counts
    assert sorted(c.phase() for c in Campaign.objects.all()) == ["finished", "running", "upcoming"]
    finished = next(c for c in Campaign.objects.all() if c.phase() == "finished")
    assert finished.deals.exists() and finished.events.exists()
    video = OverviewVideo.objects.get()
    assert video.poster and video.video_file and video.transcript_ja and video.transcript_en
