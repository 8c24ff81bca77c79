from tests.tenancy import LOGIN, MANAGERS, PARTNER, PARTNER_OBJECT, Row, expect

SECRET_LEAD = "Alpha-only lead 7d1e"


def _lead(w, *, accepted=False, creator=None):
    from leads import services
    from leads.models import Prefecture
    from tests.incentives.factories import ProductFactory

    lead = services.lead_create(
        actor=creator or w.superuser,
        data={
            "company": SECRET_LEAD,
            "contact_name": "Secret Contact",
            "need": "ERP",
            "region": Prefecture.TOKYO,
            "product": ProductFactory(),
        },
    )
    if creator is not None:
        return lead
    services.lead_offer(lead=lead, partner=w.partner_a, actor=w.superuser)
    services.lead_assign(lead=lead, actor=w.admin_a, assignee=w.member_a)
    if accepted:
        services.lead_accept(lead=lead, user=w.member_a)
    return lead


def offered(w):
    return {"pk": _lead(w).pk}


def accepted(w):
    return {"pk": _lead(w, accepted=True).pk}


def unoffered(w):
    return {"pk": _lead(w, creator=w.manager_a).pk}


def convert_data(w):
    from datetime import timedelta

    from django.utils import timezone

    from incentives.models import Product

    return {
        "customer_domain": "secret.example.jp",
        "product": Product.objects.order_by("pk").first().pk,
        "amount": "1000000",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def leaks(w):
    return [SECRET_LEAD]


ANSWER = expect(404, anon=LOGIN, member_a=302, admin_a=302)
ASSIGN = expect(404, anon=LOGIN, member_a=403, admin_a=302)
STAFF_OBJECT = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)
STAFF_POST = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302)

ROWS = [
    Row("leads:index", PARTNER, kwargs=lambda w: (_lead(w), {})[1], leaks=leaks),
    Row(
        "leads:index",
        PARTNER,
        kwargs=lambda w: (_lead(w, accepted=True), {})[1],
        query="?tab=working",
        leaks=leaks,
    ),
    Row("leads:detail", PARTNER_OBJECT, kwargs=accepted, leaks=leaks),
    Row("leads:accept", ANSWER, kwargs=offered, method="post"),
    Row("leads:decline", ANSWER, kwargs=offered, method="post", data=lambda w: {"reason": "No capacity"}),
    Row("leads:assign", ASSIGN, kwargs=offered, method="post", data=lambda w: {"assignee": w.member_a.pk}),
    Row("leads:status", ANSWER, kwargs=accepted, method="post", data=lambda w: {"status": "contacted"}),
    Row("leads:note", ANSWER, kwargs=accepted, method="post", data=lambda w: {"text": "Called them"}),
    Row("leads:convert", ANSWER, kwargs=accepted, method="post", data=convert_data),
    Row("leads:staff_leads", MANAGERS, kwargs=lambda w: (_lead(w), {})[1], leaks=leaks),
    Row("leads:staff_create", MANAGERS),
    Row("leads:staff_detail", STAFF_OBJECT, kwargs=offered, leaks=leaks),
    Row("leads:staff_detail", STAFF_OBJECT, kwargs=unoffered, leaks=leaks),
    Row(
        "leads:staff_offer",
        STAFF_POST,
        kwargs=unoffered,
        method="post",
        data=lambda w: {"partner": w.partner_a.pk},
    ),
]
