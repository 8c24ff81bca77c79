from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from partners.models import PartnerType
from promotion import cobrand, queries, services
from promotion.models import CampaignEvent, CampaignParticipation, CobrandedFile
from tests.incentives.factories import make_tiers
from tests.promotion.factories import CampaignFactory, asset_with_file, red_logo

pytestmark = pytest.mark.django_db


def set_tier(partner, rank):
    from incentives.models import PartnerTierState, Tier

    PartnerTierState.objects.update_or_create(partner=partner, defaults={"tier": Tier.objects.get(rank=rank)})


# --- Audience ---------------------------------------------------------------------------


def test_audience_by_partner_type(world):
    both = CampaignFactory()
    delivery = CampaignFactory(partner_types=[PartnerType.DELIVERY])
    sales = CampaignFactory(partner_types=[PartnerType.SALES])
    assert set(queries.for_partner(world.partner_a)) == {both, delivery}
    assert set(queries.for_partner(world.partner_b)) == {both, sales}


def test_audience_by_minimum_tier(world):
    from incentives.models import Tier

    make_tiers()
    gold = CampaignFactory(min_tier=Tier.objects.get(rank=2))
    set_tier(world.partner_a, 3)
    set_tier(world.partner_b, 1)
    assert list(queries.for_partner(world.partner_a)) == [gold]
    assert list(queries.for_partner(world.partner_b)) == []


def test_audience_by_named_partners(world):
    named = CampaignFactory()
    named.named_partners.set([world.partner_b])
    assert list(queries.for_partner(world.partner_b)) == [named]
    assert list(queries.for_partner(world.partner_a)) == []


def test_drafts_and_cancelled_are_never_shown(world):
    CampaignFactory(status="draft")
    CampaignFactory(status="cancelled")
    assert list(queries.for_partner(world.partner_a)) == []


def test_audience_partners_matches_for_partner(world):
    campaign = CampaignFactory(partner_types=[PartnerType.DELIVERY])
    assert list(queries.audience_partners(campaign)) == [world.partner_a]


# --- Opt-in / opt-out by role -------------------------------------------------------------


def test_partner_admin_opts_in_and_out(world, client_for, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    client = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("promotion:opt_in", args=[campaign.pk]))
    assert response.status_code == 302
    participation = CampaignParticipation.objects.get(campaign=campaign, partner=world.partner_a)
    assert participation.is_active and participation.opted_in_by == world.admin_a
    client.post(reverse("promotion:opt_out", args=[campaign.pk]))
    participation.refresh_from_db()
    assert not participation.is_active
    client.post(reverse("promotion:opt_in", args=[campaign.pk]))
    participation.refresh_from_db()
    assert participation.is_active
    assert CampaignParticipation.objects.count() == 1


def test_member_sees_campaign_but_cannot_opt_in(world, client_for):
    campaign = CampaignFactory()
    client = client_for(world.member_a)
    page = client.get(reverse("promotion:detail", args=[campaign.pk]))
    assert page.status_code == 200
    assert b'data-testid="admin-only"' in page.content
    assert client.post(reverse("promotion:opt_in", args=[campaign.pk])).status_code == 403
    assert client.post(reverse("promotion:opt_out", args=[campaign.pk])).status_code == 403
    assert not CampaignParticipation.objects.exists()


def test_campaign_outside_audience_is_404(world, client_for):
    campaign = CampaignFactory(partner_types=[PartnerType.SALES])
    client = client_for(world.admin_a)
    assert client.get(reverse("promotion:detail", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("promotion:opt_in", args=[campaign.pk])).status_code == 404


def test_finished_campaign_cannot_be_joined(world):
    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1))
    with pytest.raises(services.PromotionError):
        services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)


# --- Co-branded kit ---------------------------------------------------------------------


