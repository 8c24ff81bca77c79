"""Writes of the payouts app: payee profiles, payment statements, transfer files and the
paid step. Keyword-only, transactional, audited (prm.audit.log.audit)."""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from funds import queries as fund_queries
from funds import services as fund_services
from funds.models import Claim
from incentives import queries as incentive_queries
from incentives import services as incentive_services
from incentives.models import Earning, IncentiveProgram, Statement
from payouts import invoice, zengin
from payouts.models import PayeeProfile, Payout, PayoutLine, TransferBatch
from prm.audit.log import audit
from prm.audit.transitions import transition

PROFILE_FIELDS = (
    "legal_name",
    "registration_number",
    "bank_code",
    "bank_name_kana",
    "branch_code",
    "branch_name_kana",
    "account_type",
    "account_number",
    "account_holder_kana",
)
# Changes to these send the money somewhere else: finance reviews them again.
BANK_FIELDS = ("bank_code", "branch_code", "account_type", "account_number", "account_holder_kana")
KIND_OF_PROGRAM = {
    IncentiveProgram.Kind.REBATE: PayoutLine.Kind.REBATE,
    IncentiveProgram.Kind.SPIFF: PayoutLine.Kind.SPIFF,
    IncentiveProgram.Kind.TIER_BONUS: PayoutLine.Kind.TIER_BONUS,
}


BUILD_LOCK = 2701  # the advisory lock space of payouts_build (one key per month)


class PayoutsError(Exception):
    """A payout action that is not allowed now; the message says why, in the user's language."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- Payee profile ---------------------------------------------------------------------


@transaction.atomic
def payee_profile_save(*, partner, actor, data: dict) -> PayeeProfile:
    """The partner's admin writes the profile: every change waits for finance's review again
    (a changed bank account is the classic way to divert a payment). Audited field by field,
    the account number masked."""
    profile = PayeeProfile.objects.select_for_update().filter(partner=partner).first()
    before = (
        {f: getattr(profile, f) for f in PROFILE_FIELDS} if profile else dict.fromkeys(PROFILE_FIELDS, "")
    )
    if profile is None:
        profile = PayeeProfile(partner=partner)
    changed = [f for f in PROFILE_FIELDS if data[f] != before[f]]
    if not changed:
        return profile
    for field in PROFILE_FIELDS:
        setattr(profile, field, data[field])
    profile.status = PayeeProfile.Status.PENDING
    profile.submitted_by = actor
    profile.reviewed_by, profile.reviewed_at = None, None
    profile.full_clean()
    profile.save()
    audit(
        actor=actor,
        action="payee_profile.changed",
        target=profile,
        partner=partner,
        fields=changed,
        bank_changed=any(f in BANK_FIELDS for f in changed),
        account=profile.account_number_masked,
    )
    return profile


def payee_profile_approve(*, profile: PayeeProfile, actor) -> PayeeProfile:
    return transition(
        profile,
        allowed=lambda p: p.status == PayeeProfile.Status.PENDING and p.submitted_by_id != actor.pk,
        error=PayoutsError(
            _("Only a profile waiting for review can be approved, and not by the person who wrote it.")
        ),
        values={"status": PayeeProfile.Status.APPROVED, "reviewed_by": actor, "reviewed_at": timezone.now()},
        action="payee_profile.approved",
        actor=actor,
        audit_data=lambda p: {"account": p.account_number_masked},
    )


# --- Payment statements ------------------------------------------------------------------


def _earning_line(earning: Earning) -> PayoutLine:
    program, deal, change = earning.program, earning.deal, earning.tier_change
    if deal is not None:
        detail = deal.customer_company
    elif change is not None and change.to_tier is not None:
        detail = change.to_tier.label
    else:
        detail = ""
    description = f"{program.name} ({detail})" if detail else program.name
    return PayoutLine(
        kind=KIND_OF_PROGRAM[IncentiveProgram.Kind(program.kind)],
        description=description[:300],
        transaction_date=month_end(earning.statement.period),
        rate=invoice.STANDARD,
        amount=earning.amount,
        earning=earning,
    )


def _claim_line(claim: Claim) -> PayoutLine:
    """An approved MDF claim: the activity's last day is when the service was supplied."""
    return PayoutLine(
        kind=PayoutLine.Kind.MDF,
        description=claim.description[:300],
        transaction_date=claim.request.ends_on,
        rate=invoice.STANDARD,
        amount=claim.approved_amount or Decimal(0),  # claims_payable: approved, above zero
        claim=claim,
    )


def payout_totals(payout: Payout, lines: Iterable[PayoutLine]) -> None:
    """Set the statement's totals: the tax once per rate on the rate's total (invoice.tax_by_rate)."""
    taxed = invoice.tax_by_rate((line.rate, line.amount) for line in lines)
    payout.net_standard, payout.tax_standard = taxed.get(invoice.STANDARD, (0, 0))
    payout.net_reduced, payout.tax_reduced = taxed.get(invoice.REDUCED, (0, 0))
    payout.total = payout.net_standard + payout.tax_standard + payout.net_reduced + payout.tax_reduced


