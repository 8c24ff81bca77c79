"""The API's deal list against the portal's deal list page, in the same run: gunicorn with
production settings, wrk, and the bare view as the ceiling (bench/load.py's machinery).

    .venv/bin/python bench/api_bench.py --database prm_scale --scale large   # seeds if needed, then measures
    .venv/bin/python bench/api_bench.py --tiny                               # CI smoke run on the demo data

Rows: the bare view; partner@example.com's deal list as a page (`/deals/`, session) and
through the API (`/api/v1/deals/`, token; 25 per page like the page, and 100); the staff
review queue as a page and the vendor API's deals (manager@example.com). Prints req/s, p50
and p99, the share of the bare view and each row's query count (in-process, same data).
Results: var/bench/api-<partners>.json.
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402

PARTNER, MANAGER = "partner@example.com", "manager@example.com"
# (label, login, path, kind): kind "page" sends the session cookie, "api" the token.
ROWS = [
    ("bare view (1 query)", PARTNER, "/bench/bare/", "page"),
    ("deals page", PARTNER, "/deals/", "page"),
    ("API deals (25)", PARTNER, "/api/v1/deals/", "api"),
    ("API deals (100)", PARTNER, "/api/v1/deals/?page_size=100", "api"),
    ("staff: deal review page", MANAGER, "/staff/deals/", "page"),
    ("API vendor deals (25)", MANAGER, "/api/v1/vendor/deals/?status=submitted", "api"),
]


def tokens() -> dict[str, str]:
    from api.services import token_create
    from prm.models import User

    out = {}
    for email in (PARTNER, MANAGER):
        user = User.objects.get(email=email)
        from api import scopes

        audience = "vendor" if user.is_staff else "partner"
        _token, raw = token_create(
            actor=user, user=user, name="bench", scopes=scopes.all_scopes(audience), days=30
        )
        out[email] = raw
    return out


def query_counts(rows, secrets) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from prm.models import User

    counts = {}
    with override_settings(
        PRM_STAFF_MFA_REQUIRED=False, ROOT_URLCONF="bench.loadsite.urls", ALLOWED_HOSTS=["*"]
    ):
        for label, email, path, kind in rows:
            client = Client()
            headers = {}
            if kind == "page":
                client.force_login(User.objects.get(email=email))
            else:
                headers = {"Authorization": f"Bearer {secrets[email]}"}
            client.get(path, headers=headers)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{label} {path}: HTTP {response.status_code}")
            counts[label] = len(ctx.captured_queries)
    return counts


def warm(port, rows, cookies, secrets):
    import urllib.request

    for _label, email, path, kind in rows:
        headers = (
            {"Cookie": cookies[email]} if kind == "page" else {"Authorization": f"Bearer {secrets[email]}"}
        )
        for _ in range(4):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own local server
                response.read()
                if response.status != 200 or response.geturl() != request.full_url:
                    raise SystemExit(
                        f"{path} as {email}: HTTP {response.status}, ended at {response.geturl()}"
                    )


def run(args):
    load.setup_django(args.database)
    from django.core.cache import cache
    from django.core.management import call_command

    from incentives.models import Deal
    from partners.models import Partner
    from prm.models import User

    if args.scale:
        call_command("seed_demo", scale=args.scale)
    elif not User.objects.filter(email=PARTNER).exists():
        call_command("seed_demo", verbosity=0)
    cache.clear()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    env = load.service_env()
    env.update(PRM_API_RATE_LIMIT="100000000")
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    secrets = tokens()
    counts = query_counts(ROWS, secrets)
    cookies = load.sessions({email for _l, email, _p, kind in ROWS if kind == "page"})
    partner = User.objects.get(email=PARTNER).membership.partner
    port = load.free_port(args.port, args.port + 29)
    before = os.getloadavg()
    proc = load.start_gunicorn(env, port, args.workers)
    results = {}
    try:
        warm(port, ROWS, cookies, secrets)
        for label, email, path, kind in ROWS:
            extra = {"BENCH_TOKEN": secrets[email]} if kind == "api" else {}
            row = load.wrk(
                port,
                path,
                cookies.get(email, "") if kind == "page" else "",
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
                script="wrk_api.lua" if kind == "api" else "wrk_session.lua",
                env=extra,
            )
            row.update(queries=counts[label], path=path, role=email)
            results[label] = row
            print(f"  {label:<26} {row['rps']:8.1f} req/s  p99 {row['p99']:7.1f} ms", flush=True)
    finally:
        load.stop(proc)
    report = {
        "partners": Partner.objects.count(),
        "deals": Deal.objects.count(),
        "partner_deals": Deal.objects.filter(partner=partner).count(),
        "connections": args.connections,
        "duration": args.duration,
        "workers": args.workers,
        "loadavg_before": before,
        "loadavg_after": os.getloadavg(),
        "taken_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": results,
    }
    print_table(report)
    if not args.tiny:
        load.RESULTS.mkdir(parents=True, exist_ok=True)
        (load.RESULTS / f"api-{report['partners']}.json").write_text(json.dumps(report, indent=1))
    if any(row["errors"] for row in results.values()):
        raise SystemExit("wrk saw errors (non-2xx/3xx responses or timeouts)")
    page, api = results["deals page"], results["API deals (25)"]
    verdict = "as fast or faster" if api["rps"] >= page["rps"] else "SLOWER"
    print(f"\nAPI deal list vs the deals page: {api['rps'] / page['rps']:.2f}x ({verdict})")
    if not args.tiny and api["rps"] < page["rps"]:
        raise SystemExit("the API's deal list is slower than the portal's deal list page")


def print_table(report):
    rows = report["rows"]
    bare = rows["bare view (1 query)"]
    print(
        f"\n{report['partners']:,} partners, {report['deals']:,} deals ({report['partner_deals']:,} of the partner), "
        f"{report['connections']} connections x {report['duration']} s, gunicorn {report['workers']} sync workers, "
        f"debug off; load average {report['loadavg_before'][0]:.1f} before, {report['loadavg_after'][0]:.1f} after "
        f"({report['taken_at']})\n"
    )
    print("| row | role | req/s | share of bare | p50 ms | p99 ms | queries |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, row in rows.items():
        share = row["rps"] / bare["rps"] if bare["rps"] else 0
        print(
            f"| {label} | {row['role'].split('@')[0]} | {row['rps']:.0f} | {share:.0%} | {row['p50']:.0f} | "
            f"{row['p99']:.0f} | {row['queries']} |"
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tiny", action="store_true", help="CI smoke run: 1 s per row, 2 connections")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_API_PORT", 9660)))
    parser.add_argument("--database", help="a database of the embedded server (created and migrated)")
    parser.add_argument("--scale", help="first run `seed_demo --scale SCALE` (100, 1000, large)")
    args = parser.parse_args()
    if args.tiny:
        args.duration, args.connections, args.threads, args.workers = 1, 2, 1, 2
    run(args)


if __name__ == "__main__":
    main()
