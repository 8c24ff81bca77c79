"""EXPLAIN ANALYZE of the key per-request queries, as the demo partner and staff see them.

    .venv/bin/python bench/explain.py [--database prm_scale] [--tiny] [--verbose]

Prints, per query, the execution time and the scan nodes of the plan (the full plan with
--verbose). On a large database (`seed_demo --scale large`) a sequential scan on a big
table marks a query whose cost grows with the programme; --strict makes that an error.
`--tiny` (CI) runs the same on the development database: the plans of tiny tables are
sequential scans by design, so it only proves the queries still build and run.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BIG_TABLES = (
    "incentives_deal",
    "incentives_earning",
    "content_assetevent",
    "threads_thread",
    "threads_message",
    "onboarding_onboardingtask",
    "prm_user",
    "partners_membership",
)


def key_queries():
    from content import library
    from content import queries as content_queries
    from content.models import Asset
    from incentives.models import Deal
    from prm.models import User
    from prm.tenancy import active_membership
    from threads.models import Thread
    from threads.queries import inbox, unread_filter

    user = User.objects.get(email="partner@example.com")
    partner = active_membership(user).partner
    visible = content_queries.visible_assets(partner)
    return [
        ("layout: membership", lambda: active_membership_qs(user)),
        (
            "layout: unread badge",
            lambda: Thread.objects.filter(partner_id=partner.pk).filter(unread_filter(user)),
        ),
        ("content: library count", lambda: visible),
        ("content: library page", lambda: visible.order_by("-published_at", "-pk")[:20]),
        # The page sorts ids first, then fetches those 20 assets (content.views.index).
        ("content: search ja", lambda: library.search(visible, "営業資料").values("pk")[:20]),
        ("content: search en", lambda: library.search(visible, "migrating partners").values("pk")[:20]),
        ("content: stage (won deals)", lambda: won_partner_ids(Deal, partner)),
        (
            "deals: partner list",
            lambda: Deal.objects.for_partner(partner).order_by("-created_at", "-id")[:25],
        ),
        (
            "staff: deal review queue",
            lambda: Deal.objects.filter(status="submitted").order_by("created_at")[:25],
        ),
        ("staff: inbox (support)", lambda: inbox(User.objects.get(email="support@example.com"))[:25]),
        ("staff: inbox count", lambda: inbox(User.objects.get(email="support@example.com"))),
        ("asset page: co-viewers", lambda: asset_viewers(Asset, visible)),
        *staff_queries(),
    ]


def staff_queries():
    """The staff lists and metrics pages (issue 17): the roll-ups they read and their scoped lists."""
    from django.db.models import Count, Exists, OuterRef, Sum
    from django.utils import timezone

    from content.models import Asset, AssetEngagement, PartnerEngagement
    from incentives.models import Deal, ProgramCost, TierChange
    from onboarding.models import OnboardingPlan, TaskLateness
    from onboarding.queries import plans_with_progress
    from prm.access.scoping import scoped
    from prm.models import User
    from prm.tenancy import partners_for_staff
    from threads.models import Message, Thread

    manager2 = User.objects.filter(email="manager2@example.com").first()
    narrowed = partners_for_staff(manager2) if manager2 else partners_for_staff(User(is_staff=False))
    submitted = Deal.objects.filter(status="submitted").order_by("created_at", "id")
    return [
        ("staff: deal review (capped count)", lambda: submitted.values("pk")[:1001]),
        ("staff: deal review, assigned manager", lambda: scoped(submitted, narrowed)[:25]),
        (
            "staff: program cost (roll-up)",
            lambda: ProgramCost.objects.values("program_id").annotate(
                n=Count("partner_id"), paid=Sum("paid")
            ),
        ),
        ("staff: recent tier changes", lambda: TierChange.objects.all()[:20]),
        ("staff: task lateness (roll-up)", lambda: TaskLateness.objects.all()),
        (
            "staff: content top assets (roll-up)",
            lambda: (
                AssetEngagement.objects.filter(
                    period_days=90, total__gt=0, asset__stages__contains=["selling"]
                )
                .values("asset_id", "asset__title", "total")
                .order_by("-total", "asset_id")[:10]
            ),
        ),
        (
            "staff: content per partner (roll-up)",
            lambda: (
                PartnerEngagement.objects.filter(period_days=90)
                .values("partner__name", "views")
                .order_by("-views", "partner__name")[:50]
            ),
        ),
        (
            "staff: unopened assets (roll-up)",
            lambda: (
                Asset.objects.published()
                .filter(Exists(AssetEngagement.objects.filter(period_days=90, total=0, asset=OuterRef("pk"))))
                .order_by("published_at", "pk")
                .values("pk")[:25]
            ),
        ),
        (
            # The page's 25 running plans first (their task counts after, for those 25 only).
            "staff: onboarding plans page",
            lambda: (
                OnboardingPlan.objects.filter(status="running")
                .select_related("partner", "owner")
                .order_by("target_date", "pk")[:25]
            ),
        ),
        (
            "staff: onboarding plans page, task counts",
            lambda: plans_with_progress(
                OnboardingPlan.objects.filter(
                    pk__in=list(
                        OnboardingPlan.objects.filter(status="running")
                        .order_by("target_date", "pk")
                        .values_list("pk", flat=True)[:25]
                    )
                )
            ),
        ),
        (
            # When the cached question metrics stop being true (the next question due).
            "staff: question metrics, next response due",
            lambda: (
                Thread.objects.filter(first_response_at__isnull=True, response_due_at__gte=timezone.now())
                .order_by("response_due_at")
                .values("response_due_at")[:1]
            ),
        ),
        (
            "staff: question participation",
            lambda: (
                Message.objects.filter(kind="public", by_staff=True)
                .values("author_id")
                .annotate(answers=Count("id"), threads=Count("thread", distinct=True))
                .order_by()
            ),
        ),
    ]


def active_membership_qs(user):
    from partners.models import Membership, Partner

    return Membership.objects.select_related("partner").filter(
        user=user, is_active=True, partner__status__in=Partner.PORTAL_STATUSES
    )[:1]


def won_partner_ids(Deal, partner):
    return (
        Deal.objects.counted()
        .order_by()
        .filter(partner_id__in=[partner.pk])
        .values_list("partner_id")
        .distinct()
    )


def asset_viewers(Asset, visible):
    from content.models import AssetEvent

    asset = visible.order_by("-use_count").first()
    return AssetEvent.objects.filter(asset=asset, kind="view", user__isnull=False).order_by("-created_at")[
        :50
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--tiny", action="store_true", help="CI: run on the development database")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--strict", action="store_true", help="fail on a sequential scan of a big table")
    args = parser.parse_args()
    import load

    load.setup_django(args.database)
    from django.core.management import call_command

    from prm.models import User

    if not User.objects.filter(email="partner@example.com").exists():
        call_command("seed_demo", verbosity=0)
    seq_scans = []
    for label, build in key_queries():
        qs = build()
        if label.endswith("count"):  # what the paginator runs
            plan = qs.order_by().values("pk").annotate().explain(analyze=True)
        else:
            plan = qs.explain(analyze=True)
        timing = re.search(r"Execution Time: ([\d.]+) ms", plan)
        scans = [line.strip() for line in plan.splitlines() if re.search(r"Scan|Sort|Aggregate", line)]
        print(f"\n## {label}: {timing.group(1) if timing else '?'} ms")
        for line in plan.splitlines() if args.verbose else scans[:8]:
            print(f"    {line.strip()[:160]}")
        seq_scans += [f"{label}: {s}" for s in scans if "Seq Scan" in s and any(t in s for t in BIG_TABLES)]
    if seq_scans:
        print("\nSequential scans on big tables:\n  " + "\n  ".join(seq_scans))
        if args.strict and not args.tiny:
            raise SystemExit(1)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_DEBUG", "true")
    main()
