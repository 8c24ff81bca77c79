"""Bulk import of leads (issue 28): Japanese or English headers, prefecture by name or code,
an offer to a partner the manager manages, nothing partial, a re-import changes nothing."""

import tablib
from django.core import mail
from django.utils import translation

from imports.files import read
from imports.queries import leads_export
from imports.services import import_rows
from imports.tables import lead_columns
from imports.workbooks import template_file
from leads.models import Lead, LeadOffer
from prm.models import AuditEvent
from tests.incentives.factories import ProductFactory

HEADERS_JA = [
    "外部ID",
    "会社名",
    "担当者名",
    "担当者メール",
    "ニーズ",
    "都道府県",
    "見込み金額（円）",
    "流入元",
    "紹介先パートナー",
]
ROWS = [
    (
        "L-1",
        "株式会社みなと物産",
        "山田 花子",
        "yamada@minato.example",
        "CRM導入",
        "東京都",
        "3,000,000",
        "展示会・セミナー",
        "",
    ),
    (
        "L-2",
        "大阪商事株式会社",
        "佐藤 一郎",
        "sato@osaka.example",
        "サポート",
        "大阪",
        "",
        "website",
        "alpha",
    ),
    ("L-3", "Harbor KK", "Alex Morgan", "alex@harbor.example", "Migration", "27", "", "", ""),
]
BAD = ("L-4", "北海商事", "鈴木 次郎", "suzuki@hokkai.example", "相談", "ほげ県", "", "", "beta")


def _file(rows, headers=HEADERS_JA):
    return read(tablib.Dataset(*rows, headers=headers).export("csv").encode("utf-8-sig"), "l.csv", "leads")


def test_leads_import_with_a_deliberate_error_then_whole_then_unchanged(
    world, django_capture_on_commit_callbacks
):
    with translation.override("ja"):
        result = import_rows(_file([*ROWS, BAD]), world.manager_a, commit=True)
    assert [r["action"] for r in result["rows"]] == ["new", "new", "new", "error"]
    message = result["rows"][3]["message"]
    assert (
        "ほげ県" in message and "beta" in message and "担当パートナーではありません" in message
    )  # two reasons, in Japanese
    assert not result["written"] and not Lead.objects.exists()  # nothing partial

    with django_capture_on_commit_callbacks(execute=True):
        result = import_rows(_file(ROWS), world.manager_a, commit=True)
    assert result["written"] and result["counts"]["new"] == 3
    leads = {lead.external_id: lead for lead in Lead.objects.all()}
    assert leads["L-1"].region == "13" and leads["L-1"].value_estimate_jpy == 3000000
    assert leads["L-1"].source == Lead.Source.EVENT and leads["L-1"].company_kana  # reading suggested
    assert leads["L-2"].region == "27" and leads["L-2"].status == Lead.Status.OFFERED
    assert LeadOffer.objects.get().partner == world.partner_a
    assert leads["L-3"].status == Lead.Status.NEW and leads["L-3"].created_by == world.manager_a
    assert len(mail.outbox) >= 1  # the offer is mailed once the import has committed
    assert AuditEvent.objects.filter(action="lead.created").count() == 3

    again = import_rows(_file(ROWS), world.manager_a, commit=True)
    assert again["counts"] == {"new": 0, "update": 0, "skip": 3, "error": 0}

    changed = [ROWS[0], ROWS[1], (*ROWS[2][:4], "Migration of 200 seats", "27", "", "", "alpha")]
    with translation.override("en"):
        result = import_rows(_file(changed), world.manager_a, commit=True)
    assert [r["action"] for r in result["rows"]] == ["skip", "skip", "update"]
    assert result["rows"][2]["message"] == "Changes: Need, Offer to partner"
    lead = Lead.objects.get(external_id="L-3")
    assert lead.need == "Migration of 200 seats" and lead.partner == world.partner_a
    assert AuditEvent.objects.filter(action="lead.import_updated").count() == 1

    # An offered lead is the partner's now: a changed row is an error, not a silent skip.
    offered = [(*ROWS[1][:4], "別のニーズ", *ROWS[1][5:])]
    result = import_rows(_file(offered), world.manager_a, commit=False)
    assert result["rows"][0]["action"] == "error"


def test_lead_export_and_templates_reimport_to_no_change(world):
    ProductFactory(code="sample", name="Sample")  # the templates name the first product
    import_rows(_file(ROWS), world.superuser, commit=True)
    with translation.override("en"):
        columns = lead_columns()
        rows = [[c.value(lead) for c in columns] for lead in leads_export(world.superuser)]
    exported = read(
        tablib.Dataset(*rows, headers=[str(c.label) for c in columns]).export("csv").encode(),
        "e.csv",
        "leads",
    )
    result = import_rows(exported, world.superuser, commit=False)
    assert result["counts"] == {"new": 0, "update": 0, "skip": 3, "error": 0}, result["rows"]
    for language in ("ja", "en"):
        for fmt in ("csv", "xlsx"):
            content, _type, name = template_file("leads", language, fmt)
            sheets = read(content, name, "leads")
            checked = import_rows(sheets, world.superuser, commit=False)
            assert checked["counts"]["error"] == 0, checked["rows"]
