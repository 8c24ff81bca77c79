"""Writes of the funds app (MDF): allocation, adjustment, requests and their decisions,
claims and theirs, expiry, payment. Keyword-only, transactional, audited.

Every movement of money locks the fund row first (`select_for_update`), then the request or
claim, checks the balance on the locked row and writes one `LedgerEntry` beside the changed
figures; the fund's CHECK constraint (`fund_never_overspent`) holds even if a path forgot.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from decimal import Decimal
from secrets import token_hex

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from funds.models import Claim, ClaimFile, Fund, FundRequest, LedgerEntry
from funds.periods import Period, period_of
from incentives.models import PartnerTierState, Tier
from partners.models import Partner
from prm.audit.log import audit, audit_many
from prm.files.uploads import CheckedUpload
from prm.i18n.business_days import add_business_days

Kind = LedgerEntry.Kind
RequestStatus = FundRequest.Status
ClaimStatus = Claim.Status

# Fund figure each movement changes, and by which sign.
_EFFECTS: dict[str, dict[str, int]] = {
    Kind.ALLOCATION: {"allocated": 1},
    Kind.ADJUSTMENT: {"allocated": 1},
    Kind.RESERVATION: {"reserved": 1},
    Kind.RELEASE: {"reserved": -1},
    Kind.CLAIM_APPROVED: {"reserved": -1, "committed": 1},
    Kind.PAYMENT: {"committed": -1, "paid": 1},
}


class FundsError(Exception):
    """The one domain error of the funds app (message is translatable)."""


def decision_days() -> int:
    return int(getattr(settings, "PRM_MDF_DECISION_BUSINESS_DAYS", 5))


def claim_days() -> int:
    return int(getattr(settings, "PRM_MDF_CLAIM_DAYS", 60))


def _locked_fund(fund_id: int) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund_id)


def _move(
    fund: Fund, kind: str, amount: Decimal, *, actor, request=None, claim=None, reason=""
) -> LedgerEntry:
    """Change the locked fund's figures by one movement and record it (the caller audits)."""
    for field, sign in _EFFECTS[kind].items():
        setattr(fund, field, getattr(fund, field) + sign * amount)
    if fund.available < 0:
        raise FundsError(
            _("The fund has %(available)s yen left; this needs %(amount)s yen.")
            % {"available": f"{fund.available + amount:,}", "amount": f"{amount:,}"}
        )
    fund.save(update_fields=[*_EFFECTS[kind], "updated_at"])
    return LedgerEntry.objects.create(
        fund=fund,
        kind=kind,
        amount=amount,
        request=request,
        claim=claim,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
        booked_on=timezone.localdate(),
    )


def _whole_yen(amount) -> Decimal:
    value = Decimal(amount)
    if value != value.to_integral_value():
        raise FundsError(_("Enter a whole number of yen."))
    return value


# --- Funds --------------------------------------------------------------------------------


