"""Read-side helpers shared by views, tasks, the staff pages and other apps.

Audience rule (one SQL predicate, used by listing, search, recommendations, detail,
download and the digest): an asset is visible to a partner when it is published and
either shared with that partner by name (AssetShare), or - unless `shared_only` -
its partner types are empty or include the partner's type and its minimum tier is empty
or at most the partner's tier rank.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from content import library
from content.models import (
    Asset,
    AssetEngagement,
    AssetEvent,
    AssetShare,
    Bookmark,
    Contribution,
    EngagementAssetLast,
    EngagementCursor,
    EngagementCutoff,
    EngagementDay,
    EngagementPartnerLast,
    PartnerEngagement,
    PublicAssetEvent,
    SearchLog,
    SegmentPopularity,
    Stage,
)
from incentives.queries import partner_tier_rank
from partners.models import PartnerType
from prm.cache import pagecache
from prm.ui.registry import BlockQuery

SIMILAR_WINDOW_DAYS = 90
NEW_DAYS = 7


# --- The partner's tier (incentives owns it) -------------------------------------------
def tier_rank(partner) -> int | None:
    """Rank of the partner's current tier: one indexed query, cached on the partner object."""
    return partner_tier_rank(partner)


# --- Audience (the rule is `content.models.audience_q`) ----------------------------------


def visible_assets(partner):
    return Asset.objects.for_partner(partner, tier_rank=tier_rank(partner))


def public_assets():
    """The prospects' library: published public assets, one language version each, newest
    first. Only the asset's own fields are read (no shares, partners or people)."""
    qs = Asset.objects.published().filter(is_public=True).select_related("current_version")
    return reader_versions(qs).order_by("-published_at", "-pk")


def public_asset(pk: int) -> Asset | None:
    return Asset.objects.published().filter(is_public=True, pk=pk).select_related("current_version").first()


def public_counts(asset: Asset) -> dict[str, int]:
    """The anonymous views and downloads of a public asset (the admin shows them)."""
    return dict(
        PublicAssetEvent.objects.filter(asset=asset).values_list("kind").annotate(n=Count("id")).order_by()
    )


def reader_language(language: str | None = None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]


def reader_versions(qs, language: str | None = None):
    """Each asset once, in the reader's language when that version is among `qs` (else the
    other language); one-language assets stay and show their language badge."""
    return qs.in_reader_language(reader_language(language))


def other_versions(*, partner, asset) -> list[Asset]:
    """The same asset in the other language(s), as far as the partner may see them."""
    group = asset.translation_group_id
    return list(
        visible_assets(partner)
        .filter(Q(pk=group) | Q(translation_of_id=group))
        .exclude(pk=asset.pk)
        .only("pk", "title", "language")
    )


