from decimal import Decimal

from plans import services
from plans.queries import current_fiscal_year


def draft(partner, actor, *, fiscal_year=None, goals=None):
    plan = services.plan_create(
        partner=partner, fiscal_year=fiscal_year or current_fiscal_year(), actor=actor
    )
    rows = goals if goals is not None else [{"kind": "revenue", "target": Decimal(10_000_000)}]
    return services.plan_update(
        plan=plan,
        actor=actor,
        fields={"summary_ja": "共同事業計画", "summary_en": "Joint plan"},
        goal_rows=rows,
    )


def approved(w, **kwargs):
    plan = draft(w.partner_a, w.admin_a, **kwargs)
    plan = services.plan_submit(plan=plan, actor=w.admin_a)
    return services.plan_approve(plan=plan, actor=w.manager_a)


def reviewed(w, quarter=1, **fields):
    plan = approved(w)
    return services.review_create(
        plan=plan, quarter=quarter, actor=w.admin_a, fields={"narrative_ja": "順調です", **fields}
    )
