"""Writes of the privacy app: provision records, requests from people concerned, partner
exports. Keyword-only, transactional, audited."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import exports, queries
from privacy.models import (
    DataRequest,
    DataRequestReminder,
    PartnerExport,
    PartnerLegalIdentity,
    ProvisionRecord,
)
from prm.audit.log import audit, audit_many
from prm.audit.transitions import transition
from prm.i18n.business_days import add_business_days

log = logging.getLogger(__name__)


class PrivacyError(Exception):
    """The one domain error of the privacy app (message is translatable)."""


# --- Settings ----------------------------------------------------------------------------


def provision_years() -> int:
    """How long a provision record is kept (APPI: 3 years in most cases; never less here)."""
    return max(3, int(getattr(settings, "PRM_PROVISION_RECORD_YEARS", 3)))


def recipient_name() -> str:
    return getattr(settings, "PRM_VENDOR_NAME", "") or "Partner Portal"


def request_business_days() -> int:
    return int(getattr(settings, "PRM_DATA_REQUEST_BUSINESS_DAYS", 10))


def remind_business_days() -> int:
    return int(getattr(settings, "PRM_DATA_REQUEST_REMIND_BUSINESS_DAYS", 2))


def export_days() -> int:
    return int(getattr(settings, "PRM_PARTNER_EXPORT_DAYS", 14))


def export_inline_rows() -> int:
    return int(getattr(settings, "PRM_PARTNER_EXPORT_INLINE_ROWS", 2000))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Third-party provision records ----------------------------------------------------------


def _provision(
    *,
    source: str,
    source_object,
    partner,
    identity,
    user,
    subject_name: str,
    subject_company: str,
    items: list[str],
    basis: str,
    acquisition: str,
    acquisition_note: str = "",
) -> ProvisionRecord:
    """The record, unsaved (validated): the provider's confirmed legal identity copied in."""
    if source not in ProvisionRecord.Source.values or basis not in ProvisionRecord.Basis.values:
        raise PrivacyError(_("Unknown source or basis of a provision."))
    if acquisition not in ProvisionRecord.Acquisition.values:
        raise PrivacyError(_("Say how the partner obtained the person's data."))
    now = timezone.now()
    return ProvisionRecord(
        provided_at=now,
        source=source,
        source_type=ContentType.objects.get_for_model(source_object),
        source_id=str(source_object.pk),
        partner=partner,
        provider_name=identity.legal_name if identity else partner.name,
        provider_address=identity.address if identity else "",
        provider_representative=identity.representative if identity else "",
        provided_by=user if getattr(user, "pk", None) else None,
        provided_by_name=(user.get_full_name() if getattr(user, "pk", None) else "")[:254],
        recipient_name=recipient_name(),
        subject_name=subject_name[:120],
        subject_company=subject_company[:200],
        items=[item for item in items if item],
        basis=basis,
        acquisition=acquisition,
        acquisition_note=acquisition_note[:300],
        retain_until=add_years(timezone.localdate(now), provision_years()),
    )


@transaction.atomic
def provision_records_many(*, source: str, user, rows, basis: str = ProvisionRecord.Basis.CONSENT) -> int:
    """`provision_record` for many objects at once (a bulk import's deals): `rows` are
    (source object, partner, subject name, subject company, items, acquisition). The
    identities in one query, the records in one insert, their audit rows in another."""
    rows = list(rows)
    if not rows:
        return 0
    identities = {
        i.partner_id: i
        for i in PartnerLegalIdentity.objects.filter(
            partner_id__in={partner.pk for _o, partner, *_rest in rows}
        )
    }
    records = ProvisionRecord.objects.bulk_create(
        _provision(
            source=source,
            source_object=source_object,
            partner=partner,
            identity=identities.get(partner.pk),
            user=user,
            subject_name=name,
            subject_company=company,
            items=items,
            basis=basis,
            acquisition=acquisition,
        )
        for source_object, partner, name, company, items, acquisition in rows
    )
    audit_many(
        actor=user,
        action="privacy.provision_recorded",
        model=ProvisionRecord,
        rows=((r.pk, str(r), r.partner_id, {"source": source, "items": r.items}) for r in records),
    )
    return len(records)


@transaction.atomic
def provision_record(
    *,
    source: str,
    source_object,
    partner,
    user,
    subject_name: str,
    subject_company: str = "",
    items: list[str],
    basis: str = ProvisionRecord.Basis.CONSENT,
    acquisition: str,
    acquisition_note: str = "",
) -> ProvisionRecord:
    """Record that `partner` (through `user`) gave the vendor `items` of `subject_name`'s data.

    Written in the same transaction as what carried the data (a deal registration now, a
    lead later), so the record exists exactly when the data does. The provider's confirmed
    legal identity is copied in; the record is kept `provision_years()` from today."""
    identity = PartnerLegalIdentity.objects.filter(partner=partner).first()
    record = _provision(
        source=source,
        source_object=source_object,
        partner=partner,
        identity=identity,
        user=user,
        subject_name=subject_name,
        subject_company=subject_company,
        items=items,
        basis=basis,
        acquisition=acquisition,
        acquisition_note=acquisition_note,
    )
    record.save()
    audit(
        actor=user,
        action="privacy.provision_recorded",
        target=record,
        partner=partner,
        source=source,
        items=record.items,
    )
    return record


