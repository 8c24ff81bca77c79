"""Where a page's time goes, in-process: the request profiled (cProfile) many times with warm
caches, and its service time split into the parts a person could act on.

    .venv/bin/python bench/profile_page.py                       # the partner home
    .venv/bin/python bench/profile_page.py --path /deals/ --runs 300
    .venv/bin/python bench/profile_page.py --database prm_scale  # on the large seed
    .venv/bin/python bench/profile_page.py --tiny                # CI: seconds

As production renders: DEBUG off and Django's cached template loader (the settings are the
development ones otherwise: the embedded PostgreSQL and Redis). Prints the mean service time
per request without the profiler, then, from the profiled runs, the share of each part (the
database, Redis, the session, the partner look-up, template rendering, URL reversal,
translation) and the functions of the project that take the most time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.servers import use_embedded_servers  # noqa: E402

# (label, file fragment, function name): cumulative time of these entry points. They can
# nest (a template renders a fragment that queries the database), so the shares are each
# "time spent inside", not a partition; "rest" is what none of the first three covers.
PARTS = [
    ("database (cursor.execute)", "django/db/backends/utils.py", "_execute"),
    ("Redis (commands and pipelines)", "redis/client.py", "execute_command"),
    ("Redis pipelines", "redis/client.py", "execute"),
    ("session load", "sessions/backends/cached_db.py", "load"),
    ("partner look-up (tenancy)", "prm/tenancy.py", "active_membership"),
    ("template rendering", "django/template/base.py", "render"),
    ("URL reversal", "django/urls/base.py", "reverse"),
    ("translation (gettext)", "django/utils/translation/trans_real.py", "gettext"),
]


def setup(database: str | None):
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    if database:
        os.environ["PRM_DATABASE_NAME"] = database
    use_embedded_servers()
    import django
    from django.conf import settings

    django.setup()
    # What production renders with (templates are compiled once per process).
    settings.DEBUG = False
    options = settings.TEMPLATES[0]["OPTIONS"]
    settings.TEMPLATES[0]["APP_DIRS"] = False
    options["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ]


def client_for(email: str):
    from django.test import Client

    from prm.models import User

    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(User.objects.get(email=email))
    return client


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", default="/")
    parser.add_argument("--email", default="partner@example.com")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--database", help="a database of the embedded server (e.g. the large seed)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args()
    if args.tiny:
        args.runs, args.top = 10, 5
    setup(args.database)
    from django.core.management import call_command

    from prm.models import User

    if not User.objects.filter(email=args.email).exists():
        call_command("seed_demo", verbosity=0)
    client = client_for(args.email)
    for _ in range(5):  # warm: templates compiled, caches filled, connections open
        response = client.get(args.path)
        if response.status_code != 200:
            raise SystemExit(f"{args.path}: HTTP {response.status_code}")
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        client.get(args.path)
        timings.append((time.perf_counter() - start) * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.path)
    profile.disable()
    report(args, timings, pstats.Stats(profile))


def report(args, timings, stats):
    total = _cumulative(stats, "django/test/client.py", "request")
    print(
        f"{args.path} as {args.email}: {statistics.mean(timings):.2f} ms per request without the profiler "
        f"(median {statistics.median(timings):.2f} ms, {args.runs} runs; the test client adds a little)"
    )
    print("\n| part | share of the profiled request |\n|---|---:|")
    for label, file_part, function in PARTS:
        share = _cumulative(stats, file_part, function) / total if total else 0
        print(f"| {label} | {share:.0%} |")
    print("\nThe project's functions by time spent inside them (cumulative, per request):\n")
    print("| function | ms per request |\n|---|---:|")
    rows = []
    for (file, line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        rel = _project_path(file)
        if rel and not rel.startswith(("bench/", "tests/")):
            rows.append((cumulative, f"{rel}:{line} {function}"))
    for cumulative, name in sorted(rows, reverse=True)[: args.top]:
        print(f"| `{name}` | {cumulative * 1000 / args.runs:.2f} |")


def _cumulative(stats, file_part: str, function: str) -> float:
    """Time inside `function` of files matching `file_part`, not counting recursive calls twice."""
    return sum(
        entry[3]
        for (file, _line, name), entry in stats.stats.items()
        if name == function and file.endswith(file_part)
    )


def _project_path(file: str) -> str | None:
    try:
        rel = Path(file).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None
    return None if rel.startswith(".venv/") else rel


if __name__ == "__main__":
    main()
