"""By keyboard alone (Tab, Shift+Tab, Enter, Escape, Space, and typing into fields; never a
click): a partner signs in, registers a deal and opens a question; a channel manager signs
in and approves the deal. Every control the keyboard reaches shows a visible focus
indicator, the skip link leads to the content, and at a narrow width the navigation opens
as a menu and closes with Escape.
"""

from datetime import date, timedelta

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the focused element is, and whether a focus indicator is drawn around it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  // Focus inside a browser-drawn part of the control (the date field's calendar button):
  // its ring is styled in portal.css (::-webkit-calendar-picker-indicator:focus), out of
  // reach of getComputedStyle; screenshots show it.
  const inner = el.type === "date" && !el.matches(":focus");
  const outline = inner || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2);
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const label = (el.labels && el.labels[0] && el.labels[0].textContent) || el.getAttribute("aria-label") || el.textContent || "";
  return {
    tag: el.tagName.toLowerCase(), name: el.getAttribute("name") || "", id: el.id || "",
    type: el.getAttribute("type") || "", value: el.value || "", testid: el.dataset.testid || "",
    text: label.trim().replace(/\\s+/g, " ").slice(0, 80), href: el.getAttribute("href") || "",
    visible: outline || shadow,
  };
}"""
MAX_TABS = 80


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.invisible = []  # controls reached without a visible focus indicator

    def focused(self):
        return self.page.evaluate(FOCUSED)

    def tab_to(self, matches, *, backwards=False):
        """Press Tab (or Shift+Tab) until the focused element matches; checks each stop."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            el = self.focused()
            if el is None:
                continue
            if not el["visible"]:
                self.invisible.append(f"{self.page.url}: {el}")
            if matches(el):
                return el
        raise AssertionError(f"no focusable element matched within {MAX_TABS} tabs on {self.page.url}")

    def field(self, name, text):
        self.tab_to(lambda el: el["name"] == name)
        self.page.keyboard.type(text)

    def submit(self, matches):
        self.tab_to(matches)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def follow(self, matches):
        self.tab_to(lambda el: el["tag"] == "a" and matches(el))
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def sign_in(kb, base, email):
    kb.page.goto(f"{base}/accounts/login/")
    # The first Tab reaches the skip link; Enter moves the focus to the content.
    first = kb.tab_to(lambda el: True)
    assert first["href"] == "#main", first
    kb.page.keyboard.press("Enter")
    assert kb.page.evaluate("document.activeElement.id") == "main"
    kb.field("login", email)
    kb.field("password", PASSWORD)
    kb.submit(lambda el: el["tag"] == "button" and el["type"] == "submit")


def test_partner_and_manager_work_by_keyboard_alone(browser, live_server):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from incentives.models import Deal
    from partners.models import Membership
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.incentives.factories import ProductFactory, make_tiers
    from threads.models import Thread

    make_tiers()
    ProductFactory(code="erp", name="ERP Suite", name_en="ERP Suite")
    partner_admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = partner_admin.membership.partner
    manager = UserFactory(email="manager@example.test", is_staff=True, language="ja")
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    base = live_server.url

    # en-US keeps the date field's segments in month/day/year order for typing.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    kb = Keyboard(context.new_page())

    # 1. Sign in, then go to the deals page from the navigation.
    sign_in(kb, base, partner_admin.email)
    kb.follow(lambda el: el["href"] == "/deals/")
    kb.follow(lambda el: el["href"] == "/deals/new/")

    # 2. Register a deal.
    kb.field("customer_company", "株式会社みなと物流")
    kb.field("customer_domain", "minato-logistics.example.jp")
    kb.field("contact_name", "港 一郎")
    kb.field("contact_consent", " ")  # a checkbox: Space ticks it (the person agreed, APPI)
    kb.field("product", "E")  # a select: typing picks the option that starts with it
    kb.field("amount", "5500000")
    close = date.today() + timedelta(days=30)
    kb.field("expected_close_date", close.strftime("%m%d%Y"))
    kb.submit(lambda el: el["tag"] == "button" and el["type"] == "submit" and "審査" in el["text"])
    deal = Deal.objects.get(partner=partner)
    assert deal.customer_company == "株式会社みなと物流"
    assert deal.expected_close_date == close
    assert deal.status == Deal.Status.SUBMITTED

    # 3. Open a question, from the navigation; a wrong submit first: the error is read with its field.
    kb.follow(lambda el: el["href"] == "/questions/")
    kb.follow(lambda el: el["href"] == "/questions/new/")
    kb.field("subject", "案件保護の期間について")
    kb.submit(lambda el: el["testid"] == "send-question")
    error = kb.page.evaluate(
        """() => { const el = document.querySelector("[name=body]");
                   return [el.getAttribute("aria-invalid"), document.getElementById(el.getAttribute("aria-describedby").split(" ").pop()).textContent]; }"""
    )
    assert error[0] == "true" and error[1].strip(), error
    assert kb.focused()["name"] == "body"  # the first field in error has the focus
    kb.page.keyboard.type("承認された案件は何日間保護されますか？")
    kb.submit(lambda el: el["testid"] == "send-question")
    thread = Thread.objects.get(partner=partner)
    assert thread.subject == "案件保護の期間について"

    # 4. The user menu opens with Enter and closes with Escape, focus back on its button.
    kb.tab_to(lambda el: el["testid"] == "user-menu", backwards=True)
    kb.page.keyboard.press("Enter")
    assert kb.page.get_by_test_id("user-menu").get_attribute("aria-expanded") == "true"
    kb.page.keyboard.press("Escape")
    assert kb.page.get_by_test_id("user-menu").get_attribute("aria-expanded") == "false"
    assert kb.focused()["testid"] == "user-menu"
    context.close()

    # 5. The channel manager approves the deal: review queue, the deal, Approve, Save.
    context = browser.new_context(locale="en-US")
    kb_staff = Keyboard(context.new_page())
    sign_in(kb_staff, base, manager.email)
    kb_staff.page.goto(f"{base}/staff/deals/")
    kb_staff.follow(lambda el: "株式会社みなと物流" in el["text"])
    kb_staff.tab_to(lambda el: el["name"] == "decision" and el["value"] == "approve")
    kb_staff.page.keyboard.press("Space")
    kb_staff.field("reason", "既存の取引はありません。")
    kb_staff.submit(lambda el: el["tag"] == "button" and el["type"] == "submit" and "判定" in el["text"])
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    context.close()

    assert kb.invisible == [] and kb_staff.invisible == [], kb.invisible + kb_staff.invisible


