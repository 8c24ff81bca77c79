"""A channel manager runs the programme from the admin, in Japanese: sees exactly the partners
assigned to them, edits a tier's benefits and publishes an asset. Support sees threads, not tiers."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def test_manager_runs_the_programme_and_support_sees_threads(page, live_server):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from content.models import Asset
    from incentives.models import Tier
    from prm.models import CHANNEL_MANAGERS, SUPPORT
    from tests.content.factories import AssetFactory
    from tests.factories import PartnerFactory, UserFactory

    mine = PartnerFactory(name="さくらシステムズ株式会社", slug="sakura")
    other = PartnerFactory(name="みなとデータ株式会社", slug="minato")
    manager = UserFactory(
        email="manager@example.test", is_staff=True, language="ja", display_name="営業 花子"
    )
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, mine)
    support = UserFactory(email="support@example.test", is_staff=True, language="ja")
    support.groups.add(Group.objects.get(name=SUPPORT))
    tier = Tier.objects.create(rank=1, name="シルバー", name_en="Silver", discount_percent=10)
    asset = AssetFactory(title="販売ガイド2026", status=Asset.Status.DRAFT, published_at=None, indexed=False)
    base = live_server.url

    # 1. The manager signs in and opens the admin: Japanese, their one partner only.
    sign_in(page, base, manager.email)
    page.goto(f"{base}/admin/partners/partner/")
    expect(page.locator("#result_list")).to_contain_text("さくらシステムズ株式会社")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "みなとデータ株式会社" not in page.content()
    expect(page.locator("#content h1")).to_contain_text("パートナー")
    # Another partner's id is a 404, and guardian's permission screen is closed.
    assert page.goto(f"{base}/admin/partners/partner/{other.pk}/change/").status == 404
    assert page.goto(f"{base}/admin/partners/partner/{mine.pk}/permissions/").status == 403

    # 2. Edit the tier's benefits.
    page.goto(f"{base}/admin/incentives/tier/{tier.pk}/change/")
    page.fill("#id_discount_percent", "15")
    page.fill("#id_perks_ja", "共同セミナーの開催支援\n専任の技術窓口")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("変更しました")
    tier.refresh_from_db()
    assert tier.discount_percent == 15 and "専任の技術窓口" in tier.perks

    # 3. Publish the asset with the admin action (the content service, audited).
    page.goto(f"{base}/admin/content/asset/")
    page.locator(f"input[name=_selected_action][value='{asset.pk}']").check()
    page.select_option("select[name=action]", label="今すぐ公開")
    page.get_by_role("button", name="実行").click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("公開しました")
    asset.refresh_from_db()
    assert asset.status == Asset.Status.PUBLISHED

    # 4. Support sees the threads in the admin but not the tiers.
    page.context.clear_cookies()
    sign_in(page, base, support.email)
    page.goto(f"{base}/admin/")
    expect(page.locator("#content-main")).to_contain_text("パートナー")
    assert page.locator("a[href='/admin/threads/thread/']").count() >= 1
    assert page.locator("a[href='/admin/incentives/tier/']").count() == 0
    assert page.goto(f"{base}/admin/incentives/tier/").status == 403
    assert re.search(r"/admin/threads/thread/", page.goto(f"{base}/admin/threads/thread/").url)
