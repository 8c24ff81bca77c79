"""Thin tasks: load by id, send. Enqueued on commit; retried when the mail server fails."""

from smtplib import SMTPException

from celery import shared_task

from partners import emails, services
from partners.models import Application, Partner, Prospect

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def send_application_received(application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is not None:
        emails.application_received(application)


@shared_task(acks_late=True, **RETRY)
def send_application_rejected(application_id: int) -> None:
    application = Application.objects.filter(pk=application_id, status=Application.Status.REJECTED).first()
    if application is not None:
        emails.application_rejected(application)


@shared_task(acks_late=True, **RETRY)
def send_invitation(invitation_id: int, marker: str, application_id: int | None = None) -> None:
    """Only ids travel through the broker: the link's token is made when the mail is sent
    (services.invitation_mail_token); a task for an older send (resent since) sends nothing."""
    found = services.invitation_mail_token(invitation_id=invitation_id, marker=marker)
    if found is None:
        return
    invitation, token = found
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    emails.invitation(invitation, token, application)


@shared_task(acks_late=True)
def rescore_applications() -> int:
    return services.applications_rescore()


@shared_task(acks_late=True, **RETRY)
def send_partner_status(partner_id: int, status: str, user_ids: list[int], event: str) -> None:
    """Tell the members of a partner that its status changed (skipped if it changed again)."""
    partner = Partner.objects.filter(pk=partner_id, status=status).first()
    if partner is not None:
        emails.partner_status(partner, user_ids, event)


@shared_task(acks_late=True, **RETRY)
def send_prospect_invitation(prospect_id: int, invited_at: str) -> None:
    """Send the invitation made at `invited_at`; nothing when it was renewed or answered since."""
    prospect = (
        Prospect.objects.filter(pk=prospect_id, stage=Prospect.Stage.INVITED)
        .select_related("invited_by")
        .first()
    )
    if prospect is None or prospect.invited_at is None or prospect.invited_at.isoformat() != invited_at:
        return
    emails.prospect_invitation(prospect, services.prospect_invitation_token(prospect))
