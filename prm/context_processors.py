from functools import cache, partial

from django.urls import reverse

from prm import registry
from prm.navigation import PARTNER_NAV
from prm.notifications import unread_count
from prm.tenancy import active_membership


def portal(request):
    """Navigation and the signed-in person's place in the portal, for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "membership": None}
    membership = active_membership(user)
    items = []
    if membership is not None:
        for key, label, url_name in PARTNER_NAV:
            items.append(
                {
                    "key": key,
                    "label": label,
                    "url": reverse(url_name),
                    "badge": registry.nav_badge(key, request),
                }
            )
    return {
        "nav_items": items,
        # Evaluated only where base.html shows the bell: one indexed count.
        "notification_unread": cache(partial(unread_count, user)),
        "membership": membership,
        "current_partner": membership.partner if membership else None,
        "is_staff_user": user.is_staff,
    }
