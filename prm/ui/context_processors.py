from functools import cache, partial, wraps

from prm.cache import pagecache
from prm.notifications.center import unread, unread_count
from prm.tenancy import active_membership
from prm.ui import registry
from prm.ui.layout import nav_urls
from prm.ui.navigation import PARTNER_NAV


def once_per_request(processor):
    """Memoise a context processor on the request: every `render_to_string(request=...)`
    (one per home panel, per htmx fragment) builds a RequestContext that runs all context
    processors again; the layout's queries (membership, nav badges) must run once."""
    attr = f"_prm_context_{processor.__name__}"

    @wraps(processor)
    def wrapper(request):
        cached = getattr(request, attr, None)
        if cached is None:
            cached = processor(request)
            setattr(request, attr, cached)
        return cached

    return wrapper


@once_per_request
def portal(request):
    """Navigation and the signed-in person's place in the portal, for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "membership": None}
    membership = active_membership(user)
    items = []
    # Evaluated only where base.html shows the bell: exact under the person's scope.
    bell = cache(
        partial(pagecache.cached, "prm:bell", (pagecache.person(user.pk),), partial(unread_count, user))
    )
    if membership is not None:
        # The badges and the bell in one query, cached per person until one of them moves.
        counts = registry.cached_nav_counts(
            request, membership.partner_id, extra=lambda: {"_bell": unread(user)}
        )
        bell = counts["_bell"]
        urls = nav_urls()  # reversed once per process
        for key, label, _url_name in PARTNER_NAV:
            items.append({"key": key, "label": label, "url": urls[key], "badge": counts.get(key, 0)})
    return {
        "nav_items": items,
        "notification_unread": bell,
        "membership": membership,
        "current_partner": membership.partner if membership else None,
        "is_staff_user": user.is_staff,
    }
