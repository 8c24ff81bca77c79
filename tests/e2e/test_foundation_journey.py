import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_partner_admin_sees_company_in_japanese_then_english(page, live_server, login):
    from partners.models import Membership
    from tests.factories import MembershipFactory

    user = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    login(user.email, PASSWORD)

    assert page.get_by_test_id("company-name").inner_text() == "さくらシステムズ株式会社"
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="オンボーディング").is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Onboarding").is_visible()
    assert page.get_by_test_id("company-name").inner_text() == "さくらシステムズ株式会社"
    user.refresh_from_db()
    assert user.language == "en"  # remembered on the account, not only in a cookie


@pytest.mark.parametrize("width", [1200, 1280, 1440])
def test_the_partner_menu_fits_on_one_line(page, live_server, login, width):
    """Nine items with a badge, the language switch, the bell and the user menu (issue 17)."""
    from partners.models import Membership
    from tests.factories import MembershipFactory

    user = MembershipFactory(
        role=Membership.Role.ADMIN, user__language="ja", user__display_name="高橋 健一郎"
    ).user
    page.set_viewport_size({"width": width, "height": 900})
    login(user.email, PASSWORD)
    for language in ("ja", "en"):
        menu = page.locator("nav .dropdown > button").bounding_box()
        last_item = page.locator("nav .navbar-nav .nav-item").last.bounding_box()
        switch = page.locator("#language-form").bounding_box()
        assert menu["x"] + menu["width"] <= width, language
        assert last_item["x"] + last_item["width"] < switch["x"], language  # no overlap
        assert page.locator("nav.navbar").bounding_box()["height"] < 70, language  # one line
        assert page.evaluate("document.documentElement.scrollWidth") == width, language
        if language == "ja":
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
