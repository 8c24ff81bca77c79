"""The one way the portal sends an e-mail: a subject / text / HTML trio rendered in the
recipient's language, with `site_url` for absolute links, sent through Django's mail API."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(
    *,
    to: list[str],
    language: str | None,
    subject_template: str,
    text_template: str,
    html_template: str,
    context: dict,
    headers: dict | None = None,
) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        # Subjects are one line, however the template wraps them.
        subject = " ".join(render_to_string(subject_template, context).split())
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()
