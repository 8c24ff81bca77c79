"""Content engagement for a viewer who sees every partner, without reading a period's worth
of events (about a million for 90 days at the large seed size).

`engagement_refresh` rebuilds three small tables from the events created before a cutoff:
events per (kind, local day), and each partner's and each asset's latest event per kind.
Because the dashboard's period always ends today, "partners (assets) with an event in the
period" is the rows whose latest event is on or after the period's start. `engagement_rows`
adds the events created since the cutoff (an index range, minutes' worth), so the numbers
are exact and current whatever the refresh lag; a refresh never changes them, so it needs
no cache invalidation.

Refreshed by the `dashboard.tasks.refresh_engagement` beat task and by devtools/scaleseed.py's
derived-table step.
"""

from django.db import connection, transaction
from django.utils import timezone

from content.models import AssetEvent
from dashboard.models import EngagementAssetLast, EngagementCutoff, EngagementDay, EngagementPartnerLast

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


def rollups_refresh(*, stdout=None) -> list[tuple[str, float]]:
    """Every roll-up that beat keeps ready, rebuilt now and in dependency order (after a
    restore, a bulk import or a long outage of beat): `manage.py refresh_rollups`.
    Returns (roll-up, seconds) pairs. Each rebuild is set-based and takes its own lock."""
    import time

    from content import services as content_services
    from incentives.deal_rollup import deal_rollup_refresh
    from incentives.program_costs import program_cost_refresh
    from onboarding.queries import task_lateness_refresh

    steps = [
        ("program cost", program_cost_refresh),
        ("onboarding task lateness", task_lateness_refresh),
        ("deals per partner (dashboard)", deal_rollup_refresh),
        ("content engagement (dashboard)", engagement_refresh),
        ("engagement counters", content_services.engagement_recount),
        ("partners like you", content_services.popularity_refresh),
        ("content analytics", content_services.analytics_refresh),
    ]
    done = []
    for label, refresh in steps:
        started = time.monotonic()
        refresh()
        done.append((label, time.monotonic() - started))
        if stdout is not None:
            stdout.write(f"{label}: {done[-1][1]:.1f}s")
    return done
