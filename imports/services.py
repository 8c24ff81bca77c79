"""Bulk import: a file is checked (the dry run: every row's outcome, nothing written) and,
once the person who uploaded it confirms, imported in one transaction through the apps'
own services (partners, invitations, deal registration), audited with its summary.

The confirmed run checks the rows again, the same way, and writes only `new` and `update`
rows: its outcomes are the dry run's unless the data changed in between. A file with any
error row is not imported (nothing partial); nor is one whose write fails half-way (the
transaction rolls back and the failing row says why). Files above
PRM_IMPORT_BACKGROUND_ROWS rows are checked and imported by a Celery worker (progress on the
job page, the result e-mailed)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imports.files import read
from imports.kinds import ACTIONS, ERROR, KINDS, NEW, UPDATE, ImportFileError, Lookups, Outcome
from imports.models import ImportJob
from incentives.services import IncentivesError
from leads.services import LeadsError
from partners.services import RecruitmentError
from privacy.services import PrivacyError
from prm.audit.log import audit
from prm.notifications.emails import send_to_user

logger = logging.getLogger("prm.imports")


class ImportsError(Exception):
    """A refusal with a message for the person (already translated)."""


# --- the rows ---------------------------------------------------------------------------


def check_rows(sheets, user) -> tuple[list[Outcome], Lookups]:
    """Every row's outcome, nothing written. A key seen twice in a sheet is an error."""
    lookups = Lookups(user, sheets)
    outcomes = []
    for sheet in sheets:
        seen: dict[str, int] = {}
        for line, row in sheet.rows:
            outcome = sheet.kind.check(line, dict(row), lookups)
            if outcome.key in seen:
                outcome = Outcome(
                    sheet.kind.key,
                    line,
                    outcome.key,
                    ERROR,
                    _("The same external id as line %(line)s.") % {"line": seen[outcome.key]},
                )
            seen.setdefault(outcome.key, line)
            outcomes.append(outcome)
    return outcomes, lookups


def summary(outcomes: list[Outcome]) -> dict:
    counts = Counter(o.action for o in outcomes)
    return {"counts": {a: counts.get(a, 0) for a in ACTIONS}, "rows": [o.as_dict() for o in outcomes]}


class _Failed(Exception):
    def __init__(self, outcome: Outcome, message: str):
        super().__init__(message)
        outcome.action, outcome.message = ERROR, message


def _guarded(rows: Outcome | list[Outcome], write, *args) -> None:
    """Run a write; a refusal marks the row it names (in a batch, the row whose key the
    message names, else the first) and rolls the whole import back."""
    batch = rows if isinstance(rows, list) else [rows]
    try:
        write(*args)
    except (RecruitmentError, IncentivesError, LeadsError, PrivacyError, ValidationError) as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        named = next((o for o in batch if o.key.rsplit("/", 1)[-1] in message), batch[0])
        raise _Failed(named, message) from exc
    except DatabaseError as exc:
        logger.warning(
            "import rows %s:%s refused by the database", batch[0].sheet, batch[0].line, exc_info=True
        )
        raise _Failed(batch[0], _("The database refused this row: %(error)s") % {"error": exc}) from exc


def import_rows(sheets, user, *, commit: bool, progress=None, job: ImportJob | None = None) -> dict:
    """The dry run (`commit=False`) or the import: the summary of every row's outcome, and
    `written` True when the rows were written (no error anywhere)."""
    outcomes, lookups = check_rows(sheets, user)
    if not commit or any(o.action == ERROR for o in outcomes):
        return {**summary(outcomes), "written": False}
    try:
        _write(outcomes, lookups, user, progress, job)
    except _Failed:
        return {**summary(outcomes), "written": False}
    return {**summary(outcomes), "written": True}


@transaction.atomic
def _write(outcomes, lookups, user, progress, job) -> None:
    """Sheet by sheet (partners before the members and deals that name them): the updates
    row by row through the services, the new rows through their set-based services."""
    done = 0
    for sheet in dict.fromkeys(o.sheet for o in outcomes):
        kind, rows = KINDS[sheet], [o for o in outcomes if o.sheet == sheet]
        for outcome in rows:
            if outcome.action == UPDATE:
                _guarded(outcome, kind.write, outcome, lookups, user)
        new = [o for o in rows if o.action == NEW]
        if new:
            _guarded(new, kind.create_many, new, lookups, user)
        done += len(rows)
        if progress is not None:
            progress(done)
    counts = Counter(o.action for o in outcomes)
    audit(
        actor=user,
        action="import.completed",
        target=job,
        kinds=sorted({o.sheet for o in outcomes}),
        counts={a: counts.get(a, 0) for a in ACTIONS},
        filename=job.filename if job else "",
    )


# --- the jobs ---------------------------------------------------------------------------


def background_rows() -> int:
    return settings.PRM_IMPORT_BACKGROUND_ROWS