@transaction.atomic
def provision_records_purge(*, today: date | None = None) -> int:
    """Delete the records whose retention period has ended (one statement)."""
    today = today or timezone.localdate()
    deleted, _by_model = ProvisionRecord.objects.filter(retain_until__lt=today).delete()
    if deleted:
        audit(actor=None, action="privacy.provisions_purged", records=deleted, before=today.isoformat())
    return deleted


@transaction.atomic
def legal_identity_set(
    *, partner, actor, legal_name: str, address: str, representative: str
) -> PartnerLegalIdentity:
    identity, _created = PartnerLegalIdentity.objects.select_for_update().update_or_create(
        partner=partner,
        defaults={
            "legal_name": legal_name,
            "address": address,
            "representative": representative,
            "confirmed_on": timezone.localdate(),
            "confirmed_by": actor,
        },
    )
    audit(actor=actor, action="privacy.identity_confirmed", target=identity, partner=partner)
    return identity


# --- Requests from people concerned (開示等請求) ----------------------------------------------


def request_due(received_on: date) -> date:
    """The response target: `PRM_DATA_REQUEST_BUSINESS_DAYS` Japanese business days after
    receipt (holidays and company closure days skipped)."""
    return add_business_days(received_on, request_business_days())


@transaction.atomic
def data_request_create(*, actor, data: dict) -> DataRequest:
    received_on = data.get("received_on") or timezone.localdate()
    if received_on > timezone.localdate():
        raise PrivacyError(_("The date of receipt cannot be in the future."))
    request = DataRequest.objects.create(
        **{**data, "received_on": received_on, "due_on": request_due(received_on), "created_by": actor}
    )
    audit(
        actor=actor,
        action="privacy.request_received",
        target=request,
        partner=request.partner_id,
        kind=request.kind,
        due_on=request.due_on.isoformat(),
    )
    return request


S = DataRequest.Status
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.VERIFYING, S.IN_PROGRESS, S.DECLINED, S.WITHDRAWN),
    S.VERIFYING: (S.IN_PROGRESS, S.DECLINED, S.WITHDRAWN),
    S.IN_PROGRESS: (S.COMPLETED, S.DECLINED, S.WITHDRAWN),
}
CLOSED = (S.COMPLETED, S.DECLINED, S.WITHDRAWN)


def next_statuses(request: DataRequest) -> tuple[str, ...]:
    return NEXT_STATUSES.get(request.status, ())


def data_request_transition(
    *, request: DataRequest, actor, to_status: str, note: str = "", identity_method: str = ""
) -> DataRequest:
    """Move a request on. Working on it needs the person's identity verified first (how, in
    a few words); a completion says what was done or sent; a refusal gives the reason the
    person is told (APPI art. 36). Audited with the note."""
    note, identity_method = note.strip(), identity_method.strip()
    if to_status == S.IN_PROGRESS and not (identity_method or request.identity_verified_on):
        raise PrivacyError(_("Record how the person's identity was verified before working on the request."))
    if to_status in (S.COMPLETED, S.DECLINED) and not note:
        raise PrivacyError(_("Write what the person is told: what was done, or why the request is declined."))

    def values(locked):
        changes: dict[str, object] = {"status": to_status}
        if identity_method and not locked.identity_verified_on:
            changes.update(identity_verified_on=timezone.localdate(), identity_method=identity_method[:200])
        if to_status in CLOSED:
            changes["closed_at"] = timezone.now()
            if note:
                changes["response"] = note
        return changes

    return transition(
        request,
        allowed=lambda r: to_status in NEXT_STATUSES.get(r.status, ()),
        error=PrivacyError(_("This request cannot move to that status.")),
        values=values,
        action="privacy.request_status",
        actor=actor,
        audit_data=lambda r: {"status": to_status, "note": note[:2000], "identity": identity_method[:200]},
    )


@transaction.atomic
def data_request_assign(*, request: DataRequest, actor, assignee) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise PrivacyError(_("This request is closed."))
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    audit(
        actor=actor,
        action="privacy.request_assigned",
        target=request,
        partner=request.partner_id,
        assignee=getattr(assignee, "pk", None),
    )
    return request


@transaction.atomic
def data_request_erase(*, request: DataRequest, actor, finder, ids: list[int]) -> int:
    """Anonymise what a finder found for a deletion or cessation request (the finder's own
    service; the ids come from `find` limited to the staff user's partners)."""
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open or request.kind not in (
        DataRequest.Kind.DELETION,
        DataRequest.Kind.CESSATION,
        DataRequest.Kind.STOP_PROVISION,
        DataRequest.Kind.CORRECTION,
    ):
        raise PrivacyError(_("Only open requests for deletion, cessation or correction erase data."))
    if finder.erase is None or not ids:
        return 0
    count = finder.erase(ids=ids, actor=actor, reason=f"request #{request.pk}")
    audit(
        actor=actor,
        action="privacy.request_erased",
        target=request,
        partner=request.partner_id,
        finder=finder.key,
        records=count,
    )
    return count


