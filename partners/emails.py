"""Recruitment e-mails: subject / text / HTML trios in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def send(*, template: str, to: str, language: str, context: dict) -> None:
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = render_to_string(f"partners/emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"partners/emails/{template}.txt", context)
        html = render_to_string(f"partners/emails/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def application_received(application) -> None:
    send(
        template="application_received",
        to=application.contact_email,
        language=application.language,
        context={"application": application},
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
        context={"invitation": invitation, "accept_url": url, "application": application},
    )
