from datetime import timedelta
from decimal import Decimal

from tests.tenancy import (
    API_MANAGER_A_OBJECT,
    API_MANAGERS,
    API_PARTNER_ADMIN,
    API_PARTNER_ADMIN_OBJECT,
    LOGIN,
    MANAGERS,
    PARTNER,
    PARTNER_ADMIN,
    PARTNER_ADMIN_OBJECT,
    PARTNER_OBJECT,
    Row,
    expect,
)

SECRET_TITLE = "Alpha-only MDF seminar 7d1e"


def fund_a(w):
    from tests.funds.factories import fund_with

    return fund_with(w.partner_a, 1_000_000)


def request_a(w, **overrides):
    from tests.funds.factories import submitted

    fund_a(w)
    return submitted(w.partner_a, w.admin_a, title=SECRET_TITLE, **overrides)


def claimed_a(w):
    from django.utils import timezone

    from funds import services
    from tests.funds.factories import claimed

    fund_a(w)
    yesterday = timezone.localdate() - timedelta(days=1)
    request = request_a(w, starts_on=max(yesterday, _period_start()), ends_on=max(yesterday, _period_start()))
    request = services.request_approve(fund_request=request, actor=w.manager_a, amount=Decimal(200_000))
    return claimed(request, w.admin_a, actual_cost=150_000)


def _period_start():
    from django.utils import timezone

    from funds.periods import period_of

    return period_of(timezone.localdate()).start


def returned_a(w):
    from funds import services

    request = request_a(w)
    return services.request_return(fund_request=request, actor=w.manager_a, comment="詳しく")


def approved_a(w):
    from funds import services

    request = request_a(w, starts_on=_period_start(), ends_on=_period_start())
    return services.request_approve(fund_request=request, actor=w.manager_a)


def leaks(w):
    return [SECRET_TITLE]


# A POST that changes nothing it may not: the partner admin is redirected, others refused.
FILE = expect(404, anon=404, member_a=200, admin_a=200)
STAFF_FILE = expect(404, manager_a=200, anon=404, member_a=403, admin_a=403, admin_b=403, support=403)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
DECIDE = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=400)

ROWS = [
    Row("funds:index", PARTNER, kwargs=lambda w: (request_a(w), {})[1], leaks=leaks),
    Row("funds:export", PARTNER, kwargs=lambda w: (request_a(w), {})[1], leaks=leaks),
    Row("funds:request_new", PARTNER_ADMIN, kwargs=lambda w: (fund_a(w), {})[1]),
    Row("funds:request", PARTNER_OBJECT, kwargs=lambda w: {"pk": request_a(w).pk}, leaks=leaks),
    Row("funds:request_edit", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": returned_a(w).pk}, leaks=leaks),
    Row("funds:claim_new", PARTNER_ADMIN_OBJECT, kwargs=lambda w: {"pk": approved_a(w).pk}, leaks=leaks),
    # Partner A's admin withdraws A's approved request; a member may not, anyone else: 404.
    Row(
        "funds:request_withdraw",
        expect(404, anon=LOGIN, member_a=403, admin_a=302),
        kwargs=lambda w: {"pk": approved_a(w).pk},
        method="post",
    ),
    Row("funds:claim_file", FILE, kwargs=lambda w: {"pk": claimed_a(w).files.first().pk}),
    Row("funds:staff_requests", MANAGERS, kwargs=lambda w: (request_a(w), {})[1]),
    Row("funds:staff_requests", MANAGERS, kwargs=lambda w: (request_a(w), {})[1], query="?format=csv"),
    Row("funds:staff_request", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": request_a(w).pk}),
    Row("funds:staff_decide", DECIDE, kwargs=lambda w: {"pk": request_a(w).pk}, method="post"),
    Row("funds:staff_claim_file", STAFF_FILE, kwargs=lambda w: {"pk": claimed_a(w).files.first().pk}),
    Row("funds:staff_funds", MANAGERS, kwargs=lambda w: (fund_a(w), {})[1]),
    Row("funds:staff_funds", MANAGERS, kwargs=lambda w: (fund_a(w), {})[1], query="?format=csv"),
    Row("funds:staff_fund", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": fund_a(w).pk}),
    Row(
        "funds:staff_fund_open",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        data=lambda w: {"partner": "alpha", "amount": "100000", "reason": "共催イベント"},
    ),
]


API_ROWS = [
    Row("api:fund-list", API_PARTNER_ADMIN, kwargs=lambda w: (fund_a(w), {})[1]),
    Row("api:fund-request-list", API_PARTNER_ADMIN, kwargs=lambda w: (request_a(w), {})[1], leaks=leaks),
    Row(
        "api:fund-request-detail",
        API_PARTNER_ADMIN_OBJECT,
        kwargs=lambda w: {"pk": request_a(w).pk},
        leaks=leaks,
    ),
    Row("api:vendor-fund-request-list", API_MANAGERS, kwargs=lambda w: (request_a(w), {})[1]),
    Row("api:vendor-fund-request-detail", API_MANAGER_A_OBJECT, kwargs=lambda w: {"pk": request_a(w).pk}),
]
