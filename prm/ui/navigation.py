"""The portal's main navigation. Badges are registered by the feature apps in their
`AppConfig.ready()` (`prm.ui.registry.register_nav_badge`), so `prm` imports none of them."""

from django.utils.translation import gettext_lazy as _

PARTNER_NAV = [
    # (key, label, url name); a badge is registered for the key (prm.ui.registry)
    ("home", _("Home"), "home"),
    ("onboarding", _("Onboarding"), "onboarding:index"),
    ("training", _("Training"), "training:index"),
    ("content", _("Content"), "content:index"),
    ("deals", _("Deals"), "incentives:deals"),
    ("leads", _("Leads"), "leads:index"),
    ("incentives", _("Incentives"), "incentives:scorecard"),
    ("campaigns", _("Campaigns"), "promotion:index"),
    ("questions", _("Questions"), "threads:list"),
]
