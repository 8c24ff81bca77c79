"""Finding 7g (issue 21): programme data every manager edits (applications, library assets,
campaigns) does not show a manager the names of partners outside their scope: not in the
referral link field of an application, not in the rows listed on a delete page, not in the
history of an asset or a campaign."""

import json

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from content.models import AssetShare, Bookmark
from tests.content.factories import AssetFactory
from tests.partners.factories import ApplicationFactory, ReferralLinkFactory
from tests.promotion.factories import CampaignFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_applications_referral_link_names_only_partners_in_scope(world, client_for):
    link = ReferralLinkFactory(partner=world.partner_a, user=None, code="alpha-ref-9")
    application = ApplicationFactory(referral_link=link, source="referral")
    url = reverse("admin:partners_application_change", args=[application.pk])
    outside = _html(client_for(world.manager_other), url)
    assert world.SECRET_A not in outside and "alpha-ref-9" not in outside
    for insider in (world.manager_a, world.superuser):
        page = _html(client_for(insider), url)
        assert "alpha-ref-9" in page and world.SECRET_A in page


def test_a_staff_members_referral_link_is_shown_to_every_manager(world, client_for):
    link = ReferralLinkFactory(user=world.support, partner=None, code="support-ref")
    application = ApplicationFactory(referral_link=link, source="referral")
    page = _html(
        client_for(world.manager_other), reverse("admin:partners_application_change", args=[application.pk])
    )
    assert "support-ref" in page


@pytest.fixture
def shared_asset(world):
    asset = AssetFactory(title="Pricing guide", shared_only=True)
    AssetShare.objects.create(asset=asset, partner=world.partner_a, granted_by=world.superuser)
    Bookmark.objects.create(asset=asset, user=world.member_a, partner=world.partner_a)
    LogEntry.objects.create(
        user=world.superuser,
        content_type=ContentType.objects.get_for_model(asset),
        object_id=str(asset.pk),
        object_repr=str(asset),
        action_flag=ADDITION,
        change_message=json.dumps(
            [{"added": {"name": "asset share", "object": f"{asset} → {world.SECRET_A}"}}]
        ),
    )
    return asset


@pytest.mark.parametrize("view", ["delete", "history"])
def test_an_assets_delete_and_history_pages_name_no_partner_outside_scope(
    view, world, shared_asset, client_for
):
    url = reverse(f"admin:content_asset_{view}", args=[shared_asset.pk])
    outside = _html(client_for(world.manager_other), url)
    assert world.SECRET_A not in outside
    assert world.member_a.get_full_name() not in outside
    assert "Pricing guide" in outside  # what is being deleted, and the counts, are still there
    assert world.SECRET_A in _html(client_for(world.superuser), url)


def test_a_campaigns_delete_page_names_no_participant_outside_scope(world, client_for):
    campaign = CampaignFactory()
    ParticipationFactory(campaign=campaign, partner=world.partner_a)
    url = reverse("admin:promotion_campaign_delete", args=[campaign.pk])
    assert world.SECRET_A not in _html(client_for(world.manager_other), url)
    assert world.SECRET_A in _html(client_for(world.superuser), url)
