"""The plan pages in Django's test client: who sees which controls, the edit and sign-off
round trip, and a fixed number of queries whatever a plan holds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.models import BusinessPlan
from tests.plans.factories import approved, draft

pytestmark = pytest.mark.django_db


def test_member_reads_admin_edits(world, client_for):
    plan = approved(world)
    member = client_for(world.member_a).get(reverse("plans:plan", args=[plan.pk]))
    assert member.status_code == 200
    assert reverse("plans:activity_new", args=[plan.pk]) not in member.content.decode()
    admin = client_for(world.admin_a).get(reverse("plans:plan", args=[plan.pk]))
    assert reverse("plans:activity_new", args=[plan.pk]) in admin.content.decode()
    assert client_for(world.member_a).post(reverse("plans:reopen", args=[plan.pk])).status_code == 403


def test_edit_goals_through_the_page(world, client_for):
    plan = draft(world.partner_a, world.admin_a)
    url = reverse("plans:edit", args=[plan.pk])
    client = client_for(world.admin_a)
    bad = client.post(url, {"summary_ja": "計画", "deals_won-q1": "2"})  # a quarter without the year
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "summary_ja": "計画",
            "summary_en": "Plan",
            "revenue-target": "12000000",
            "deals_won-target": "8",
            "deals_won-q1": "2",
        },
    )
    assert response.status_code == 302
    goals = {g.kind: g for g in plan.goals.all()}
    assert set(goals) == {"revenue", "deals_won"} and goals["deals_won"].q1 == 2
    client.post(reverse("plans:submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == BusinessPlan.Status.SUBMITTED
    assert client.get(url).status_code == 200  # the form says why it cannot save
    assert client.post(url, {"revenue-target": "1"}).status_code == 400


def test_manager_decides_and_signs(world, client_for):
    plan = services.plan_submit(plan=draft(world.partner_a, world.admin_a), actor=world.admin_a)
    manager = client_for(world.manager_a)
    page = manager.get(reverse("plans:staff_plan", args=[plan.pk]))
    assert page.status_code == 200 and 'name="decision"' in page.content.decode()
    manager.post(reverse("plans:staff_decide", args=[plan.pk]), {"decision": "return"})
    plan.refresh_from_db()
    assert plan.status == BusinessPlan.Status.SUBMITTED  # a return needs a comment
    manager.post(reverse("plans:staff_decide", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == BusinessPlan.Status.APPROVED
    response = manager.post(
        reverse("plans:staff_review_new", args=[plan.pk]), {"quarter": "1", "narrative_ja": "好調"}
    )
    review = plan.reviews.get()
    assert response["Location"] == reverse("plans:staff_review", args=[review.pk])
    manager.post(reverse("plans:staff_review_sign", args=[review.pk]))
    client_for(world.admin_a).post(reverse("plans:review_sign", args=[review.pk]))
    review.refresh_from_db()
    assert review.signed
    edit = client_for(world.admin_a).post(
        reverse("plans:review_edit", args=[review.pk]),
        {"narrative_ja": "好調、ただし案件化に課題", "agreed_actions_ja": "週次で案件を確認"},
    )
    assert edit.status_code == 302
    review.refresh_from_db()
    assert review.partner_signed_at is None and review.manager_signed_at is None


def test_staff_list_shows_partners_without_a_plan(world, client_for):
    page = client_for(world.manager_a).get(reverse("plans:staff_plans"))
    assert world.partner_a.name in page.content.decode()
    draft(world.partner_a, world.admin_a)
    page = client_for(world.manager_a).get(reverse("plans:staff_plans"))
    assert reverse("plans:staff_create") not in page.content.decode()


def _grow(plan, world, n):
    for i in range(n):
        services.activity_save(
            plan=plan,
            actor=world.admin_a,
            fields={
                "title": f"活動{i}",
                "owner": world.member_a,
                "due_on": date.today(),
                "status": "planned",
            },
        )


def test_plan_page_queries_do_not_grow(world, client_for):
    plan = approved(
        world,
        goals=[
            {"kind": "revenue", "target": 10_000_000},
            {"kind": "deals_won", "target": 10},
            {"kind": "certified_people", "target": 3},
            {"kind": "campaigns_run", "target": 2},
        ],
    )
    client = client_for(world.admin_a)
    url = reverse("plans:plan", args=[plan.pk])
    _grow(plan, world, 2)
    client.get(url)  # warm the session and the layout's cached parts
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(plan, world, 10)
    for quarter in (1, 2, 3):
        services.review_create(plan=plan, quarter=quarter, actor=world.admin_a, fields={})
    client.get(url)  # the writes renewed the partner's cached parts: warm them again
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries), [
        q["sql"][:120] for q in big.captured_queries
    ]
    goal_queries = [
        q for q in small.captured_queries if "incentives_deal" in q["sql"] or "usercertification" in q["sql"]
    ]
    assert len(goal_queries) == 3  # revenue, deals won, certified people: one query each
