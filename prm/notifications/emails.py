"""The one way the portal sends an e-mail: a subject / text / HTML trio rendered in the
recipient's language, with `site_url` for absolute links, sent through Django's mail API."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def send_templated_mail(
    *,
    to: list[str],
    language: str | None,
    subject_template: str,
    text_template: str,
    html_template: str,
    context: dict,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """`attachments`: (filename, content, MIME type) triples, e.g. a PDF rendered in `language`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        # Subjects are one line, however the template wraps them.
        subject = " ".join(render_to_string(subject_template, context).split())
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()


def templates(stem: str) -> dict:
    """The subject / text / HTML trio named after `stem` (say "incentives/emails/deal_reviewed"):
    <stem>_subject.txt, <stem>.txt and <stem>.html; the text and HTML parts extend
    emails/base.txt and emails/base.html (tests/test_email_layout.py holds every app to it)."""
    return {
        "subject_template": f"{stem}_subject.txt",
        "text_template": f"{stem}.txt",
        "html_template": f"{stem}.html",
    }


def send_to_user(user, *, stem: str, context: dict, attachments=None) -> None:
    """The trio of `stem` to `user`, in the user's language, with `user` in the context."""
    send_templated_mail(
        to=[user.email],
        language=user.language,
        context={"user": user, **context},
        attachments=attachments,
        **templates(stem),
    )


def send_test_email(
    *, to: str, language: str | None = None, sender: str = "manage.py send_test_email"
) -> None:
    """A short message that proves the mail settings work (`manage.py send_test_email`)."""
    send_templated_mail(
        to=[to],
        language=language,
        context={"sender": sender, "sent_at": timezone.localtime()},
        **templates("prm/emails/test_email"),
    )
