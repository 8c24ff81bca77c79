"""A large CSV export in a real browser: the list's CSV link leads to the export's page,
which polls (htmx) while the file is written, then offers the download; in Japanese."""

from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_background_export_shows_progress_then_the_download(
    page, live_server, settings, monkeypatch, tmp_path
):
    from partners.models import Membership
    from prm import tasks
    from prm.exports.jobs import export_job_run
    from prm.models import ExportJob
    from tests.factories import MembershipFactory
    from tests.incentives.factories import DealFactory

    settings.PRM_EXPORT_BACKGROUND_ROWS = 2
    queued = []
    monkeypatch.setattr(tasks.run_export, "delay_on_commit", lambda **kwargs: queued.append(kwargs))
    admin = MembershipFactory(
        partner__name="さくら精機株式会社", role=Membership.Role.ADMIN, user__language="ja"
    ).user
    DealFactory.create_batch(3, partner=admin.membership.partner)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/deals/?format=csv")
    status = page.get_by_test_id("export-status")
    assert "待っています" in status.inner_text()
    assert page.locator("progress").count() == 1
    page.screenshot(path=str(tmp_path / "export-pending.png"), full_page=True)

    job = ExportJob.objects.get()
    assert queued == [{"job_id": job.pk}]
    export_job_run(job_id=job.pk)  # what the worker does
    download = page.get_by_test_id("export-download")
    download.wait_for(timeout=10_000)  # the page polls every 2 s
    assert "3 行" in status.inner_text()
    page.screenshot(path=str(tmp_path / "export-ready.png"), full_page=True)
    with page.expect_download() as info:
        download.click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(content) == 4