def funds_allocate(*, period: Period | None = None, actor=None) -> int:
    """Open every active partner's fund for `period` (default: the current one) with its
    tier's share of the annual MDF budget (floored to whole yen): one INSERT ... SELECT for
    the funds, one INSERT for their allocation movements, one for the audit rows. A partner
    whose fund for the period exists is left alone (a manager may have opened or adjusted
    it), so a re-run allocates nothing twice."""
    period = period or period_of(timezone.localdate())
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    share = f"floor(t.mdf_budget * {int(months)} / 12)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Fund._meta.db_table}
                (partner_id, period_start, period_end, tier_id, allocated, reserved, committed, paid,
                 created_at, updated_at)
            SELECT s.partner_id, %s, %s, t.id, {share}, 0, 0, 0, now(), now()
              FROM {PartnerTierState._meta.db_table} s
              JOIN {Partner._meta.db_table} p ON p.id = s.partner_id
              JOIN {Tier._meta.db_table} t ON t.id = s.tier_id
             WHERE p.status = %s AND {share} > 0
            ON CONFLICT (partner_id, period_start) DO NOTHING
            RETURNING id, partner_id, allocated
            """,  # noqa: S608 (table names from the models, a whole number of months)
            [period.start, period.end, Partner.Status.ACTIVE],
        )
        funds = cursor.fetchall()
        today = timezone.localdate()
        LedgerEntry.objects.bulk_create(
            LedgerEntry(fund_id=pk, kind=Kind.ALLOCATION, amount=amount, booked_on=today)
            for pk, _partner_id, amount in funds
        )
        audit_many(
            actor=actor,
            action="fund.allocated",
            model=Fund,
            rows=[
                (pk, period.label(), partner_id, {"amount": str(amount), "period": str(period.start)})
                for pk, partner_id, amount in funds
            ],
        )
    return len(funds)


def fund_adjust(*, partner: Partner, period_start: date, amount, reason: str, actor) -> Fund:
    """Add to (or take back from) a partner's fund for the period starting `period_start`,
    opening it if the partner has none (a partner below the MDF tiers can still be funded).
    Money already reserved, approved or paid cannot be taken back (the fund's constraint)."""
    amount = _whole_yen(amount)
    reason = (reason or "").strip()
    if not reason:
        raise FundsError(_("Say why the fund changes."))
    if amount == 0:
        raise FundsError(_("Enter an amount other than zero."))
    period = period_of(period_start)
    with transaction.atomic():
        fund, _created = Fund.objects.get_or_create(
            partner=partner, period_start=period.start, defaults={"period_end": period.end}
        )
        fund = _locked_fund(fund.pk)
        if fund.allocated + amount < fund.reserved + fund.committed + fund.paid:
            raise FundsError(
                _("Only %(available)s yen of this fund is not reserved or spent.")
                % {"available": f"{fund.available:,}"}
            )
        entry = _move(fund, Kind.ADJUSTMENT, amount, actor=actor, reason=reason[:300])
        audit(
            actor=actor,
            action="fund.adjusted",
            target=fund,
            amount=str(amount),
            reason=reason[:300],
            entry=entry.pk,
            allocated=str(fund.allocated),
        )
    return fund


# --- Requests -----------------------------------------------------------------------------

REQUEST_FIELDS = (
    "title",
    "activity_type",
    "description",
    "starts_on",
    "ends_on",
    "expected_leads",
    "expected_attendees",
    "expected_pipeline",
    "requested_amount",
    "campaign",
)


def fund_for_activity(*, partner: Partner, starts_on: date) -> Fund | None:
    """The fund a request draws from: the partner's fund for the period the activity starts in."""
    return Fund.objects.for_partner(partner).covering(starts_on).first()


def _check_request(partner: Partner, fields: dict) -> Fund:
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown request fields: {sorted(unknown)}")
    fields["requested_amount"] = _whole_yen(fields["requested_amount"])
    if fields["requested_amount"] <= 0:
        raise FundsError(_("Enter the amount you request."))
    if fields["ends_on"] < fields["starts_on"]:
        raise FundsError(_("The activity cannot end before it starts."))
    fund = fund_for_activity(partner=partner, starts_on=fields["starts_on"])
    if fund is None:
        raise FundsError(_("You have no market development fund for the period this activity starts in."))
    if fields["requested_amount"] > fund.available:
        raise FundsError(
            _("The fund has %(available)s yen available for this period.")
            % {"available": f"{fund.available:,}"}
        )
    return fund


def _submitted(row: FundRequest | Claim, status: str) -> None:
    """Mark a request or claim as sent now; the decision is due in
    PRM_MDF_DECISION_BUSINESS_DAYS Japanese business days."""
    now = timezone.now()
    row.status = status
    row.submitted_at = now
    row.decision_due_on = add_business_days(timezone.localdate(now), decision_days())


def _decide(locked: FundRequest | Claim, status: str, actor, comment: str, **values) -> None:
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = (comment or "").strip()
    fields = ["status", "decided_by", "decided_at", "decision_comment", "updated_at"]
    for name, value in values.items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)


def _required_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise FundsError(_("Write a comment for the partner."))
    return comment


def request_submit(*, partner: Partner, actor, fields: dict) -> FundRequest:
    """A partner admin asks for money for one activity."""
    fields = dict(fields)
    with transaction.atomic():
        fund = _check_request(partner, fields)
        fund_request = FundRequest(partner=partner, fund=fund, submitted_by=actor, **fields)
        _submitted(fund_request, RequestStatus.SUBMITTED)
        fund_request.save()
        audit(
            actor=actor,
            action="fund_request.submitted",
            target=fund_request,
            amount=str(fund_request.requested_amount),
        )
        _notify("request_submitted", fund_request.pk)
    return fund_request


