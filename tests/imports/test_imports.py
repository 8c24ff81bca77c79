"""Bulk import (imports app): dry run, confirm, idempotency, scope, hostile files, round trip."""

import io

import pytest
import tablib
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devtools.import_sample import workbook
from imports.files import read
from imports.kinds import ImportFileError
from imports.models import ImportJob
from imports.services import ImportsError, import_job_create, import_rows
from imports.workbooks import template_file
from incentives import services as incentives_services
from incentives.models import Deal
from partners import services as partners_services
from partners.models import Invitation, Partner
from prm.models import AuditEvent
from tests.incentives.factories import DealFactory, ProductFactory
from tests.training.factories import CertificationFactory, UserCertificationFactory


@pytest.fixture
def product(db):
    return ProductFactory(code="sample", name="Sample")


def _sheets(sample_or_bytes, name="file.xlsx", kind="workbook"):
    content = getattr(sample_or_bytes, "content", sample_or_bytes)
    return read(content, name, kind)


def _errors(result):
    return {(r["sheet"], r["line"]) for r in result["rows"] if r["action"] == "error"}


def _csv(kind_headers, rows, encoding="utf-8-sig"):
    dataset = tablib.Dataset(*rows, headers=kind_headers)
    return dataset.export("csv").encode(encoding)


def test_dry_run_matches_the_import_and_a_second_import_changes_nothing(world, product):
    sample = workbook(6, product="sample", errors=False)
    dry = import_rows(_sheets(sample), world.superuser, commit=False)
    assert dry["counts"] == {"new": 6 + 18 + 30, "update": 0, "skip": 0, "error": 0}
    assert not Partner.objects.exclude(external_id="").exists()  # nothing written by the dry run

    done = import_rows(_sheets(sample), world.superuser, commit=True)
    assert done["written"] and done["rows"] == dry["rows"]
    assert Partner.objects.exclude(external_id="").count() == 6
    assert Invitation.objects.count() == 18
    assert Deal.objects.exclude(external_id="").count() == 30
    assert AuditEvent.objects.filter(action="import.completed").count() == 1
    partner = Partner.objects.get(external_id="SP00000")
    assert partner.name_kana  # the reading is suggested as the partner forms do
    assert partner.status == Partner.Status.ACTIVE

    events = AuditEvent.objects.count()
    again = import_rows(_sheets(sample), world.superuser, commit=True)
    assert again["counts"] == {"new": 0, "update": 0, "skip": 54, "error": 0}
    assert AuditEvent.objects.count() == events + 1  # only the import's own summary


def test_a_corrected_file_updates_only_what_changed(world, product):
    sample = workbook(3, product="sample", errors=False)
    import_rows(_sheets(sample), world.superuser, commit=True)
    headers = ["External ID", "Company name", "Partner type", "Website"]
    rows = [
        ("SP00000", "サンプル商事0株式会社", "sales", "https://p0.example.jp"),
        ("SP00001", "サンプル商事1株式会社 関西", "delivery", "https://p1.example.jp"),
    ]
    result = import_rows(_sheets(_csv(headers, rows), "p.csv", "partners"), world.superuser, commit=True)
    assert [(r["key"], r["action"]) for r in result["rows"]] == [("SP00000", "skip"), ("SP00001", "update")]
    assert "Company name" in result["rows"][1]["message"] or "会社名" in result["rows"][1]["message"]
    assert Partner.objects.get(external_id="SP00001").name == "サンプル商事1株式会社 関西"
    assert AuditEvent.objects.filter(action="partner.import_updated").count() == 1


def test_the_deliberate_errors_and_nothing_partial(world, product):
    sample = workbook(120, product="sample", errors=True)
    dry = import_rows(_sheets(sample), world.superuser, commit=False)
    assert _errors(dry) == sample.errors
    result = import_rows(_sheets(sample), world.superuser, commit=True)
    assert not result["written"] and _errors(result) == sample.errors
    assert not Partner.objects.exclude(external_id="").exists()
    assert not Invitation.objects.exists() and not Deal.objects.exclude(external_id="").exists()