@transaction.atomic
def payouts_build(*, period: date, actor, partner_ids: Iterable[int] | None = None) -> dict:
    """Payment statements of `period` (a month): every approved earning of that month or
    before, and every MDF claim approved by its end, that no statement holds yet, per partner. Draft statements of the month are
    rebuilt; approved and paid ones are never touched (what arrives after them waits for the
    next month). A fixed number of queries, whatever the number of partners."""
    period = month_start(period)
    ids = None if partner_ids is None else list(partner_ids)
    # One build of a month at a time (two finance clerks at once): the second waits for the
    # first and then sees its statements, instead of inserting the same ones again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BUILD_LOCK, period.toordinal()])
    drafts = Payout.objects.select_for_update().filter(period=period, status=Payout.Status.DRAFT)
    if ids is not None:
        drafts = drafts.filter(partner_id__in=ids)
    draft_ids = list(drafts.values_list("pk", flat=True))
    PayoutLine.objects.filter(payout_id__in=draft_ids).delete()
    closed = set(
        Payout.objects.filter(period=period)
        .exclude(status=Payout.Status.DRAFT)
        .values_list("partner_id", flat=True)
    )
    lines_by_partner: dict[int, list[PayoutLine]] = defaultdict(list)
    earnings = incentive_queries.earnings_payable(until=month_end(period), partner_ids=ids).filter(
        payout_line__isnull=True
    )
    for earning in earnings:
        if earning.partner_id not in closed:
            lines_by_partner[earning.partner_id].append(_earning_line(earning))
    claims = fund_queries.claims_payable(until=month_end(period), partner_ids=ids).filter(
        payout_line__isnull=True
    )
    for claim in claims:
        if claim.partner_id not in closed:
            lines_by_partner[claim.partner_id].append(_claim_line(claim))
    payouts = {p.partner_id: p for p in Payout.objects.filter(pk__in=draft_ids)}
    new = [Payout(partner_id=pid, period=period) for pid in lines_by_partner if pid not in payouts]
    for payout in Payout.objects.bulk_create(new):
        payouts[payout.partner_id] = payout
    for partner_id, lines in lines_by_partner.items():
        for line in lines:
            line.payout = payouts[partner_id]
        payout_totals(payouts[partner_id], lines)
    PayoutLine.objects.bulk_create([line for lines in lines_by_partner.values() for line in lines])
    written = [payouts[pid] for pid in lines_by_partner]
    Payout.objects.bulk_update(
        written, ["net_standard", "tax_standard", "net_reduced", "tax_reduced", "total", "updated_at"]
    )
    emptied = [pk for pid, p in payouts.items() if pid not in lines_by_partner for pk in [p.pk]]
    Payout.objects.filter(pk__in=emptied).delete()
    touched = sorted(set(payouts))
    audit(actor=actor, action="payouts.built", partners=touched, period=str(period), statements=len(written))
    return {"statements": len(written), "removed": len(emptied)}


@transaction.atomic
def payout_line_rate_set(*, line: PayoutLine, rate: int, actor) -> Payout:
    """Finance's review: a line taxed at the reduced rate (8%: food and drink bought for an
    activity, say) or back at the standard rate; the statement's tax is computed again."""
    if rate not in invoice.RATES:
        raise PayoutsError(_("Choose 10% or 8%."))
    payout = Payout.objects.select_for_update().get(pk=line.payout_id)
    if payout.status != Payout.Status.DRAFT:
        raise PayoutsError(_("Only the lines of a statement under review can change."))
    PayoutLine.objects.filter(pk=line.pk).update(rate=rate)
    payout_totals(payout, payout.lines.all())
    payout.save(
        update_fields=["net_standard", "tax_standard", "net_reduced", "tax_reduced", "total", "updated_at"]
    )
    audit(actor=actor, action="payout.line_rate_set", target=payout, line=line.pk, rate=rate)
    return payout


def payout_approve(*, payout: Payout, actor) -> Payout:
    """Finance reviewed the statement: it is issued with the payee's approved profile (its
    legal name and registration number are kept on the statement) and the notice is sent."""
    profile = PayeeProfile.objects.filter(partner_id=payout.partner_id).first()
    if profile is None or profile.status != PayeeProfile.Status.APPROVED:
        raise PayoutsError(
            _("The partner's payee profile must be approved before a statement can be approved.")
        )
    with transaction.atomic():
        payout = transition(
            payout,
            allowed=lambda p: p.status == Payout.Status.DRAFT and p.total > 0,
            error=PayoutsError(_("Only a statement under review with an amount to pay can be approved.")),
            values=lambda p: {
                "status": Payout.Status.APPROVED,
                "approved_at": timezone.now(),
                "approved_by": actor,
                "legal_name": profile.legal_name,
                "registration_number": profile.registration_number,
                "deductible_percent": invoice.deductible_percent(
                    registered=profile.registered, on=month_end(p.period)
                ),
            },
            action="payout.approved",
            actor=actor,
            audit_data=lambda p: {"total": str(p.total), "tax": str(p.tax_total)},
        )
        from payouts import tasks

        tasks.send_notice.delay_on_commit(payout.pk)
    return payout