def request_resubmit(*, fund_request: FundRequest, actor, fields: dict) -> FundRequest:
    """The partner changes a request that was returned and sends it again."""
    fields = dict(fields)
    with transaction.atomic():
        locked = FundRequest.objects.select_for_update().get(pk=fund_request.pk)
        if not locked.can_edit():
            raise FundsError(_("Only a request returned for changes can be changed."))
        locked.fund = _check_request(locked.partner, fields)
        for name, value in fields.items():
            setattr(locked, name, value)
        _submitted(locked, RequestStatus.SUBMITTED)
        locked.save()
        audit(
            actor=actor, action="fund_request.resubmitted", target=locked, amount=str(locked.requested_amount)
        )
        _notify("request_submitted", locked.pk)
    return locked


def request_withdraw(*, fund_request: FundRequest, actor) -> FundRequest:
    """The partner takes back a request it no longer needs (the activity was cancelled):
    awaiting a decision, returned, or approved with no claim yet, whose reservation goes
    back to the fund. Locks the fund before the request, as approvals do."""
    with transaction.atomic():
        fund = _locked_fund(fund_request.fund_id)
        locked = FundRequest.objects.select_for_update().get(pk=fund_request.pk)
        if not locked.can_withdraw():
            raise FundsError(_("This request can no longer be withdrawn."))
        released = locked.approved_amount if locked.status == RequestStatus.APPROVED else None
        if released is not None:
            _move(fund, Kind.RELEASE, released, actor=actor, request=locked, reason="withdrawn")
        locked.status = RequestStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        audit(actor=actor, action="fund_request.withdrawn", target=locked, released=str(released or 0))
    return locked


def request_approve(*, fund_request: FundRequest, actor, amount=None, comment: str = "") -> FundRequest:
    """Approve (all or part of the requested amount) and reserve it in the fund. Locks the
    fund before the request: two approvals against one fund queue, and the second sees the
    first's reservation."""
    amount = _whole_yen(fund_request.requested_amount if amount in (None, "") else amount)
    if amount <= 0:
        raise FundsError(_("Enter the amount to approve, or reject the request."))
    with transaction.atomic():
        fund = _locked_fund(fund_request.fund_id)
        locked = FundRequest.objects.select_for_update().get(pk=fund_request.pk)
        if locked.status != RequestStatus.SUBMITTED:
            raise FundsError(_("Only a request awaiting a decision can be approved."))
        if amount > locked.requested_amount:
            raise FundsError(_("You cannot approve more than was requested."))
        entry = _move(fund, Kind.RESERVATION, amount, actor=actor, request=locked)
        _decide(
            locked,
            RequestStatus.APPROVED,
            actor,
            comment,
            approved_amount=amount,
            claim_due_on=locked.ends_on + timedelta(days=claim_days()),
        )
        audit(
            actor=actor,
            action="fund_request.approved",
            target=locked,
            amount=str(amount),
            requested=str(locked.requested_amount),
            entry=entry.pk,
            available=str(fund.available),
        )
        _notify("request_decided", locked.pk)
    return locked


def request_return(*, fund_request: FundRequest, actor, comment: str) -> FundRequest:
    return _request_close(fund_request, RequestStatus.RETURNED, actor, comment, "fund_request.returned")


def request_reject(*, fund_request: FundRequest, actor, comment: str) -> FundRequest:
    return _request_close(fund_request, RequestStatus.REJECTED, actor, comment, "fund_request.rejected")


def _request_close(fund_request, status, actor, comment, action) -> FundRequest:
    comment = _required_comment(comment)
    with transaction.atomic():
        locked = FundRequest.objects.select_for_update().get(pk=fund_request.pk)
        if locked.status != RequestStatus.SUBMITTED:
            raise FundsError(_("Only a request awaiting a decision can be returned or rejected."))
        _decide(locked, status, actor, comment)
        audit(actor=actor, action=action, target=locked, comment=comment)
        _notify("request_decided", locked.pk)
    return locked


