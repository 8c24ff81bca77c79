from datetime import date

from tests.tenancy import (
    LOGIN,
    MANAGERS,
    PARTNER,
    PARTNER_ADMIN_OBJECT,
    PARTNER_OBJECT,
    Row,
    expect,
)

SECRET_SUMMARY = "Alpha-only plan summary 5c2e"
SECRET_ACTIVITY = "Alpha-only joint seminar 91ab"


# Get-or-make: the hostile-forms test builds every row's objects in one world.
def _existing(w, year):
    from plans.models import BusinessPlan

    return BusinessPlan.objects.filter(partner=w.partner_a, fiscal_year=year).first()


def draft_a(w):
    """Next year's plan (a draft unless another row moved it on)."""
    from plans import services
    from plans.queries import current_fiscal_year
    from tests.plans.factories import draft

    year = current_fiscal_year() + 1
    if plan := _existing(w, year):
        return plan
    plan = draft(w.partner_a, w.admin_a, fiscal_year=year)
    return services.plan_update(
        plan=plan,
        actor=w.admin_a,
        fields={"summary_ja": SECRET_SUMMARY, "summary_en": SECRET_SUMMARY},
        goal_rows=[{"kind": "revenue", "target": 10_000_000, "q1": 2_000_000}],
    )


def submitted_a(w):
    from plans import services

    plan = draft_a(w)
    return services.plan_submit(plan=plan, actor=w.admin_a) if plan.editable else plan


def approved_a(w):
    """This year's plan, approved, with an activity."""
    from plans import services
    from plans.queries import current_fiscal_year
    from tests.plans.factories import approved

    if plan := _existing(w, current_fiscal_year()):
        return plan
    plan = approved(w)
    services.activity_save(
        plan=plan,
        actor=w.admin_a,
        fields={"title": SECRET_ACTIVITY, "owner": w.member_a, "due_on": date.today(), "status": "planned"},
    )
    return plan


def activity_a(w):
    return approved_a(w).activities.first()


def review_a(w):
    from plans import services

    plan = approved_a(w)
    if review := plan.reviews.filter(quarter=1).first():
        return review
    return services.review_create(
        plan=plan, quarter=1, actor=w.admin_a, fields={"narrative_ja": SECRET_SUMMARY}
    )


def leaks(w):
    return [SECRET_SUMMARY, SECRET_ACTIVITY]


# The index sends partner A's people to their plan; partner B sees its own (empty) page.
INDEX = expect(302, anon=LOGIN, admin_b=200, manager_a=404, manager_other=404, support=404)
# Partner B's admin may start its own plan: a redirect too.
CREATE = expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404)
ADMIN_POST = expect(404, anon=LOGIN, member_a=403, admin_a=302)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
MANAGER_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)

ROWS = [
    Row("plans:index", PARTNER),
    Row("plans:index", INDEX, kwargs=lambda w: (approved_a(w), {})[1], leaks=leaks),
    Row("plans:create", CREATE, method="post", data=lambda w: {"year": "current"}),
    Row("plans:plan", PARTNER_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}, leaks=leaks),
    Row("plans:edit", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": draft_a(w).pk}, leaks=leaks),
    Row("plans:submit", ADMIN_POST, kwargs=lambda w: {"pk": draft_a(w).pk}, method="post"),
    Row("plans:reopen", ADMIN_POST, kwargs=lambda w: {"pk": approved_a(w).pk}, method="post"),
    Row("plans:activity_new", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}),
    Row("plans:activity_edit", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": activity_a(w).pk}, leaks=leaks),
    Row("plans:review_new", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}),
    Row("plans:review", PARTNER_OBJECT, kwargs=lambda w: {"pk": review_a(w).pk}, leaks=leaks),
    Row("plans:review_edit", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": review_a(w).pk}, leaks=leaks),
    Row("plans:review_sign", ADMIN_POST, kwargs=lambda w: {"pk": review_a(w).pk}, method="post"),
    Row("plans:staff_plans", MANAGERS, kwargs=lambda w: (submitted_a(w), {})[1], leaks=leaks),
    Row(
        "plans:staff_create",
        expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302),
        method="post",
        data=lambda w: {"partner": w.partner_a.pk},
    ),
    Row("plans:staff_plan", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": submitted_a(w).pk}),
    Row("plans:staff_plan", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}),
    Row("plans:staff_edit", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": draft_a(w).pk}),
    Row(
        "plans:staff_decide",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": submitted_a(w).pk},
        method="post",
        data=lambda w: {"decision": "approve"},
    ),
    Row("plans:staff_reopen", MANAGER_A_POST, kwargs=lambda w: {"pk": approved_a(w).pk}, method="post"),
    Row("plans:staff_activity_new", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}),
    Row("plans:staff_activity_edit", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": activity_a(w).pk}),
    Row("plans:staff_review_new", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}),
    Row("plans:staff_review", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": review_a(w).pk}),
    Row("plans:staff_review_edit", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": review_a(w).pk}),
    Row("plans:staff_review_sign", MANAGER_A_POST, kwargs=lambda w: {"pk": review_a(w).pk}, method="post"),
]
