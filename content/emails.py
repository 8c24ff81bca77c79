from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from content.queries import stage_phrase


def send_digest(*, user, partner, assets, stage) -> None:
    """The weekly "new for you" e-mail, in the recipient's language, with one-click unsubscribe."""
    from content.services import unsubscribe_token

    unsubscribe_url = settings.SITE_URL + reverse("content:unsubscribe", args=[unsubscribe_token(user)])
    with translation.override(user.language):
        context = {
            "user": user,
            "partner": partner,
            "stage": stage_phrase(stage),
            "items": [
                {"asset": a, "url": settings.SITE_URL + reverse("content:detail", args=[a.pk])}
                for a in assets
            ],
            "library_url": settings.SITE_URL + reverse("content:index"),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = render_to_string("content/emails/digest_subject.txt", context).strip()
        text = render_to_string("content/emails/digest.txt", context)
        html = render_to_string("content/emails/digest.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
