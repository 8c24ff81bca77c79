"""The layout's navigation bar at a fixed, small cost per request.

The bar (brand, the partner navigation, the staff links, the language switch, the bell and
the user menu) is rendered once per process for each shape: language, active item, staff or
not, signed in or not, partner or not. What differs per person is left as slots
(`<!--slot:name-->`: the badges, the bell, the user's and the partner's names, the CSRF token
and the current path) and filled in with one regular-expression pass. Its URL reversals and
translations therefore run once per process and language, not per request; the badges and
the bell are rendered once per count. Nothing here is stored in Redis: the bar is a function
of the code, its templates and translations, which change only with a deploy (a restart).
"""

import re
from functools import lru_cache

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from prm.ui.navigation import PARTNER_NAV

SLOT = re.compile(r"<!--slot:([\w-]+)-->")


def slot(name: str) -> SafeString:
    return mark_safe(f"<!--slot:{name}-->")


@lru_cache(maxsize=1)
def nav_urls() -> dict[str, str]:
    """The partner navigation's addresses, reversed once per process (URLs do not depend on
    the language here: there are no language prefixes)."""
    return {key: reverse(url_name) for key, _label, url_name in PARTNER_NAV}


@lru_cache(maxsize=512)
def _skeleton(
    language: str, active_nav: str, staff: bool, signed_in: bool, partner: bool, partner_admin: bool = False
) -> str:
    urls = nav_urls()
    items = [
        {"key": key, "label": label, "url": urls[key], "badge": slot(f"badge-{key}")}
        for key, label, _url_name in PARTNER_NAV
        if partner
    ]
    with translation.override(language):
        return render_to_string(
            "partials/navbar.html",
            {
                "nav_items": items,
                "active_nav": active_nav,
                "is_staff_user": staff,
                "signed_in": signed_in,
                "has_partner": partner,
                "partner_admin": partner_admin,
                "user_name": slot("user"),
                "partner_name": slot("partner"),
                "csrf_token": slot("csrf"),
                "next_path": slot("next"),
                "bell": slot("bell"),
            },
        )


@lru_cache(maxsize=1024)
def badge(language: str, key: str, count: int) -> str:
    if not count:
        return ""
    with translation.override(language):
        return render_to_string("partials/nav_badge.html", {"key": key, "count": count})


@lru_cache(maxsize=1024)
def bell(language: str, count: int) -> str:
    with translation.override(language):
        return render_to_string("partials/notification_bell.html", {"notification_unread": count})


def navbar(context) -> SafeString:
    """The bar for the page being rendered (`{% navbar %}` in base.html)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    partner = context.get("current_partner")
    counts = {item["key"]: item["badge"] for item in context.get("nav_items") or ()}
    language = translation.get_language()
    html = _skeleton(
        language,
        str(context.get("active_nav") or ""),
        bool(context.get("is_staff_user")),
        signed_in,
        bool(counts),
        bool(counts) and bool(getattr(context.get("membership"), "is_admin", False)),
    )
    values = {
        "csrf": get_token(request) if request is not None else "",
        "next": escape(request.get_full_path()) if request is not None else "",
        "user": escape(user.get_short_name()) if signed_in else "",
        "partner": escape(partner.name) if partner is not None else "",
        "bell": bell(language, _count(context.get("notification_unread"))) if signed_in else "",
    }
    values.update({f"badge-{key}": badge(language, key, _count(count)) for key, count in counts.items()})
    return mark_safe(SLOT.sub(lambda m: values.get(m.group(1), ""), html))


def _count(value) -> int:
    """A count from the context (the staff bell is a callable, counted only when shown)."""
    return int((value() if callable(value) else value) or 0)
