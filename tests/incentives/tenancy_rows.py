from datetime import date
from decimal import Decimal

from tests.tenancy import (
    LOGIN,
    MANAGERS,
    PARTNER,
    PARTNER_ADMIN,
    PARTNER_ADMIN_OBJECT,
    PARTNER_OBJECT,
    Row,
    expect,
)

CUSTOMER_A = "Kiyomizu Customer 9d1e"  # partner A's customer: must never show outside A


def deal_a(w, **kwargs):
    from tests.incentives.factories import DealFactory

    return DealFactory(
        partner=w.partner_a, customer_company=CUSTOMER_A, customer_domain="kiyomizu-9d1e.example.jp", **kwargs
    )


def seed_a(w):
    """Partner A with a deal, a tier, a tier change and a statement (for list and staff pages)."""
    from incentives import services
    from incentives.models import IncentiveProgram
    from tests.incentives.factories import ProgramFactory, make_tiers

    make_tiers()
    deal_a(w, won=True, amount_jpy=Decimal(1_000_000))
    deal_a(w, has_conflict=True)
    services.tiers_recompute()
    ProgramFactory(kind=IncentiveProgram.Kind.SPIFF, starts_on=date(2000, 1, 1), ends_on=date(2100, 1, 1))
    services.earnings_compute(period=date.today())
    return {}


def statement_a(w):
    from incentives.models import Statement

    seed_a(w)
    return {"pk": Statement.objects.get(partner=w.partner_a).pk}


def leaks(w):
    return [CUSTOMER_A, "kiyomizu-9d1e"]


RECOMPUTE = expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)
OPT_IN = expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)

ROWS = [
    Row("incentives:staff_recompute", RECOMPUTE, method="post"),
    Row("incentives:deals", PARTNER, kwargs=seed_a, leaks=leaks),
    Row("incentives:deals", PARTNER, kwargs=seed_a, leaks=leaks, query="?format=csv"),
    Row("incentives:deal_create", PARTNER),
    Row("incentives:deal_detail", PARTNER_OBJECT, kwargs=lambda w: {"pk": deal_a(w).pk}, leaks=leaks),
    # An approved deal: the outcome form (the won amount's ceiling, issue 21) is on the page.
    Row(
        "incentives:deal_detail",
        PARTNER_OBJECT,
        kwargs=lambda w: {"pk": deal_a(w, approved=True).pk},
        leaks=leaks,
    ),
    Row(
        "incentives:deal_update",
        PARTNER_OBJECT,
        kwargs=lambda w: {"pk": deal_a(w).pk},
        leaks=leaks,
        method="post",
    ),
    Row(
        "incentives:deal_close",
        PARTNER_OBJECT,
        kwargs=lambda w: {"pk": deal_a(w, approved=True).pk},
        leaks=leaks,
        method="post",
    ),
    Row("incentives:scorecard", PARTNER, kwargs=seed_a, leaks=leaks),
    Row("incentives:leaderboard_opt_in", OPT_IN, method="post"),
    Row("incentives:statements", PARTNER_ADMIN, kwargs=seed_a, leaks=leaks),
    Row("incentives:statements", PARTNER_ADMIN, kwargs=seed_a, leaks=leaks, query="?format=csv"),
    Row("incentives:statement_detail", PARTNER_ADMIN_OBJECT, kwargs=statement_a, leaks=leaks),
    Row(
        "incentives:statement_detail",
        PARTNER_ADMIN_OBJECT,
        kwargs=statement_a,
        leaks=leaks,
        query="?format=csv",
    ),
    Row("incentives:staff_deals", MANAGERS, kwargs=seed_a, leaks=leaks, insiders={"manager_a"}),
    Row(
        "incentives:staff_deals",
        MANAGERS,
        kwargs=seed_a,
        leaks=leaks,
        insiders={"manager_a"},
        query="?format=csv&status=",
    ),
    Row(
        "incentives:staff_deal_detail",
        MANAGER_A_OBJECT,
        kwargs=lambda w: {"pk": deal_a(w).pk},
        leaks=leaks,
        insiders={"manager_a"},
    ),
    Row("incentives:staff_overview", MANAGERS, kwargs=seed_a, leaks=leaks, insiders={"manager_a"}),
    Row(
        "incentives:staff_overview",
        MANAGERS,
        kwargs=seed_a,
        leaks=leaks,
        insiders={"manager_a"},
        query="?export=changes",
    ),
]
