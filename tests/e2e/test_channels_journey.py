"""Channels to prospects in Japanese: a manager makes a tracked link for a social post and
invites a prospect; the prospect comes by the link, agrees to be remembered, watches the
overview video on the landing page, opens the invitation and applies; the manager approves
and sees the prospect funnel by channel move on the dashboard. axe-core checks each page."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from tests.e2e import axe
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# A prospect's browser: headless Chromium's own user agent says "HeadlessChrome", which the
# bot filter rightly does not count.
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def _no_violations(page):
    violations = axe.check(page)
    assert not violations, [(v["id"], v.get("help")) for v in violations]


def _social_row(page) -> list[str]:
    row = page.locator('[data-block="prospects"] tr:has(th:text-is("SNS")) td')
    return [cell.strip() for cell in row.all_inner_texts()]


def test_a_prospect_comes_by_a_channel_link_and_the_funnel_moves(browser, live_server, settings):
    from django.core import mail
    from django.core.cache import cache
    from django.core.files.base import ContentFile

    from partners.models import Application
    from partners.views import rate_limit_key
    from prm.models import CHANNEL_MANAGERS
    from promotion.demo import _tone
    from promotion.models import ChannelLink, OverviewVideo
    from tests.partners.factories import CapabilityFactory, IndustryFactory

    cache.clear()
    settings.SITE_URL = live_server.url
    base = live_server.url
    manager = UserFactory(email="manager@example.test", is_staff=True, display_name="佐藤 美咲")
    manager.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    # The head of the channel team manages every partner: applicants count before they are anyone's.
    manager.user_permissions.add(Permission.objects.get(codename="manage_partner"))
    retail = IndustryFactory(code="retail", name_ja="小売・流通")
    CapabilityFactory(code="resale", name_ja="販売・再販")
    video = OverviewVideo(title_ja="パートナーポータルの概要", title_en="The portal in brief")
    video.video_file.save("overview.wav", ContentFile(_tone(seconds=3)), save=False)
    video.save()
    staff = axe.new_context(browser, language="ja").new_page()

    # 1. The manager makes a tracked link for a LinkedIn post, in the admin.
    staff.goto(f"{base}/accounts/login/")
    staff.fill("input[name=login]", "manager@example.test")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("form:has(input[name=login]) button[type=submit]")
    staff.wait_for_load_state()
    staff.goto(f"{base}/admin/promotion/channellink/add/")
    staff.fill("#id_name", "LinkedIn: パートナー募集の投稿")
    staff.select_option("#id_channel", "social")
    staff.fill("#id_post", "12月の募集投稿")
    staff.fill("#id_utm_source", "linkedin")
    staff.fill("#id_utm_medium", "social")
    staff.click("input[name=_continue]")
    staff.wait_for_load_state()
    tracked = staff.get_by_test_id("channel-link-url").inner_text()
    link = ChannelLink.objects.get()
    assert tracked == f"{base}/go/{link.code}/"

    # 2. ... adds a prospect and invites it to apply.
    staff.goto(f"{base}/staff/recruitment/prospects/")
    staff.get_by_test_id("add-prospect").click()
    staff.wait_for_load_state()
    staff.fill("#id_name", "はやぶさ販売株式会社")
    staff.fill("#id_domain", "https://www.hayabusa-sales.example.jp/")
    staff.select_option("#id_partner_type", "sales")
    staff.select_option("#id_company_size", "2")
    staff.check(f"input[name=industries][value='{retail.pk}']")
    staff.click("form[data-testid=prospect-form] button[type=submit]")
    staff.wait_for_load_state()
    staff.fill("#id_contact_name", "隼 太郎")
    staff.fill("#id_contact_email", "taro@hayabusa-sales.example.jp")
    staff.get_by_test_id("invite").click()
    staff.wait_for_load_state()
    assert staff.get_by_test_id("stage").inner_text() == "申請に招待済み"
    invitation = re.search(r"http://\S+/apply/invited/\S+/", mail.outbox[-1].body).group(0)
    staff.goto(f"{base}/staff/")
    assert _social_row(staff) == ["0", "0", "0", "0", "0"]

    # 3. The prospect (a new browser) comes by the post's link: the landing page asks first.
    visitor = axe.new_context(browser, language="ja", user_agent=DESKTOP_CHROME).new_page()
    visitor.goto(tracked)
    assert "utm_source=linkedin" in visitor.url and f"ch={link.code}" in visitor.url
    consent = visitor.get_by_test_id("channel-consent")
    assert "第三者のトラッカーは使用しません" in consent.inner_text()
    _no_violations(visitor)
    assert not [c for c in visitor.context.cookies() if c["name"] == "prm_channel"]
    visitor.get_by_test_id("channel-allow").click()
    visitor.wait_for_load_state()
    assert visitor.url == f"{base}/"
    assert next(c for c in visitor.context.cookies() if c["name"] == "prm_channel")["httpOnly"]

    # 4. ... watches the overview video on the landing page.
    player = visitor.get_by_test_id("video")
    with visitor.expect_response(lambda r: "/go/seen/" in r.url and "kind=play" in r.url) as played:
        player.evaluate("v => { v.muted = true; return v.play(); }")
    assert played.value.status == 204

    # 5. ... opens the invitation and applies.
    visitor.goto(invitation)
    assert visitor.input_value("#id_company_name") == "はやぶさ販売株式会社"
    _no_violations(visitor)
    cache.delete(rate_limit_key("127.0.0.1"))
    visitor.check("#id_consent")
    visitor.click("form[data-testid=apply-form] button[type=submit]")
    visitor.wait_for_load_state()
    assert visitor.get_by_test_id("apply-thanks").is_visible()
    application = Application.objects.get()
    assert application.channel_code == link.code and application.invited_by == manager

    # 6. The manager approves; the funnel moved (five minutes on: the dashboard may lag that much, and says so).
    staff.goto(f"{base}/staff/recruitment/")
    staff.get_by_role("link", name="はやぶさ販売株式会社").click()
    staff.get_by_test_id("approve").click()
    staff.wait_for_load_state()
    assert staff.get_by_test_id("status").inner_text() == "承認済み"
    cache.clear()
    staff.goto(f"{base}/staff/")
    block = staff.locator('[data-block="prospects"]')
    assert block.locator("h2").inner_text() == "チャネル別の見込みパートナーの認知"
    assert _social_row(staff) == ["1", "1", "1", "1", "1"]
    _no_violations(staff)
    staff.screenshot(path="var/e2e-channels-dashboard-ja.png", full_page=True)
