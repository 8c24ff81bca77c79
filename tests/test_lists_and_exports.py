"""One way to list and export: FilterSets narrow the rows, one column list drives the HTML
table and the CSV of a staff table (docs/patterns.md, "Lists and exports")."""

import csv
import io
import re

from django.urls import reverse

from incentives.models import Deal
from incentives.tables import STAFF_DEAL_COLUMNS
from onboarding.tables import PLAN_COLUMNS
from prm.exports.columns import html_columns
from tests.incentives.factories import DealFactory
from tests.onboarding.factories import PlanFactory
from tests.threads.factories import make_thread
from threads.tables import INBOX_COLUMNS


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def header_cells(html: str) -> int:
    return len(re.findall(r"<th\b", html.split("<thead>")[1].split("</thead>")[0]))


def labels(columns, *, csv_only=True):
    return [str(c.label) for c in columns if (c.csv if csv_only else c.html)]


def test_staff_deals_open_on_submitted_and_share_one_column_list(world, client_for):
    DealFactory(partner=world.partner_a, customer_company="Waiting Co")
    DealFactory(partner=world.partner_a, customer_company="Done Co", status=Deal.Status.REJECTED)
    client = client_for(world.manager_a)
    page = client.get(reverse("incentives:staff_deals"))
    html = page.getvalue().decode()
    assert "Waiting Co" in html and "Done Co" not in html
    assert header_cells(html) == len(html_columns(STAFF_DEAL_COLUMNS))
    assert "Done Co" in client.get(reverse("incentives:staff_deals"), {"status": ""}).getvalue().decode()
    rows = csv_rows(client.get(reverse("incentives:staff_deals"), {"status": "", "format": "csv"}))
    assert rows[0] == labels(STAFF_DEAL_COLUMNS)
    assert {r[2] for r in rows[1:]} == {"Waiting Co", "Done Co"}
    assert all(len(r) == len(rows[0]) for r in rows)


def test_an_invalid_filter_value_does_not_break_the_list(world, client_for):
    client = client_for(world.manager_a)
    for url, query in [
        ("incentives:staff_deals", {"status": "nonsense", "conflict": "maybe"}),
        ("incentives:deals", {"sort": "drop table", "stage": "x"}),
        ("onboarding:staff_plans", {"owner": "999999", "risk": "x"}),
        ("onboarding:staff_reviews", {"status": "x", "mine": "1"}),
        ("threads:inbox", {"partner": "999999", "age": "x", "assignee": "x"}),
    ]:
        user = world.member_a if url == "incentives:deals" else world.manager_a
        assert client_for(user).get(reverse(url), query).status_code == 200, url
    assert (
        client.get(
            reverse("marketplace:directory"), {"industry": "nope", "country": "XX", "product": "nope"}
        ).status_code
        == 200
    )


def test_inbox_drops_a_partner_outside_the_scope_but_keeps_the_other_filters(world, client_for):
    make_thread(world.partner_a, world.member_a, subject="Mine open", category="technical")
    make_thread(world.partner_a, world.member_a, subject="Mine deals", category="deals")
    client = client_for(world.manager_a)
    response = client.get(reverse("threads:inbox"), {"partner": str(world.partner_b.pk), "category": "deals"})
    subjects = {t.subject for t in response.context["page"].object_list}
    assert subjects == {"Mine deals"}
    html = response.getvalue().decode()
    assert header_cells(html) == len(html_columns(INBOX_COLUMNS))
    rows = csv_rows(client.get(reverse("threads:inbox"), {"format": "csv", "category": "deals"}))
    assert rows[0] == labels(INBOX_COLUMNS) and [r[1] for r in rows[1:]] == ["Mine deals"]


def test_onboarding_plans_table_and_csv_come_from_one_column_list(world, client_for):
    PlanFactory(partner=world.partner_a)
    client = client_for(world.manager_a)
    html = client.get(reverse("onboarding:staff_plans")).getvalue().decode()
    assert header_cells(html) == len(html_columns(PLAN_COLUMNS))
    rows = csv_rows(client.get(reverse("onboarding:staff_plans"), {"format": "csv"}))
    assert rows[0] == labels(PLAN_COLUMNS) and rows[1][0] == world.partner_a.name
