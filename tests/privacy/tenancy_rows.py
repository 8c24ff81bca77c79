from tests.privacy.factories import SUBJECT_A, export_a, provision_a, request_a
from tests.tenancy import LOGIN, MANAGERS, PARTNER_ADMIN, Row, expect


def deletion_with_a_deal(w):
    """A deletion request about partner A's deal contact: the erase form is on the page."""
    from tests.incentives.factories import DealFactory

    DealFactory(partner=w.partner_a, contact_name=SUBJECT_A, contact_email="hanako-5c2b@customer.example")
    return {"pk": request_a(w, kind="deletion").pk}


def leaks(w):
    return [SUBJECT_A, "hanako-5c2b"]


def seeded(w):
    provision_a(w)
    request_a(w)
    export_a(w)
    return {}


# A page about partner A's data: the assigned manager only (a narrowed manager of nobody: 404).
MANAGER_A_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
MANAGER_A_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)
EXPORT_POST = expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)  # form errors: 200

ROWS = [
    Row("privacy:requests", MANAGERS, kwargs=seeded, leaks=leaks),
    Row("privacy:requests", MANAGERS, kwargs=seeded, leaks=leaks, query="?status=&format=csv"),
    Row("privacy:request_create", MANAGERS),
    Row("privacy:request_detail", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": request_a(w).pk}, leaks=leaks),
    Row("privacy:request_detail", MANAGER_A_OBJECT, kwargs=deletion_with_a_deal, leaks=leaks),
    Row(
        "privacy:request_status",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": request_a(w).pk},
        leaks=leaks,
        method="post",
        data=lambda w: {"status": "verifying"},
    ),
    Row(
        "privacy:request_assign",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": request_a(w).pk},
        leaks=leaks,
        method="post",
        data=lambda w: {"assignee": ""},
    ),
    Row(
        "privacy:request_erase",
        MANAGER_A_POST,
        kwargs=lambda w: {"pk": request_a(w, kind="deletion").pk, "finder": "deals"},
        leaks=leaks,
        method="post",
        data=lambda w: {"ids": []},
    ),
    Row("privacy:provisions", MANAGERS, kwargs=seeded, leaks=leaks),
    Row("privacy:provisions", MANAGERS, kwargs=seeded, leaks=leaks, query="?format=csv"),
    Row("privacy:exports", MANAGERS, kwargs=seeded, leaks=leaks),
    Row(
        "privacy:exports",
        EXPORT_POST,
        kwargs=seeded,
        leaks=leaks,
        method="post",
        data=lambda w: {"partner": ""},
    ),
    Row("privacy:export_download", MANAGER_A_OBJECT, kwargs=lambda w: {"pk": export_a(w).pk}, leaks=leaks),
    Row("privacy:partner_provisions", PARTNER_ADMIN, kwargs=seeded, leaks=leaks),
    Row("privacy:partner_provisions", PARTNER_ADMIN, kwargs=seeded, leaks=leaks, query="?format=csv"),
]
