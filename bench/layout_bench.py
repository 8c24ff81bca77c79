"""The layout's per-person parts, timed in-process: what every partner page pays for the
navigation badges, the bell, the language switch and the user menu (issue 22: at most 2 ms).

    .venv/bin/python bench/layout_bench.py [--runs 500] [--database prm_scale]
    .venv/bin/python bench/layout_bench.py --tiny        # CI: seconds

Times, for the demo partner admin with warm caches, in a fresh request and batch each time:
the membership look-up every partner page makes before its view (`partner_required`, shown
apart: tenancy, not layout), then the `portal` context processor (the badges and the bell,
from the request's batched cache read) and `prm.ui.layout.navbar` (the bar rendered once per
process and shape, its slots filled: names, CSRF token, language switch, badges, bell).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.servers import use_embedded_servers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--database", help="a database of the embedded server (e.g. the large seed)")
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args()
    if args.tiny:
        args.runs = 20
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    if args.database:
        os.environ["PRM_DATABASE_NAME"] = args.database
    use_embedded_servers()
    import django

    django.setup()
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.utils import translation

    from prm.cache import pagecache
    from prm.models import User
    from prm.tenancy import active_membership
    from prm.ui import context_processors, layout, registry

    if not User.objects.filter(email="partner@example.com").exists():
        call_command("seed_demo", verbosity=0)
    user = User.objects.get(email="partner@example.com")
    factory = RequestFactory()
    membership_ms, portal_ms, navbar_ms = [], [], []
    translation.activate("ja")
    for i in range(args.runs + 5):
        request = factory.get("/deals/")
        request.user, request.session = user, SessionStore()
        user.__dict__.pop("_prm_membership", None)  # a new request: nothing memoised
        token = pagecache._batch.set(pagecache.Batch())
        try:
            looked_up = time.perf_counter()
            membership = active_membership(user)  # partner_required, before the view
            registry.prefetch_partner_page(membership.partner_id, user.pk)
            started = time.perf_counter()
            context = context_processors.portal(request)
            between = time.perf_counter()
            layout.navbar({**context, "request": request, "active_nav": "deals"})
            ended = time.perf_counter()
        finally:
            pagecache._batch.reset(token)
        if i >= 5:  # the first requests fill the caches
            membership_ms.append((started - looked_up) * 1000)
            portal_ms.append((between - started) * 1000)
            navbar_ms.append((ended - between) * 1000)
    total = [a + b for a, b in zip(portal_ms, navbar_ms, strict=True)]

    def line(name, values):
        values = sorted(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"| {name} | {statistics.median(values):.3f} | {p95:.3f} |")

    print(f"{args.runs} runs, load average {os.getloadavg()[0]:.1f}")
    print("| per request | median ms | p95 ms |\n|---|---:|---:|")
    line("(tenancy, before the view: the membership with its partner, one query)", membership_ms)
    line("`portal` context processor: badges and bell, from the request's batched read", portal_ms)
    line(
        "`prm.ui.layout.navbar`: the cached bar, its slots filled (names, CSRF, language, badges)", navbar_ms
    )
    line("the layout's per-person parts in all", total)


if __name__ == "__main__":
    main()
