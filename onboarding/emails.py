"""E-mails of this app: a subject / text / HTML trio per message, in the recipient's language."""

from django.conf import settings

from prm.emails import send_templated_mail


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mail(name: str, context: dict) -> dict:
    """The trio of `name` for prm.notifications.notify(email=...)."""
    return {
        "subject_template": f"onboarding/emails/{name}_subject.txt",
        "text_template": f"onboarding/emails/{name}_body.txt",
        "html_template": f"onboarding/emails/{name}_body.html",
        "context": context,
    }


def send(name: str, user, context: dict) -> None:
    """Render onboarding/emails/<name>_subject.txt, _body.txt and _body.html for `user`."""
    if not user.email or not user.is_active:
        return
    send_templated_mail(
        to=[user.email],
        language=user.language,
        subject_template=f"onboarding/emails/{name}_subject.txt",
        text_template=f"onboarding/emails/{name}_body.txt",
        html_template=f"onboarding/emails/{name}_body.html",
        context={"user": user, **context},
    )