def asset_for_partner(*, partner, pk) -> Asset | None:
    """The published asset `pk` if the partner's audience rules allow it, else None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        visible_assets(partner)
        .select_related("collection", "current_version", "author")
        .filter(pk=pk)
        .first()
    )


def search_for_partner(*, partner, query: str, limit: int = 5) -> list[Asset]:
    """Published assets the partner may see that match `query`, best match first."""
    return list(library.search(reader_versions(visible_assets(partner)), query)[:limit])


def bookmarked_ids(user, asset_ids) -> set[int]:
    return set(
        Bookmark.objects.filter(user=user, asset_id__in=list(asset_ids)).values_list("asset_id", flat=True)
    )


BOOKMARKS_KEY = "content:bookmarked"


def bookmark_scopes(partner_id: int, user_id: int) -> tuple[str, str]:
    return (pagecache.partner(partner_id), pagecache.person(user_id))


def cached_bookmarked_ids(*, partner, user) -> frozenset[int]:
    """Every asset the person bookmarked: exact (bookmarking is audited: the partner's scope)."""
    return pagecache.cached(
        BOOKMARKS_KEY,
        bookmark_scopes(partner.pk, user.pk),
        lambda: frozenset(Bookmark.objects.filter(user=user).values_list("asset_id", flat=True)),
    )


def prefetch_bookmarks(*, partner, user) -> None:
    pagecache.want(BOOKMARKS_KEY, bookmark_scopes(partner.pk, user.pk))


# --- Library counts ---------------------------------------------------------------------
# Counting the assets a partner may see applies the audience rule and the one-language-version
# rule to every published asset (~45 ms at 20,000 assets); the number is the same on every
# page of a list, so it is cached, exact: under the catalogue (assets, collections, tags) and
# the partner (its shares, its tier), per reader language and filters.
LIBRARY_COUNT_SECONDS = 600


def library_scopes(partner) -> tuple[str, str]:
    return (pagecache.catalogue(), pagecache.partner(partner.pk))


def _library_key(prefix: str, *, filters, extra=()) -> str:
    parts = (
        filters.q,
        filters.stage,
        filters.kind,
        filters.language,
        filters.tag,
        filters.collection,
        *extra,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return f"content:{prefix}:{reader_language()}:{digest}"


def prefetch_library_count(*, partner, filters) -> None:
    pagecache.want(_library_key("count", filters=filters), library_scopes(partner))


def cached_library_count(*, partner, filters, count) -> int:
    """`count()` (a callable) for the library list of `partner` with `filters` (library.Filters)."""
    key = _library_key("count", filters=filters)
    return pagecache.cached(key, library_scopes(partner), count, timeout=LIBRARY_COUNT_SECONDS)


# The ids on one page of the list (a search ranks every match: ~30-50 ms at 20,000 assets)
# under the same scopes, plus sort and page. "Most used" is left out: use_count changes with
# every roll-up of events, which is not a change of the catalogue.
CACHED_ID_SORTS = ("newest", "relevance")


def cached_page_ids(*, partner, filters, page_number: int, ids) -> list[int]:
    """`ids()` (a callable) for page `page_number` of the library list, cached like the count."""
    if filters.sort not in CACHED_ID_SORTS:
        return ids()
    key = _library_key("ids", filters=filters, extra=(filters.sort, page_number, library.RANK_CANDIDATES))
    return pagecache.cached(key, library_scopes(partner), ids, timeout=LIBRARY_COUNT_SECONDS)


# --- Recommendations -------------------------------------------------------------------
TYPE_AUDIENCE = {
    PartnerType.SALES: lambda stage: _("Recommended for sales partners in %(stage)s") % {"stage": stage},
    PartnerType.DELIVERY: lambda stage: (
        _("Recommended for implementation partners in %(stage)s") % {"stage": stage}
    ),
    PartnerType.SOLUTION: lambda stage: (
        _("Recommended for solution and support partners in %(stage)s") % {"stage": stage}
    ),
}


def stage_phrase(stage: str) -> str:
    phrases: dict[str, str] = {
        Stage.ONBOARDING: _("onboarding"),
        Stage.SELLING: _("the selling stage"),
        Stage.SERVICING: _("the servicing stage"),
    }
    return phrases[stage]


def similar_popularity(partner, *, now) -> dict[int, int]:
    """asset_id -> how many other partners like this one (same type and tier) opened it
    in the last 90 days. Reads the hourly SegmentPopularity table, then takes this partner
    itself out of its own segment's counts."""
    rank = tier_rank(partner)
    top = dict(
        SegmentPopularity.objects.filter(
            partner_type=partner.partner_type, tier_rank=-1 if rank is None else rank
        )
        .order_by("-partners", "asset_id")
        .values_list("asset_id", "partners")[:100]
    )
    if not top:
        return {}
    own = set(
        AssetEvent.objects.filter(
            partner=partner,
            asset_id__in=list(top),
            kind=AssetEvent.Kind.VIEW,
            created_at__gte=now - timedelta(days=SIMILAR_WINDOW_DAYS),
        )
        .values_list("asset_id", flat=True)
        .distinct()
    )
    counts = {pk: n - (pk in own) for pk, n in top.items()}
    return {pk: n for pk, n in counts.items() if n > 0}


class Recommendation:
    __slots__ = ("asset", "reasons", "score")

    def __init__(self, asset, score, reasons):
        self.asset, self.score, self.reasons = asset, score, reasons

    @property
    def reason(self) -> str:
        return self.reasons[0]


def recommendations(*, partner, user, limit: int = 6, now=None) -> list[Recommendation]:
    """Score published, visible assets for the partner's stage (see README for the formula).

    score = 3 (stage match) + 2 (audience names this partner's type, or shared by name)
          + 1.5 x min(similar partners who opened it in 90 days, 4)
          + 2 (published this week) or 1 (this month)
          - 4 if this user already opened it.
    Ties: newest first. Constant number of queries whatever the library size.
    """
    now = now or timezone.now()
    stage = partner.stage
    visible = reader_versions(visible_assets(partner))
    popular = similar_popularity(partner, now=now)
    shared_ids = set(AssetShare.objects.filter(partner=partner).values_list("asset_id", flat=True))
    fields = ("pk", "stages", "partner_types", "published_at")
    candidates = {}
    for part in (
        visible.filter(stages__contains=[stage]).order_by("-published_at", "-pk")[:150],
        visible.filter(published_at__gte=now - timedelta(days=NEW_DAYS)).order_by("-published_at")[:30],
        visible.filter(pk__in=list(popular)) if popular else [],
    ):
        for row in part.values(*fields) if hasattr(part, "values") else part:
            candidates[row["pk"]] = row
    if not candidates:
        return []
    opened = set(
        AssetEvent.objects.filter(user=user, asset_id__in=list(candidates))
        .values_list("asset_id", flat=True)
        .distinct()
    )
    scored = []
    for pk, row in candidates.items():
        score, reasons = 0.0, []
        stage_match = stage in (row["stages"] or [])
        audience_match = pk in shared_ids or partner.partner_type in (row["partner_types"] or [])
        likes = popular.get(pk, 0)
        age = now - row["published_at"]
        if stage_match:
            score += 3
        if audience_match:
            score += 2
        if likes:
            score += 1.5 * min(likes, 4)
        if age <= timedelta(days=NEW_DAYS):
            score += 2
        elif age <= timedelta(days=30):
            score += 1
        if pk in opened:
            score -= 4
        if likes >= 2:
            reasons.append(_("Popular with partners like you"))
        if age <= timedelta(days=NEW_DAYS):
            reasons.append(_("New this week"))
        if stage_match and audience_match:
            reasons.append(TYPE_AUDIENCE[partner.partner_type](stage_phrase(stage)))
        elif stage_match:
            reasons.append(_("Recommended for partners in %(stage)s") % {"stage": stage_phrase(stage)})
        if pk in shared_ids:
            reasons.append(_("Shared with your company"))
        if likes == 1:
            reasons.append(_("Opened by a partner like you"))
        if pk in opened:
            reasons.append(_("You have opened this before"))
        if not reasons:
            reasons.append(_("Matches your company's profile"))
        scored.append((score, row["published_at"], pk, reasons))
    scored.sort(key=lambda t: (t[0], t[1], t[2]), reverse=True)
    top = scored[:limit]
    assets = visible.select_related("current_version", "collection").in_bulk([pk for _, _, pk, _ in top])
    return [Recommendation(assets[pk], score, reasons) for score, _, pk, reasons in top if pk in assets]


RECOMMENDATIONS_CACHE_SECONDS = 300


def cached_recommendations(*, partner, user, limit: int = 6) -> list[Recommendation]:
    """`recommendations()` for pages: exact under the catalogue, the partner and the person
    (what is published and visible to them), kept at most five minutes for what lags behind
    (the hourly popularity table, the person's own opens).

    Scoring reads several candidate sets (6 queries, the costliest part of the library and
    home pages at 20,000 assets); a hit costs one `in_bulk` that re-applies the audience
    rule."""
    scopes = (*library_scopes(partner), pagecache.person(user.pk))
    fresh = []

    def compute():
        fresh.extend(recommendations(partner=partner, user=user, limit=limit))
        return [(r.asset.pk, r.score, [str(reason) for reason in r.reasons]) for r in fresh]

    key = f"content:recs:{limit}:{translation.get_language()}"
    rows = pagecache.cached(key, scopes, compute, timeout=RECOMMENDATIONS_CACHE_SECONDS)
    if fresh:
        return fresh
    assets = (
        visible_assets(partner).select_related("current_version", "collection").in_bulk([r[0] for r in rows])
    )
    return [Recommendation(assets[pk], score, reasons) for pk, score, reasons in rows if pk in assets]


def related_assets(*, partner, asset, limit: int = 4) -> list[Asset]:
    """Assets sharing tags with `asset` (2 points per tag) plus assets co-viewed by the same
    people (1 point per person), within the partner's audience."""
    group = asset.translation_group_id
    visible = reader_versions(visible_assets(partner)).exclude(
        Q(pk=asset.pk) | Q(pk=group) | Q(translation_of_id=group)
    )
    tag_ids = [t.pk for t in asset.tags.all()]
    scores: dict[int, float] = {}
    if tag_ids:
        for pk, shared in (
            visible.filter(tags__in=tag_ids)
            .values("pk")
            .annotate(shared=Count("tags"))
            .order_by("-shared", "-published_at")
            .values_list("pk", "shared")[:20]
        ):
            scores[pk] = scores.get(pk, 0) + 2 * shared
    # Co-views: what the 50 most recent viewers of this asset opened in the last 90 days
    # (bounded, so a popular asset's page stays fast).
    since = timezone.now() - timedelta(days=SIMILAR_WINDOW_DAYS)
    viewers = list(
        AssetEvent.objects.filter(
            asset=asset, kind=AssetEvent.Kind.VIEW, user__isnull=False, created_at__gte=since
        )
        .order_by("-created_at")
        .values_list("user_id", flat=True)[:50]
    )
    if viewers:
        # The audience check happens in the final fetch below (in_bulk on `visible`).
        for pk, n in (
            AssetEvent.objects.filter(
                user_id__in=set(viewers), kind=AssetEvent.Kind.VIEW, created_at__gte=since
            )
            .exclude(asset=asset)
            .values("asset_id")
            .annotate(n=Count("user_id", distinct=True))
            .order_by("-n", "-asset_id")
            .values_list("asset_id", "n")[:40]
        ):
            scores[pk] = scores.get(pk, 0) + n
    ranked = sorted(scores, key=lambda pk: (scores[pk], pk), reverse=True)[: limit * 10]
    found = visible.select_related("current_version").in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found][:limit]


def cached_related_assets(*, partner, asset, limit: int = 4) -> list[Asset]:
    """`related_assets()` for the asset page: the ranking (tags and co-views, 3 queries over
    the events table) may lag five minutes (per asset and partner); a hit is one `in_bulk`
    through the audience rule, so what is shown is always visible and current."""
    fresh = []

    def compute():
        fresh.extend(related_assets(partner=partner, asset=asset, limit=limit))
        return [a.pk for a in fresh]

    ids = pagecache.lagging(
        f"content:related:{asset.pk}:{partner.pk}:{limit}", compute, seconds=RECOMMENDATIONS_CACHE_SECONDS
    )
    if fresh or not ids:
        return fresh
    found = (
        visible_assets(partner).select_related("current_version").defer("search_vector", "body").in_bulk(ids)
    )
    return [found[pk] for pk in ids if pk in found]


def digest_assets(*, partner, since, limit: int = 12, language: str | None = None) -> list[Asset]:
    """New published assets for the partner's audience and stage, each once in the reader's
    language (`language`: the recipient's)."""
    stage = partner.stage
    return list(
        reader_versions(visible_assets(partner), language)
        .filter(published_at__gte=since, stages__contains=[stage])
        .select_related("collection")
        .order_by("-published_at", "-pk")[:limit]
    )


def engagement_by_translation(*, since, partners, limit: int = 25) -> list[dict]:
    """Views and downloads per asset (its language versions together) and per language."""
    view, download = AssetEvent.Kind.VIEW, AssetEvent.Kind.DOWNLOAD
    counts = {
        f"{kind}_{lang}": Count("pk", filter=Q(kind=value, asset__language=lang))
        for kind, value in (("views", view), ("downloads", download))
        for lang in ("ja", "en")
    }
    rows = list(
        AssetEvent.objects.filter(created_at__gte=since, partner__in=partners)
        .annotate(group=Coalesce("asset__translation_of_id", "asset_id"))
        .values("group")
        .annotate(**counts, total=Count("pk"))
        .order_by("-total", "group")[:limit]
    )
    assets = Asset.objects.only("pk", "title", "language").in_bulk([r["group"] for r in rows])
    return [{**r, "asset": assets.get(r["group"])} for r in rows]


# --- Staff analytics ------------------------------------------------------------------------
# The page reads the hourly roll-ups (AssetEngagement, PartnerEngagement: one row per asset
# or partner and period) once they exist, and says how old they are; before the first
# rebuild it aggregates the events (the functions below, which the roll-up test compares
# against). Periods: content.models.ANALYTICS_PERIODS.


@dataclass
class Analytics:
    top: dict  # stage -> rows (asset_id, asset__title, asset__kind, asset__language, views, ...)
    unopened: object  # QuerySet of Asset
    engagement: object  # QuerySet of dicts (partner_id, partner__name, ..., views, users, last)
    by_language: list
    as_of: object  # datetime of the roll-up, None when computed from the events now


ANALYTICS_FRAGMENT_SECONDS = 300


def analytics_as_of():
    """When the analytics roll-ups were last rebuilt (None: never)."""
    return EngagementCursor.objects.filter(pk=1).values_list("rolled_up_at", flat=True).first()


def _sees_all(partners) -> bool:
    """True when `partners` is every partner (no filter): the roll-ups need no partner join."""
    return not partners.query.has_filters()


def staff_analytics(*, days: int, partners, top_limit: int | None = 10) -> Analytics:
    as_of = analytics_as_of()
    if as_of is None:
        since = timezone.now() - timedelta(days=days)
        return Analytics(
            top=top_assets_by_stage(since=since, limit=top_limit),
            unopened=unopened_assets(),
            engagement=partner_engagement(partners, since=since),
            by_language=engagement_by_translation(since=since, partners=partners),
            as_of=None,
        )
    all_partners = _sees_all(partners)
    engagement = PartnerEngagement.objects.filter(period_days=days)
    if not all_partners:
        engagement = engagement.filter(partner__in=partners)
    if all_partners:
        by_language = engagement_by_translation_rolled_up(days=days, as_of=as_of)
    else:  # a narrowed scope: that handful of partners' events, through their index
        by_language = engagement_by_translation(since=as_of - timedelta(days=days), partners=partners)
    return Analytics(
        top=top_assets_rolled_up(days=days, limit=top_limit),
        # The roll-up's zero rows are read first: as a sub-query the planner walked every
        # published asset in date order to find the few unopened ones (~15 ms at 20,000).
        unopened=Asset.objects.published()
        .filter(
            # A function of the roll-up alone: kept until the next rebuild (`as_of` in the key).
            pk__in=pagecache.lagging(
                f"content:unopened:{as_of.isoformat()}",
                lambda: list(
                    AssetEngagement.objects.filter(period_days=90, total=0).values_list("asset_id", flat=True)
                ),
                seconds=pagecache.MAX_LAG,
            )
        )
        .order_by("published_at", "pk"),
        engagement=engagement.values(
            "partner_id",
            "partner__name",
            "partner__partner_type",
            "views",
            "downloads",
            "users",
            "assets",
            "last",
        )
        .annotate(contributions=approved_contributions(since=as_of - timedelta(days=days)))
        .order_by("-views", "partner__name"),
        by_language=by_language,
        as_of=as_of,
    )


def top_assets_rolled_up(*, days: int, limit: int | None = 10) -> dict:
    """`top_assets_by_stage` from AssetEngagement (walks the (period, total) index)."""
    return {
        value: list(
            AssetEngagement.objects.filter(period_days=days, total__gt=0, asset__stages__contains=[value])
            .values("asset_id", "asset__title", "asset__kind", "asset__language")
            .annotate(views=F("views"), downloads=F("downloads"), partners=F("partners"), total=F("total"))
            .order_by("-total", "asset_id")[:limit]
        )
        for value, _label in Stage.choices
    }


def engagement_by_translation_rolled_up(*, days: int, limit: int = 25, as_of=None) -> list[dict]:
    """`engagement_by_translation` over every partner, from AssetEngagement. The counts
    (grouping some 20,000 rows, ~10 ms) are a function of the roll-up alone: with `as_of`
    (the rebuild's time) they are kept until the next rebuild; the assets are read live."""
    counts = {
        f"{kind}_{lang}": Coalesce(Sum(kind, filter=Q(language=lang)), 0)
        for kind in ("views", "downloads")
        for lang in ("ja", "en")
    }

    def compute():
        return list(
            AssetEngagement.objects.filter(period_days=days, total__gt=0)
            .values("group_id")
            .annotate(**counts, total_opens=Sum("total"))
            .order_by("-total_opens", "group_id")[:limit]
        )

    if as_of is None:
        rows = compute()
    else:
        rows = pagecache.lagging(
            f"content:by-language:{days}:{limit}:{as_of.isoformat()}", compute, seconds=pagecache.MAX_LAG
        )
    assets = Asset.objects.only("pk", "title", "language").in_bulk([r["group_id"] for r in rows])
    return [
        {
            "group": r["group_id"],
            **{key: r[key] for key in counts},
            "total": r["total_opens"],
            "asset": assets.get(r["group_id"]),
        }
        for r in rows
    ]


def top_assets_by_stage(*, since, limit: int | None = 10) -> dict:
    """stage -> the assets opened most since `since` (views, downloads, partners, total)."""
    return {
        value: list(
            AssetEvent.objects.filter(created_at__gte=since, asset__stages__contains=[value])
            .values("asset_id", "asset__title", "asset__kind", "asset__language")
            .annotate(
                views=Count("pk", filter=Q(kind=AssetEvent.Kind.VIEW)),
                downloads=Count("pk", filter=Q(kind=AssetEvent.Kind.DOWNLOAD)),
                partners=Count("partner_id", distinct=True),
                total=Count("pk"),
            )
            .order_by("-total", "asset_id")[:limit]
        )
        for value, _label in Stage.choices
    }


def unopened_assets():
    """Published assets nobody opened in the last 90 days, oldest first."""
    recent = AssetEvent.objects.filter(
        asset=OuterRef("pk"), created_at__gte=timezone.now() - timedelta(days=90)
    )
    return Asset.objects.published().exclude(Exists(recent)).order_by("published_at", "pk")


def partner_engagement(partners, *, since):
    """Per partner of `partners`: views, downloads, active users, assets, last activity and
    contributions approved since `since`."""
    return (
        AssetEvent.objects.filter(created_at__gte=since, partner__in=partners)
        .values("partner_id", "partner__name", "partner__partner_type")
        .annotate(
            views=Count("pk", filter=Q(kind=AssetEvent.Kind.VIEW)),
            downloads=Count("pk", filter=Q(kind=AssetEvent.Kind.DOWNLOAD)),
            users=Count("user_id", distinct=True),
            assets=Count("asset_id", distinct=True),
            last=Max("created_at"),
        )
        .annotate(contributions=approved_contributions(since=since))
        .order_by("-views", "partner__name")
    )


def zero_result_searches(partners, *, since):
    """Search terms of `partners` that found nothing: how often, by how many partners, when last."""
    return (
        SearchLog.objects.filter(result_count=0, created_at__gte=since, partner__in=partners)
        .values("query")
        .annotate(n=Count("pk"), partners=Count("partner_id", distinct=True), last=Max("created_at"))
        .order_by("-n", "query")
    )


# --- Channel dashboard block (registered in apps.py; prm.ui.registry.BlockQuery) -----------


def engagement_by_kind(query: BlockQuery) -> list[tuple[str, int, int, int]]:
    """(kind, events, partners, assets) for the query's period and partners, by kind: one
    query, a range over assetevent_time (created_at) and hashed GROUPING SETS instead of
    COUNT(DISTINCT) sorts over every event."""
    scope, scope_params = query.partner_sql()
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT kind,
               SUM(n) FILTER (WHERE by_partner) AS events,
               COUNT(partner_id) FILTER (WHERE by_partner) AS partners,
               COUNT(asset_id) FILTER (WHERE NOT by_partner) AS assets
        FROM (
            SELECT kind, partner_id, asset_id, GROUPING(asset_id) = 1 AS by_partner, COUNT(*) AS n
            FROM {AssetEvent._meta.db_table}
            WHERE created_at >= %s AND created_at < %s{scope}
            GROUP BY GROUPING SETS ((kind, partner_id), (kind, asset_id))
        ) g
        GROUP BY kind ORDER BY kind"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [query.start_at, query.end_at, *scope_params])
        return [
            (kind, int(events or 0), partners, assets) for kind, events, partners, assets in cursor.fetchall()
        ]


def engagement_block(query: BlockQuery) -> dict:
    """Events, distinct partners and distinct assets per kind in the period. For a viewer who
    sees every partner: the roll-ups plus the events since their cutoff (rollups.engagement_refresh),
    once built; else the events themselves (`engagement_by_kind`)."""
    cutoff = engagement_cutoff() if query.everyone else None
    if cutoff is not None:
        rows = engagement_rows(start=query.start_at, end=query.end_at, cutoff=cutoff)
    else:
        rows = engagement_by_kind(query)
    labels = dict(AssetEvent.Kind.choices)
    out = [
        [labels.get(kind, kind), int(events or 0), partners, assets]
        for kind, events, partners, assets in rows
    ]
    return {
        "title": _("Content engagement"),
        "header": [_("Kind"), _("Events"), _("Partners"), _("Assets")],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {_("Events"): [r[1] for r in out]},
        "detail_url": "content:staff_analytics",
    }


def engagement_cutoff():
    return EngagementCutoff.objects.filter(pk=1).values_list("cutoff", flat=True).first()


def engagement_rows(*, start, end, cutoff) -> list[tuple[str, int, int, int]]:
    """(kind, events, partners, assets) for [start, end) over every partner, ordered by kind."""
    events = AssetEvent._meta.db_table
    day, plast, alast = (
        m._meta.db_table for m in (EngagementDay, EngagementPartnerLast, EngagementAssetLast)
    )
    fresh_from = max(start, cutoff)
    start_day = timezone.localtime(start).date()
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        WITH fresh AS (
            SELECT kind, partner_id, asset_id FROM {events} WHERE created_at >= %s AND created_at < %s
        )
        SELECT kind, SUM(events), SUM(partners), SUM(assets) FROM (
            SELECT kind, SUM(n) AS events, 0 AS partners, 0 AS assets FROM (
                SELECT kind, events AS n FROM {day} WHERE day >= %s
                UNION ALL SELECT kind, 1 FROM fresh
            ) e GROUP BY kind
            UNION ALL
            SELECT kind, 0, COUNT(*), 0 FROM (
                SELECT kind, partner_id FROM {plast} WHERE last_at >= %s
                UNION SELECT kind, partner_id FROM fresh
            ) p GROUP BY kind
            UNION ALL
            SELECT kind, 0, 0, COUNT(*) FROM (
                SELECT kind, asset_id FROM {alast} WHERE last_at >= %s
                UNION SELECT kind, asset_id FROM fresh
            ) a GROUP BY kind
        ) t GROUP BY kind ORDER BY kind"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [fresh_from, end, start_day, start, start])
        return [(kind, int(e), int(p), int(a)) for kind, e, p, a in cursor.fetchall()]


# --- Contributions ------------------------------------------------------------------------
def credit_name(contribution: Contribution) -> str:
    """How a contributor is credited: their public name (never an address), and their
    company for a partner's contribution."""
    person = contribution.contributor.public_name() if contribution.contributor else ""
    company = contribution.partner.name if contribution.partner else ""
    if person and company:
        return f"{person} ({company})"
    return person or company


def asset_credit(asset_id: int) -> str:
    """The credit shown on a published asset that was contributed ('' otherwise)."""
    contribution = (
        Contribution.objects.filter(asset_id=asset_id, status=Contribution.Status.APPROVED)
        .select_related("contributor", "partner")
        .first()
    )
    return credit_name(contribution) if contribution else ""


def _contributions():
    return Contribution.objects.select_related("asset", "partner", "contributor", "reviewed_by")


def partner_contributions(partner):
    """Everything the partner's users contributed, newest first."""
    return _contributions().for_partner(partner)


def partner_contribution(*, partner, pk) -> Contribution | None:
    return partner_contributions(partner).filter(pk=pk).first()


def own_staff_contributions(user):
    """What a staff member contributed (no partner), newest first."""
    return _contributions().filter(partner=None, contributor=user)


def review_queue(partners):
    """Contributions a channel manager may review: those of `partners` and the staff's."""
    return _contributions().filter(Q(partner__in=partners) | Q(partner=None)).order_by("submitted_at", "pk")


def staff_contribution(*, user, partners, pk) -> Contribution | None:
    """One contribution as a staff member may see it: a channel manager, any in their scope;
    anyone else on the staff, their own."""
    if user.is_channel_manager:
        found = review_queue(partners).filter(pk=pk).first()
        if found is not None:
            return found
    return own_staff_contributions(user).filter(pk=pk).first()


def approved_contributions(*, since):
    """A partner's approved contributions since `since`, as a sub-query on `partner_id`
    (the engagement report's column)."""
    counted = (
        Contribution.objects.filter(
            partner_id=OuterRef("partner_id"), status=Contribution.Status.APPROVED, reviewed_at__gte=since
        )
        .order_by()
        .values("partner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)
