import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_partner_searches_in_japanese_opens_an_asset_and_bookmarks_it(page, live_server):
    from content.models import AssetEvent, Bookmark
    from partners.models import Membership
    from tests.content.factories import AssetFactory
    from tests.factories import MembershipFactory

    user = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    asset = AssetFactory(
        title="営業資料の作り方ガイド",
        summary="提案書と営業資料を短時間で作るコツをまとめました。",
        body="## 手順\n\nまずお客様の課題を整理します。",
        language="ja",
    )
    AssetFactory(title="保守契約の更新ガイド", language="ja")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_load_state()

    page.locator("a[data-nav=content]").click()
    page.fill("input[name=q]", "営業資料")
    page.get_by_role("button", name="検索", exact=True).click()
    page.wait_for_load_state()
    results = page.get_by_test_id("results")
    assert results.locator("mark").first.inner_text() == "営業資料"
    assert "保守契約" not in results.inner_text()

    results.get_by_role("link", name="営業資料の作り方ガイド").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("asset-title").inner_text() == "営業資料の作り方ガイド"
    assert "まずお客様の課題を整理します。" in page.locator("article").inner_text()

    page.get_by_test_id("bookmark").click()
    page.wait_for_selector("[data-testid=bookmark][aria-pressed=true]")
    assert Bookmark.objects.filter(user=user, asset=asset).exists()
    assert AssetEvent.objects.filter(user=user, asset=asset, kind="view").count() == 1

    page.get_by_role("navigation", name="パンくずリスト").get_by_role(
        "link", name="コンテンツライブラリ"
    ).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="ブックマーク", exact=True).click()  # the star is decoration
    page.wait_for_load_state()
    assert "営業資料の作り方ガイド" in page.get_by_test_id("bookmarks").inner_text()
