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