def test_the_navigation_is_a_keyboard_menu_at_a_narrow_width(browser, live_server):
    from partners.models import Membership
    from tests.factories import MembershipFactory

    user = MembershipFactory(role=Membership.Role.ADMIN, user__language="ja").user
    context = browser.new_context(viewport={"width": 400, "height": 800})
    kb = Keyboard(context.new_page())
    sign_in(kb, live_server.url, user.email)
    menu = kb.page.locator("#mainnav")
    assert not menu.is_visible()
    toggle = kb.tab_to(
        lambda el: (
            el["tag"] == "button"
            and "navbar-toggler" in (kb.page.evaluate("document.activeElement.className"))
        )
    )
    assert toggle["text"]  # the menu button has a name
    kb.page.keyboard.press("Enter")
    kb.page.wait_for_selector("#mainnav.show")
    assert kb.page.locator("[data-bs-target='#mainnav']").get_attribute("aria-expanded") == "true"
    # The menu's links come next in the tab order, then Escape closes it on the button.
    link = kb.tab_to(lambda el: el["tag"] == "a")
    assert link["href"] == "/", link
    kb.page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert "navbar-toggler" in kb.page.evaluate("document.activeElement.className")
    assert not menu.is_visible()
    # Space opens it too; the bell, language switch and user menu are inside, each named.
    kb.page.keyboard.press("Space")
    kb.page.wait_for_selector("#mainnav.show")
    names = kb.page.evaluate(
        """() => [...document.querySelectorAll('#mainnav button, #mainnav a.btn')].map(
             (el) => el.getAttribute('aria-label') || el.textContent.trim().replace(/\\s+/g, ' '))"""
    )
    assert all(names) and len(names) >= 3, names
    context.close()
    assert kb.invisible == [], kb.invisible


def test_htmx_updates_keep_the_focus_and_are_announced(browser, live_server, world):
    """Bookmarking by keyboard keeps the focus on the button and says so; a new notification
    changes the bell's count and the live region reads it out."""
    from django.test import Client
    from playwright.sync_api import expect

    from content.models import AssetShare
    from prm.notifications.center import notify
    from tests.content.factories import AssetFactory

    asset = AssetFactory(title="導入ガイド", language="ja")
    AssetShare.objects.create(asset=asset, partner=world.partner_a)
    world.admin_a.language = "ja"
    world.admin_a.save(update_fields=["language"])
    client = Client()
    client.force_login(world.admin_a)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    kb = Keyboard(context.new_page())
    kb.page.goto(f"{live_server.url}/content/{asset.pk}/")
    live = kb.page.locator("#live-region")

    kb.tab_to(lambda el: el["testid"] == "bookmark")
    kb.page.keyboard.press("Enter")
    expect(kb.page.get_by_test_id("bookmark")).to_have_attribute("aria-pressed", "true")
    assert kb.focused()["testid"] == "bookmark"  # the swapped button keeps the focus
    expect(live).to_have_text("ブックマーク済み")
    kb.page.keyboard.press("Enter")
    expect(kb.page.get_by_test_id("bookmark")).to_have_attribute("aria-pressed", "false")
    expect(live).to_have_text("ブックマークを外しました")

    notify(kind="campaign_new", recipients=[world.admin_a], event_key="a11y", params={"title": "t"}, url="/")
    kb.page.locator("body").dispatch_event("notifications-changed")  # what the 20 s poll does
    expect(kb.page.locator("#notification-bell")).to_have_attribute("data-unread", "1")
    expect(live).to_contain_text("1")
    context.close()
    assert kb.invisible == [], kb.invisible
