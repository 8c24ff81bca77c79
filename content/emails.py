from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from content.queries import stage_phrase
from prm.models import User
from prm.notifications.emails import send_templated_mail, templates

UNSUBSCRIBE_SALT = "content.digest.unsubscribe"


def unsubscribe_token(user) -> str:
    """The signed token of the digest's one-click unsubscribe link."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_from_unsubscribe_token(token: str):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u")).first()


def send_digest(*, user, partner, assets, stage) -> None:
    """The weekly "new for you" e-mail, in the recipient's language, with one-click unsubscribe."""
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
            "url": settings.SITE_URL + reverse("content:index"),
            "unsubscribe_url": unsubscribe_url,
        }
    send_templated_mail(
        to=[user.email],
        language=user.language,
        **templates("content/emails/digest"),
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
