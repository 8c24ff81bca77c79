"""The dashboard's roll-up (docs/CONVENTIONS.md, "Roll-ups"): content engagement for a
viewer who sees every partner, without reading a period's worth of events (about a million
for 90 days at the large seed size).

`engagement_refresh` rebuilds three small tables from the events created before a cutoff:
events per (kind, local day), and each partner's and each asset's latest event per kind.
Because the dashboard's period always ends today, "partners (assets) with an event in the
period" is the rows whose latest event is on or after the period's start.
`queries.engagement_rows` adds the events created since the cutoff (an index range, minutes'
worth), so the numbers are exact and current whatever the refresh lag; a refresh never
changes them, so it needs no cache invalidation. Every 15 minutes (beat) and by the scale seed.
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