def originator() -> zengin.Originator:
    return zengin.Originator(**settings.PRM_ZENGIN_ORIGINATOR)


@transaction.atomic
def transfer_batch_create(*, payouts: QuerySet[Payout], transfer_date: date, actor) -> TransferBatch:
    """A 全銀 総合振込 file for approved statements not yet in a file, to the payees' approved
    accounts. Statements whose payee profile waits for review are left out (say so)."""
    if transfer_date < timezone.localdate():
        raise PayoutsError(_("The transfer date cannot be in the past."))
    locked = list(
        payouts.select_for_update(of=("self",))
        .filter(status=Payout.Status.APPROVED, batch__isnull=True, total__gt=0)
        .order_by("pk")
    )
    profiles = {
        p.partner_id: p
        for p in PayeeProfile.objects.filter(
            partner_id__in=[p.partner_id for p in locked], status=PayeeProfile.Status.APPROVED
        )
    }
    included = [p for p in locked if p.partner_id in profiles]
    if not included:
        raise PayoutsError(
            _("No approved statement with an approved payee profile is waiting for a transfer.")
        )
    transfers = [_transfer(p, profiles[p.partner_id]) for p in included]
    batch = TransferBatch.objects.create(
        transfer_date=transfer_date,
        content=zengin.transfer_file(originator(), transfer_date, transfers),
        count=len(transfers),
        total=sum(p.total for p in included),
        created_by=actor,
    )
    Payout.objects.filter(pk__in=[p.pk for p in included]).update(batch=batch, updated_at=timezone.now())
    audit(
        actor=actor,
        action="transfer_batch.created",
        target=batch,
        partners=[p.partner_id for p in included],
        count=batch.count,
        total=str(batch.total),
    )
    return batch


def _transfer(payout: Payout, profile: PayeeProfile) -> zengin.Transfer:
    return zengin.Transfer(
        bank_code=profile.bank_code,
        bank_name=profile.bank_name_kana,
        branch_code=profile.branch_code,
        branch_name=profile.branch_name_kana,
        account_type=profile.account_type,
        account_number=profile.account_number,
        holder=profile.account_holder_kana,
        amount=int(payout.total),
        customer_code=payout.number,
    )


@transaction.atomic
def payout_mark_paid(*, payout: Payout, paid_on: date, actor) -> Payout:
    """The bank transferred the amount on `paid_on`: the statement is paid, and so are the
    incentive statements whose earnings it carried and the MDF claims on it."""
    if paid_on > timezone.localdate():
        raise PayoutsError(_("The transfer date cannot be in the future."))
    payout = transition(
        payout,
        allowed=lambda p: p.status == Payout.Status.APPROVED and p.batch_id is not None,
        error=PayoutsError(_("Only an approved statement in a transfer file can be marked as paid.")),
        values={"status": Payout.Status.PAID, "paid_on": paid_on, "paid_by": actor},
        action="payout.paid",
        actor=actor,
        audit_data=lambda p: {"paid_on": str(paid_on), "total": str(p.total)},
    )
    statement_ids = set(
        payout.lines.filter(earning__isnull=False).values_list("earning__statement_id", flat=True)
    )
    for statement in Statement.objects.filter(pk__in=statement_ids, status=Statement.Status.APPROVED):
        incentive_services.statement_mark_paid(statement=statement, actor=actor)
    claim_ids = list(payout.lines.filter(claim__isnull=False).values_list("claim_id", flat=True))
    fund_services.claims_paid(claim_ids=claim_ids, paid_on=paid_on, actor=actor)
    return payout


@transaction.atomic
def transfer_batch_paid(*, batch: TransferBatch, paid_on: date, actor, payout_ids=None) -> int:
    """The statements of the file the bank transferred on `paid_on` (`payout_ids`: those
    named; default every one still unpaid)."""
    payouts = batch.payouts.filter(status=Payout.Status.APPROVED).order_by("pk")
    if payout_ids is not None:
        payouts = payouts.filter(pk__in=list(payout_ids))
    n = 0
    for payout in payouts:
        payout_mark_paid(payout=payout, paid_on=paid_on, actor=actor)
        n += 1
    return n


def payout_unbatch(*, payout: Payout, actor) -> Payout:
    """The bank did not make this transfer (a closed account, a wrong name): the statement
    leaves its file, unpaid, and goes into the next file once the payee profile is right."""
    return transition(
        payout,
        allowed=lambda p: p.status == Payout.Status.APPROVED and p.batch_id is not None,
        error=PayoutsError(_("Only an unpaid statement in a transfer file can be taken out of it.")),
        values={"batch": None},
        action="payout.unbatched",
        actor=actor,
        audit_data=lambda p: {"total": str(p.total)},
    )
