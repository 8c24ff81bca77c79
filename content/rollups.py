"""Content's roll-ups (docs/patterns.md, "Portal registries"): set-based rebuilds from the asset
events, never per request.

- `engagement_aggregate` folds new events into `Asset.view_count`/`download_count`/`use_count`
  (every ten minutes, a CELERY_BEAT_SCHEDULE entry of its own: an incremental fold, not a
  rebuild); `engagement_recount` recomputes them from every event (nightly; repairs drift).
- `popularity_refresh`: `SegmentPopularity` ("partners like you": views in the last 90 days
  per partner type and tier), hourly.
- `analytics_refresh`: `AssetEngagement` and `PartnerEngagement` (the staff analytics page,
  every period at once), hourly; the page says when they were computed.
- `engagement_refresh`: the channel dashboard's content block for a viewer who sees every
  partner, without reading a period's worth of events (about a million for 90 days at the
  large seed size): events per (kind, local day) and each partner's and each asset's latest
  event per kind, from the events created before a cutoff. As the dashboard's period always
  ends today, "partners (assets) with an event in the period" is the rows whose latest event
  is on or after the period's start; `queries.engagement_rows` adds the events created since
  the cutoff (an index range, minutes' worth), so the numbers are exact and current whatever
  the refresh lag, and a refresh never changes them (no cache invalidation). Every 15 minutes.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from content.models import (
    ANALYTICS_PERIODS,
    AssetEngagement,
    AssetEvent,
    EngagementAssetLast,
    EngagementCursor,
    EngagementCutoff,
    EngagementDay,
    EngagementPartnerLast,
    PartnerEngagement,
    SegmentPopularity,
)
from incentives.queries import partner_tier_map

# Events younger than this are left for the next run, so a slow INSERT that took a lower id
# but committed late is not skipped by the incremental counter update.
AGGREGATE_LAG = timedelta(minutes=2)


def engagement_aggregate(*, now=None) -> int:
    """Fold new events into Asset.view_count/download_count/use_count, set-based.

    Claims the singleton cursor row FOR UPDATE so two runs never count the same events.
    Returns the number of events folded in.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cursor_row, _ = EngagementCursor.objects.select_for_update().get_or_create(pk=1)
        upper = (
            AssetEvent.objects.filter(pk__gt=cursor_row.last_event_id, created_at__lt=now - AGGREGATE_LAG)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if upper is None:
            return 0
        with connection.cursor() as cur:
            cur.execute(
                """
                UPDATE content_asset AS a
                   SET view_count = a.view_count + d.views,
                       download_count = a.download_count + d.downloads,
                       use_count = a.use_count + d.views + d.downloads
                  FROM (SELECT asset_id,
                               count(*) FILTER (WHERE kind = 'view') AS views,
                               count(*) FILTER (WHERE kind = 'download') AS downloads
                          FROM content_assetevent
                         WHERE id > %s AND id <= %s
                         GROUP BY asset_id) AS d
                 WHERE a.id = d.asset_id
                """,
                [cursor_row.last_event_id, upper],
            )
            cur.execute(
                "SELECT count(*) FROM content_assetevent WHERE id > %s AND id <= %s",
                [cursor_row.last_event_id, upper],
            )
            folded = cur.fetchone()[0]
        cursor_row.last_event_id = upper
        cursor_row.updated_at = now
        cursor_row.save(update_fields=["last_event_id", "updated_at"])
    return folded


def engagement_recount() -> None:
    """Recompute every counter from the events (nightly; repairs any drift)."""
    with transaction.atomic():
        cursor_row, _ = EngagementCursor.objects.select_for_update().get_or_create(pk=1)
        with connection.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM content_assetevent")
            upper = cur.fetchone()[0]
            cur.execute(
                """
                UPDATE content_asset AS a
                   SET view_count = coalesce(d.views, 0),
                       download_count = coalesce(d.downloads, 0),
                       use_count = coalesce(d.views, 0) + coalesce(d.downloads, 0)
                  FROM content_asset AS a2
                  LEFT JOIN (SELECT asset_id,
                                    count(*) FILTER (WHERE kind = 'view') AS views,
                                    count(*) FILTER (WHERE kind = 'download') AS downloads
                               FROM content_assetevent WHERE id <= %s
                              GROUP BY asset_id) AS d ON d.asset_id = a2.id
                 WHERE a.id = a2.id
                   AND (a.view_count, a.download_count) IS DISTINCT FROM
                       (coalesce(d.views, 0), coalesce(d.downloads, 0))
                """,
                [upper],
            )
        cursor_row.last_event_id = upper
        cursor_row.updated_at = timezone.now()
        cursor_row.save(update_fields=["last_event_id", "updated_at"])


POPULARITY_WINDOW_DAYS = 90


def popularity_refresh(*, now=None) -> int:
    """Rebuild SegmentPopularity from the last 90 days of views (one INSERT ... SELECT).

    Tier ranks come from incentives (a dict); they are passed in as two arrays and joined."""
    now = now or timezone.now()
    ranks = partner_tier_map()
    with transaction.atomic(), connection.cursor() as cur:
        SegmentPopularity.objects.all().delete()
        cur.execute(
            """
            INSERT INTO content_segmentpopularity (partner_type, tier_rank, asset_id, partners, computed_at)
            SELECT p.partner_type, coalesce(t.rank, -1), e.asset_id, count(DISTINCT e.partner_id), %s
              FROM content_assetevent e
              JOIN partners_partner p ON p.id = e.partner_id
              LEFT JOIN unnest(%s::bigint[], %s::int[]) AS t(partner_id, rank) ON t.partner_id = e.partner_id
             WHERE e.kind = 'view' AND e.created_at >= %s
             GROUP BY 1, 2, 3
            """,
            [now, list(ranks.keys()), list(ranks.values()), now - timedelta(days=POPULARITY_WINDOW_DAYS)],
        )
        return cur.rowcount


def analytics_refresh(*, now=None) -> int:
    """Rebuild the staff analytics roll-ups (AssetEngagement, PartnerEngagement) for every
    period of the page from the events, set-based (two INSERT ... SELECT over the events of
    the longest period, each event counted into every period it falls in). Hourly with the
    popularity table; ~5 s at 2,000,000 events. Returns the number of rows written."""
    now = now or timezone.now()
    periods = list(ANALYTICS_PERIODS)
    since = now - timedelta(days=max(periods))
    with transaction.atomic():
        cursor_row, _ = EngagementCursor.objects.select_for_update().get_or_create(pk=1)
        AssetEngagement.objects.all().delete()
        PartnerEngagement.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO content_assetengagement
                       (period_days, asset_id, group_id, language, views, downloads, total, partners)
                SELECT p.days, e.asset_id, coalesce(a.translation_of_id, a.id), a.language,
                       count(*) FILTER (WHERE e.kind = 'view'),
                       count(*) FILTER (WHERE e.kind = 'download'),
                       count(*), count(DISTINCT e.partner_id)
                  FROM content_assetevent e
                  JOIN unnest(%s::int[]) AS p(days) ON e.created_at >= %s - p.days * interval '1 day'
                  JOIN content_asset a ON a.id = e.asset_id
                 WHERE e.created_at >= %s AND e.created_at <= %s
                 GROUP BY p.days, e.asset_id, a.translation_of_id, a.id, a.language
                """,
                [periods, now, since, now],
            )
            written = cur.rowcount
            # Published assets nobody opened get a zero row, so "unopened in 90 days" is a
            # read of the (period, total) index rather than an anti-join over every asset.
            cur.execute(
                """
                INSERT INTO content_assetengagement
                       (period_days, asset_id, group_id, language, views, downloads, total, partners)
                SELECT p.days, a.id, coalesce(a.translation_of_id, a.id), a.language, 0, 0, 0, 0
                  FROM content_asset a CROSS JOIN unnest(%s::int[]) AS p(days)
                 WHERE a.status = 'published'
                   AND NOT EXISTS (SELECT 1 FROM content_assetengagement x
                                    WHERE x.period_days = p.days AND x.asset_id = a.id)
                """,
                [periods],
            )
            written += cur.rowcount
            cur.execute(
                """
                INSERT INTO content_partnerengagement
                       (period_days, partner_id, views, downloads, users, assets, last)
                SELECT p.days, e.partner_id,
                       count(*) FILTER (WHERE e.kind = 'view'),
                       count(*) FILTER (WHERE e.kind = 'download'),
                       count(DISTINCT e.user_id), count(DISTINCT e.asset_id), max(e.created_at)
                  FROM content_assetevent e
                  JOIN unnest(%s::int[]) AS p(days) ON e.created_at >= %s - p.days * interval '1 day'
                 WHERE e.created_at >= %s AND e.created_at <= %s
                 GROUP BY p.days, e.partner_id
                """,
                [periods, now, since, now],
            )
            written += cur.rowcount
        cursor_row.rolled_up_at = now
        cursor_row.save(update_fields=["rolled_up_at"])
    return written


REFRESH_LOCK = 0x16C_E4A6


def engagement_refresh() -> None:
    events = AssetEvent._meta.db_table
    day, plast, alast = (
        m._meta.db_table for m in (EngagementDay, EngagementPartnerLast, EngagementAssetLast)
    )
    cutoff = timezone.now()
    tz = timezone.get_current_timezone_name()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        # Table names from _meta and fixed fragments only; every value is a parameter.
        for table in (day, plast, alast):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {day} (kind, day, events)
                SELECT kind, (created_at AT TIME ZONE %s)::date, COUNT(*)
                FROM {events} WHERE created_at < %s GROUP BY 1, 2""",  # noqa: S608
            [tz, cutoff],
        )
        for table, column in ((plast, "partner_id"), (alast, "asset_id")):
            cursor.execute(
                f"""INSERT INTO {table} (kind, {column}, last_at)
                    SELECT kind, {column}, MAX(created_at) FROM {events}
                    WHERE created_at < %s AND {column} IS NOT NULL GROUP BY 1, 2""",  # noqa: S608
                [cutoff],
            )
        EngagementCutoff.objects.update_or_create(pk=1, defaults={"cutoff": cutoff})
        for table in (day, plast, alast):
            cursor.execute(f"ANALYZE {table}")
