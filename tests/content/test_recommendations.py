from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content import queries, rollups
from content.models import AssetEvent, Stage
from partners.models import Partner, PartnerType
from tests.admin_edits import admin_save
from tests.content.factories import AssetFactory
from tests.factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days):
    return NOW - timedelta(days=days)


def opened_by(asset, partners):
    for p in partners:
        user = MembershipFactory(partner=p).user
        AssetEvent.objects.create(asset=asset, partner=p, user=user, kind="view", created_at=ago(5))


@pytest.fixture
def fixed(world):
    """Partner A: delivery, active, no plan, no won deals -> stage "selling"."""
    similar = [PartnerFactory(partner_type=PartnerType.DELIVERY) for _ in range(3)]
    other = [PartnerFactory(partner_type=PartnerType.SALES) for _ in range(3)]
    a = {
        "type_match": AssetFactory(
            title="Type match", stages=["selling"], partner_types=["delivery"], published_at=ago(50)
        ),
        "new": AssetFactory(title="New this week", stages=["selling"], published_at=ago(2)),
        "popular": AssetFactory(title="Popular onboarding", stages=["onboarding"], published_at=ago(100)),
        "seen": AssetFactory(
            title="Already seen", stages=["selling"], partner_types=["delivery"], published_at=ago(60)
        ),
        "off_stage": AssetFactory(title="Servicing only", stages=["servicing"], published_at=ago(100)),
        "one_like": AssetFactory(title="One like", stages=["selling"], published_at=ago(60)),
    }
    opened_by(a["popular"], similar)
    opened_by(a["one_like"], similar[:1])
    opened_by(a["off_stage"], other)  # not partners like A: no effect
    AssetEvent.objects.create(asset=a["seen"], partner=world.partner_a, user=world.member_a, kind="view")
    rollups.popularity_refresh()
    return a


def test_order_and_reasons_on_a_fixed_data_set(world, fixed):
    recs = queries.recommendations(partner=world.partner_a, user=world.member_a, now=NOW)
    assert [r.asset.title for r in recs] == [
        "New this week",
        "Type match",
        "One like",
        "Popular onboarding",
        "Already seen",
    ]
    reasons = {r.asset.title: r.reasons for r in recs}
    assert reasons["New this week"][0] == "New this week"
    assert reasons["Type match"] == ["Recommended for implementation partners in the selling stage"]
    assert reasons["Popular onboarding"] == ["Popular with partners like you"]
    assert reasons["One like"] == [
        "Recommended for partners in the selling stage",
        "Opened by a partner like you",
    ]
    assert "You have opened this before" in reasons["Already seen"]
    assert [r.score for r in recs] == [5, 5, 4.5, 4.5, 1]


def test_another_user_of_the_same_partner_has_not_opened_it(world, fixed):
    recs = queries.recommendations(partner=world.partner_a, user=world.admin_a, now=NOW)
    assert recs[0].asset.title == "Type match" or recs[1].asset.title == "Type match"
    seen = next(r for r in recs if r.asset.title == "Already seen")
    assert seen.score == 5


def test_similar_partners_share_the_tier(world, fixed, facts):
    # Only one of the three delivery partners has A's tier now: "Popular onboarding" loses its crowd.
    similar = list(Partner.objects.filter(partner_type="delivery").exclude(pk=world.partner_a.pk))
    facts.tier(world.partner_a, 1)
    facts.tier(similar[0], 1)
    facts.tier(similar[1], 0)
    rollups.popularity_refresh()
    recs = queries.recommendations(partner=world.partner_a, user=world.member_a, now=NOW)
    popular = next(r for r in recs if r.asset.title == "Popular onboarding")
    assert popular.reasons == ["Opened by a partner like you"]
    assert popular.score == 1.5


