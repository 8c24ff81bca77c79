"""The channel dashboard: every block's numbers on a small known data set, scoping, CSV,
query counts, caching and invalidation; partner search and partner 360."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from content.models import AssetEvent
from dashboard import queries
from incentives.models import PartnerTierState, Tier, TierChange
from onboarding.models import OnboardingPlan
from partners import queries as partner_queries
from partners.models import Application, ReferralLink, Source
from prm.cache import pagecache
from prm.models import AuditEvent
from tests.content.factories import AssetFactory
from tests.factories import MembershipFactory, PartnerFactory
from tests.incentives.factories import DealFactory, make_tiers
from tests.partners.factories import ApplicationFactory
from threads.models import Message, Thread

TODAY = timezone.localdate()


def _plan(partner, *, started, completed=None, status=OnboardingPlan.Status.RUNNING, owner=None):
    return OnboardingPlan.objects.create(
        partner=partner,
        owner=owner,
        status=status,
        started_on=started,
        target_days=60,
        target_date=started + timedelta(days=60),
        completed_on=completed,
    )


@pytest.fixture
def data(world):
    """Partner A (assigned to manager_a) and partner B, with one of everything."""
    tiers = make_tiers()
    a, b = world.partner_a, world.partner_b
    ApplicationFactory(
        source=Source.REFERRAL, status=Application.Status.APPROVED, partner=a, decided_at=timezone.now()
    )
    ApplicationFactory(
        source=Source.EVENT, status=Application.Status.APPROVED, partner=b, decided_at=timezone.now()
    )
    ApplicationFactory(source=Source.WEB)
    ReferralLink.objects.create(partner=a, code="ref-a", clicks=7)
    _plan(
        a,
        started=TODAY - timedelta(days=50),
        completed=TODAY - timedelta(days=5),
        status=OnboardingPlan.Status.COMPLETED,
        owner=world.manager_a,
    )
    _plan(b, started=TODAY - timedelta(days=70))  # running past its target: at risk
    DealFactory(partner=a, won=True, amount_jpy=3_000_000, amount=3_000_000)
    DealFactory(partner=b, approved=True, amount_jpy=5_000_000, amount=5_000_000)
    PartnerTierState.objects.create(partner=a, tier=tiers[1])
    PartnerTierState.objects.create(partner=b, tier=tiers[0])
    TierChange.objects.create(
        partner=a,
        kind=TierChange.Kind.UPGRADE,
        from_tier=tiers[0],
        to_tier=tiers[1],
        effective_on=TODAY - timedelta(days=3),
    )
    world.member_a.last_login = timezone.now() - timedelta(days=2)
    world.member_a.save(update_fields=["last_login"])
    AuditEvent.objects.create(action=partner_queries.SIGNED_IN, partner_id=a.pk, actor=world.member_a)
    asset = AssetFactory()
    AssetEvent.objects.create(asset=asset, partner=a, user=world.member_a, kind=AssetEvent.Kind.VIEW)
    AssetEvent.objects.create(asset=asset, partner=b, user=world.admin_b, kind=AssetEvent.Kind.DOWNLOAD)
    thread = Thread.objects.create(
        partner=a,
        subject="How to register?",
        category="deals",
        author=world.member_a,
        response_due_at=timezone.now() + timedelta(days=2),
        first_response_at=timezone.now(),
    )
    Message.objects.create(thread=thread, author=world.support, by_staff=True, body="Like this.")
    return tiers


def _blocks(user, **kw):
    with translation.override("en"):
        return queries.compute_blocks(user, queries.Filters(**kw))


def _row(block, label):
    return next(r for r in block.rows if str(r[0]) == label)


def test_recruitment_funnel_by_source(world, data):
    block = _blocks(world.superuser)["recruitment"]
    assert _row(block, "Referral")[1:] == [7, 1, 1, 1, 1]
    assert _row(block, "Trade show or event")[1:] == ["", 1, 1, 0, 0]
    assert _row(block, "Web search")[1:] == ["", 1, 0, 0, 0]
    assert _row(block, "Outbound (invited by a manager)")[1:] == ["", 0, 0, 0, 0]  # prospects' row


def test_an_assigned_manager_sees_only_their_partners_numbers(world, data):
    blocks = _blocks(world.manager_a)
    assert _row(blocks["recruitment"], "Trade show or event")[2] == 0
    assert _row(blocks["recruitment"], "Web search")[2] == 0
    assert sum(r[1] for r in blocks["onboarding"].rows) == 1
    assert [r[1] for r in blocks["deals"].rows] == ["Delivery & implementation"] or len(
        blocks["deals"].rows
    ) == 1
    assert sum(r[1] for r in blocks["tiers"].rows) == 1
    assert sum(r[1] for r in blocks["content"].rows) == 1
    assert _blocks(world.manager_other)["deals"].rows == []


def test_onboarding_cohorts_and_plans_at_risk(world, data):
    rows = _blocks(world.superuser)["onboarding"].rows
    assert sum(r[1] for r in rows) == 2  # plans started
    assert sum(r[2] for r in rows) == 1  # completed within 60 days
    assert sum(r[4] for r in rows) == 1  # running
    assert sum(r[5] for r in rows) == 1  # at risk (past its target)


def test_activity_counts_active_partners_and_sign_ins(world, data):
    block = _blocks(world.superuser)["activity"]
    assert "1 of 2 partners (50%)" in block.note
    assert sum(r[1] for r in block.rows) == 1


def test_deals_pipeline_by_tier_and_type(world, data):
    rows = _blocks(world.superuser)["deals"].rows
    assert sum(r[3] for r in rows) == 1 and sum(r[4] for r in rows) == 5_000_000  # open pipeline (B)
    assert sum(r[5] for r in rows) == 1 and sum(r[6] for r in rows) == 3_000_000  # won (A)


def test_tier_distribution_and_movements(world, data):
    rows = _blocks(world.superuser)["tiers"].rows
    assert [r[1] for r in rows] == [1, 1, 0, 0]
    assert rows[1][2] == 1  # one move up to Silver


def test_questions_response_and_participation(world, data):
    block = _blocks(world.superuser)["questions"]
    assert block.rows[0][1:] == [1, 1]
    assert "1 questions; 1 within the response target, 0 past it" in block.note


def test_filters_narrow_the_numbers(world, data):
    assert sum(r[1] for r in _blocks(world.superuser, partner_type="sales")["tiers"].rows) == 1
    assert sum(r[1] for r in _blocks(world.superuser, tier=data[1])["tiers"].rows) == 1
    assert sum(r[1] for r in _blocks(world.superuser, owner=world.manager_a)["onboarding"].rows) == 1


def test_the_page_renders_charts_tables_and_links(world, data, client_for):
    response = client_for(world.manager_a).get(reverse("staff_home"))
    text = response.getvalue().decode()
    assert response.status_code == 200
    for key in queries.block_keys():
        assert f'data-block="{key}"' in text
    assert text.count("chart-img") >= 5  # server-rendered SVG charts, shown as images (CSP)
    assert 'data-block="campaigns"' in text
    assert world.partner_b.name not in text


def test_charts_are_image_urls_drawn_from_the_cached_blocks(world, data, client_for):
    client = client_for(world.manager_a)
    text = client.get(reverse("staff_home") + "?days=30", HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    blocks = queries.dashboard_blocks(world.manager_a, queries.Filters(days=30))
    tiers_url = reverse("dashboard:chart", args=["tiers"]) + f"?days=30&amp;v={blocks['tiers'].digest}"
    assert tiers_url in text  # the page links the chart; it does not draw it
    response = client.get(tiers_url.replace("&amp;", "&"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "<svg" in response.getvalue().decode() and "<script" not in response.getvalue().decode()
    assert "private" in response["Cache-Control"]
    # Opened on its own, its policy lets pygal's <style> apply and nothing else run or load.
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy
    stale = client.get(reverse("dashboard:chart", args=["tiers"]) + "?days=30&v=old")
    assert "no-cache" in stale["Cache-Control"] or "max-age=0" in stale["Cache-Control"]
    assert client.get(reverse("dashboard:chart", args=["nope"])).status_code == 404


def test_chart_changes_when_the_block_data_changes(world, data, django_capture_on_commit_callbacks):
    from partners.models import Partner
    from partners.signals import partner_suspended

    f = queries.Filters()
    with translation.override("en"):
        before = queries.dashboard_blocks(world.superuser, f)["tiers"]
        svg_before = queries.block_chart(before)
        PartnerTierState.objects.filter(partner=world.partner_b).update(tier=data[2])
        partner_suspended.send(sender=Partner, partner=world.partner_b, actor=None)
        # The blocks may lag five minutes: as they are read once that has passed.
        cache.delete(pagecache.lagging_key(queries.cache_key(world.superuser, f)))
        after = queries.dashboard_blocks(world.superuser, f)["tiers"]
    assert after.digest != before.digest
    assert queries.block_chart(after) != svg_before


def test_invalid_filters_fall_back_to_defaults(world, data, client_for):
    response = client_for(world.superuser).get(reverse("dashboard:index") + "?days=7&tier=999&country=ZZ")
    assert response.status_code == 200


def test_csv_contents(world, data, client_for):
    response = client_for(world.superuser).get(
        reverse("dashboard:csv", args=["tiers"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 + Tier.objects.count()
    assert [r[1] for r in rows[1:]] == ["1", "1", "0", "0"]
    assert client_for(world.superuser).get(reverse("dashboard:csv", args=["nope"])).status_code == 404


def test_query_count_does_not_depend_on_partner_count(world, data, client_for, django_assert_max_num_queries):
    client = client_for(world.superuser)
    url = reverse("dashboard:index") + "?days=30"
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(60) as small:
        client.get(url)
    for i in range(15):
        p = PartnerFactory(name=f"Extra {i}")
        MembershipFactory(partner=p)
        DealFactory(partner=p, approved=True)
        _plan(p, started=TODAY - timedelta(days=10))
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_cached_five_minutes_and_renewed_by_tier_recomputation(world, data, client_for):
    """The blocks may lag (the page says "at most five minutes old"); a tier recomputation
    is a new key, so its figures show at once."""
    from incentives import services

    f = queries.Filters()
    first = queries.dashboard_blocks(world.superuser, f)
    PartnerTierState.objects.filter(partner=world.partner_b).update(tier=data[1])
    assert queries.dashboard_blocks(world.superuser, f)["tiers"].rows == first["tiers"].rows  # cached
    page = client_for(world.superuser).get(reverse("dashboard:index")).content.decode()
    assert "at most five minutes old" in page or "5分" in page
    key = queries.cache_key(world.superuser, f)
    services.tiers_recompute(as_of=date.today())
    assert queries.cache_key(world.superuser, f) != key


def test_partner_search_and_360(world, data, client_for):
    client = client_for(world.manager_a)
    text = client.get(reverse("dashboard:partners") + "?q=alpha").getvalue().decode()
    assert world.partner_a.name in text
    assert (
        world.partner_b.name not in client.get(reverse("dashboard:partners") + "?q=beta").getvalue().decode()
    )
    page = client.get(reverse("dashboard:partner", args=[world.partner_a.pk]))
    assert page.status_code == 200
    text = page.getvalue().decode()
    for expected in [world.member_a.get_full_name(), "How to register?", str(data[1])]:
        assert expected in text
    assert client.get(reverse("dashboard:partner", args=[world.partner_b.pk])).status_code == 404


@pytest.mark.parametrize("typed", ["あおば", "アオバ", "ｱｵﾊﾞ", "しょうじ", "青葉"])
def test_partner_search_by_reading(world, data, client_for, typed):
    world.partner_a.name, world.partner_a.name_kana = "株式会社青葉商事", ""
    world.partner_a.save()  # the reading is suggested on save: アオバショウジ
    world.partner_b.name, world.partner_b.name_kana = "青葉システム", "アオバシステム"
    world.partner_b.save()
    assert world.partner_a.name_kana == "アオバショウジ"
    text = client_for(world.manager_a).get(reverse("dashboard:partners"), {"q": typed}).getvalue().decode()
    assert "株式会社青葉商事" in text
    assert "青葉システム" not in text  # an assigned manager finds only their partners
    found, more = queries.partner_search(world.superuser, typed)
    expected = [world.partner_a] if typed == "しょうじ" else [world.partner_b, world.partner_a]
    assert found == expected and not more


def test_partner_search_caps_and_asks_to_refine(world, client_for):
    for i in range(4):
        PartnerFactory(name=f"Gamma {i}")
    found, more = queries.partner_search(world.superuser, "gamma", limit=3)
    assert [p.name for p in found] == ["Gamma 0", "Gamma 1", "Gamma 2"] and more
    assert queries.partner_search(world.superuser, "gamma 3", limit=3) == (
        [found[0].__class__.objects.get(name="Gamma 3")],
        False,
    )
    response = client_for(world.support).get(reverse("dashboard:partners"), {"q": ""})
    assert response.status_code == 200


def test_partner_search_box_is_in_every_staff_page_navigation(world, data, client_for):
    client = client_for(world.manager_a)
    for url in [
        reverse("staff_home"),
        reverse("dashboard:partner", args=[world.partner_a.pk]),
        reverse("staff_audit"),
    ]:
        text = client.get(url).getvalue().decode()
        assert f'action="{reverse("dashboard:partners")}"' in text and 'id="nav-partner-search"' in text, url
    # A partner's own pages have no staff search.
    text = client_for(world.admin_a).get(reverse("home")).getvalue().decode()
    assert 'id="nav-partner-search"' not in text


def test_partner_360_query_count(world, data, client_for, django_assert_max_num_queries):
    client = client_for(world.superuser)
    url = reverse("dashboard:partner", args=[world.partner_a.pk])
    client.get(url)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_assign_owner(world, data, client_for):
    response = client_for(world.manager_a).post(
        reverse("dashboard:partner_owner", args=[world.partner_a.pk]), {"owner": world.manager_other.pk}
    )
    assert response.status_code == 302
    assert OnboardingPlan.objects.get(partner=world.partner_a).owner == world.manager_other


@pytest.fixture
def campaign(world, data):
    """One running campaign: A and B opted in; A clicked, downloaded and won a deal through it."""
    from promotion.models import CampaignEvent
    from tests.promotion.factories import CampaignFactory, ParticipationFactory

    c = CampaignFactory(name_en="Spring push", name_ja="Spring push", budget=900_000)
    ParticipationFactory(campaign=c, partner=world.partner_a)
    ParticipationFactory(campaign=c, partner=world.partner_b)
    CampaignEvent.objects.create(campaign=c, partner=world.partner_a, kind=CampaignEvent.Kind.CLICK)
    CampaignEvent.objects.create(campaign=c, partner=world.partner_a, kind=CampaignEvent.Kind.DOWNLOAD)
    CampaignEvent.objects.create(campaign=c, partner=world.partner_b, kind=CampaignEvent.Kind.CLICK)
    DealFactory(partner=world.partner_a, won=True, amount_jpy=2_000_000, amount=2_000_000, campaign=c)
    DealFactory(partner=world.partner_b, approved=True, amount_jpy=1_000_000, amount=1_000_000, campaign=c)
    CampaignFactory(
        name_en="Long over", starts_on=TODAY - timedelta(days=400), ends_on=TODAY - timedelta(days=380)
    )
    return c


def test_campaign_results_block(world, campaign):
    block = _blocks(world.superuser)["campaigns"]
    assert [r[0] for r in block.rows] == ["Spring push"]  # the finished one is outside the period
    # opt-ins, downloads, clicks, deals, pipeline, won deals, won revenue, budget, cost per won deal
    assert block.rows[0][1:] == [2, 1, 2, 2, 1_000_000, 1, 2_000_000, 900_000, 900_000]
    assert block.labels == ["Spring push"]


def test_campaign_results_are_scoped_to_the_viewer(world, campaign):
    row = _blocks(world.manager_a)["campaigns"].rows[0]
    assert row[1:] == [1, 1, 1, 1, 0, 1, 2_000_000, 900_000, 900_000]
    row = _blocks(world.manager_other)["campaigns"].rows[0]
    assert row[1:] == [0, 0, 0, 0, 0, 0, 0, 900_000, "-"]


def test_campaign_results_page_and_csv(world, campaign, client_for):
    client = client_for(world.superuser)
    text = client.get(reverse("staff_home"), HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    assert "Spring push" in text
    body = client.get(reverse("dashboard:csv", args=["campaigns"]), HTTP_ACCEPT_LANGUAGE="en").getvalue()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows[0]) == 10 and rows[1][0] == "Spring push" and rows[1][-1] == "900000"


def test_partner_360_lists_campaigns_joined(world, campaign, client_for, django_assert_max_num_queries):
    client = client_for(world.manager_a)
    url = reverse("dashboard:partner", args=[world.partner_a.pk])
    client.get(url)
    with django_assert_max_num_queries(40):
        text = client.get(url, HTTP_ACCEPT_LANGUAGE="en").getvalue().decode()
    assert 'id="campaigns-joined"' in text and "Spring push" in text
    rows = queries.partner_360(world.partner_a)["campaigns"]
    assert [(p.campaign_id, r["downloads"], r["clicks"], r["deals"], r["won_revenue"]) for p, r in rows] == [
        (campaign.pk, 1, 1, 1, 2_000_000)
    ]


def test_content_engagement_counts_events_partners_and_assets(world, data):
    other = AssetFactory()
    a = world.partner_a
    for _ in range(2):
        AssetEvent.objects.create(asset=other, partner=a, user=world.member_a, kind=AssetEvent.Kind.VIEW)
    old = AssetEvent.objects.create(asset=other, partner=a, user=world.member_a, kind=AssetEvent.Kind.VIEW)
    AssetEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))
    block = _blocks(world.superuser)["content"]
    assert _row(block, "View")[1:] == [3, 1, 2]  # events, partners, assets (the old one is out)
    assert _row(block, "Download")[1:] == [1, 1, 1]
    # A narrowed view (filter) goes through the partner semi-join and agrees.
    narrowed = _blocks(world.superuser, partner_type=a.partner_type)["content"]
    assert _row(narrowed, "View")[1:] == [3, 1, 2]
    assert [r[0] for r in narrowed.rows] == ["View"]
    assert _blocks(world.manager_a)["content"].rows == narrowed.rows
