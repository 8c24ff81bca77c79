"""In Japanese: a partner admin finds the business plan from the tier page, sees the
progress the portal counted (a reviewed win against the revenue goal), opens the quarterly
review the channel manager signed and signs it for the company. axe-core checks each page."""

from decimal import Decimal

import pytest

from tests.e2e import axe
from tests.e2e.test_funds_journey import accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_partner_admin_reads_progress_and_signs_the_review(browser, live_server, tmp_path):
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from partners.models import Membership
    from plans import services
    from plans.models import PlanReview
    from plans.queries import current_fiscal_year
    from prm.models import CHANNEL_MANAGERS
    from tests.factories import MembershipFactory, UserFactory
    from tests.incentives.factories import DealFactory, make_tiers

    make_tiers()
    admin = MembershipFactory(
        partner__name="さくらシステムズ株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    partner = admin.membership.partner
    manager = UserFactory(
        email="manager@example.test", is_staff=True, language="ja", display_name="佐藤 美咲"
    )
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, partner)
    plan = services.plan_create(partner=partner, fiscal_year=current_fiscal_year(), actor=admin)
    plan = services.plan_update(
        plan=plan,
        actor=admin,
        fields={
            "summary_ja": "関西の製造業にクラウドERPを提案します。",
            "summary_en": "Cloud ERP for Kansai.",
        },
        goal_rows=[{"kind": "revenue", "target": Decimal(10_000_000)}],
    )
    plan = services.plan_approve(plan=services.plan_submit(plan=plan, actor=admin), actor=manager)
    DealFactory(partner=partner, won=True, amount=Decimal(5_000_000), closed_on=timezone.localdate())
    review = services.review_create(
        plan=plan, quarter=1, actor=manager, fields={"narrative_ja": "受注は計画どおりです。"}
    )
    services.review_sign(review=review, actor=manager)

    page = axe.new_context(browser, language="ja").new_page()
    sign_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/incentives/")
    with page.expect_navigation():
        page.get_by_role("link", name="ビジネスプラン", exact=True).click()
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith(f"{plan.fiscal_year}年度 ビジネスプラン")
    )
    progress = page.get_by_role("progressbar", name="受注売上（確認済み、円）")
    assert progress.get_attribute("aria-valuenow") == "50"
    accessible(page)
    page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="レビューを開く").click()
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="自社として署名").click()
    assert "貴社としてレビューに署名しました。" in page.content()
    accessible(page)
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    assert PlanReview.objects.get().signed