def test_stage_derivation(world, facts):
    a, b = world.partner_a, world.partner_b
    assert (a.stage, b.stage) == (Stage.SELLING, Stage.SELLING)
    facts.onboarding(a)
    facts.won_deal(b)
    assert (a.stage, b.stage) == (Stage.ONBOARDING, Stage.SERVICING)
    solution = PartnerFactory(partner_type=PartnerType.SOLUTION)
    onboarding = PartnerFactory(status=Partner.Status.ONBOARDING)
    assert (solution.stage, onboarding.stage) == (Stage.SERVICING, Stage.ONBOARDING)
    # The same rule in SQL, for set-based reads.
    stages = dict(Partner.objects.with_stage().values_list("pk", "stage_code"))
    assert stages[a.pk] == "onboarding" and stages[b.pk] == "servicing" and stages[solution.pk] == "servicing"


def test_reasons_follow_the_stage_and_type(world, facts):
    facts.onboarding(world.partner_a)
    AssetFactory(title="Onboarding for SIs", stages=["onboarding"], partner_types=["delivery"])
    recs = queries.recommendations(partner=world.partner_a, user=world.member_a)
    assert recs[0].reason == "Recommended for implementation partners in onboarding"


def test_library_top_and_home_panel_show_reasons(world, fixed, client_for):
    world.member_a.language = "en"
    world.member_a.save()
    client = client_for(world.member_a)
    for url in (reverse("content:index"), reverse("home")):
        body = client.get(url).getvalue().decode()
        assert (
            "New this week" in body and "Recommended for implementation partners in the selling stage" in body
        )


def test_japanese_reasons(world, fixed, client_for):
    world.member_a.language = "ja"
    world.member_a.save()
    client = client_for(world.member_a)
    body = client.get(reverse("content:index"), HTTP_ACCEPT_LANGUAGE="ja").getvalue().decode()
    assert "販売段階の導入・実装パートナーにおすすめ" in body
    assert "今週の新着" in body


def test_no_recommendations_when_filtering(world, fixed, client_for):
    body = client_for(world.member_a).get(reverse("content:index"), {"stage": "selling"}).getvalue().decode()
    assert 'data-testid="recommendations"' not in body


def test_popularity_is_rebuilt_set_based_and_counts_distinct_partners(world, fixed):
    from content.models import SegmentPopularity

    rows = {
        (r.partner_type, r.tier_rank, r.asset.title): r.partners
        for r in SegmentPopularity.objects.select_related("asset")
    }
    assert rows[("delivery", -1, "Popular onboarding")] == 3
    assert rows[("delivery", -1, "Already seen")] == 1  # partner A itself: not "like" A
    assert rows[("sales", -1, "Servicing only")] == 3
    assert rollups.popularity_refresh() == len(rows)  # idempotent rebuild


def test_related_assets_come_from_shared_tags_and_co_views(world):
    from content.models import Tag

    crm, api = Tag.objects.create(name="crm", slug="crm"), Tag.objects.create(name="api", slug="api")
    main = AssetFactory(title="Main", tags=[crm, api])
    both_tags = AssetFactory(title="Both tags", tags=[crm, api])
    one_tag = AssetFactory(title="One tag", tags=[crm])
    co_viewed = AssetFactory(title="Co-viewed")
    AssetFactory(title="Unrelated")
    hidden = AssetFactory(title="Hidden same tags", tags=[crm, api], partner_types=["sales"])
    for user in (world.member_a, world.admin_a, world.admin_b):
        partner = user.membership.partner
        for asset in (main, co_viewed):
            AssetEvent.objects.create(asset=asset, partner=partner, user=user, kind="view")
    related = queries.related_assets(partner=world.partner_a, asset=main)
    assert [a.title for a in related] == ["Both tags", "Co-viewed", "One tag"]
    assert hidden not in related and both_tags in related and one_tag in related


def test_an_edited_recommended_asset_shows_on_its_cached_card(world, fixed, client_for):
    client = client_for(world.member_a)

    def cards():
        body = client.get(reverse("content:index")).getvalue().decode()
        return body[body.index('data-testid="recommendations"') : body.index("</section>")]

    assert "New this week" in cards()
    asset = fixed["new"]
    asset.title = "Renamed this week"
    admin_save(asset)  # a staff edit in the admin
    assert "Renamed this week" in cards() and "New this week" not in cards()
