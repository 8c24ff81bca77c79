"""A per-partner data export on offboarding: a ZIP of CSV files (every app's section) in
private storage, built at once when small and by a worker when large, e-mailed as a link
that only staff who see the partner can open, until it expires."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services as partner_services
from privacy import services
from privacy.models import PartnerExport
from tests.incentives.factories import DealFactory
from tests.privacy.factories import SUBJECT_A, provision_a
from tests.threads.factories import make_thread

pytestmark = pytest.mark.django_db


def _zip(client, export) -> dict[str, list[list[str]]]:
    response = client.get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        out = {}
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8")
            assert text.startswith("\ufeff"), name
            out[name] = list(csv.reader(io.StringIO(text[1:])))
    return out


def test_offboarding_exports_the_partner_and_emails_the_link(
    world, client_for, django_capture_on_commit_callbacks
):
    provision_a(world)
    DealFactory(partner=world.partner_a, customer_company="=cmd|' /C calc'!A0", contact_name="港 一郎")
    thread = make_thread(world.partner_a, world.member_a, subject="導入の質問")
    thread.messages.create(author=world.support, by_staff=True, kind="internal", body="社内メモ：値引き不可")
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.partner_offboard(partner=world.partner_a, actor=world.manager_a, reason="契約終了")
    export = PartnerExport.objects.get(partner=world.partner_a)
    assert export.status == PartnerExport.Status.READY and export.rows > 0 and export.reason == "offboarding"
    assert export.expires_at > timezone.now() + timedelta(days=13)
    (message,) = [m for m in mail.outbox if world.manager_a.email in m.to and "エクスポート" in m.subject]
    assert reverse("privacy:export_download", args=[export.pk]) in message.body
    files = _zip(client_for(world.manager_a), export)
    assert {
        "index.csv",
        "partner.csv",
        "members.csv",
        "deals.csv",
        "provision_records.csv",
        "earnings.csv",
        "certifications.csv",
        "questions.csv",
        "campaigns.csv",
    } <= set(files)
    deals = files["deals.csv"]
    assert "担当者名" in deals[0] and any("港 一郎" in row for row in deals)
    assert any("'=cmd|' /C calc'!A0" in row for row in deals)  # a formula stays text in Excel
    assert any(SUBJECT_A in row for row in files["provision_records.csv"])
    questions = "\n".join(",".join(r) for r in files["questions.csv"])
    assert "導入の質問" in questions and "社内メモ" not in questions  # internal notes stay with us
    members = {row[0] for row in files["members.csv"][1:]}
    assert world.member_a.email in members and world.admin_b.email not in members


def test_only_staff_who_see_the_partner_download_it(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.partner_export_request(partner=world.partner_a, actor=world.manager_a)
    url = reverse("privacy:export_download", args=[export.pk])
    assert client_for(world.manager_other).get(url).status_code == 404
    assert client_for(world.support).get(url).status_code == 403
    assert client_for(world.admin_a).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    # After its date the file is deleted and the link answers 404.
    export.refresh_from_db()
    name, storage = export.file.name, export.file.storage
    PartnerExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.partner_exports_expire() == 1
    assert not storage.exists(name)
    assert client_for(world.manager_a).get(url).status_code == 404


def test_a_large_export_runs_in_the_background_once(world, settings, django_capture_on_commit_callbacks):
    settings.PRM_PARTNER_EXPORT_INLINE_ROWS = 0
    from privacy import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = services.partner_export_request(partner=world.partner_a, actor=world.manager_a)
    assert PartnerExport.objects.get(pk=export.pk).status == PartnerExport.Status.QUEUED
    # The worker task, enqueued on commit (beside the audit's cache bump, repeated on commit).
    enqueued = [c for c in callbacks if getattr(c, "func", None) is not None]
    assert [c.func.__self__.name for c in enqueued] == [tasks.build_partner_export.name]
    tasks.build_partner_export(export_id=export.pk)
    tasks.build_partner_export(export_id=export.pk)  # a redelivered task finds it done
    export.refresh_from_db()
    assert export.status == PartnerExport.Status.READY and export.file


def test_a_manager_starts_an_export_from_the_staff_page(world, client_for):
    client = client_for(world.manager_a)
    assert (
        client.post(reverse("privacy:exports"), {"partner": world.partner_b.pk}).status_code == 200
    )  # not theirs
    response = client.post(reverse("privacy:exports"), {"partner": world.partner_a.pk, "reason": "監査"})
    assert response.status_code == 302
    assert PartnerExport.objects.get().partner == world.partner_a
