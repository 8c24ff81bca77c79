"""Reads of the marketplace: the public directory's partners with their badges and public
listings, a listing's page, the partner's own listings and the staff review queue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone, translation

from incentives.models import PartnerTierState, Product
from marketplace.models import BadgeChoice, Listing, Screenshot
from partners.models import Capability, Industry, Partner
from prm.access.scoping import scoped
from training.queries import valid_certifications


@dataclass
class Badges:
    tier: str = ""
    tier_rank: int | None = None
    certifications: list[tuple[str, int]] = field(default_factory=list)  # (name, people)

    def __bool__(self) -> bool:
        return bool(self.tier or self.certifications)


def directory_partners() -> QuerySet[Partner]:
    """Partners shown in the public directory, each with `show_badges` (its opt-in) and its
    industries (`listings_by_partner` reads a page's listings in one query)."""
    return (
        Partner.objects.in_directory()
        .annotate(
            show_badges=Exists(BadgeChoice.objects.filter(partner=OuterRef("pk"), show_badges=True)),
        )
        .prefetch_related(
            Prefetch("industries", queryset=Industry.objects.all()),
        )
    )


def listings_by_partner(partners) -> dict[int, list[Listing]]:
    """The public listings of these (directory) partners, in one query."""
    found: dict[int, list[Listing]] = defaultdict(list)
    ids = [p.pk for p in partners]
    if ids:
        for listing in Listing.objects.public().filter(partner_id__in=ids).order_by("name_ja", "pk"):
            found[listing.partner_id].append(listing)
    return found


def directory_partner(slug: str) -> Partner | None:
    return (
        directory_partners()
        .prefetch_related(Prefetch("capabilities", queryset=Capability.objects.all()))
        .filter(slug=slug)
        .first()
    )


def badges_for(partners) -> dict[int, Badges]:
    """Badges of the partners that opted in (two grouped queries, whatever their number): the
    current tier and the certifications their people hold today, with how many people."""
    ids = [p.pk for p in partners if getattr(p, "show_badges", False)]
    badges: dict[int, Badges] = defaultdict(Badges)
    if not ids:
        return badges
    for state in PartnerTierState.objects.filter(partner_id__in=ids, tier__isnull=False).select_related(
        "tier"
    ):
        badges[state.partner_id].tier = state.tier.name
        badges[state.partner_id].tier_rank = state.tier.rank
    held = (
        valid_certifications(as_of=timezone.localdate())
        .filter(partner_id__in=ids)
        .values("partner_id", "certification_id", "certification__name_ja", "certification__name_en")
        .annotate(people=Count("user_id", distinct=True))
        .order_by("partner_id", "certification_id")
    )
    english = translation.get_language() == "en"
    for row in held:
        name = (row["certification__name_en"] if english else row["certification__name_ja"]) or (
            row["certification__name_ja"] or row["certification__name_en"]
        )
        badges[row["partner_id"]].certifications.append((name, row["people"]))
    return badges


def public_listings() -> QuerySet[Listing]:
    return (
        Listing.objects.public()
        .select_related("partner")
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.all()),
            Prefetch("industries", queryset=Industry.objects.all()),
        )
        .order_by("-published_at", "-pk")
    )


def newest_public_listings(limit: int) -> list[Listing]:
    """The landing page's few: name, partner and description only (one query)."""
    return list(Listing.objects.public().select_related("partner").order_by("-published_at", "-pk")[:limit])


def listing_page(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """Listings with everything their page shows (tags, screenshots, the partner)."""
    return listings.select_related("partner", "reviewed_by").prefetch_related(
        Prefetch("products", queryset=Product.objects.all()),
        Prefetch("industries", queryset=Industry.objects.all()),
        Prefetch("screenshots", queryset=Screenshot.objects.all()),
    )


def partner_listings(partner) -> QuerySet[Listing]:
    return Listing.objects.for_partner(partner).annotate(screenshot_count=Count("screenshots"))


def badges_shown(partner) -> bool:
    return BadgeChoice.objects.filter(partner=partner, show_badges=True).exists()


def review_queue(visible_partners, *, status: str = "") -> QuerySet[Listing]:
    """Listings of the partners a staff user sees, awaiting review first (drafts are the
    partner's own business and never listed here)."""
    listings = scoped(Listing.objects.exclude(status=Listing.Status.DRAFT), visible_partners)
    if status:
        listings = listings.filter(status=status)
    return listings.select_related("partner").order_by("-submitted_at", "-pk")


def waiting_count(visible_partners) -> int:
    return scoped(Listing.objects.filter(status=Listing.Status.SUBMITTED), visible_partners).count()