def import_job_create(*, user, kind: str, upload, language: str) -> ImportJob:
    """Read the uploaded file (refusing what cannot be read, with the reason), keep it in the
    private storage, and check it: at once, or in a worker for a large file."""
    from imports import tasks

    if kind not in ImportJob.Kind.values:
        raise ImportsError(_("Choose what the file holds."))
    if upload.size > settings.PRM_IMPORT_MAX_BYTES:
        raise ImportsError(
            _("The file is larger than %(size)s MB. Split it, or import one kind at a time.")
            % {"size": settings.PRM_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    raw = upload.read()
    try:
        sheets = read(raw, upload.name, kind)
    except ImportFileError as exc:
        raise ImportsError(str(exc)) from exc
    total = sum(len(sheet.rows) for sheet in sheets)
    if not total:
        raise ImportsError(_("The file has no rows under its header."))
    job = ImportJob(user=user, kind=kind, filename=upload.name[:200], language=language, total=total)
    job.file.save(f"{timezone.localdate():%Y/%m}/{upload.name[-100:]}", ContentFile(raw), save=False)
    job.save()
    if total > background_rows():
        tasks.check_import.delay_on_commit(job_id=job.pk)
    else:
        transaction.on_commit(lambda: import_job_check(job_id=job.pk))
    return job


def _sheets(job: ImportJob):
    with job.file.open("rb") as handle:
        return read(handle.read(), job.filename, job.kind)


class _Progress:
    """Reports rows done on a connection of its own: the job page sees it while the import's
    transaction is still open."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.connection = connections.create_connection(ImportJob.objects.db)

    def __call__(self, rows: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608
                [min(rows, self.job.total), self.job.pk],
            )

    def close(self) -> None:
        self.connection.close()


def _run(job_id: int, *, from_status: str, running: str, commit: bool) -> ImportJob | None:
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[from_status, running]).update(
        status=running, rows_done=0
    )
    if not claimed:
        return None  # done already: a redelivered message
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    progress = _Progress(job)
    try:
        with translation.override(job.language):
            result = import_rows(_sheets(job), job.user, commit=commit, progress=progress, job=job)
    except ImportFileError as exc:
        result = {"counts": {}, "rows": [], "written": False, "error": str(exc)}
    finally:
        progress.close()
    job.outcomes = result
    job.error = result.get("error", "")
    job.rows_done = job.total
    if commit:
        job.status = ImportJob.Status.DONE if result["written"] else ImportJob.Status.FAILED
        job.finished_at = timezone.now()
    else:
        job.status = ImportJob.Status.CHECKED if not job.error else ImportJob.Status.FAILED
        job.checked_at = timezone.now()
    job.save(update_fields=["outcomes", "error", "rows_done", "status", "finished_at", "checked_at"])
    return job


def import_job_check(*, job_id: int) -> ImportJob | None:
    """The dry run of a job: every row's outcome, nothing written."""
    job = _run(job_id, from_status=ImportJob.Status.PENDING, running=ImportJob.Status.CHECKING, commit=False)
    if job is not None and job.total > background_rows():
        import_job_mail(job_id=job.pk)
    return job


def import_job_confirm(*, job: ImportJob, user) -> ImportJob:
    """The person who uploaded the file imports it after its dry run (no error rows)."""
    from imports import tasks

    if job.user_id != user.pk:
        raise ImportsError(_("Only the person who uploaded the file can import it."))
    if job.has_errors:
        raise ImportsError(_("Correct the rows with errors and upload the file again: nothing was imported."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.IMPORTING, rows_done=0
    )
    if not claimed:
        raise ImportsError(_("This file is not waiting to be imported."))
    if job.total > background_rows():
        tasks.run_import.delay_on_commit(job_id=job.pk)
    else:
        transaction.on_commit(lambda: import_job_import(job_id=job.pk))
    job.refresh_from_db()
    return job


def import_job_import(*, job_id: int) -> ImportJob | None:
    job = _run(
        job_id, from_status=ImportJob.Status.IMPORTING, running=ImportJob.Status.IMPORTING, commit=True
    )
    if job is not None and job.total > background_rows():
        import_job_mail(job_id=job.pk)
    return job


def import_job_mail(*, job_id: int) -> None:
    """The result of a background check or import, e-mailed once per step."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("user").get(pk=job_id)
        stamp = job.finished_at or job.checked_at
        if stamp is None or (job.mailed_at is not None and job.mailed_at >= stamp):
            return
        url = settings.SITE_URL + reverse("imports:job", args=[job.pk])
        send_to_user(job.user, stem="imports/emails/import_result", context={"job": job, "url": url})
        job.mailed_at = timezone.now()
        job.save(update_fields=["mailed_at"])


def import_files_purge(*, now=None) -> int:
    """Uploaded files older than PRM_IMPORT_KEEP_DAYS, and their rows' details (the keys are
    names and e-mail addresses): the file is deleted from storage and the rows dropped; the
    job keeps its counts. A file still waiting for its import after that long can no longer be imported.
    Jobs still being checked or imported are left alone. Returns how many jobs were purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRM_IMPORT_KEEP_DAYS)
    old = list(
        ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(status__in=ImportJob.RUNNING)
    )
    for job in old:
        job.file.delete(save=False)
        job.file = ""
        job.outcomes = {**job.outcomes, "rows": [], "purged_at": now.isoformat()}
        if job.status == ImportJob.Status.CHECKED:
            job.status = ImportJob.Status.FAILED
            with translation.override(job.language):
                job.error = _(
                    "The file was deleted %(days)s days after its upload without being imported. "
                    "Upload it again to import it."
                ) % {"days": settings.PRM_IMPORT_KEEP_DAYS}
    ImportJob.objects.bulk_update(old, ["file", "outcomes", "status", "error"])
    if old:
        logger.info("import files purged", extra={"jobs": len(old)})
    return len(old)
