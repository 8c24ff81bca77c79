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


def extension_a(w):
    """Partner A's approved deal with an extension request waiting (for the staff queue)."""
    from incentives import services

    deal = deal_a(w, approved=True)
    services.extension_request(
        deal=deal, user=w.admin_a, reason=f"{CUSTOMER_A} board", expected_close_date=date(2099, 1, 1)
    )
    return {"pk": deal.pk}


# What the registering partner keeps to itself when it credits another partner on a deal.
PRIVATE_A = ["kiyomizu-9d1e", "山田 太郎", "Private note 5c1b", "7,654,321", "7654321"]


def credited_b(w):
    """Partner A credits partner B on a won deal and an open one: B's list shows the customer's
    company, the product, the stage and a win's counted figure (what counts toward B's tier),
    never A's name, contacts, domain, notes or an open deal's amount."""
    from incentives import services
    from incentives.models import DealCredit

    won = deal_a(w, won=True, notes="Private note 5c1b")
    open_deal = deal_a(w, approved=True, notes="Private note 5c1b", amount=Decimal(7_654_321))
    for deal in (won, open_deal):
        services.deal_credit_add(
            deal=deal, partner=w.partner_b, role=DealCredit.Role.INFLUENCED, actor=w.admin_a
        )
    return {}


def private_a(w):
    return PRIVATE_A


RECOMPUTE = expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)
OPT_IN = expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)

EXTENSION_POST = expect(404, anon=LOGIN, member_a=400, admin_a=400)
MANAGER_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=400)

ROWS = [
    # Protection extensions (issue 28): the request (an empty form: 400 for A's people), the
    # manager's queue and decision (an empty decision: 400 for A's manager only).
    Row(
        "incentives:deal_extension",
        EXTENSION_POST,
        kwargs=lambda w: {"pk": deal_a(w, approved=True).pk},
        leaks=leaks,
        method="post",
    ),
    Row(
        "incentives:staff_extensions",
        MANAGERS,
        kwargs=lambda w: extension_a(w) and {},
        leaks=leaks,
        insiders={"manager_a"},
    ),
    Row(
        "incentives:staff_extensions",
        MANAGERS,
        kwargs=lambda w: extension_a(w) and {},
        leaks=leaks,
        insiders={"manager_a"},
        query="?status=decided",
    ),
    Row(
        "incentives:staff_extension_decide",
        MANAGER_A_POST,
        kwargs=extension_a,
        leaks=leaks,
        method="post",
        insiders={"manager_a"},
    ),
    # Credit for every partner on a deal: A's admin manages it; B, once credited, sees a
    # minimal row (the customer's company, not A's name, contacts, domain, notes or amounts).
    Row(
        "incentives:deal_credits",
        PARTNER_ADMIN_OBJECT,
        kwargs=lambda w: {"pk": deal_a(w, approved=True).pk},
        leaks=leaks,
    ),
    Row("incentives:credited_deals", PARTNER, kwargs=seed_a, leaks=leaks),
    Row(
        "incentives:credited_deals",
        PARTNER,
        kwargs=lambda w: credited_b(w) or {},
        leaks=private_a,
        insiders={"member_a", "admin_a", "manager_a", "support"},
    ),
    Row(
        "incentives:staff_deal_credits",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": deal_a(w, approved=True).pk},
        leaks=leaks,
        method="post",
        insiders={"manager_a"},
    ),
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
