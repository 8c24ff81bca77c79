"""Bulk import in the scoped admin: an "Import" button on each imported model's changelist
opens the import page with its kind chosen; the import jobs are listed in the admin, each
manager's own (a superuser's: all)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportJob

CHANGELISTS = {
    "partners_partner": "partners",
    "partners_membership": "members",
    "incentives_deal": "deals",
    "training_usercertification": "certifications",
    "leads_lead": "leads",
    "content_asset": "assets",
}


def _job(user, filename):
    job = ImportJob(user=user, kind="partners", filename=filename, language="en", total=3)
    job.outcomes = {"counts": {"new": 2, "update": 0, "skip": 1, "error": 0}, "rows": []}
    job.status = ImportJob.Status.CHECKED
    job.file.save(filename, SimpleUploadedFile(filename, b"x"), save=False)
    job.save()
    return job


@pytest.fixture
def english(world):
    for user in (world.manager_a, world.manager_other, world.support, world.superuser):
        user.language = "en"
        user.save(update_fields=["language"])


def test_each_imported_models_changelist_has_an_import_button_with_its_kind(world, client_for, english):
    client = client_for(world.manager_a)
    for changelist, kind in CHANGELISTS.items():
        text = client.get(reverse(f"admin:{changelist}_changelist")).getvalue().decode()
        assert f'href="/staff/imports/?kind={kind}" data-testid="admin-import-tool"' in text, changelist
    partners = client.get(reverse("admin:partners_partner_changelist")).getvalue().decode()
    assert ">Import partners</a>" in partners
    # The page it opens has that kind chosen; support (no imports) sees no button.
    page = client.get(reverse("imports:jobs") + "?kind=deals").getvalue().decode()
    assert '<option value="deals" selected>' in page
    support = client_for(world.support).get(reverse("admin:partners_partner_changelist"))
    assert support.status_code == 200 and b"admin-import-tool" not in support.content


def test_the_admin_lists_each_managers_own_import_jobs(world, client_for, english):
    own = _job(world.manager_a, "alpha-partners.csv")
    _job(world.manager_other, "other-partners.csv")
    changelist = reverse("admin:imports_importjob_changelist")
    text = client_for(world.manager_a).get(changelist).getvalue().decode()
    assert "alpha-partners.csv" in text and "other-partners.csv" not in text
    assert 'href="/staff/imports/" data-testid="admin-import-tool">Import a file</a>' in text
    every = client_for(world.superuser).get(changelist).getvalue().decode()
    assert "alpha-partners.csv" in every and "other-partners.csv" in every

    change = reverse("admin:imports_importjob_change", args=[own.pk])
    page = client_for(world.manager_a).get(change).getvalue().decode()
    assert reverse("imports:job", args=[own.pk]) in page  # the uploader's way to its rows
    assert client_for(world.manager_other).get(change).status_code == 404
    # A superuser reads the job but has no link to a page only its uploader may open.
    assert (
        reverse("imports:job", args=[own.pk])
        not in client_for(world.superuser).get(change).getvalue().decode()
    )
    assert client_for(world.manager_a).post(reverse("admin:imports_importjob_add")).status_code == 403
