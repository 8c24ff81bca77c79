"""Bulk import of library asset metadata (issue 29): drafts without a file, by external id;
a deliberate error imports nothing; a re-import changes nothing; a corrected file updates."""

import tablib
from django.utils import translation

from content.models import Asset
from imports.files import read
from imports.queries import assets_export
from imports.services import import_rows
from imports.tables import asset_columns
from imports.workbooks import template_file
from incentives.models import Tier
from prm.models import AuditEvent

HEADERS_JA = [
    "外部ID",
    "言語",
    "タイトル",
    "説明",
    "種類",
    "リンク・動画のURL",
    "ステージ",
    "パートナー種別",
    "最低ティア",
    "タグ",
]
ROWS = [
    ("A-1", "ja", "提案書テンプレート", "ひな形", "ファイル", "", "selling", "", "", "提案、テンプレート"),
    (
        "A-2",
        "en",
        "Demo video",
        "",
        "video",
        "https://video.example.com/d",
        "selling, onboarding",
        "sales",
        "Gold",
        "demo",
    ),
]
BAD = ("A-3", "ja", "悪い行", "", "video", "javascript:alert(1)", "selling, dancing", "", "Platinum", "")


def _file(rows):
    return read(
        tablib.Dataset(*rows, headers=HEADERS_JA).export("csv").encode("utf-8-sig"), "a.csv", "assets"
    )


def test_asset_metadata_import_error_then_whole_then_unchanged_then_update(world):
    Tier.objects.get_or_create(rank=7, defaults={"name": "Gold"})
    with translation.override("ja"):
        result = import_rows(_file([*ROWS, BAD]), world.superuser, commit=True)
    assert [r["action"] for r in result["rows"]] == ["new", "new", "error"]
    message = result["rows"][2]["message"]
    assert "dancing" in message and "Platinum" in message and "URL" in message
    assert not result["written"] and not Asset.objects.exclude(external_id="").exists()  # nothing partial

    result = import_rows(_file(ROWS), world.superuser, commit=True)
    assert result["written"] and result["counts"]["new"] == 2
    a1, a2 = Asset.objects.get(external_id="A-1"), Asset.objects.get(external_id="A-2")
    assert a1.status == Asset.Status.DRAFT and a1.kind == Asset.Kind.FILE and a1.current_version is None
    assert sorted(t.name for t in a1.tags.all()) == ["テンプレート", "提案"]
    assert (
        a2.stages == ["selling", "onboarding"]
        and a2.partner_types == ["sales"]
        and a2.min_tier.name == "Gold"
    )
    assert AuditEvent.objects.filter(action="content.asset_imported").count() == 2

    assert import_rows(_file(ROWS), world.superuser, commit=True)["counts"] == {
        "new": 0,
        "update": 0,
        "skip": 2,
        "error": 0,
    }
    changed = [ROWS[0], (*ROWS[1][:2], "Demo video (2027)", *ROWS[1][3:9], "demo, video")]
    with translation.override("en"):
        result = import_rows(_file(changed), world.superuser, commit=True)
    assert [r["action"] for r in result["rows"]] == ["skip", "update"], result["rows"][1]["message"]
    assert result["rows"][1]["message"] == "Changes: Title, Tags"
    assert AuditEvent.objects.filter(action="content.asset_import_updated").count() == 1

    # Someone without the library's permissions: every row is an error saying so.
    result = import_rows(_file(ROWS), world.member_a, commit=False)
    assert {r["action"] for r in result["rows"]} == {"error"}

    with translation.override("en"):
        columns = asset_columns()
        rows = [[c.value(a) for c in columns] for a in assets_export(world.superuser)]
    exported = read(
        tablib.Dataset(*rows, headers=[str(c.label) for c in columns]).export("csv").encode(),
        "e.csv",
        "assets",
    )
    assert import_rows(exported, world.superuser, commit=False)["counts"]["skip"] == 2
    for language in ("ja", "en"):
        for fmt in ("csv", "xlsx"):
            content, _type, name = template_file("assets", language, fmt)
            checked = import_rows(read(content, name, "assets"), world.superuser, commit=False)
            assert checked["counts"]["error"] == 0, checked["rows"]
