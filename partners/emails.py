"""Recruitment e-mails: subject / text / HTML trios in the recipient's language."""

from django.conf import settings
from django.urls import reverse

from partners.services import PROSPECT_INVITATION_DAYS
from prm.models import User
from prm.notifications.emails import send_templated_mail, templates


def send(*, template: str, to: str, language: str, context: dict) -> None:
    send_templated_mail(
        to=[to], language=language, context=context, **templates(f"partners/emails/{template}")
    )


def application_received(application) -> None:
    """A fixed text: the address is whatever the form named, so none of the applicant's
    words go into it (no name, company or website; the template gets no application)."""
    send(
        template="application_received",
        to=application.contact_email,
        language=application.language,
        context={},
    )


def application_rejected(application) -> None:
    send(
        template="application_rejected",
        to=application.contact_email,
        language=application.language,
        context={"application": application, "apply_url": settings.SITE_URL + reverse("partners:apply")},
    )


def invitation(invitation, token: str, application=None) -> None:
    url = settings.SITE_URL + reverse("partners:invitation_accept", kwargs={"token": token})
    send(
        template="invitation",
        to=invitation.email,
        language=invitation.language,
        context={"invitation": invitation, "url": url, "application": application},
    )


def partner_status(partner, user_ids, event: str) -> None:
    """One e-mail per member about activation, suspension, reactivation or offboarding."""
    context = {"partner": partner, "url": settings.SITE_URL + "/"}
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        send(
            template=f"partner_{event}",
            to=user.email,
            language=user.language,
            context={**context, "user": user},
        )


def prospect_invitation(prospect, token: str) -> None:
    """The manager's personal invitation: the link pre-fills the application form."""
    url = settings.SITE_URL + reverse("partners:apply_invited", kwargs={"token": token})
    inviter = prospect.invited_by.get_full_name() or prospect.invited_by.email if prospect.invited_by else ""
    send(
        template="prospect_invitation",
        to=prospect.contact_email,
        language=prospect.language,
        context={
            "prospect": prospect,
            "url": url,
            "inviter": inviter,
            "valid_days": PROSPECT_INVITATION_DAYS,
        },
    )
