"""E-mails of this app: a subject / text / HTML trio per message, in the recipient's language."""

from django.conf import settings

from prm.notifications.emails import send_to_user, templates


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mail(name: str, context: dict) -> dict:
    """The trio of `name` for prm.notifications.center.notify(email=...)."""
    return {**templates(f"onboarding/emails/{name}"), "context": context}


def send(name: str, user, context: dict) -> None:
    """Render onboarding/emails/<name>_subject.txt, <name>.txt and <name>.html for `user`."""
    if not user.email or not user.is_active:
        return
    send_to_user(user, stem=f"onboarding/emails/{name}", context=context)