def requests_expire(*, today: date | None = None, actor=None) -> int:
    """Approved requests whose claim was not sent by their claim date expire and give their
    reservation back to the fund. A few rows a day: each one locked and audited."""
    today = today or timezone.localdate()
    ids = list(
        FundRequest.objects.filter(status=RequestStatus.APPROVED, claim_due_on__lt=today, claim__isnull=True)
        .order_by("fund_id", "pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in ids:
        with transaction.atomic():
            request = FundRequest.objects.get(pk=pk)
            fund = _locked_fund(request.fund_id)
            locked = FundRequest.objects.select_for_update().get(pk=pk)
            if locked.status != RequestStatus.APPROVED or Claim.objects.filter(request=locked).exists():
                continue
            assert locked.approved_amount is not None  # fundrequest_approved_amount
            _move(fund, Kind.RELEASE, locked.approved_amount, actor=actor, request=locked, reason="expired")
            locked.status = RequestStatus.EXPIRED
            locked.save(update_fields=["status", "updated_at"])
            audit(
                actor=actor,
                action="fund_request.expired",
                target=locked,
                released=str(locked.approved_amount),
            )
            expired += 1
    return expired


# --- Claims -------------------------------------------------------------------------------

CLAIM_FIELDS = ("actual_cost", "leads", "attendees", "results")


def _add_files(claim: Claim, files: Iterable[tuple[str, object, CheckedUpload]], actor) -> int:
    """Store uploads the form validated (`prm.files.uploads.validate_upload`) under a random
    name in private storage; the partner's own file name is kept for display only."""
    count = 0
    for kind, upload, checked in files:
        item = ClaimFile(
            claim=claim,
            kind=kind,
            name=_display_name(checked.name),
            token=token_hex(16),
            ext=checked.ext[:10],
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
        )
        item.file.save(f"{item.token}{item.ext}", upload, save=False)
        item.save()
        count += 1
    return count


def _display_name(name: str) -> str:
    """The name the partner's browser sent, shown and offered on download only: path parts,
    control characters and quotes removed (the stored name is a random token)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return cleaned.strip()[:200] or "file"


def _check_claim(fields: dict) -> None:
    unknown = set(fields) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown claim fields: {sorted(unknown)}")
    fields["actual_cost"] = _whole_yen(fields["actual_cost"])
    if fields["actual_cost"] < 0:
        raise FundsError(_("The actual cost cannot be negative."))


def claim_submit(
    *, fund_request: FundRequest, actor, fields: dict, files: Iterable[tuple[str, object, CheckedUpload]]
) -> Claim:
    """After the activity the partner sends what it cost and achieved, with receipts and
    proof of performance (files already validated by the form: `prm.files.uploads`)."""
    fields = dict(fields)
    _check_claim(fields)
    files = list(files)
    if not any(kind == ClaimFile.Kind.RECEIPT for kind, *_upload in files):
        raise FundsError(_("Attach at least one receipt or invoice."))
    with transaction.atomic():
        locked = FundRequest.objects.select_for_update().get(pk=fund_request.pk)
        if locked.status != RequestStatus.APPROVED or Claim.objects.filter(request=locked).exists():
            raise FundsError(_("A claim can be sent once, for an approved request."))
        if locked.ends_on > timezone.localdate():
            raise FundsError(_("Send the claim after the activity has ended."))
        claim = Claim(request=locked, partner_id=locked.partner_id, submitted_by=actor, **fields)
        _submitted(claim, ClaimStatus.SUBMITTED)
        claim.save()
        added = _add_files(claim, files, actor)
        audit(
            actor=actor,
            action="fund_claim.submitted",
            target=claim,
            actual_cost=str(claim.actual_cost),
            files=added,
        )
        _notify("claim_submitted", claim.pk)
    return claim


def claim_resubmit(
    *, claim: Claim, actor, fields: dict, files: Iterable[tuple[str, object, CheckedUpload]]
) -> Claim:
    fields = dict(fields)
    _check_claim(fields)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if not locked.can_edit():
            raise FundsError(_("Only a claim returned for changes can be changed."))
        for name, value in fields.items():
            setattr(locked, name, value)
        _submitted(locked, ClaimStatus.SUBMITTED)
        locked.save()
        added = _add_files(locked, files, actor)
        audit(
            actor=actor,
            action="fund_claim.resubmitted",
            target=locked,
            actual_cost=str(locked.actual_cost),
            files=added,
        )
        _notify("claim_submitted", locked.pk)
    return locked


def _locked_claim(claim: Claim, refused: str | Promise) -> tuple[Fund, FundRequest, Claim]:
    """The fund, the request and the claim, locked in that order, the claim under review."""
    request = FundRequest.objects.get(pk=claim.request_id)
    fund = _locked_fund(request.fund_id)
    locked_request = FundRequest.objects.select_for_update().get(pk=request.pk)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.SUBMITTED:
        raise FundsError(refused)
    return fund, locked_request, locked


def claim_approve(*, claim: Claim, actor, amount=None, comment: str = "") -> Claim:
    """Approve the claim in full (the actual cost up to the approved request) or in part.
    The request's reservation becomes the approved claim; what is left of it goes back to
    the fund in the same transaction."""
    with transaction.atomic():
        fund, locked_request, locked = _locked_claim(claim, _("Only a claim under review can be approved."))
        reserved = locked_request.approved_amount or Decimal(0)
        ceiling = min(reserved, locked.actual_cost)
        amount = _whole_yen(ceiling if amount in (None, "") else amount)
        if amount <= 0:
            raise FundsError(_("Enter the amount to approve, or reject the claim."))
        if amount > ceiling:
            raise FundsError(
                _("At most %(ceiling)s yen can be approved (the approved request or the actual cost).")
                % {"ceiling": f"{ceiling:,}"}
            )
        _move(fund, Kind.CLAIM_APPROVED, amount, actor=actor, request=locked_request, claim=locked)
        if reserved > amount:
            _move(
                fund,
                Kind.RELEASE,
                reserved - amount,
                actor=actor,
                request=locked_request,
                claim=locked,
                reason="partial",
            )
        _decide(
            locked, ClaimStatus.APPROVED, actor, comment, approved_amount=amount, approved_at=timezone.now()
        )
        locked_request.status = RequestStatus.CLAIMED
        locked_request.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action="fund_claim.approved",
            target=locked,
            amount=str(amount),
            actual_cost=str(locked.actual_cost),
            released=str(reserved - amount),
            partial=amount < ceiling,
        )
        _notify("claim_decided", locked.pk)
    return locked


def claim_return(*, claim: Claim, actor, comment: str) -> Claim:
    """Back to the partner to change and send again; the reservation stays."""
    comment = _required_comment(comment)
    with transaction.atomic():
        _fund, _request, locked = _locked_claim(claim, _("Only a claim under review can be returned."))
        _decide(locked, ClaimStatus.RETURNED, actor, comment)
        audit(actor=actor, action="fund_claim.returned", target=locked, comment=comment)
        _notify("claim_decided", locked.pk)
    return locked


def claim_reject(*, claim: Claim, actor, comment: str) -> Claim:
    """Nothing is paid; the whole reservation goes back to the fund."""
    comment = _required_comment(comment)
    with transaction.atomic():
        fund, locked_request, locked = _locked_claim(claim, _("Only a claim under review can be rejected."))
        reserved = locked_request.approved_amount or Decimal(0)
        _move(
            fund, Kind.RELEASE, reserved, actor=actor, request=locked_request, claim=locked, reason="rejected"
        )
        _decide(locked, ClaimStatus.REJECTED, actor, comment)
        locked_request.status = RequestStatus.CLAIMED
        locked_request.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor, action="fund_claim.rejected", target=locked, comment=comment, released=str(reserved)
        )
        _notify("claim_decided", locked.pk)
    return locked


def claims_paid(*, claim_ids: Collection[int], paid_on: date, actor) -> None:
    """Record each claim's payment (the payouts app calls this when a transfer is booked):
    the approved amount moves from "to pay" to "paid" in its fund. Funds are locked in id
    order, then the claims; a claim already paid is skipped, so a retried payout changes
    nothing (and the ledger's unique payment row would refuse a second one anyway)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return
    with transaction.atomic():
        fund_ids = sorted(set(Claim.objects.filter(pk__in=ids).values_list("request__fund_id", flat=True)))
        funds = {f.pk: f for f in Fund.objects.select_for_update().filter(pk__in=fund_ids).order_by("pk")}
        claims = Claim.objects.select_for_update().filter(pk__in=ids).select_related("request").order_by("pk")
        for claim in claims:
            if claim.paid_on is not None:
                continue
            if claim.status != ClaimStatus.APPROVED or not claim.approved_amount:
                raise FundsError(_("Only approved claims can be paid."))
            entry = _move(
                funds[claim.request.fund_id], Kind.PAYMENT, claim.approved_amount, actor=actor, claim=claim
            )
            claim.paid_on = paid_on
            claim.save(update_fields=["paid_on", "updated_at"])
            audit(
                actor=actor,
                action="fund_claim.paid",
                target=claim,
                amount=str(claim.approved_amount),
                paid_on=str(paid_on),
                entry=entry.pk,
            )


def _notify(event: str, pk: int) -> None:
    from funds import tasks

    tasks.notify.delay_on_commit(event, pk)