def test_a_write_refused_half_way_rolls_everything_back(world, product, monkeypatch):
    """Rows the check accepted but a service refuses at write time (here the invitation
    service, as if someone joined in between): the transaction rolls back, the row the
    refusal names says why."""

    def refuse(*, rows, actor):
        raise partners_services.RecruitmentError(f"{rows[4][1]} is already a member of your team.")

    monkeypatch.setattr(partners_services, "invitations_create_many", refuse)
    result = import_rows(_sheets(workbook(3, product="sample", errors=False)), world.superuser, commit=True)
    assert not result["written"]
    errors = [(r["line"], r["message"]) for r in result["rows"] if r["action"] == "error"]
    assert errors == [(6, "person4@p1.example.jp is already a member of your team.")]
    assert not Partner.objects.exclude(external_id="").exists() and not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["partner.imported", "import.completed"]).exists()


def test_a_manager_imports_only_for_their_partners(world, product):
    Partner.objects.filter(pk=world.partner_a.pk).update(external_id="A-1")
    Partner.objects.filter(pk=world.partner_b.pk).update(external_id="B-1")
    headers = ["Partner external ID", "E-mail", "Role"]
    rows = [("A-1", "new-person@alpha.example", "member"), ("B-1", "spy@beta.example", "member")]
    result = import_rows(_sheets(_csv(headers, rows), "m.csv", "members"), world.manager_a, commit=True)
    assert [r["action"] for r in result["rows"]] == ["new", "error"]
    assert "B-1" in result["rows"][1]["message"]
    assert not result["written"] and not Invitation.objects.filter(email="new-person@alpha.example").exists()
    # A manager cannot add partners (the admin's rule): the row says so.
    headers = ["External ID", "Company name", "Partner type"]
    result = import_rows(
        _sheets(_csv(headers, [("N-1", "New KK", "sales")]), "p.csv", "partners"),
        world.manager_a,
        commit=False,
    )
    assert result["rows"][0]["action"] == "error"


def test_hostile_cells_are_errors_with_reasons(world, product):
    headers = ["External ID", "Company name", "Partner type", "Website"]
    rows = [
        ("H-1", '=HYPERLINK("http://evil")', "sales", ""),
        ("H-2", "Fine KK", "sales", "javascript:alert(1)"),
        ("H-3", "Fine KK", "no-such-type", ""),
        ("H-4", "@SUM(1)", "sales", ""),
    ]
    result = import_rows(_sheets(_csv(headers, rows), "p.csv", "partners"), world.superuser, commit=False)
    assert [r["action"] for r in result["rows"]] == ["error"] * 4
    assert "formula" in result["rows"][0]["message"] or "数式" in result["rows"][0]["message"]


def test_shift_jis_csv_with_japanese_headers_reads(world, product):
    headers = ["外部ID", "会社名", "パートナー種別"]
    content = _csv(headers, [("J-1", "日本語商事株式会社", "販売拡大")], encoding="cp932")
    result = import_rows(_sheets(content, "p.csv", "partners"), world.superuser, commit=False)
    assert result["rows"][0]["action"] == "new", result["rows"]


def test_unreadable_files_are_refused_clearly(world, settings):
    with pytest.raises(ImportFileError):
        read(b"\xff\xfe\x00garbage\x81\x00\xff", "p.csv", "partners")
    with pytest.raises(ImportFileError, match="Nope"):
        read(_csv(["External ID", "Nope"], [("1", "x")]), "p.csv", "partners")
    with pytest.raises(ImportFileError):
        read(b"PK\x03\x04 not really a workbook", "p.xlsx", "partners")
    settings.PRM_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportsError):
        import_job_create(
            user=world.superuser,
            kind="partners",
            upload=SimpleUploadedFile("big.csv", b"x" * 101),
            language="en",
        )


def test_round_trip_export_reimports_to_no_change(world, product, client_for):
    import_rows(_sheets(workbook(3, product="sample", errors=False)), world.superuser, commit=True)
    client = client_for(world.superuser)
    for kind in ("partners", "deals"):
        response = client.get(reverse("imports:export", args=[kind]))
        content = b"".join(response.streaming_content)
        result = import_rows(_sheets(content, f"{kind}.csv", kind), world.superuser, commit=False)
        assert result["rows"] and {r["action"] for r in result["rows"]} == {"skip"}, result["rows"][:3]


