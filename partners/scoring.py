"""Fit score of an application against the ideal partner profiles (0-100, with reasons).

Each profile criterion that is set carries a weight; the score is the share of the weights
the application earns, scaled to 100. Capabilities earn their weight in proportion to the
required capabilities the applicant has. Criteria a profile leaves empty are not counted
(neither in the score nor in the total), so a profile of "type + region" only can reach 100.
The best-matching active profile wins; its reasons are stored on the application.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from partners.models import IdealProfile


@dataclass
class Fit:
    score: int = 0
    profile: "IdealProfile | None" = None
    reasons: list = field(default_factory=list)  # [{"key", "label", "points", "matched"}]


def _points(weight: int, total: int, share: float = 1.0) -> int:
    return round(weight * share * 100 / total) if total else 0


def score_against(profile, *, partner_type, country, company_size, industry_codes, capability_codes) -> Fit:
    """Score one applicant (plain values) against one profile (with prefetched m2m)."""
    criteria = []  # (key, weight, share 0..1, label args)
    if profile.partner_type and profile.weight_type:
        criteria.append(
            ("type", profile.weight_type, 1.0 if partner_type == profile.partner_type else 0.0, partner_type)
        )
    countries = [str(c) for c in profile.countries]
    if countries and profile.weight_region:
        criteria.append(
            ("region", profile.weight_region, 1.0 if str(country) in countries else 0.0, str(country))
        )
    profile_industries = {i.code: i for i in profile.industries.all()}
    if profile_industries and profile.weight_industry:
        common = [profile_industries[code] for code in sorted(set(profile_industries) & set(industry_codes))]
        # Names in both languages: the reasons are stored and shown in the reader's language.
        names = {"ja": "、".join(i.name_ja for i in common), "en": ", ".join(i.name_en for i in common)}
        criteria.append(("industry", profile.weight_industry, 1.0 if common else 0.0, names))
    if (profile.size_min or profile.size_max) and profile.weight_size:
        low, high = profile.size_min or "1", profile.size_max or "9"
        criteria.append(
            ("size", profile.weight_size, 1.0 if company_size and low <= company_size <= high else 0.0, "")
        )
    required = {c.code for c in profile.capabilities.all()}
    if required and profile.weight_capabilities:
        have = required & set(capability_codes)
        criteria.append(
            (
                "capabilities",
                profile.weight_capabilities,
                len(have) / len(required),
                f"{len(have)}/{len(required)}",
            )
        )

    total = sum(weight for _key, weight, _share, _arg in criteria)
    fit = Fit(profile=profile)
    for key, weight, share, arg in criteria:
        points = _points(weight, total, share)
        fit.reasons.append(
            {"key": key, "arg": arg, "points": points, "max": _points(weight, total), "matched": share > 0}
        )
        fit.score += points
    fit.score = min(fit.score, 100)
    return fit


REASON_LABELS = {
    ("type", True): _("matches partner type: +%(points)s"),
    ("type", False): _("different partner type: +0 of %(max)s"),
    ("region", True): _("matches region %(arg)s: +%(points)s"),
    ("region", False): _("region %(arg)s not targeted: +0 of %(max)s"),
    ("industry", True): _("matches industry (%(arg)s): +%(points)s"),
    ("industry", False): _("no target industry: +0 of %(max)s"),
    ("size", True): _("company size in range: +%(points)s"),
    ("size", False): _("company size out of range: +0 of %(max)s"),
    ("capabilities", True): _("has %(arg)s required capabilities: +%(points)s"),
    ("capabilities", False): _("has none of the required capabilities: +0 of %(max)s"),
}


def reason_text(reason: dict) -> str:
    values = dict(reason)
    if isinstance(values.get("arg"), dict):
        values["arg"] = values["arg"].get(translation.get_language() or "ja") or values["arg"].get("en", "")
    return str(REASON_LABELS[(reason["key"], reason["matched"])]) % values


def best_fit(profiles, **applicant) -> Fit:
    best = Fit()
    for profile in profiles:
        fit = score_against(profile, **applicant)
        if best.profile is None or fit.score > best.score:
            best = fit
    return best
