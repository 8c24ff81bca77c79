"""The API's routes (API_ROWS: requested with each role's token) and the portal pages for
tokens and webhooks (ROWS: with each role's session)."""

from tests.tenancy import (
    LOGIN,
    PARTNER,
    PARTNER_ADMIN,
    PUBLIC,
    Row,
    expect,
)

STAFF_MANAGERS = expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)
ANY_TOKEN = expect(200, anon=401)


def token_a(w):
    """A token of partner A's member (revocable by A's admin and the member)."""
    from api.models import ApiToken
    from tests.api.helpers import make_token

    raw = make_token(w.member_a, name="Alpha Secret Trading 7f3a sync")
    return {"pk": ApiToken.objects.get(key_prefix=raw[:12]).pk}


def with_token_a(w):
    token_a(w)
    return {}


def token_manager_a(w):
    from api.models import ApiToken
    from tests.api.helpers import make_token

    raw = make_token(w.manager_a, name="manager-a CRM")
    return {"pk": ApiToken.objects.get(key_prefix=raw[:12]).pk}


REVOKE_A = expect(404, anon=LOGIN, member_a=302, admin_a=302, manager_a=404, manager_other=404, support=404)
STAFF_REVOKE_OWN = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)

ROWS = [
    Row("api:docs", PUBLIC),
    Row("integrations:index", PARTNER, kwargs=with_token_a),
    Row("integrations:token_create", PARTNER_ADMIN),
    Row("integrations:token_revoke", REVOKE_A, kwargs=token_a, method="post"),
    Row("integrations:staff_index", STAFF_MANAGERS, kwargs=with_token_a),
    Row("integrations:staff_token_create", STAFF_MANAGERS),
    Row(
        "integrations:staff_token_revoke",
        STAFF_REVOKE_OWN,
        kwargs=token_manager_a,
        method="post",
        insiders={"manager_a"},
    ),
]

API_ROWS = [
    Row("api:schema", PUBLIC),
    Row("api:me", ANY_TOKEN),
]
