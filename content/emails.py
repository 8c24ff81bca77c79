from django.conf import settings
from django.urls import reverse
from django.utils import translation

from content.queries import stage_phrase
from prm.notifications.emails import send_templated_mail


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
    send_templated_mail(
        to=[user.email],
        language=user.language,
        subject_template="content/emails/digest_subject.txt",
        text_template="content/emails/digest.txt",
        html_template="content/emails/digest.html",
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
