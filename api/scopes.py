"""What a token may do: read or write, per area. A token acts as its user, so a scope only
narrows what the user may already do in the portal; it never widens it.

Partner users' tokens carry partner areas, channel managers' tokens vendor areas. `write`
includes `read`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

READ, WRITE = "read", "write"


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    writable: bool
    audience: str  # "partner" or "vendor"


AREAS = [
    Area("deals", _("Deal registrations"), True, "partner"),
    Area("incentives", _("Tier, scorecard, earnings and statements"), False, "partner"),
    Area("training", _("Certifications of our members"), False, "partner"),
    Area("content", _("Content library"), False, "partner"),
    Area("questions", _("Questions"), True, "partner"),
    Area("onboarding", _("Onboarding plan and tasks"), True, "partner"),
    Area("partners", _("Partners and their lifecycle"), True, "vendor"),
    Area("applications", _("Partner applications"), True, "vendor"),
    Area("vendor_deals", _("Deal registrations of my partners"), True, "vendor"),
    Area("programme", _("Tiers, tier changes, incentive programmes and campaigns"), False, "vendor"),
]
BY_CODE = {area.code: area for area in AREAS}


def scope(area: str, access: str) -> str:
    return f"{area}:{access}"


def choices(audience: str) -> list[tuple[str, str]]:
    """(scope, label) pairs a token of this audience may carry, read before write."""
    rows = []
    for area in AREAS:
        if area.audience != audience:
            continue
        rows.append((scope(area.code, READ), _("%(area)s: read") % {"area": area.label}))
        if area.writable:
            rows.append((scope(area.code, WRITE), _("%(area)s: read and write") % {"area": area.label}))
    return rows


def all_scopes(audience: str) -> list[str]:
    return [code for code, _label in choices(audience)]


def allows(scopes, area: str, access: str) -> bool:
    """True when `scopes` grant `access` to `area` (write implies read)."""
    granted = set(scopes or ())
    if access == READ and scope(area, WRITE) in granted:
        return True
    return scope(area, access) in granted
