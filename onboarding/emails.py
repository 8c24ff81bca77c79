"""E-mails of this app: a subject / text / HTML trio per message, in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send(name: str, user, context: dict) -> None:
    """Render onboarding/emails/<name>_subject.txt, _body.txt and _body.html for `user`."""
    if not user.email or not user.is_active:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"onboarding/emails/{name}_subject.txt", ctx).split())
        text = render_to_string(f"onboarding/emails/{name}_body.txt", ctx)
        html = render_to_string(f"onboarding/emails/{name}_body.html", ctx)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
