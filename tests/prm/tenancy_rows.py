from tests.tenancy import LOGIN, PUBLIC, Row, expect

ROWS = [
    # Home shows each partner user their own company; staff are sent to the staff home.
    Row("home", expect(200, manager_a=302, manager_other=302, support=302)),
    Row("staff_home", expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403)),
    Row("healthz", PUBLIC),
    Row("set_language", expect(302), method="post", data=lambda w: {"language": "en", "next": "/"}),
]
