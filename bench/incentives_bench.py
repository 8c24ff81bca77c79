"""Benchmark: set-based tier recomputation vs a naive per-partner loop.

Seeds 10,000 partners and 500,000 deals with set-based SQL (generate_series) inside one
transaction on the development database, times `incentives.services.tiers_recompute` and a
naive loop (a handful of queries per partner) on the same data, checks both assign the same
tiers, prints the figures, and rolls everything back.

    .venv/bin/python bench/incentives_bench.py [--partners 10000] [--deals 500000] [--tiny]

`--tiny` (seconds) is what `.ci/run` runs, so a schema change that breaks the benchmark fails CI.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
from devtools.servers import use_embedded_servers

use_embedded_servers()
import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from devtools.seeding import insert_select  # noqa: E402
from incentives import services  # noqa: E402
from incentives.models import (  # noqa: E402
    Deal,
    Earning,
    IncentiveProgram,
    PartnerTierState,
    Product,
    Statement,
    Tier,
)
from leads.models import RoutingRule  # noqa: E402
from partners.models import Partner  # noqa: E402
from payouts.models import Payout, TransferBatch  # noqa: E402
from training.queries import valid_certifications  # noqa: E402


class Rollback(Exception):
    pass


def seed(partners: int, deals: int) -> None:
    # Everything here is rolled back at the end; start from a known set of tiers (payment
    # statements hold their earnings, routing rules name a minimum tier: they go first).
    Payout.objects.all().delete()
    RoutingRule.objects.all().delete()
    TransferBatch.objects.all().delete()
    Earning.objects.all().delete()
    Statement.objects.all().delete()
    IncentiveProgram.objects.all().delete()
    Tier.objects.all().delete()
    for (
        rank,
        rev,
        n,
    ) in [(0, 0, 0), (1, 10_000_000, 3), (2, 30_000_000, 8), (3, 80_000_000, 15)]:
        Tier.objects.create(rank=rank, name=f"Tier {rank}", min_won_revenue=Decimal(rev), min_won_deals=n)
    product = Product.objects.create(code="bench-product", name="Bench")
    now = timezone.now()
    today = timezone.localdate()
    insert_select(
        Partner,
        {
            "name": "'Bench partner ' || g",
            "slug": "'bench-' || g",
            "partner_type": "(ARRAY['sales','delivery','solution'])[1 + g %% 3]",
            "status": "'active'",
            "country": "(ARRAY['JP','US','GB','DE'])[1 + g %% 4]",
        },
        "FROM generate_series(1, %(n)s) g",
        {"n": partners},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM partners_partner WHERE slug LIKE 'bench-%%'")
        low, high = cursor.fetchone()
    # Skewed activity: deal d belongs to partner low + (d*d) mod n, about 40% won over two years.
    insert_select(
        Deal,
        {
            "partner": "%(low)s + ((d::bigint * d) %% %(n)s)",
            "customer_company": "'Customer ' || d",
            "company_key": "'customer' || d",
            "customer_domain": "'c' || d || '.example.com'",
            "contact_name": "'Buyer'",
            "product": "%(product)s",
            "amount": "a",
            "currency": "'JPY'",
            "amount_jpy": "a",
            "approved_amount": "a",
            "approved_currency": "'JPY'",
            "approved_amount_jpy": "a",
            "counted_amount_jpy": "CASE WHEN d %% 5 < 2 THEN a END",
            "expected_close_date": "%(today)s",
            "status": "'approved'",
            "stage": "CASE WHEN d %% 5 < 2 THEN 'won' ELSE 'proposal' END",
            "has_conflict": "FALSE",
            "protected_until": "%(today)s + 30",
            "closed_on": "CASE WHEN d %% 5 < 2 THEN %(today)s - (d %% 730) END",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
        },
        "FROM (SELECT d, (100000 + (d::bigint * 7919) %% 9900000)::numeric AS a"
        " FROM generate_series(1, %(deals)s) d) s",
        {"low": low, "n": high - low + 1, "product": product.pk, "today": today, "now": now, "deals": deals},
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incentives_deal")
        cursor.execute("ANALYZE partners_partner")


def naive_recompute(as_of) -> None:
    """What a straightforward implementation does: a few queries per partner."""
    tiers = list(Tier.objects.order_by("-rank"))
    start = as_of - timedelta(days=365)
    for partner in Partner.objects.filter(status__in=Partner.PORTAL_STATUSES).iterator():
        agg = Deal.objects.filter(
            partner=partner,
            stage="won",
            counted_amount_jpy__isnull=False,
            closed_on__gt=start,
            closed_on__lte=as_of,
        ).aggregate(revenue=Sum("counted_amount_jpy"), deals=Count("pk"))
        certs = valid_certifications(as_of=as_of)
        people = (
            certs.filter(partner_id=partner.pk).values("user_id").distinct().count()
            if certs is not None
            else 0
        )
        onboarded = partner.onboarding_completed_on is not None
        revenue, count = agg["revenue"] or 0, agg["deals"]
        tier = next(
            (
                t
                for t in tiers
                if revenue >= t.min_won_revenue
                and count >= t.min_won_deals
                and people >= t.min_certified_people
                and (onboarded or not t.requires_onboarding)
            ),
            None,
        )
        PartnerTierState.objects.update_or_create(
            partner=partner,
            defaults={
                "tier": tier,
                "qualified_tier": tier,
                "won_revenue": revenue,
                "won_deals": count,
                "certified_people": people,
                "onboarding_completed": onboarded,
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--deals", type=int, default=500_000)
    parser.add_argument("--tiny", action="store_true", help="50 partners, 2,000 deals: a CI smoke run")
    args = parser.parse_args()
    if args.tiny:
        args.partners, args.deals = 50, 2_000
    as_of = timezone.localdate()
    results = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            seed(args.partners, args.deals)
            results["seed"] = time.perf_counter() - started
            partners = Partner.objects.in_portal().count()

            started = time.perf_counter()
            run = services.tiers_recompute(as_of=as_of)
            results["set_based"] = time.perf_counter() - started
            set_based = dict(PartnerTierState.objects.values_list("partner_id", "tier__rank"))

            started = time.perf_counter()
            services.tiers_recompute(as_of=as_of)
            results["set_based_repeat"] = time.perf_counter() - started

            PartnerTierState.objects.all().delete()
            started = time.perf_counter()
            naive_recompute(as_of)
            results["naive"] = time.perf_counter() - started
            naive = dict(PartnerTierState.objects.values_list("partner_id", "tier__rank"))
            assert naive == set_based, "the naive loop and the set-based recomputation disagree"
            distribution = dict(
                PartnerTierState.objects.values("tier__rank")
                .annotate(n=Count("pk"))
                .values_list("tier__rank", "n")
            )
            raise Rollback
    except Rollback:
        pass
    print(f"partners evaluated: {partners:,} (incl. existing), deals seeded: {args.deals:,}")
    print(f"seed (set-based INSERT ... SELECT): {results['seed']:.2f} s")
    print(f"set-based recomputation: {results['set_based']:.2f} s ({run.changes:,} tier changes recorded)")
    print(f"set-based recomputation, second run (no changes): {results['set_based_repeat']:.2f} s")
    print(f"naive per-partner loop: {results['naive']:.2f} s")
    print(f"ratio naive / set-based: {results['naive'] / results['set_based']:.1f}x")
    print(f"tier distribution (rank: partners): {dict(sorted(distribution.items()))}")


if __name__ == "__main__":
    main()