def test_members_and_certificates_exports_reimport_to_no_change(world, client_for):
    """The other two kinds of partner rows (leads and assets: their own tests)."""
    Partner.objects.filter(pk=world.partner_a.pk).update(external_id="A-1")
    UserCertificationFactory(user=world.member_a, partner=world.partner_a)
    client = client_for(world.superuser)
    for kind, rows in (("members", 2), ("certifications", 1)):
        response = client.get(reverse("imports:export", args=[kind]))
        content = b"".join(response.streaming_content)
        result = import_rows(_sheets(content, f"{kind}.csv", kind), world.superuser, commit=False)
        assert [r["action"] for r in result["rows"]] == ["skip"] * rows, result["rows"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_templates_read_back_without_errors(world, product, language):
    CertificationFactory(slug="sample-cert")
    content, _type, name = template_file("workbook", language, "xlsx")
    book = tablib.Databook()
    book.load(io.BytesIO(content), format="xlsx")
    sheet_titles = [s.title for s in book.sheets()]
    assert sheet_titles == (
        ["代理店", "メンバー", "案件", "認定", "見込み客", "コンテンツ"]
        if language == "ja"
        else ["partners", "members", "deals", "certifications", "leads", "assets"]
    )
    assert all(len(sheet) >= 1 for sheet in book.sheets())  # every sheet has example rows
    result = import_rows(read(content, name, "workbook"), world.superuser, commit=False)
    # Every example is new but the certificate: its person is invited by the same workbook
    # and has not joined yet (the staff page says to empty that sheet on a first import).
    by_sheet = {(r["sheet"], r["action"]) for r in result["rows"]}
    assert by_sheet == {
        ("partners", "new"),
        ("members", "new"),
        ("deals", "new"),
        ("certifications", "error"),
        ("leads", "new"),
        ("assets", "new"),
    }, result["rows"]
    (refused,) = [r for r in result["rows"] if r["action"] == "error"]
    assert "tanaka@sakura-systems.example.jp" in refused["message"]
    content, _type, name = template_file("deals", language, "csv")
    assert read(content, name, "deals")[0].rows


def test_the_check_costs_a_fixed_number_of_queries(world, product, django_assert_max_num_queries):
    small = _sheets(workbook(2, product="sample", errors=False))
    large = _sheets(workbook(40, product="sample", errors=False))
    with django_assert_max_num_queries(12):
        import_rows(small, world.superuser, commit=False)
    with django_assert_max_num_queries(12):
        import_rows(large, world.superuser, commit=False)
    with django_assert_max_num_queries(40):  # the set-based writes: a few statements per sheet
        import_rows(large, world.superuser, commit=True)
    with django_assert_max_num_queries(12):  # every row exists now: unchanged, the same lookups
        result = import_rows(large, world.superuser, commit=False)
    assert result["counts"]["skip"] == 40 * 9


def test_upload_dry_run_confirm_through_the_pages(
    world, product, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.superuser)
    sample = workbook(2, product="sample", errors=False)
    upload = SimpleUploadedFile("partners.xlsx", sample.content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:jobs"), {"kind": "workbook", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.CHECKED
    page = client.get(reverse("imports:job", args=[job.pk]))
    assert b"SP00001" in page.content and b"import-confirm" in page.content
    assert not Partner.objects.exclude(external_id="").exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert not mail.outbox  # nothing mailed before the import commits
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.counts["new"] == 2 + 6 + 10
    assert Partner.objects.exclude(external_id="").count() == 2
    # Another manager's job is a 404; a confirmed job is not imported twice.
    assert client_for(world.manager_a).get(reverse("imports:job", args=[job.pk])).status_code == 404
    response = client.post(reverse("imports:job_confirm", args=[job.pk]), follow=True)
    assert Partner.objects.exclude(external_id="").count() == 2


def test_invitations_are_mailed_after_the_import_commits(world, product, django_capture_on_commit_callbacks):
    Partner.objects.filter(pk=world.partner_a.pk).update(external_id="A-1")
    headers = ["Partner external ID", "E-mail"]
    sheets = _sheets(
        _csv(headers, [("A-1", "one@alpha.example"), ("A-1", "two@alpha.example")]), "m.csv", "members"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = import_rows(sheets, world.superuser, commit=True)
    assert result["written"]
    assert sorted(m.to[0] for m in mail.outbox) == ["one@alpha.example", "two@alpha.example"]


def test_a_large_file_is_checked_in_the_background_and_mailed(
    world, product, client_for, settings, django_capture_on_commit_callbacks
):
    settings.PRM_IMPORT_BACKGROUND_ROWS = 5
    sample = workbook(2, product="sample", errors=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            user=world.superuser,
            kind="workbook",
            upload=SimpleUploadedFile("big.xlsx", sample.content),
            language="en",
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.rows_done == job.total == 18
    assert len(mail.outbox) == 1 and "big.xlsx" in mail.outbox[0].subject
    status = client_for(world.superuser).get(reverse("imports:job_status", args=[job.pk]))
    assert status.status_code == 200


def test_sheet_names_and_headers_in_japanese(world, product):
    sample = workbook(2, product="sample", errors=False, language="ja")
    book = tablib.Databook()
    book.load(io.BytesIO(sample.content), format="xlsx")
    for sheet, title in zip(book.sheets(), ["代理店", "メンバー", "案件"], strict=True):
        sheet.title = title
    result = import_rows(read(book.export("xlsx"), "ja.xlsx", "workbook"), world.superuser, commit=False)
    assert result["counts"]["new"] == 18 and result["counts"]["error"] == 0


def test_imported_deals_get_the_registration_conflict_check(world, product):
    """`deals_register_many` flags exactly what `find_conflicts` finds for one registration."""
    other = DealFactory(
        partner=world.partner_b,
        customer_company="株式会社みなと物流",
        customer_domain="minato-logistics.example.jp",
        approved=True,
    )
    DealFactory(
        partner=world.partner_a,
        customer_company="自社の案件",
        customer_domain="own.example.jp",
        approved=True,
    )
    Partner.objects.filter(pk=world.partner_a.pk).update(external_id="A-1")
    cases = [
        ("Different Name", "minato-logistics.example.jp"),  # same domain
        ("（株）みなと 物流", "other.example.jp"),  # same normalised name
        ("みなと物流関西株式会社", "other.example.jp"),  # one name contains the other
        ("物流", "other2.example.jp"),  # too short to be "contained"
        ("自社の案件", "own.example.jp"),  # the partner's own registration
        ("Totally Unrelated KK", "unrelated.example.jp"),
    ]
    headers = ["Partner external ID", "External ID", "Customer company", "Customer domain", "Product code"]
    headers += ["Amount", "Expected close date"]
    rows = [("A-1", f"C-{i}", c, d, "sample", "1000", "2027-03-31") for i, (c, d) in enumerate(cases)]
    result = import_rows(_sheets(_csv(headers, rows), "d.csv", "deals"), world.superuser, commit=True)
    assert result["written"]
    for i, (company, domain) in enumerate(cases):
        deal = Deal.objects.get(partner=world.partner_a, external_id=f"C-{i}")
        expected = list(
            incentives_services.find_conflicts(
                partner=world.partner_a, customer_domain=domain, customer_company=company
            )
        )
        assert list(deal.conflicting_deals.all()) == expected, company
        assert deal.has_conflict == bool(expected) and (expected == [other]) == (i < 3)
        assert ("Beta Holdings" in deal.conflict_notes) == (i < 3)


def test_certifications_held_are_imported_for_members(world, product, django_capture_on_commit_callbacks):
    from training.models import UserCertification

    cert = CertificationFactory(slug="sales-basics", validity_months=24)
    Partner.objects.filter(pk=world.partner_a.pk).update(external_id="A-1")
    headers = ["Partner external ID", "E-mail", "Certification", "Issued on"]
    rows = [
        ("A-1", world.member_a.email, "sales-basics", "2026/04/01"),
        ("A-1", "not-yet-joined@alpha.example", "sales-basics", "2026-04-01"),
    ]
    result = import_rows(
        _sheets(_csv(headers, rows), "c.csv", "certifications"), world.superuser, commit=False
    )
    assert [r["action"] for r in result["rows"]] == ["new", "error"]
    rows = rows[:1]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_rows(
            _sheets(_csv(headers, rows), "c.csv", "certifications"), world.superuser, commit=True
        )
    award = UserCertification.objects.get(user=world.member_a, certification=cert)
    assert result["written"] and award.partner == world.partner_a
    assert award.valid_until.isoformat() == "2028-04-01"  # the certification's validity
    again = import_rows(_sheets(_csv(headers, rows), "c.csv", "certifications"), world.superuser, commit=True)
    assert again["counts"]["skip"] == 1
    corrected = [(*rows[0], "2027-12-31")]
    result = import_rows(
        _sheets(_csv([*headers, "Valid until"], corrected), "c.csv", "certifications"),
        world.superuser,
        commit=True,
    )
    assert result["counts"]["update"] == 1
    award.refresh_from_db()
    assert award.valid_until.isoformat() == "2027-12-31"
