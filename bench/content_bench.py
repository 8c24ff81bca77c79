"""Content library benchmark: 20,000 assets and 1,000,000 view events.

    .venv/bin/python bench/content_bench.py [--runs 40] [--keep] [--tiny]

`--tiny` (seconds, its own database) is what `.ci/run` runs, so a schema change that breaks
the benchmark fails CI.

Runs against its own database (`prm_bench_content` on the same server; dropped at the end
unless --keep), seeds with set-based SQL (INSERT ... SELECT generate_series), then times
in-process requests through Django's test client and reports p50/p95 in milliseconds of:
the library page (with the recommendation block on top), a Japanese search, an English
search, the recommendation block alone, and an asset page. Copy the table into
bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools import servers  # noqa: E402

DB_NAME = "prm_bench_content"
ASSETS = 20_000
EVENTS = 1_000_000
PARTNERS = 1_000


def setup_django(*, fresh: bool):
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    os.environ["PRM_DATABASE_NAME"] = DB_NAME
    if "DATABASE_URL" not in os.environ:
        if fresh:
            servers.psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        if servers.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'") != "1":  # noqa: S608
            servers.psql(f"CREATE DATABASE {DB_NAME}")
    servers.use_embedded_servers()
    import django

    django.setup()


def seed(stdout=print):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from content.models import Asset
    from content.search import index_assets

    if Asset.objects.count() >= ASSETS:
        stdout("already seeded")
        _derived(stdout)
        return
    from content.models import AssetEvent, Collection, SearchLog
    from devtools.seeding import insert_select
    from partners.models import Membership, Partner
    from prm.models import User

    t0 = time.perf_counter()
    series = "FROM generate_series(1, %(n)s) g"
    insert_select(
        Partner,
        {
            "name": "'Bench Partner ' || g",
            "slug": "'bench-' || g",
            "partner_type": "(ARRAY['sales','delivery','solution'])[1 + g %% 3]",
            "status": "CASE WHEN g %% 10 = 0 THEN 'onboarding' ELSE 'active' END",
            "country": "'JP'",
        },
        series,
        {"n": PARTNERS},
    )
    insert_select(
        User,
        {
            "email": "'bench' || g || '@example.test'",
            "display_name": "'Bench ' || g",
            "language": "'ja'",
            "password": "'!'",
        },
        series,
        {"n": PARTNERS},
    )
    insert_select(
        Membership,
        {"user": "u.id", "partner": "p.id", "role": "'admin'", "is_active": "true"},
        "FROM prm_user u JOIN partners_partner p ON p.slug = 'bench-' || substr(u.email, 6, strpos(u.email, '@') - 6)"
        " WHERE u.email LIKE 'bench%%@example.test'",
    )
    insert_select(
        Collection,
        {"name": "'Collection ' || g", "slug": "'bench-collection-' || g", "position": "g", "parent": "NULL"},
        series,
        {"n": 40},
    )
    insert_select(
        Asset,
        {
            "title": """(ARRAY['営業資料の作り方','導入ガイド','価格表とライセンス','セキュリティ概要','保守運用手順書',
                          'Partner onboarding guide','Pricing and licensing','Security white paper',
                          'Migration checklist','Sales playbook'])[1 + g %% 10] || ' ' || g""",
            "summary": """(ARRAY['パートナー向けの資料です。','お客様への提案に使えます。','Useful for customer meetings.',
                          'Step-by-step instructions for partners.'])[1 + g %% 4]""",
            "kind": "(ARRAY['article','file','video','link'])[1 + g %% 4]",
            "body": """repeat((ARRAY['営業チームが提案の準備に使う資料です。導入の手順を説明します。',
                                 'This guide explains how partners prepare proposals and migrate data. '])[1 + g %% 2], 8)""",
            "url": "''",
            "language": "(ARRAY['ja','en'])[1 + (g %% 10) / 5]",
            "stages": """(ARRAY['["onboarding"]','["selling"]','["servicing"]','["onboarding", "selling"]',
                          '["selling", "servicing"]'])[1 + g %% 5]::jsonb""",
            "partner_types": "(ARRAY['[]','[]','[\"sales\"]','[\"delivery\"]','[\"solution\"]','[]'])[1 + g %% 6]::jsonb",
            "source": "'company'",
            "status": "CASE WHEN g %% 50 = 0 THEN 'draft' ELSE 'published' END",
            "published_at": "CASE WHEN g %% 50 = 0 THEN NULL ELSE now() - (g %% 700) * interval '1 day' END",
            "shared_only": "false",
            "collection": "(SELECT min(id) FROM content_collection) + g %% 40",
        },
        series,
        {"n": ASSETS},
    )
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM content_asset")
        amin, amax = cur.fetchone()
        cur.execute("SELECT min(p.id), max(p.id) FROM partners_partner p WHERE p.slug LIKE 'bench-%%'")
        pmin, pmax = cur.fetchone()
    # Popular assets are opened far more often (cubed random = long tail).
    insert_select(
        AssetEvent,
        {
            "asset": "%(amin)s + floor(power(random(), 3) * (%(amax)s - %(amin)s + 1))::bigint",
            "partner": "p.id",
            "user": "m.user_id",
            "kind": "CASE WHEN g %% 5 = 0 THEN 'download' ELSE 'view' END",
            "created_at": "now() - random() * interval '180 days'",
        },
        "FROM generate_series(1, %(n)s) g"
        " JOIN partners_partner p ON p.id = %(pmin)s + (g::bigint * 7919) %% (%(pmax)s - %(pmin)s + 1)"
        " JOIN partners_membership m ON m.partner_id = p.id",
        {"amin": amin, "amax": amax, "pmin": pmin, "pmax": pmax, "n": EVENTS},
    )
    insert_select(
        SearchLog,
        {
            "query": "(ARRAY['存在しない資料','roadmap 2030','価格改定'])[1 + g %% 3]",
            "partner": "%(p)s",
            "user": "NULL",
            "result_count": "0",
        },
        series,
        {"n": 1000, "p": pmin},
    )
    stdout(f"seeded rows in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    index_assets(Asset.objects.values_list("pk", flat=True))
    stdout(f"indexed {ASSETS} assets in {time.perf_counter() - t0:.1f}s")
    _derived(stdout)


def _derived(stdout):
    """The periodic jobs' set-based work (timed too: they run in beat, not per request)."""
    from django.db import connection

    from content import rollups

    t0 = time.perf_counter()
    rollups.engagement_recount()
    stdout(f"engagement_recount (nightly job): {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    rows = rollups.popularity_refresh()
    stdout(f"popularity_refresh (hourly job): {time.perf_counter() - t0:.1f}s, {rows:,} rows")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # what autovacuum does in production


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(func, runs):
    func()  # warm up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), percentile(samples, 95)


def measure(runs):
    from django.test import Client
    from django.test.utils import setup_test_environment

    from content import queries
    from content.models import Asset, AssetEvent
    from partners.models import Membership

    setup_test_environment()
    membership = Membership.objects.select_related("partner", "user").filter(partner__slug="bench-2").first()
    partner, user = membership.partner, membership.user
    client = Client()
    client.force_login(user)
    asset_id = queries.visible_assets(partner).order_by("-use_count").values_list("pk", flat=True).first()

    def get(url, **params):
        def run():
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        return run

    def recs():
        for attr in ("_content_stage", "_tier_state"):
            partner.__dict__.pop(attr, None)
        queries.recommendations(partner=partner, user=user)

    cases = [
        ("Library page /content/ (incl. recommendations)", get("/content/")),
        ("Library page 50, sorted by most used", get("/content/", sort="popular", page="50")),
        ("Search, Japanese: 営業資料", get("/content/", q="営業資料")),
        ("Search, English: migrating partners", get("/content/", q="migrating partners")),
        ("Recommendation block (queries.recommendations)", recs),
        ("Asset page (incl. related assets)", get(f"/content/{asset_id}/")),
    ]
    events = AssetEvent.objects.count()
    print(f"\nAssets: {Asset.objects.count():,}; events: {events:,}; runs: {runs}\n")
    print("| case | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, func in cases:
        p50, p95 = timed(func, runs)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def drop():
    from django.db import connection

    connection.close()
    servers.psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--tiny", action="store_true", help="200 assets, 5,000 events, 3 runs: a CI smoke run"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="reuse a database kept by --keep")
    args = parser.parse_args()
    if args.tiny:
        global DB_NAME, ASSETS, EVENTS, PARTNERS
        DB_NAME, ASSETS, EVENTS, PARTNERS = f"{DB_NAME}_tiny", 200, 5_000, 20
        args.runs, args.keep, args.reuse = 3, False, False
    setup_django(fresh=not args.reuse)
    seed()
    measure(args.runs)
    if not args.keep and "DATABASE_URL" not in os.environ:
        drop()


if __name__ == "__main__":
    main()
