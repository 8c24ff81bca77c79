"""Benchmark: the channel dashboard at N partners.

Seeds N partners (one user and membership each, an approved application, an onboarding
plan, 20 deals, 10 content events, sign-in audit rows, a question per two partners) with
set-based SQL (generate_series) inside one transaction on the development database, runs
the tier recomputation, then times:

- every block computed uncached (`dashboard.queries.compute_blocks` + the SVG charts), for a
  global viewer (all partners) and for an assigned manager (guardian grants on 1% of them);
- the whole page `/staff/` through Django's test client (middleware, session, templates),
  uncached (cache bypassed per run) and cached (the normal case within five minutes);
- the page's chart images (`/staff/dashboard/<block>.svg`, requested by the browser after
  the page), with their SVG cache cold and warm.

The deals block reads the per-partner roll-up (incentives.rollups), refreshed after the
seed as the hourly task would; "deals (raw deals ...)" times the aggregate it replaces.

Everything is rolled back at the end. With --existing nothing is seeded: the same cases are
timed on the database as it is, e.g. the large seed (`PRM_DATABASE_NAME=prm_scale`).

    .venv/bin/python bench/dashboard_bench.py [--partners 10000] [--runs 20]
    .venv/bin/python bench/dashboard_bench.py --tiny      # 200 partners, a few seconds (CI)
    PRM_DATABASE_NAME=prm_scale .venv/bin/python bench/dashboard_bench.py --existing
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
from devtools.servers import use_embedded_servers

use_embedded_servers()
import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from content.models import Asset  # noqa: E402
from content.rollups import engagement_refresh  # noqa: E402
from dashboard import queries  # noqa: E402
from dashboard.charts import block_svg  # noqa: E402
from incentives import queries as incentive_queries  # noqa: E402
from incentives import services as incentive_services  # noqa: E402
from incentives.models import Product, Tier  # noqa: E402
from incentives.rollups import deal_rollup_refresh  # noqa: E402
from prm.cache import pagecache  # noqa: E402
from prm.models import CHANNEL_MANAGERS, User  # noqa: E402
from prm.ui import registry  # noqa: E402
from promotion.models import Campaign  # noqa: E402


class Rollback(Exception):
    pass


def seed(n: int) -> None:
    now = timezone.now()
    today = timezone.localdate()
    if not Tier.objects.exists():
        for rank, rev, deals in [(0, 0, 0), (1, 10_000_000, 3), (2, 30_000_000, 8), (3, 80_000_000, 15)]:
            Tier.objects.create(rank=rank, name=f"Tier {rank}", min_won_revenue=rev, min_won_deals=deals)
    product = Product.objects.create(code="bench-dash-product", name="Bench")
    asset = Asset.objects.create(
        title="Bench asset", kind=Asset.Kind.ARTICLE, status=Asset.Status.PUBLISHED, published_at=now
    )
    p = {"now": now, "today": today, "n": n, "product": product.pk, "asset": asset.pk}
    statements = [
        """INSERT INTO partners_partner (name, slug, partner_type, status, country, website, logo, description,
               created_at, updated_at, company_size, directory_listed, regions, status_reason, name_kana)
           SELECT 'Dash partner ' || g, 'dash-' || g, (ARRAY['sales','delivery','solution'])[1 + g %% 3],
                  CASE WHEN g %% 4 = 0 THEN 'onboarding' ELSE 'active' END,
                  (ARRAY['JP','US','GB','DE'])[1 + g %% 4], '', '', '', %(now)s, %(now)s, '', FALSE, '', '', ''
           FROM generate_series(1, %(n)s) g""",
        """CREATE TEMP TABLE dash_p ON COMMIT DROP AS
           SELECT id, row_number() OVER (ORDER BY id) AS g FROM partners_partner WHERE slug LIKE 'dash-%%'""",
        """INSERT INTO prm_user (password, is_superuser, email, display_name, language, is_active, is_staff,
               date_joined, last_login)
           SELECT '!', FALSE, 'dash' || g || '@bench.example', '', 'ja', TRUE, FALSE, %(now)s,
                  %(now)s - make_interval(days => (g %% 60)::int)
           FROM dash_p""",
        """INSERT INTO partners_membership (role, is_active, created_at, user_id, partner_id)
           SELECT 'admin', TRUE, %(now)s, u.id, p.id FROM dash_p p
           JOIN prm_user u ON u.email = 'dash' || p.g || '@bench.example'""",
        """INSERT INTO partners_application (company_name, website, domain, country, company_size, partner_type,
               contact_name, contact_email, contact_phone, message, source, source_detail, language, consent_at,
               status, fit_score, fit_reasons, rejection_reason, created_at, updated_at, decided_at, partner_id,
               company_name_kana, contact_name_kana)
           SELECT 'Dash partner ' || g, '', 'dash' || g || '.example', 'JP', '2', 'sales', 'x', 'x@x', '', '',
                  (ARRAY['referral','rfp','past_work','event','friends','web'])[1 + g %% 6], '', 'ja', %(now)s,
                  CASE WHEN g %% 3 = 0 THEN 'submitted' ELSE 'approved' END, 0, '[]', '',
                  %(now)s - make_interval(days => (g %% 300)::int), %(now)s,
                  CASE WHEN g %% 3 = 0 THEN NULL ELSE %(now)s END, CASE WHEN g %% 3 = 0 THEN NULL ELSE id END,
                  '', ''
           FROM dash_p""",
        """INSERT INTO onboarding_onboardingplan (status, started_on, target_days, target_date, completed_on,
               last_activity_at, created_at, partner_id)
           SELECT CASE WHEN g %% 4 = 0 THEN 'running' ELSE 'completed' END,
                  %(today)s - (g %% 300)::int, 60, %(today)s - (g %% 300)::int + 60,
                  CASE WHEN g %% 4 = 0 THEN NULL ELSE %(today)s - (g %% 300)::int + (g %% 90)::int END,
                  %(now)s, %(now)s, id
           FROM dash_p""",
        """INSERT INTO incentives_deal (partner_id, customer_company, company_key, customer_domain, contact_name,
               contact_email, contact_phone, product_id, amount, currency, amount_jpy, expected_close_date, notes,
               status, stage, has_conflict, conflict_notes, review_reason, protected_until, closed_on,
               lost_reason, created_at, updated_at, customer_company_kana, contact_name_kana, approved_currency,
               approved_amount, approved_amount_jpy, counted_amount_jpy)
           SELECT p.id, 'Customer ' || d, 'c' || p.g || '-' || d, 'c' || d || '.example', 'Buyer', '', '',
                  %(product)s, 1000000, 'JPY', 1000000 + d * 1000, %(today)s, '',
                  CASE WHEN d %% 7 = 0 THEN 'submitted' ELSE 'approved' END,
                  CASE WHEN d %% 5 < 2 THEN 'won' ELSE 'proposal' END, FALSE, '', '', %(today)s + 30,
                  CASE WHEN d %% 5 < 2 THEN %(today)s - (d * 13 %% 365)::int END, '', %(now)s, %(now)s, '', '',
                  CASE WHEN d %% 7 = 0 THEN '' ELSE 'JPY' END,
                  CASE WHEN d %% 7 = 0 THEN NULL ELSE 1000000 + d * 1000 END,
                  CASE WHEN d %% 7 = 0 THEN NULL ELSE 1000000 + d * 1000 END,
                  CASE WHEN d %% 7 <> 0 AND d %% 5 < 2 THEN 1000000 + d * 1000 END
           FROM dash_p p CROSS JOIN generate_series(1, 20) d""",
        """INSERT INTO content_assetevent (kind, created_at, asset_id, partner_id)
           SELECT CASE WHEN e %% 3 = 0 THEN 'download' ELSE 'view' END,
                  %(now)s - make_interval(days => (e * 7 %% 120)::int), %(asset)s, p.id
           FROM dash_p p CROSS JOIN generate_series(1, 10) e""",
        """INSERT INTO prm_auditevent (created_at, action, target_id, target_repr, data, partner_id)
           SELECT %(now)s - make_interval(days => (e * 11 %% 56)::int), 'auth.login', '', '', '{}', p.id
           FROM dash_p p CROSS JOIN generate_series(1, 3) e""",
        """INSERT INTO threads_thread (subject, category, status, created_at, updated_at, response_due_at,
               last_public_at, first_response_at, partner_id)
           SELECT 'Question ' || g, 'other', 'answered', %(now)s - make_interval(days => (g %% 80)::int), %(now)s,
                  %(now)s - make_interval(days => (g %% 80)::int) + interval '2 days', %(now)s,
                  %(now)s - make_interval(days => (g %% 80)::int) + make_interval(hours => (g %% 72)::int), id
           FROM dash_p WHERE g %% 2 = 0""",
    ]
    # Three running campaigns: every partner joined the first, a third the others; two
    # attributed events per participation; one deal in ten registered against a campaign.
    campaigns = [
        Campaign.objects.create(
            name=f"Bench campaign {i}",
            starts_on=today - timedelta(days=30 * i),
            ends_on=today + timedelta(days=30),
            status=Campaign.Status.PUBLISHED,
            budget=5_000_000,
        )
        for i in range(1, 4)
    ]
    p["campaigns"] = [c.pk for c in campaigns]
    statements += [
        """INSERT INTO promotion_campaignparticipation (code, landing_url, opted_in_at, campaign_id, partner_id)
           SELECT 'b' || c || '-' || p.g, '', %(now)s, c, p.id
           FROM dash_p p CROSS JOIN unnest(%(campaigns)s) c
           WHERE c = (%(campaigns)s)[1] OR p.g %% 3 = 0""",
        """INSERT INTO promotion_campaignevent (kind, created_at, campaign_id, partner_id)
           SELECT CASE WHEN e = 1 THEN 'click' ELSE 'download' END, %(now)s, cp.campaign_id, cp.partner_id
           FROM promotion_campaignparticipation cp CROSS JOIN generate_series(1, 2) e
           WHERE cp.code LIKE 'b%%'""",
        """UPDATE incentives_deal d SET campaign_id = (%(campaigns)s)[1 + d.id %% 3]
           FROM dash_p p WHERE d.partner_id = p.id AND d.id %% 10 = 0""",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, p)
        for table in (
            "partners_partner",
            "partners_application",
            "onboarding_onboardingplan",
            "incentives_deal",
            "content_assetevent",
            "prm_auditevent",
            "threads_thread",
            "prm_user",
            "partners_membership",
            "promotion_campaignparticipation",
            "promotion_campaignevent",
        ):
            cursor.execute(f"ANALYZE {table}")
    incentive_services.tiers_recompute()
    deal_rollup_refresh()  # the deals block reads the roll-up (refreshed hourly in production)
    engagement_refresh()  # content engagement's roll-ups (every 15 minutes in production)
    with connection.cursor() as cursor:  # autovacuum would, in production
        for table in ("incentives_partnertierstate", "incentives_tierchange"):
            cursor.execute(f"ANALYZE {table}")


def assigned_manager(share: float):
    """A channel manager holding guardian grants on `share` of the partners (set-based)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from partners.models import Partner

    manager = User.objects.create_user("dash-manager@bench.example", is_staff=True)
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    perm = Permission.objects.get(codename="manage_partner")
    ct = ContentType.objects.get_for_model(Partner)
    seeded = Partner.objects.filter(slug__startswith="dash-")
    partners = seeded if seeded.exists() else Partner.objects.all()  # --existing: the data as it is
    ids = list(partners.order_by("pk").values_list("pk", flat=True))
    step = max(int(1 / share), 1)
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(user=manager, permission=perm, content_type=ct, object_pk=str(pk))
            for pk in ids[::step]
        ]
    )
    return manager


