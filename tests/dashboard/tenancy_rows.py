from tests.tenancy import LOGIN, MANAGERS, STAFF, Row, expect

ROWS = [
    Row("dashboard:index", STAFF),
    Row("dashboard:csv", STAFF, kwargs=lambda w: {"block": "deals"}),
    Row("dashboard:chart", STAFF, kwargs=lambda w: {"block": "tiers"}),
    Row("dashboard:partners", STAFF, query="?q=Alpha"),
    # Partner 360 of partner A: its assigned manager and support see it; other managers get 404.
    Row(
        "dashboard:partner",
        expect(403, anon=LOGIN, manager_a=200, support=200, manager_other=404),
        kwargs=lambda w: {"pk": w.partner_a.pk},
    ),
    Row(
        "dashboard:partner_owner",
        expect(403, anon=LOGIN, manager_a=302, manager_other=404),
        kwargs=lambda w: {"pk": w.partner_a.pk},
        method="post",
        data=lambda w: {"owner": w.manager_a.pk},
    ),
]
assert MANAGERS
