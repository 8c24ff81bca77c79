from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tenancy import LOGIN, MANAGERS, Row, expect

# A job belongs to the staff user who uploaded it (manager A here): everyone else gets a 404.
MANAGER_A_JOB = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=200)


def _job(w):
    from imports.models import ImportJob

    job = ImportJob(user=w.manager_a, kind="members", filename="alpha-members.csv", language="en", total=1)
    job.outcomes = {
        "counts": {"new": 1, "update": 0, "skip": 0, "error": 0},
        "rows": [
            {
                "sheet": "members",
                "line": 2,
                "key": "A-1/invitee-import@example.test",
                "action": "new",
                "message": "",
            }
        ],
    }
    job.status = ImportJob.Status.CHECKED
    job.file.save("alpha-members.csv", SimpleUploadedFile("a.csv", b"x"), save=False)
    job.save()
    return {"pk": job.pk}


def _keyed(w):
    """Partner A with an external id: it is in the exports of those who may see it."""
    w.partner_a.external_id = "A-1"
    w.partner_a.save(update_fields=["external_id"])
    return {"kind": "partners"}


def _upload(w):
    return {
        "kind": "members",
        "file": SimpleUploadedFile("m.csv", b"Partner external ID,E-mail\nA-1,x@example.test\n"),
    }


ROWS = [
    Row("imports:jobs", MANAGERS),
    # An upload: checked at once and redirected to its page; a member never gets this far.
    Row(
        "imports:jobs",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        data=_upload,
    ),
    Row("imports:job", MANAGER_A_JOB, kwargs=_job, leaks=lambda w: ["invitee-import@example.test"]),
    Row("imports:job_status", MANAGER_A_JOB, kwargs=_job, leaks=lambda w: ["invitee-import@example.test"]),
    Row(
        "imports:job_confirm",
        expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403, manager_a=302),
        kwargs=_job,
        method="post",
    ),
    Row("imports:template", MANAGERS, kwargs=lambda w: {"kind": "workbook", "language": "ja", "fmt": "xlsx"}),
    Row("imports:template", MANAGERS, kwargs=lambda w: {"kind": "deals", "language": "en", "fmt": "csv"}),
    Row("imports:export", MANAGERS, kwargs=_keyed, leaks=lambda w: ["A-1"]),
    Row(
        "imports:export", MANAGERS, kwargs=lambda w: {**_keyed(w), "kind": "members"}, leaks=lambda w: ["A-1"]
    ),
    Row("imports:export", MANAGERS, kwargs=lambda w: {**_keyed(w), "kind": "deals"}),
    Row("imports:export", MANAGERS, kwargs=lambda w: {**_keyed(w), "kind": "certifications"}),
    Row("imports:export", MANAGERS, kwargs=lambda w: {"kind": "leads"}),
    Row("imports:export", MANAGERS, kwargs=lambda w: {"kind": "assets"}),
]
