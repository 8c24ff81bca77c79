"""Issue 29's measure: a 1,000-partner workbook with 3,000 members and 5,000 deals, made by
devtools.import_sample with deliberate errors, in dry run and then for real. Its time is in
bench/README.md ("Bulk import"); bench/import_bench.py times each step."""

from django.core import mail

from devtools.import_sample import workbook
from imports.files import read
from imports.services import import_rows
from incentives.models import Deal
from partners.models import Invitation, Partner
from prm.models import AuditEvent
from tests.incentives.factories import ProductFactory


def _errors(result) -> set:
    return {(r["sheet"], r["line"]) for r in result["rows"] if r["action"] == "error"}


def test_a_thousand_partners_three_thousand_members_five_thousand_deals(
    world, django_capture_on_commit_callbacks
):
    ProductFactory(code="sample", name="Sample")
    bad = workbook(1000, product="sample", errors=True)
    good = workbook(1000, product="sample", errors=False)
    rows = 9000

    # The file with errors: the dry run and the import report exactly the deliberate errors;
    # nothing at all is written.
    sheets = read(bad.content, "bad.xlsx", "workbook")
    dry = import_rows(sheets, world.superuser, commit=False)
    assert _errors(dry) == bad.errors and len(bad.errors) > 100
    refused = import_rows(sheets, world.superuser, commit=True)
    assert not refused["written"] and refused["rows"] == dry["rows"]
    assert not Partner.objects.exclude(external_id="").exists()
    assert not Invitation.objects.exists() and not Deal.objects.exclude(external_id="").exists()

    # The corrected file: the dry run's outcomes are the import's.
    sheets = read(good.content, "good.xlsx", "workbook")
    dry = import_rows(sheets, world.superuser, commit=False)
    assert dry["counts"] == {"new": rows, "update": 0, "skip": 0, "error": 0}
    with django_capture_on_commit_callbacks() as queued:
        done = import_rows(sheets, world.superuser, commit=True)
    assert done["written"] and done["rows"] == dry["rows"]
    assert Partner.objects.exclude(external_id="").count() == 1000
    assert Invitation.objects.count() == 3000
    assert Deal.objects.exclude(external_id="").count() == 5000
    assert len(queued) >= 8000 and not mail.outbox  # invitations and reviewer mails: after commit only

    # A second import changes nothing (one audit row: the import's own summary).
    events = AuditEvent.objects.count()
    again = import_rows(sheets, world.superuser, commit=True)
    assert again["counts"] == {"new": 0, "update": 0, "skip": rows, "error": 0}
    assert AuditEvent.objects.count() == events + 1
