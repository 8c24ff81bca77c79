from functools import wraps

from django.urls import NoReverseMatch, reverse

from prm.navigation import PARTNER_NAV, badge
from prm.tenancy import active_membership


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
    if membership is not None:
        for key, label, url_name, badge_path in PARTNER_NAV:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"key": key, "label": label, "url": url, "badge": badge(badge_path, request)})
    return {
        "nav_items": items,
        "membership": membership,
        "current_partner": membership.partner if membership else None,
        "is_staff_user": user.is_staff,
    }