def timed(fn, runs: int) -> tuple[float, float, int]:
    fn()  # warm-up
    samples = []
    queries_seen = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        queries_seen = len(ctx)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, queries_seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tiny", action="store_true", help="200 partners, 5 runs (seconds; for CI)")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="seed nothing: time the database as it is (PRM_DATABASE_NAME=prm_scale after seed_demo --scale large)",
    )
    args = parser.parse_args()
    if args.tiny:
        args.partners, args.runs = 200, 5
    results = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            if args.existing:
                from partners.models import Partner

                args.partners = Partner.objects.count()
            else:
                seed(args.partners)
            results["seed"] = (time.perf_counter() - started, 0, 0)
            root = User.objects.create_superuser("dash-root@bench.example", "x")
            manager = assigned_manager(0.01)
            filters = queries.Filters()

            def blocks(user):
                def run():
                    for block in queries.compute_blocks(user, filters).values():
                        block_svg(block)

                return run

            query = queries.block_query(root, filters)
            per_block = {}
            for name, fn in [
                *[(entry.key, lambda f=entry.func: f(query)) for entry in registry.dashboard_blocks()],
                (
                    "deals (raw deals, before the roll-up)",
                    lambda: incentive_queries.deals_pipeline_raw(query),
                ),
            ]:
                fn()  # warm-up
                started = time.perf_counter()
                fn()
                per_block[name] = (time.perf_counter() - started) * 1000
            print(
                "one uncached run per block (ms):", {k: round(v, 1) for k, v in per_block.items()}, flush=True
            )
            results["blocks, all partners (uncached)"] = timed(blocks(root), args.runs)
            results["blocks, assigned manager 1% (uncached)"] = timed(blocks(manager), args.runs)
            setup_test_environment()  # allows the "testserver" host, locmem e-mail
            client = Client()
            client.force_login(root)

            def page_uncached():
                cache.delete(pagecache.lagging_key(queries.cache_key(root, queries.Filters())))
                assert client.get("/staff/").status_code == 200

            def page_cached():
                assert client.get("/staff/").status_code == 200

            results["page /staff/, uncached"] = timed(page_uncached, args.runs)
            results["page /staff/, cached"] = timed(page_cached, args.runs)

            def chart_urls():
                blocks = queries.dashboard_blocks(root, queries.Filters())
                return [
                    (f"/staff/dashboard/{k}.svg?v={b.digest}", b.digest)
                    for k, b in blocks.items()
                    if b.labels
                ]

            def charts(cold):
                def run():
                    urls = chart_urls()
                    if cold:
                        cache.delete_many([pagecache.lagging_key(f"dashboard:chart:{d}") for _url, d in urls])
                    for url, _digest in urls:
                        assert client.get(url).status_code == 200

                return run

            results["the page's chart images (all), SVG cache cold"] = timed(charts(True), args.runs)
            results["the page's chart images (all), SVG cache warm"] = timed(charts(False), args.runs)
            raise Rollback
    except Rollback:
        pass
    finally:
        # The rolled-back data's blocks and charts must not outlive the run.
        cache.delete_pattern(pagecache.lagging_key("dashboard:*"))
    print(f"partners: {args.partners:,}, runs: {args.runs}")
    print(f"seed (set-based) + tier recomputation: {results.pop('seed')[0]:.1f} s")
    print("| case | p50 ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for name, (p50, p95, n) in results.items():
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {n} |")


if __name__ == "__main__":
    main()