def test_image_gets_logo_and_name_in_safe_area(world, django_capture_on_commit_callbacks):
    world.partner_a.logo.save("logo.png", red_logo())
    asset = asset_with_file("image")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    item = CobrandedFile.objects.get(partner=world.partner_a, asset_version=asset.current_version)
    assert item.status == CobrandedFile.Status.READY
    image = Image.open(item.file.open("rb")).convert("RGB")
    assert image.size == (400, 200)
    left, top, right, bottom = cobrand.safe_box(image.size)
    safe = image.crop((left, top, right, bottom))
    red = sum(1 for px in safe.get_flattened_data() if px[0] > 200 and px[1] < 60 and px[2] < 60)
    assert red > 100, "the logo's red pixels are in the safe area"
    outside = image.crop((0, 0, image.width, top))
    assert not any(px[0] > 200 and px[1] < 60 and px[2] < 60 for px in outside.get_flattened_data())
    dark = sum(1 for px in safe.get_flattened_data() if max(px) < 100)
    assert dark > 20, "the partner name is drawn"


def test_pdf_gets_one_cover_page_with_partner_name(world, django_capture_on_commit_callbacks):
    world.partner_a.name = "青葉商事株式会社"
    world.partner_a.save()
    asset = asset_with_file("pdf", title="製品パンフレット")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    item = CobrandedFile.objects.get(partner=world.partner_a)
    original = PdfReader(asset.current_version.file.open("rb"))
    result = PdfReader(item.file.open("rb"))
    assert len(result.pages) == len(original.pages) + 1
    assert "青葉商事株式会社" in result.pages[0].extract_text()


def test_generation_is_once_per_partner_and_version(world, django_capture_on_commit_callbacks):
    asset = asset_with_file("image")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    item = CobrandedFile.objects.get()
    first_name = item.file.name
    assert services.cobranded_generate(file_id=item.pk) is None  # a redelivered task: no-op
    other = CampaignFactory()
    other.assets.set([asset])
    with django_capture_on_commit_callbacks(execute=True):  # the same file again: nothing queued
        services.participation_opt_in(campaign=other, partner=world.partner_a, user=world.admin_a)
    assert not CobrandedFile.objects.filter(status=CobrandedFile.Status.PENDING).exists()
    item.refresh_from_db()
    assert item.file.name == first_name and CobrandedFile.objects.count() == 1


def test_kit_files_are_private(world, django_capture_on_commit_callbacks):
    """A partner's co-branded copy is in the private storage: no public URL, only the view."""
    from prm.files.storage import PrivateFileSystemStorage

    asset = asset_with_file("image")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    item = CobrandedFile.objects.get()
    assert isinstance(item.file.storage, PrivateFileSystemStorage)
    with pytest.raises(ValueError):
        item.file.url  # noqa: B018 - private files have no URL