@transaction.atomic
def data_requests_remind(*, today: date | None = None) -> dict:
    """Daily: claim "due soon" (once per request) and "overdue" (once a week) reminders for
    open requests in one INSERT ... SELECT ... ON CONFLICT DO NOTHING, and e-mail the people
    handling them after commit. A second run the same day claims nothing."""
    from privacy import tasks

    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    reminders, requests = DataRequestReminder._meta.db_table, DataRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {reminders} (request_id, kind, sent_for, sent_at)
                SELECT id, 'due_soon', due_on, %(now)s FROM {requests}
                 WHERE status = ANY(%(open)s) AND due_on >= %(today)s AND due_on <= %(soon)s
                UNION ALL
                SELECT id, 'overdue', %(week)s, %(now)s FROM {requests}
                 WHERE status = ANY(%(open)s) AND due_on < %(today)s
                ON CONFLICT (request_id, kind, sent_for) DO NOTHING
                RETURNING request_id, kind""",  # noqa: S608 (table names from _meta)
            {
                "now": timezone.now(),
                "open": list(DataRequest.OPEN_STATUSES),
                "today": today,
                "soon": add_business_days(today, remind_business_days()),
                "week": week,
            },
        )
        claimed = cursor.fetchall()
    for pk, kind in claimed:
        tasks.notify_data_request.delay_on_commit(request_id=pk, kind=kind)
    return {kind: sum(1 for _pk, k in claimed if k == kind) for kind in ("due_soon", "overdue")}


# --- Partner data export (offboarding) --------------------------------------------------------


@transaction.atomic
def partner_export_request(*, partner, actor, reason: str = "") -> PartnerExport:
    """Ask for everything the portal holds about `partner` as a ZIP of CSV files.

    Small exports are built as soon as this transaction commits (the page then offers the
    download at once); above `PRM_PARTNER_EXPORT_INLINE_ROWS` rows a worker builds it. Either
    way the person who asked gets an e-mail with the link (private storage, staff only,
    until it expires)."""
    from privacy import tasks

    export = PartnerExport.objects.create(
        partner=partner, requested_by=actor if getattr(actor, "pk", None) else None, reason=reason[:200]
    )
    rows = queries.export_row_count(partner)
    audit(
        actor=actor,
        action="privacy.export_requested",
        target=export,
        partner=partner,
        rows=rows,
        reason=reason,
    )
    if rows <= export_inline_rows():
        transaction.on_commit(lambda: partner_export_build(export_id=export.pk))
    else:
        tasks.build_partner_export.delay_on_commit(export_id=export.pk)
    return export


def partner_export_build(*, export_id: int) -> PartnerExport | None:
    """Build the ZIP (claimed once: a redelivered task finds it running or done), store it
    privately and e-mail the link. A failure is recorded on the export and logged."""
    from privacy import tasks

    claimed = PartnerExport.objects.filter(pk=export_id, status=PartnerExport.Status.QUEUED).update(
        status=PartnerExport.Status.RUNNING
    )
    export = PartnerExport.objects.select_related("partner", "requested_by").filter(pk=export_id).first()
    if not claimed or export is None:
        return export
    try:
        language = getattr(export.requested_by, "language", "") or settings.LANGUAGE_CODE
        name, content, rows = exports.build_zip(export.partner, language=language)
        export.file.save(name, content, save=False)
    except Exception as exc:  # recorded for staff; the worker log has the traceback
        log.exception("partner export %s failed", export_id)
        PartnerExport.objects.filter(pk=export_id).update(
            status=PartnerExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return None
    now = timezone.now()
    with transaction.atomic():
        PartnerExport.objects.filter(pk=export_id).update(
            status=PartnerExport.Status.READY,
            file=export.file.name,
            rows=rows,
            size=export.file.size,
            finished_at=now,
            expires_at=now + timedelta(days=export_days()),
        )
        audit(actor=None, action="privacy.export_ready", target=export, partner=export.partner_id, rows=rows)
        tasks.notify_partner_export.delay_on_commit(export_id=export_id)
    export.refresh_from_db()
    return export


@transaction.atomic
def partner_exports_expire(*, now=None) -> int:
    """Daily: exports past their date lose their file (private storage) and say so."""
    now = now or timezone.now()
    due = list(
        PartnerExport.objects.select_for_update(skip_locked=True).filter(
            status=PartnerExport.Status.READY, expires_at__lt=now
        )
    )
    for export in due:
        if export.file.name:
            transaction.on_commit(partial(export.file.storage.delete, export.file.name))
    PartnerExport.objects.filter(pk__in=[e.pk for e in due]).update(
        status=PartnerExport.Status.EXPIRED, file=""
    )
    if due:
        audit(actor=None, action="privacy.exports_expired", exports=[e.pk for e in due])
    return len(due)


def partner_export_downloaded(*, export: PartnerExport, actor) -> None:
    audit(actor=actor, action="privacy.export_downloaded", target=export, partner=export.partner_id)
