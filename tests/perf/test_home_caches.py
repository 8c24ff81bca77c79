"""Every cache behind the partner home: change the data, see the page change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incentives import services as incentive_services
from incentives.models import Tier
from prm.cache import pagecache
from promotion.models import AnnouncementReceipt, OverviewVideo
from tests.admin_edits import admin_delete, admin_save
from tests.incentives.factories import make_tiers
from tests.promotion.factories import AnnouncementFactory


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.getvalue().decode()


def test_a_renamed_tier_shows_on_the_home_at_once(world, client_for, django_capture_on_commit_callbacks):
    make_tiers()
    incentive_services.tiers_recompute()
    client = client_for(world.member_a)
    assert "シルバー" in _home(client)  # the next tier, from the cached tier list
    with django_capture_on_commit_callbacks(execute=True):
        tier = Tier.objects.get(rank=1)
        tier.name_ja = "ブロンズ"
        admin_save(tier)  # a staff edit in the admin
    text = _home(client)
    assert "ブロンズ" in text and "シルバー" not in text


def test_the_overview_video_link_follows_the_admin(world, client_for, django_capture_on_commit_callbacks):
    overview = reverse("promotion:overview")
    client = client_for(world.admin_a)
    assert overview not in _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        video = admin_save(OverviewVideo(title="Overview", external_url="https://youtu.be/abcdefghijk"))
    assert overview in _home(client)  # the admin joined long ago: a link, not the player
    with django_capture_on_commit_callbacks(execute=True):
        video.is_active = False
        admin_save(video)
    text = _home(client)
    assert overview not in text


def test_an_announcement_receipt_is_written_once(world, client_for):
    announcement = AnnouncementFactory()
    client = client_for(world.admin_a)
    assert announcement.title_ja in _home(client)
    assert AnnouncementReceipt.objects.filter(announcement=announcement, user=world.admin_a).count() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert announcement.title_ja in _home(client)
    assert not [q for q in ctx.captured_queries if "INSERT" in q["sql"]]
    # Another person sees it for the first time: their own receipt.
    assert announcement.title_ja in _home(client_for(world.member_a))
    assert AnnouncementReceipt.objects.filter(announcement=announcement).count() == 2


def test_a_bumped_scope_is_read_again(db, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    s, t = pagecache.catalogue(), pagecache.partner(1)
    assert pagecache.cached("k", (s,), compute) == 1
    assert pagecache.cached("k", (s,), compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(s)
    assert pagecache.cached("k", (s,), compute) == 2
    assert pagecache.cached("k", (s, t), compute) == 3  # another set of scopes, another entry


def test_running_campaigns_follow_publishing_and_joining(
    world, client_for, django_capture_on_commit_callbacks
):
    from promotion import services as promotion_services
    from promotion.models import Campaign
    from tests.promotion.factories import CampaignFactory

    client = client_for(world.admin_a)
    _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = admin_save(CampaignFactory.build())
    text = _home(client)
    assert campaign.name in text
    assert "参加中" not in text and "Joined" not in text
    with django_capture_on_commit_callbacks(execute=True):
        promotion_services.participation_opt_in(
            campaign=campaign, partner=world.partner_a, user=world.admin_a
        )
    assert "参加中" in _home(client) or "Joined" in _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        promotion_services.participation_opt_out(
            campaign=campaign, partner=world.partner_a, user=world.admin_a
        )
    text = _home(client)
    assert "参加中" not in text and "Joined" not in text
    # Limited to named partners that do not include partner A: gone from A's home.
    with django_capture_on_commit_callbacks(execute=True):
        campaign.named_partners.add(world.partner_b)
        admin_save(campaign, fields=["named_partners"])
    assert campaign.name not in _home(client)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.named_partners.clear()
        campaign.status = Campaign.Status.DRAFT
        admin_save(campaign)
    assert campaign.name not in _home(client)


def _badges(client) -> tuple[str, str]:
    """(questions badge, bell count) as the page shows them."""
    import re

    text = _home(client)
    badge = re.search(r'data-badge="questions">(\d+)', text)
    bell = re.search(r'data-unread="(\d+)"', text)
    return (badge.group(1) if badge else "0", bell.group(1))


def test_the_cached_badges_follow_answers_reads_and_notifications(
    world, client_for, django_capture_on_commit_callbacks
):
    from prm.notifications import center
    from tests.threads.factories import ANSWER, make_thread
    from threads import services as thread_services

    member = client_for(world.member_a)
    admin = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(world.partner_a, world.member_a)
    assert _badges(member) == ("0", "0") and _badges(admin) == ("1", "0")  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    assert _badges(member)[0] == "1" and _badges(admin)[0] == "1"
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.thread_mark_read(thread=thread, user=world.member_a)
    assert _badges(member)[0] == "0" and _badges(admin)[0] == "1"  # per person
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.threads_mark_all_read(threads=thread.__class__.objects.all(), user=world.admin_a)
    assert _badges(admin)[0] == "0"

    before = int(_badges(member)[1])  # the answer's own notification
    with django_capture_on_commit_callbacks(execute=True):
        center.notify(
            kind="campaign_new", recipients=[world.member_a], event_key="c:1", params={"title": "T"}
        )
    assert int(_badges(member)[1]) == before + 1 and _badges(admin)[1] == "0"
    with django_capture_on_commit_callbacks(execute=True):
        center.mark_read(user=world.member_a)
    assert _badges(member)[1] == "0"
    # The bell's own fragment (polled by htmx) reads the same cached count.
    assert 'data-unread="0"' in member.get(reverse("notification_bell")).getvalue().decode()


def test_the_scorecard_chart_follows_the_figures():
    from datetime import date
    from decimal import Decimal

    from django.utils import translation

    from incentives.queries import revenue_chart_svg

    one = [(date(2026, 10, 1), Decimal(100), 1), (date(2026, 11, 1), Decimal(0), 0)]
    two = [(date(2026, 10, 1), Decimal(100), 1), (date(2026, 11, 1), Decimal(250), 2)]
    with translation.override("ja"):
        assert revenue_chart_svg(one) != revenue_chart_svg(two)
        ja = revenue_chart_svg(one)
    with translation.override("en"):
        assert revenue_chart_svg(one) != ja and "Won revenue by month" in revenue_chart_svg(one)


def test_the_cached_leaderboard_follows_recomputation_and_renames(world, client_for):
    from decimal import Decimal

    from incentives.models import PartnerTierState
    from tests.factories import PartnerFactory
    from tests.incentives.factories import DealFactory

    make_tiers()
    peer = PartnerFactory(
        name="Peer Systems", partner_type=world.partner_a.partner_type, country=world.partner_a.country
    )
    PartnerTierState.objects.create(partner=peer, leaderboard_opt_in=True)
    incentive_services.tiers_recompute()
    client = client_for(world.member_a)
    url = reverse("incentives:scorecard")
    assert "Peer Systems" in client.get(url).getvalue().decode()
    # A won deal is on the leaderboard after the next recomputation (set-based writes).
    DealFactory(partner=peer, won=True, amount_jpy=Decimal(7_654_321))
    assert "7,654,321" not in client.get(url).getvalue().decode()  # not recomputed yet
    incentive_services.tiers_recompute()
    assert "7,654,321" in client.get(url).getvalue().decode()
    peer.name = "Renamed Systems"
    admin_save(peer)
    text = client.get(url).getvalue().decode()
    assert "Renamed Systems" in text and "Peer Systems" not in text


def test_the_company_facts_follow_members_and_the_profile(world, client_for):
    import re

    from partners.models import Industry, Membership, Partner

    def missing(text: str) -> str:
        found = re.search(r"会社プロフィールの未入力項目：([^<]*)<", text)
        return found.group(1) if found else ""

    Partner.objects.filter(pk=world.partner_a.pk).update(profile_completed_at=None)
    client = client_for(world.admin_a)
    text = _home(client)
    assert 'data-testid="invite-prompt"' not in text  # admin and member
    assert "業界" in missing(text)
    membership = Membership.objects.get(user=world.member_a)
    membership.is_active = False
    admin_save(membership)
    assert 'data-testid="invite-prompt"' in _home(client)
    industry = Industry.objects.create(code="it", name_ja="情報通信", name_en="IT")
    partner = Partner.objects.get(pk=world.partner_a.pk)
    partner.industries.add(industry)
    admin_save(partner, fields=["industries"])
    text = _home(client)
    assert missing(text) and "業界" not in missing(text)


def _panel(text: str, testid: str) -> str:
    """The HTML of one home card (from its data-testid to the end of the page)."""
    start = text.find(f'data-testid="{testid}"')
    return text[start:] if start >= 0 else ""


def test_the_cached_recommendations_card_follows_asset_saves(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from content.models import Asset

    with django_capture_on_commit_callbacks(execute=True):
        asset = Asset.objects.create(
            title="Partner programme guide", status=Asset.Status.PUBLISHED, published_at=timezone.now()
        )
    admin, member = client_for(world.admin_a), client_for(world.member_a)
    for client in (admin, member):
        assert "Partner programme guide" in _panel(_home(client), "content-panel")
        _home(client)  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        asset.title = "Programme handbook"
        admin_save(asset)
    for client in (admin, member):
        text = _panel(_home(client), "content-panel")
        assert "Programme handbook" in text and "Partner programme guide" not in text
    with django_capture_on_commit_callbacks(execute=True):
        asset.status = Asset.Status.ARCHIVED
        admin_save(asset)
    for client in (admin, member):
        assert "Programme handbook" not in _panel(_home(client), "content-panel")


def test_scheduled_publishing_reaches_the_cached_recommendations(
    world, client_for, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from content import services as content_services
    from content.models import Asset

    client = client_for(world.member_a)
    with django_capture_on_commit_callbacks(execute=True):
        Asset.objects.create(
            title="Launch kit",
            status=Asset.Status.SCHEDULED,
            publish_at=timezone.now() - timedelta(minutes=1),
        )
    assert "Launch kit" not in _panel(_home(client), "content-panel")
    with django_capture_on_commit_callbacks(execute=True):
        assert content_services.assets_publish_due() == 1
    assert "Launch kit" in _panel(_home(client), "content-panel")


def test_the_cached_onboarding_card_follows_the_plan(world, client_for, django_capture_on_commit_callbacks):
    from onboarding import services as onboarding_services
    from onboarding.models import OnboardingTask, TaskKind
    from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory

    template = ChecklistTemplateFactory(partner_type=world.partner_a.partner_type)
    TemplateTaskFactory(template=template, kind=TaskKind.SIGNOFF, title="Kick-off call", due_offset_days=7)
    TemplateTaskFactory(template=template, kind=TaskKind.SIGNOFF, title="Business review", due_offset_days=20)
    admin, member = client_for(world.admin_a), client_for(world.member_a)
    for client in (admin, member):
        assert not _panel(_home(client), "onboarding-panel")  # no plan yet (cached)
    with django_capture_on_commit_callbacks(execute=True):
        plan = onboarding_services.plan_start(partner=world.partner_a, owner=world.manager_a)
    for client in (admin, member):
        text = _panel(_home(client), "onboarding-panel")
        assert "Kick-off call" in text
    first = plan.tasks.get(title="Kick-off call")
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_services.task_sign_off(task=first, actor=world.manager_a)  # a set-based update
    for client in (admin, member):
        text = _panel(_home(client), "onboarding-panel")
        assert "Business review" in text and "Kick-off call" not in text
    with django_capture_on_commit_callbacks(execute=True):  # an edit in the admin
        second = OnboardingTask.objects.get(plan=plan, title="Business review")
        second.title = "Quarterly review"
        admin_save(second)
    assert "Quarterly review" in _panel(_home(member), "onboarding-panel")
    with django_capture_on_commit_callbacks(execute=True):
        onboarding_services.task_sign_off(task=second, actor=world.manager_a)  # completes the plan
    assert 'data-testid="plan-duration"' in _panel(_home(member), "onboarding-panel")
    with django_capture_on_commit_callbacks(execute=True):
        plan.refresh_from_db()
        admin_delete(plan)
    assert not _panel(_home(member), "onboarding-panel")


def test_the_cached_referral_card_follows_clicks_and_applications(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from partners import services as partner_services
    from partners.models import ReferralLink
    from tests.partners.factories import ApplicationFactory

    admin, member = client_for(world.admin_a), client_for(world.member_a)
    for client in (admin, member):
        text = _home(client)  # the link is created on the first view, then cached
        assert 'data-testid="referral-clicks">0<' in text
    link = ReferralLink.objects.get(partner=world.partner_a)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.referral_click(code=link.code)  # a set-based update
    for client in (admin, member):
        assert 'data-testid="referral-clicks">1<' in _home(client)
    with django_capture_on_commit_callbacks(execute=True):  # a staff member enters it in the admin
        application = admin_save(ApplicationFactory.build(referral_link=link, source="referral"))
    for client in (admin, member):
        text = _home(client)
        assert 'data-testid="referral-applications">1<' in text
        assert 'data-testid="referral-approvals">0<' in text
    with django_capture_on_commit_callbacks(execute=True):
        application.status, application.decided_at = "approved", timezone.now()
        admin_save(application)
    assert 'data-testid="referral-approvals">1<' in _home(member)
    with django_capture_on_commit_callbacks(execute=True):
        link.code = "newcode234"
        admin_save(link)
    assert "newcode234" in _home(admin)


def test_the_cached_questions_card_follows_threads_answers_and_reads(
    world, client_for, django_capture_on_commit_callbacks
):
    from tests.threads.factories import ANSWER, make_thread
    from threads import services as thread_services

    member, admin = client_for(world.member_a), client_for(world.admin_a)
    for client in (member, admin):
        assert "Pricing question" not in _panel(_home(client), "questions-panel")  # cached
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(world.partner_a, world.member_a, subject="Pricing question")
    for client in (member, admin):
        assert "Pricing question" in _panel(_home(client), "questions-panel")
    new = 'badge text-bg-warning me-1">'
    assert new not in _panel(_home(member), "questions-panel")  # the author's own question
    assert new in _panel(_home(admin), "questions-panel")
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    assert new in _panel(_home(member), "questions-panel")
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.thread_mark_read(thread=thread, user=world.member_a)
    assert new not in _panel(_home(member), "questions-panel")
    assert new in _panel(_home(admin), "questions-panel")  # per person
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.threads_mark_all_read(threads=thread.__class__.objects.all(), user=world.admin_a)
    assert new not in _panel(_home(admin), "questions-panel")
    with django_capture_on_commit_callbacks(execute=True):
        thread_services.thread_close(thread=thread, actor=world.support)
    for client in (member, admin):
        assert "Pricing question" not in _panel(_home(client), "questions-panel")


def _tier_card(client) -> tuple[str, int]:
    """(the tier the card names, its open deal count)."""
    import re

    card = _panel(_home(client), "tier-panel")
    tier = re.search(r'fs-4 fw-semibold mb-1">([^<]*)<', card).group(1).strip()
    deals = int(re.search(r'<p class="small text-muted">\D*(\d+)', card).group(1))
    return tier, deals


def test_the_cached_tier_card_follows_recomputation_state_saves_and_deals(
    world, client_for, django_capture_on_commit_callbacks
):
    from incentives.models import Deal, PartnerTierState
    from tests.incentives.factories import DealFactory, ProductFactory

    tiers = make_tiers()
    admin, member = client_for(world.admin_a), client_for(world.member_a)
    before = {c: _tier_card(c) for c in (admin, member)}  # no state yet: cached as such
    assert before[admin] == before[member] and before[admin][0] != "登録"
    with django_capture_on_commit_callbacks(execute=True):
        incentive_services.tiers_recompute()  # set-based writes of the states
    for client in (admin, member):
        assert _tier_card(client)[0] == "登録"
    with django_capture_on_commit_callbacks(execute=True):  # an edit of the row in the admin
        state = PartnerTierState.objects.get(partner=world.partner_a)
        state.tier = tiers[2]
        admin_save(state)
    for client in (admin, member):
        assert _tier_card(client)[0] == "ゴールド"
    deals = before[admin][1]
    with django_capture_on_commit_callbacks(execute=True):
        deal = admin_save(
            DealFactory.build(partner=world.partner_a, stage=Deal.Stage.PROPOSAL, product=ProductFactory())
        )
    for client in (admin, member):
        assert _tier_card(client)[1] == deals + 1
    with django_capture_on_commit_callbacks(execute=True):
        deal.stage = Deal.Stage.LOST
        admin_save(deal)
    assert _tier_card(member)[1] == deals