def test_kit_pending_state_polls_then_downloads(world, client_for, django_capture_on_commit_callbacks):
    asset = asset_with_file("image")
    campaign = CampaignFactory()
    campaign.assets.set([asset])
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    CobrandedFile.objects.update(status=CobrandedFile.Status.PENDING)
    client = client_for(world.member_a)
    fragment = client.get(reverse("promotion:kit", args=[campaign.pk]))
    assert b'hx-trigger="every 2s"' in fragment.content
    services.cobranded_generate(file_id=CobrandedFile.objects.get().pk)
    fragment = client.get(reverse("promotion:kit", args=[campaign.pk]))
    assert b"hx-trigger" not in fragment.content
    download = client.get(reverse("promotion:kit_download", args=[campaign.pk, asset.current_version.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert CampaignEvent.objects.filter(kind="download", partner=world.partner_a).count() == 1


# --- Merge fields -------------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script>{{ request.user.password }}{% debug %}{tracked_link}{0.__class__}"


def test_hostile_partner_name_is_substituted_literally(world):
    world.partner_a.name = HOSTILE
    world.partner_a.save()
    campaign = CampaignFactory(email_body_ja="Hi {partner_name} -> {tracked_link}")
    participation = services.participation_opt_in(
        campaign=campaign, partner=world.partner_a, user=world.admin_a
    )
    texts = queries.ready_texts(
        campaign=campaign, participation=participation, partner=world.partner_a, user=world.admin_a
    )
    assert texts["email_body"] == f"Hi {HOSTILE} -> {participation.tracked_url()}"


def test_hostile_partner_name_is_escaped_on_the_page(world, client_for):
    world.partner_a.name = HOSTILE
    world.partner_a.save()
    campaign = CampaignFactory()
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    page = client_for(world.admin_a).get(reverse("promotion:detail", args=[campaign.pk]))
    html = page.getvalue().decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ request.user.password }}" in html  # shown as text, never evaluated
    assert world.admin_a.password not in html


# --- Tracked link -------------------------------------------------------------------------

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"


def test_tracked_link_counts_humans_and_redirects(world, client):
    campaign = CampaignFactory()
    participation = services.participation_opt_in(
        campaign=campaign, partner=world.partner_a, user=world.admin_a, landing_url="https://alpha.example/lp"
    )
    url = reverse("promotion:tracked_link", args=[participation.code])
    response = client.get(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302 and response["Location"] == "https://alpha.example/lp"
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(url, HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0")
    client.get(url)  # no user agent
    client.head(url, HTTP_USER_AGENT=BROWSER)
    assert CampaignEvent.objects.filter(kind="click").count() == 1
    assert client.get("/c/nope/").status_code == 404


def test_kit_leaves_out_assets_the_partner_may_not_see(world, client_for):
    visible = asset_with_file("image", title="Everyone")
    hidden = asset_with_file("image", title="Sales partners only")
    hidden.partner_types = [PartnerType.SALES]
    hidden.save(update_fields=["partner_types"])
    campaign = CampaignFactory()
    campaign.assets.set([visible, hidden])
    services.participation_opt_in(campaign=campaign, partner=world.partner_a, user=world.admin_a)
    assert [v.asset for v, _f in queries.kit_files(campaign=campaign, partner=world.partner_a)] == [visible]
    url = reverse("promotion:kit_download", args=[campaign.pk, hidden.current_version.pk])
    assert client_for(world.admin_a).get(url).status_code == 404


def test_home_query_count_is_flat_in_partners_and_campaigns(world, client_for, django_assert_max_num_queries):
    from tests.factories import PartnerFactory
    from tests.promotion.factories import AnnouncementFactory

    client = client_for(world.admin_a)

    def grow(n):
        for _ in range(n):
            c = CampaignFactory()
            services.participation_opt_in(campaign=c, partner=world.partner_a, user=world.admin_a)
            services.participation_opt_in(campaign=c, partner=PartnerFactory(), user=None)
            AnnouncementFactory()

    grow(2)
    client.get("/")
    with django_assert_max_num_queries(80) as small:
        client.get("/")
    budget = len(small.captured_queries)
    grow(12)
    client.get("/")  # the first view of new announcements writes their receipts, once
    with django_assert_max_num_queries(budget):
        client.get("/")


@pytest.mark.parametrize(
    "model", ["campaign", "announcement", "overviewvideo", "cobrandedfile", "campaignevent"]
)
def test_admin_pages_render(world, client_for, model):
    CampaignFactory()
    client = client_for(world.superuser)
    assert client.get(reverse(f"admin:promotion_{model}_changelist")).status_code == 200
    if model in ("campaign", "announcement", "overviewvideo"):
        page = client.get(reverse(f"admin:promotion_{model}_add"))
        assert page.status_code == 200
        assert b"_ja" in page.content and b"_en" in page.content  # both languages


def test_admin_creates_a_bilingual_campaign_with_an_audience(world, client_for):
    from promotion.models import Campaign

    data = {
        "name_ja": "夏のキャンペーン",
        "name_en": "Summer campaign",
        "kind": "packaged",
        "status": "published",
        "starts_on": "2026-07-01",
        "ends_on": "2026-08-31",
        "budget": "500000",
        "partner_types": ["sales"],
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
    }
    response = client_for(world.superuser).post(reverse("admin:promotion_campaign_add"), data)
    assert response.status_code == 302, response.getvalue().decode()[:3000]
    campaign = Campaign.objects.get(name_en="Summer campaign")
    assert campaign.partner_types == ["sales"] and campaign.name_ja == "夏のキャンペーン"
