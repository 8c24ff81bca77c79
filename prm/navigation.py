"""The portal's main navigation. Badges are looked up by dotted path so that `prm`
does not import the feature apps (they depend on it, not the other way round)."""

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

PARTNER_NAV = [
    # (key, label, url name, badge function "module.function(request) -> int" or None)
    ("home", _("Home"), "home", None),
    ("onboarding", _("Onboarding"), "onboarding:index", None),
    ("training", _("Training"), "onboarding:training", None),
    ("content", _("Content"), "content:index", None),
    ("deals", _("Deals"), "incentives:deals", None),
    ("incentives", _("Incentives"), "incentives:scorecard", None),
    ("campaigns", _("Campaigns"), "promotion:index", None),
    ("questions", _("Questions"), "threads:list", "threads.queries.unread_badge"),
]


def badge(path: str | None, request) -> int:
    if not path:
        return 0
    try:
        func = import_string(path)
    except ImportError:
        return 0
    return func(request)
