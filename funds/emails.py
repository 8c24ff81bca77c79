"""Notifications and e-mails of the funds app, sent by tasks after commit, in each
recipient's language (prm.notifications.center: one row per person and event, so a retried
task neither shows nor sends anything twice)."""

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from funds.models import Claim, FundRequest
from partners.queries import partner_admins
from prm.i18n.business_days import add_business_days
from prm.notifications.center import notify
from prm.notifications.emails import templates
from prm.notifications.recipients import assigned_managers


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def request_submitted(*, request_id: int) -> None:
    request = FundRequest.objects.select_related("partner").filter(pk=request_id).first()
    if request is None or request.status != FundRequest.Status.SUBMITTED:
        return
    notify(
        kind="mdf_submitted",
        recipients=assigned_managers(request.partner),
        event_key=f"mdfrequest:{request.pk}:submitted:{request.submitted_at.timestamp():.0f}",
        params={"partner": request.partner.name, "title": request.title, "variant": "request"},
        url=reverse("funds:staff_request", args=[request.pk]),
        partner_id=request.partner_id,
    )


def claim_submitted(*, claim_id: int) -> None:
    claim = Claim.objects.select_related("partner", "request").filter(pk=claim_id).first()
    if claim is None or claim.status != Claim.Status.SUBMITTED:
        return
    notify(
        kind="mdf_submitted",
        recipients=assigned_managers(claim.partner),
        event_key=f"mdfclaim:{claim.pk}:submitted:{claim.submitted_at.timestamp():.0f}",
        params={"partner": claim.partner.name, "title": claim.request.title, "variant": "claim"},
        url=reverse("funds:staff_request", args=[claim.request_id]),
        partner_id=claim.partner_id,
    )


def request_decided(*, request_id: int) -> None:
    request = FundRequest.objects.select_related("partner").filter(pk=request_id).first()
    if request is None or request.decided_at is None:
        return
    _decided(request, f"request_{request.status}", request.decided_at, claim=None)


def claim_decided(*, claim_id: int) -> None:
    claim = Claim.objects.select_related("partner", "request").filter(pk=claim_id).first()
    if claim is None or claim.status == Claim.Status.SUBMITTED:
        return
    _decided(claim.request, f"claim_{claim.status}", claim.decided_at or claim.updated_at, claim=claim)


def _decided(request: FundRequest, variant: str, when, *, claim: Claim | None) -> None:
    path = reverse("funds:request", args=[request.pk])
    notify(
        kind="mdf_decided",
        recipients=partner_admins(request.partner_id),
        event_key=f"mdfrequest:{request.pk}:{variant}:{when.timestamp():.0f}",
        params={"title": request.title, "variant": variant},
        url=path,
        partner_id=request.partner_id,
        email={
            **templates("funds/emails/decision"),
            "context": {"request": request, "claim": claim, "variant": variant, "url": _absolute(path)},
        },
    )


def reminders_send(*, today: date | None = None) -> int:
    """Daily: managers hear of decisions due by the next business day or overdue; partner
    admins hear of claims due within two weeks. Each (person, item, due date) once."""
    today = today or timezone.localdate()
    horizon = add_business_days(today, 1)
    sent = 0
    for request in (
        FundRequest.objects.pending().filter(decision_due_on__lte=horizon).select_related("partner")
    ):
        sent += _decision_due(request.partner, request, "request", request.decision_due_on, request.pk)
    for claim in Claim.objects.filter(
        status=Claim.Status.SUBMITTED, decision_due_on__lte=horizon
    ).select_related("partner", "request"):
        sent += _decision_due(claim.partner, claim.request, "claim", claim.decision_due_on, claim.pk)
    for request in FundRequest.objects.filter(
        status=FundRequest.Status.APPROVED,
        claim__isnull=True,
        ends_on__lte=today,
        claim_due_on__lte=today + timedelta(days=14),
    ).select_related("partner"):
        sent += notify(
            kind="mdf_claim_due",
            recipients=partner_admins(request.partner_id),
            event_key=f"mdfrequest:{request.pk}:claimdue:{request.claim_due_on}",
            params={"title": request.title, "date": str(request.claim_due_on)},
            url=reverse("funds:claim_new", args=[request.pk]),
            partner_id=request.partner_id,
        )
    return sent


def _decision_due(partner, request: FundRequest, what: str, due_on, pk: int) -> int:
    return notify(
        kind="mdf_decision_due",
        recipients=assigned_managers(partner),
        event_key=f"mdf{what}:{pk}:due:{due_on}",
        params={"partner": partner.name, "title": request.title, "date": str(due_on), "variant": what},
        url=reverse("funds:staff_request", args=[request.pk]),
        partner_id=partner.pk,
    )
