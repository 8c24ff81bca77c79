"""The URL-by-URL permission matrix (docs/architecture.md section 3).

Every named URL of the project's own apps must have a `Row` in some
`tests/<app>/tenancy_rows.py` (a module-level `ROWS` list); `tests/test_tenancy.py`
discovers the URL patterns and fails for any URL without a row.

For each row and role the page is requested and the status compared with `expect`.
"login" means a redirect to the login page. Whenever a role outside partner A (and not
staff allowed to see A) gets a 200, the body must not contain partner A's name or any
string the row's `leaks` returns: that is how "another partner's data is never visible"
is proven page by page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"
ROLES = ("anon", "member_a", "admin_a", "admin_b", "manager_a", "manager_other", "support")
# Roles that may legitimately see partner A's data on a page meant for them.
INSIDERS_A = {"member_a", "admin_a", "manager_a", "support"}


def expect(default, **overrides) -> dict:
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


# Presets for the common kinds of page.
PUBLIC = expect(200)
# A page every partner user has for their own company (lists, forms).
PARTNER = expect(200, anon=LOGIN, manager_a=404, manager_other=404, support=404)
# A partner page for one of partner A's objects (kwargs point at A's data).
PARTNER_OBJECT = expect(404, anon=LOGIN, member_a=200, admin_a=200)
# Pages for partner admins only.
PARTNER_ADMIN = expect(200, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404)
PARTNER_ADMIN_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=200)
# Staff pages (channel managers and support).
STAFF = expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403)
# Staff pages for channel managers only.
MANAGERS = expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403)


# API routes: rows in `API_ROWS` of tests/<app>/tenancy_rows.py, requested with a bearer
# token of the role's user that carries every scope of its side (anon: no token). No
# session, no redirect: 401 without a valid token, 403 for the wrong side or role.
API_PARTNER = expect(200, anon=401, manager_a=403, manager_other=403, support=403)
API_PARTNER_OBJECT = expect(
    404, anon=401, member_a=200, admin_a=200, manager_a=403, manager_other=403, support=403
)
API_PARTNER_ADMIN = expect(200, anon=401, member_a=403, manager_a=403, manager_other=403, support=403)
API_PARTNER_ADMIN_OBJECT = expect(
    404, anon=401, member_a=403, admin_a=200, manager_a=403, manager_other=403, support=403
)
API_MANAGERS = expect(200, anon=401, member_a=403, admin_a=403, admin_b=403, support=403)
API_MANAGER_A_OBJECT = expect(
    404, anon=401, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200
)


@dataclass
class Row:
    name: str  # "namespace:name"
    expect: dict
    kwargs: Callable = field(default=lambda w: {})
    leaks: Callable = field(default=lambda w: [])
    method: str = "get"
    data: Callable = field(default=lambda w: {})
    query: str = ""  # appended to the URL, e.g. "?format=csv"
    insiders: set = field(default_factory=lambda: set(INSIDERS_A))
