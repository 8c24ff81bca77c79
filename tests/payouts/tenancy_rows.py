from datetime import date
from decimal import Decimal

from tests.tenancy import LOGIN, MANAGERS, PARTNER_ADMIN, PARTNER_ADMIN_OBJECT, Row, expect

LEGAL_A = "Alpha Legal Name 51c2"  # partner A's legal name: never outside A
CLAIM_A = "Alpha Seminar 8e1b"  # partner A's MDF activity


def payout_a(w, **kwargs):
    """An approved payment statement of partner A with its profile (the pages' data)."""
    from payouts import services
    from payouts.models import Payout
    from tests.payouts.helpers import approved_statement, finance_user, payee

    existing = Payout.objects.filter(partner=w.partner_a).first()
    if existing:
        return {"pk": existing.pk}
    finance = finance_user("finance-matrix@example.test")
    payee(w.partner_a, legal_name=LEGAL_A)
    approved_statement(w.partner_a, period=date(2026, 11, 1), amounts=(Decimal(120_000),))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = services.payout_approve(payout=Payout.objects.get(partner=w.partner_a), actor=finance)
    return {"pk": payout.pk}


def line_a(w):
    from payouts.models import PayoutLine

    payout_a(w)
    return {"pk": PayoutLine.objects.filter(payout__partner=w.partner_a).first().pk}


def seed_a(w):
    payout_a(w)
    return {}


def profile_a(w):
    from tests.payouts.helpers import payee

    return {"pk": payee(w.partner_a, legal_name=LEGAL_A, approved=False).pk}


def batch_a(w):
    from django.utils import timezone

    from payouts import services
    from payouts.models import Payout, TransferBatch
    from tests.payouts.helpers import finance_user

    payout_a(w)
    batch = TransferBatch.objects.first() or services.transfer_batch_create(
        payouts=Payout.objects.all(),
        transfer_date=timezone.localdate(),
        actor=finance_user("finance-batch@example.test"),
    )
    return {"pk": batch.pk}


def claim_a(w):
    """An approved MDF claim of partner A that no statement holds yet."""
    from funds import services as fund_services
    from tests.funds.factories import approved, claimed, fund_with, yesterday

    fund_with(w.partner_a, 1_000_000)
    request = approved(
        w.partner_a, w.admin_a, w.manager_a, title=CLAIM_A, starts_on=yesterday(), ends_on=yesterday()
    )
    fund_services.claim_approve(claim=claimed(request, w.admin_a), actor=w.manager_a)
    return {}


def leaks(w):
    return [LEGAL_A, CLAIM_A]


def profile_post(w):
    return {
        "legal_name": "株式会社テスト",
        "registration_number": "T7000012050002",
        "bank_code": "0005",
        "bank_name_kana": "ﾐﾂﾋﾞｼ",
        "branch_code": "001",
        "branch_name_kana": "",
        "account_type": "1",
        "account_number": "1234567",
        "account_holder_kana": "カ）テスト",
    }


# Finance only (payouts.change_payout): every role of the matrix is refused; tests/payouts/
# test_views.py shows a finance user the same pages.
FINANCE = expect(403, anon=LOGIN)
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
SAVED = expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404)
STAFF_A = {"manager_a"}

ROWS = [
    Row("payouts:list", PARTNER_ADMIN, kwargs=seed_a, leaks=leaks),
    Row("payouts:payee", PARTNER_ADMIN, kwargs=seed_a, leaks=leaks),
    Row("payouts:payee", SAVED, kwargs=seed_a, leaks=leaks, method="post", data=profile_post),
    Row("payouts:detail", PARTNER_ADMIN_OBJECT, kwargs=payout_a, leaks=leaks),
    Row("payouts:notice", PARTNER_ADMIN_OBJECT, kwargs=payout_a, leaks=leaks),
    Row("payouts:notice", PARTNER_ADMIN_OBJECT, kwargs=payout_a, leaks=leaks, query="?lang=en"),
    Row("payouts:staff_list", MANAGERS, kwargs=seed_a, leaks=leaks, insiders=STAFF_A),
    Row(
        "payouts:staff_list", MANAGERS, kwargs=seed_a, leaks=leaks, insiders=STAFF_A, query="?status=approved"
    ),
    Row(
        "payouts:staff_list",
        MANAGERS,
        kwargs=seed_a,
        leaks=leaks,
        insiders=STAFF_A,
        query="?status=approved&format=csv",
    ),
    Row("payouts:staff_unpaid", MANAGERS, kwargs=seed_a, leaks=leaks, insiders=STAFF_A),
    Row("payouts:staff_unpaid", MANAGERS, kwargs=seed_a, leaks=leaks, insiders=STAFF_A, query="?format=csv"),
    Row(
        "payouts:staff_unpaid",
        MANAGERS,
        kwargs=claim_a,
        leaks=leaks,
        insiders=STAFF_A,
        query="?source=claims",
    ),
    Row(
        "payouts:staff_unpaid",
        MANAGERS,
        kwargs=claim_a,
        leaks=leaks,
        insiders=STAFF_A,
        query="?source=claims&format=csv",
    ),
    Row("payouts:staff_build", FINANCE, method="post", data=lambda w: {"period": "2026-11"}),
    Row("payouts:staff_detail", MANAGER_A_OBJECT, kwargs=payout_a, leaks=leaks, insiders=STAFF_A),
    Row("payouts:staff_approve", FINANCE, kwargs=payout_a, method="post"),
    Row("payouts:staff_unbatch", FINANCE, kwargs=payout_a, method="post"),
    Row("payouts:staff_line_rate", FINANCE, kwargs=line_a, method="post", data=lambda w: {"rate": "8"}),
    Row("payouts:staff_notice", MANAGER_A_OBJECT, kwargs=payout_a, leaks=leaks, insiders=STAFF_A),
    Row("payouts:staff_payees", FINANCE, kwargs=seed_a),
    Row("payouts:staff_payee_approve", FINANCE, kwargs=profile_a, method="post"),
    Row("payouts:staff_transfers", FINANCE, kwargs=seed_a),
    Row("payouts:staff_transfer", FINANCE, kwargs=batch_a),
    Row("payouts:staff_transfer_file", FINANCE, kwargs=batch_a),
]
