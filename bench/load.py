"""Load benchmark: gunicorn with the production `gunicorn.conf.py`, wrk, the key pages per
role, and the framework's own ceiling (a bare one-query view) in the same run.

    .venv/bin/python bench/load.py --size demo        # demo data (seed_demo)
    .venv/bin/python bench/load.py --size large       # after `manage.py seed_demo --scale large`
    .venv/bin/python bench/load.py --tiny             # CI smoke run: seconds
    .venv/bin/python bench/load.py --plot             # growth curve from saved runs
    .venv/bin/python bench/load.py --database prm_scale --scale 100   # then 1000, then large
    .venv/bin/python bench/load.py --database prm_scale --ref d53bcc2  # the same run, older code
    .venv/bin/python bench/load.py --recycling compare                # what worker recycling costs

Starts gunicorn with `gunicorn.conf.py` (as production: 4 sync workers here, recycled every
1,000 requests plus jitter; `--recycling off` sets max_requests to 0, `compare` measures
both, one after the other), DJANGO_DEBUG off, `bench.loadsite.settings` (the product settings
plus `/bench/bare/`) on a port of its own against the development database and Redis, signs in
the demo logins (partner admin, partner member, channel manager, support) by creating their
sessions, and runs wrk (`bench/wrk_session.lua` sends the cookie) against each page for
--duration seconds at --connections connections. Prints req/s, p50/p95/p99, the share of the
bare view's throughput, each page's query count and Redis round trips (counted in-process
with the same data, caches warm) and issue 22's budget. `--ref REF` runs the app of that git
commit instead (exported to var/bench/ref-REF, same database, Redis and settings), for a
before/after pair from the same evening. Results are saved to var/bench/load-<partners>.json
(with --ref, load-<partners>-<REF>.json); --plot draws bench/growth.svg (pygal) from them.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "var" / "bench"
SVG = ROOT / "bench" / "growth.svg"
BARE = ("bare view (1 query)", "partner@example.com", "/bench/bare/")

# (label, demo login, path); {deal}, {thread}, {asset} are filled from the data.
# Staff pages last: at the large size some take seconds, and the workers' backlog would
# otherwise slow the partner pages measured after them.
PAGES = [
    ("partner home", "partner@example.com", "/"),
    ("content library", "partner@example.com", "/content/"),
    ("content search (ja)", "partner@example.com", "/content/?q=営業資料"),
    ("content search (en)", "partner@example.com", "/content/?q=migrating+partners"),
    ("asset page", "partner@example.com", "/content/{asset}/"),
    ("deals", "partner@example.com", "/deals/"),
    ("deal page", "partner@example.com", "/deals/{deal}/"),
    ("incentives scorecard", "partner@example.com", "/incentives/"),
    ("statements", "partner@example.com", "/incentives/statements/"),
    ("onboarding", "partner@example.com", "/onboarding/"),
    ("training", "partner@example.com", "/training/"),
    ("questions", "partner@example.com", "/questions/"),
    ("question page", "partner@example.com", "/questions/{thread}/"),
    ("team", "partner@example.com", "/team/"),
    ("member: home", "member@example.com", "/"),
    ("member: deals", "member@example.com", "/deals/"),
    ("member: content", "member@example.com", "/content/"),
    ("staff: deal review", "manager@example.com", "/staff/deals/"),
    ("staff: onboarding plans", "manager@example.com", "/staff/onboarding/"),
    ("staff: onboarding metrics", "manager@example.com", "/staff/onboarding/metrics/"),
    ("staff: recruitment", "manager@example.com", "/staff/recruitment/"),
    ("staff: incentives", "manager@example.com", "/staff/incentives/"),
    ("staff: content analytics", "manager@example.com", "/staff/content/"),
    ("support: inbox", "support@example.com", "/staff/questions/"),
    ("support: metrics", "support@example.com", "/staff/questions/metrics/"),
    # Anonymous (prospects, no session; "" is no login): issue 30's public pages, held to the
    # library page's budget.
    ("public: landing", "", "/"),
    ("public: resources", "", "/resources/"),
    ("public: solutions", "", "/solutions/"),
    ("public: directory", "", "/partners/"),
]
ANONYMOUS = ""
TINY_PAGES = [
    "partner home",
    "public: resources",
    "content library",
    "deals",
    "member: home",
    "staff: deal review",
    "support: inbox",
]
STAFF = ("manager@example.com", "support@example.com")


def setup_django(database: str | None = None, *, migrate: bool = True):
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    # Imported here, not at the top: an older checkout (--ref) imports this module to count
    # queries, and it may predate devtools.
    from devtools import servers

    if database:
        if "DATABASE_URL" not in os.environ:
            import pgserver

            servers.postgres_settings()  # starts the embedded server if needed
            server = pgserver.get_server(servers.PG_DIR, cleanup_mode=None)
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
                raise SystemExit("--database: lower-case letters, digits and _ only")
            exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
            if "(1 row)" not in exists:
                server.psql(f"CREATE DATABASE {database};")
        os.environ["PRM_DATABASE_NAME"] = database
    servers.use_embedded_servers()
    import django

    django.setup()
    if database and migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def service_env() -> dict:
    """What a deployment sets: explicit database and Redis URLs, a secret, debug off."""
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["HOST"].startswith("/"):  # the embedded server: its socket, this run's database
        database_url = f"postgres://{db['USER']}@/{db['HOST']}/{db['NAME']}"
    elif "DATABASE_URL" in os.environ:
        database_url = os.environ["DATABASE_URL"]
    else:
        database_url = (
            f"postgres://{db['USER']}:{db.get('PASSWORD', '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    connection.ensure_connection()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRM_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.loadsite.settings",
        DJANGO_DEBUG="false",
        # The sessions load.py creates are signed (and bound to the password hash) with this
        # process's key: gunicorn must use the same one or every request is a sign-in redirect.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        # Staff MFA is enforced in production; the demo staff logins have no TOTP device.
        PRM_STAFF_MFA_REQUIRED="false",
        # Plain HTTP on loopback: in production TLS ends at the proxy, which sets
        # X-Forwarded-Proto; here nothing does, so the HTTPS redirect is off.
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port(low: int, high: int) -> int:
    for port in range(low, high + 1):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"no free port in {low}-{high}")


def sessions(emails) -> dict[str, str]:
    """A signed-in session per demo login (the same store gunicorn reads: DB + Redis)."""
    from django.conf import settings
    from django.test import Client

    from prm.models import User

    cookies = {ANONYMOUS: ""}
    for email in emails:
        if email == ANONYMOUS:
            continue
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[email] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def fill(pages):
    from content.queries import visible_assets
    from incentives.models import Deal
    from prm.models import User
    from prm.tenancy import active_membership
    from threads.models import Thread

    partner = active_membership(User.objects.get(email="partner@example.com")).partner
    ids = {
        "deal": Deal.objects.filter(partner=partner).order_by("-pk").values_list("pk", flat=True).first(),
        "thread": Thread.objects.filter(partner=partner).order_by("-pk").values_list("pk", flat=True).first(),
        "asset": visible_assets(partner).order_by("-use_count", "pk").values_list("pk", flat=True).first(),
    }
    from urllib.parse import quote

    return [(label, email, quote(path.format(**ids), safe="/?=&+")) for label, email, path in pages]


RUN_SCRIPT = """
import json, os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
import django
django.setup()
from bench import load
print("RESULT " + json.dumps(getattr(load, sys.argv[1])(json.loads(sys.argv[2]))))
"""


def run_in(app_dir: Path, function: str, argument, env: dict | None = None):
    """`function(argument)` of this module run by the code in `app_dir`, in a process of its
    own (for --ref: its models match its schema, its receivers run at sign-in)."""
    out = subprocess.run(
        [sys.executable, "-c", RUN_SCRIPT, function, json.dumps(argument)],
        cwd=app_dir,
        env={
            **(env or service_env_dev()),
            "DJANGO_SETTINGS_MODULE": "prm.settings",
            "DJANGO_DEBUG": "true",
            "PYTHONPATH": str(app_dir),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(re.search(r"RESULT (.*)", out).group(1))


def fill_in(app_dir: Path, pages) -> list:
    return [tuple(page) for page in run_in(app_dir, "fill", pages)]


def query_counts(pages) -> dict[str, list[int]]:
    """Each page's [queries, Redis round trips], in-process on the same data (second
    request: caches warm; a pipeline or MGET is one round trip)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from redis.connection import AbstractConnection

    from prm.models import User

    counts, clients = {}, {}
    send = AbstractConnection.send_packed_command
    trips = [0]

    def counted(conn, *args, **kwargs):
        trips[0] += 1
        return send(conn, *args, **kwargs)

    with override_settings(
        PRM_STAFF_MFA_REQUIRED=False, ROOT_URLCONF="bench.loadsite.urls", ALLOWED_HOSTS=["*"]
    ):
        for label, email, path in pages:
            if email not in clients:
                clients[email] = Client()
                if email != ANONYMOUS:
                    clients[email].force_login(User.objects.get(email=email))
            client = clients[email]
            client.get(path)
            trips[0] = 0
            AbstractConnection.send_packed_command = counted
            try:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
            finally:
                AbstractConnection.send_packed_command = send
            if response.status_code != 200:
                raise SystemExit(f"{label} {path}: HTTP {response.status_code} for {email}")
            counts[label] = [len(ctx.captured_queries), trips[0]]
    return counts


def query_counts_in(app_dir: Path, pages, env) -> dict[str, list[int]]:
    return run_in(app_dir, "query_counts", pages, env)


def prepare_ref_database(app_dir: Path, scale: str | None) -> None:
    """Migrate (and seed, once or by --scale) the --database with the --ref code itself."""
    from prm.models import User

    env = {**service_env_dev(), "DJANGO_SETTINGS_MODULE": "prm.settings", "DJANGO_DEBUG": "true"}
    env["PYTHONPATH"] = str(app_dir)

    def manage(*argv: str) -> None:
        subprocess.run([sys.executable, "manage.py", *argv], cwd=app_dir, env=env, check=True)

    manage("migrate", "--verbosity", "0")
    if scale:
        manage("seed_demo", "--scale", scale)
    elif not User.objects.filter(email="partner@example.com").exists():
        manage("seed_demo", "--verbosity", "0")


def export_ref(ref: str) -> Path:
    """The app as of git `ref`, exported once to var/bench/ref-<ref> (its bench/load.py is
    replaced by this one, so that the counts are taken the same way)."""
    target = RESULTS / f"ref-{ref}"
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    shutil.copy(ROOT / "bench" / "load.py", target / "bench" / "load.py")
    return target


def start_gunicorn(env, port, workers, *, app_dir: Path = ROOT, recycle: bool = True):
    """gunicorn as production runs it (`gunicorn.conf.py`), on our port and worker count;
    `recycle=False` turns worker recycling (max_requests) off."""
    env = {
        **env,
        "PYTHONPATH": str(app_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESSLOG": "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        "GUNICORN_LOGLEVEL": "warning",
    }
    if not recycle:
        env["GUNICORN_MAX_REQUESTS"] = "0"
    conf = app_dir / "gunicorn.conf.py"
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "prm.wsgi:application", "--config", str(conf)]
    proc = subprocess.Popen(cmd, cwd=app_dir, env=env, start_new_session=True)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited; see its log above") from None
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("gunicorn did not start")


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def wrk(port, path, cookie, *, duration, connections, threads, script="wrk_session.lua", env=None) -> dict:
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_ROOT": str(ROOT), **(env or {})}
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / script),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(re.search(r"BENCH_JSON (.*)", out).group(1))
    seconds = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds if seconds else 0.0,
        "p50": data["p50"] / 1000,
        "p95": data["p95"] / 1000,
        "p99": data["p99"] / 1000,
        "errors": data["errors"],
        "requests": data["requests"],
    }


def warm(port, pages, cookies):
    """Each worker opens its DB connection and fills the caches before timing."""
    import urllib.request

    for _label, email, path in pages:
        for _ in range(4):
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookies[email]})
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - our own local server
                resp.read()
                if resp.status != 200 or resp.geturl() != req.full_url:
                    # wrk counts a redirect (to the sign-in or MFA page) as a success.
                    raise SystemExit(f"{path} as {email}: HTTP {resp.status}, ended at {resp.geturl()}")


def budget(label: str, row: dict, bare: dict) -> str:
    """Which target of issue 22 the row meets ('' when it has none): partner pages at least
    25% of the bare view's req/s, p99 < 100 ms, at most 12 queries (the home 6) and 3 Redis
    round trips, library and search p95 < 100 ms (the public pages too); staff pages at least
    10% and p99 < 250 ms."""
    staff = label.startswith(("staff:", "support:"))
    queries, trips = row["queries"], row.get("redis")
    checks = []
    if label.startswith(("content", "member: content", "public:")):
        checks.append(row["p95"] < 100)
    if staff:
        checks += [row["rps"] >= 0.10 * bare["rps"], row["p99"] < 250]
    else:
        home = label in ("partner home", "member: home")
        checks += [row["rps"] >= 0.25 * bare["rps"], row["p99"] < 100, queries <= (6 if home else 12)]
        checks.append(trips is None or trips <= 3)
    return "ok" if all(checks) else "MISS"


def measure(args, *, app_dir: Path, recycle: bool, env, pages, bare, cookies, counts) -> dict:
    """One gunicorn, every page under wrk: {label: row}."""
    port = free_port(args.port, args.port + 49)
    proc = start_gunicorn(env, port, args.workers, app_dir=app_dir, recycle=recycle)
    results = {}
    try:
        warm(port, [*pages, bare], cookies)
        # The bare view first and last: the ceiling of this run, averaged.
        for label, email, path in [bare, *pages, bare]:
            row = wrk(
                port,
                path,
                cookies[email],
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
            )
            row["queries"], row["redis"] = counts[label]
            # Service time: one connection, no queueing (less sensitive to other load).
            if not args.tiny:
                single = wrk(port, path, cookies[email], duration=3, connections=1, threads=1)
                row["service_ms"] = single["p50"] if single["requests"] else None
            row["path"] = path
            row["role"] = email
            if label in results:  # second bare run: recorded, but the first one is the ceiling
                # (slow staff pages can leave the workers a backlog that the last run pays for).
                results[label]["rps_end"] = row["rps"]
                row = results[label]
            results[label] = row
            print(f"  {label:<28} {row['rps']:8.1f} req/s  p99 {row['p99']:7.1f} ms", flush=True)
    finally:
        stop(proc)
    return results


def run(args):
    # Older code (--ref) runs on a database its own migrations built and its own seed filled:
    # this code's migrations would give it a schema it does not know.
    own_schema = bool(args.ref and args.database)
    setup_django(args.database, migrate=not own_schema)
    from django.core.cache import cache
    from django.core.management import call_command

    from partners.models import Partner
    from prm.models import User

    if own_schema:
        prepare_ref_database(export_ref(args.ref), args.scale)
    elif args.scale:
        call_command("seed_demo", scale=args.scale)
    elif not User.objects.filter(email="partner@example.com").exists():
        call_command("seed_demo", verbosity=0)
    cache.clear()  # another database's (or code's) cached fragments must not leak into this run
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    filled = fill_in(export_ref(args.ref), [*PAGES, BARE]) if own_schema else fill([*PAGES, BARE])
    pages = [p for p in filled[:-1] if not args.tiny or p[0] in TINY_PAGES]
    if args.pages:
        pages = [p for p in pages if re.search(args.pages, p[0])]
    bare = filled[-1]
    partners = Partner.objects.count()
    env = service_env()
    app_dir = export_ref(args.ref) if args.ref else ROOT
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=app_dir,
        env={**env, "PYTHONPATH": str(app_dir)},
        check=True,
    )
    if args.ref:
        counts = query_counts_in(app_dir, [*pages, bare], service_env_dev())
    else:
        counts = query_counts([*pages, bare])
    cache.clear()
    emails = sorted({email for _l, email, _p in [*pages, bare]})
    # The older code signs its sessions with this process's key, as gunicorn will.
    if args.ref:
        cookies = {ANONYMOUS: "", **run_in(app_dir, "sessions", [e for e in emails if e != ANONYMOUS], env)}
    else:
        cookies = sessions(emails)
    modes = {"on": [True], "off": [False], "compare": [True, False]}[args.recycling]
    load_before = os.getloadavg()
    runs = {}
    for recycle in modes:
        print(
            f"gunicorn.conf.py, worker recycling {'on (max_requests 1,000)' if recycle else 'off'}:",
            flush=True,
        )
        runs["on" if recycle else "off"] = measure(
            args,
            app_dir=app_dir,
            recycle=recycle,
            env=env,
            pages=pages,
            bare=bare,
            cookies=cookies,
            counts=counts,
        )
    load_after = os.getloadavg()
    report = {
        "size": args.size,
        "partners": partners,
        "connections": args.connections,
        "duration": args.duration,
        "workers": args.workers,
        "ref": args.ref or "",
        "recycling": "on" if modes[0] else "off",
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "taken_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "pages": runs["on" if modes[0] else "off"],
    }
    if len(runs) == 2:
        report["pages_without_recycling"] = runs["off"]
    print_table(report)
    if len(runs) == 2:
        print_recycling(runs["on"], runs["off"])
    if not args.tiny:
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = f"load-{partners}-{args.ref}.json" if args.ref else f"load-{partners}.json"
        (RESULTS / name).write_text(json.dumps(report, indent=1))
    if any(row["errors"] for result in runs.values() for row in result.values()):
        raise SystemExit("wrk saw errors (non-2xx/3xx responses or timeouts)")


def service_env_dev() -> dict:
    """The environment for counting in-process with another checkout's code: the same
    database and Redis as this process (explicit URLs)."""
    env = service_env()
    env.pop("DJANGO_SECRET_KEY", None)
    return env


def print_table(report):
    pages = report["pages"]
    bare = pages[BARE[0]]
    code = f"code at {report['ref']}, " if report.get("ref") else ""
    print(
        f"\n{report['partners']:,} partners, {report['connections']} connections x {report['duration']} s per page, "
        f"{code}gunicorn.conf.py with {report['workers']} sync workers (recycling {report.get('recycling', 'off')}), "
        f"DEBUG off; load average {report['loadavg_before'][0]:.1f} before, {report['loadavg_after'][0]:.1f} after "
        f"({report['taken_at']})\n"
    )
    print(
        "| page | role | req/s | share of bare | p50 ms | p95 ms | p99 ms | service ms | queries | Redis round trips "
        "| budget |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, row in pages.items():
        share = row["rps"] / bare["rps"] if bare["rps"] else 0
        verdict = "" if label == BARE[0] else budget(label, row, bare)
        role = row["role"].split("@")[0] or "anonymous"
        print(
            f"| {label} | {role} | {row['rps']:.0f} | {share:.0%} | {_ms(row['p50'])} | {_ms(row['p95'])} | "
            f"{_ms(row['p99'])} | {_ms(row.get('service_ms'))} | {row['queries']} | {row.get('redis', '-')} | {verdict} |"
        )


def print_recycling(on: dict, off: dict):
    """What recycling workers every 1,000 requests costs, page by page (same code and data)."""
    print("\n| page | req/s, recycling off | req/s, recycling on | cost | p99 ms off | p99 ms on |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, row in on.items():
        base = off.get(label)
        if base:
            cost = 1 - row["rps"] / base["rps"] if base["rps"] else 0
            print(
                f"| {label} | {base['rps']:.0f} | {row['rps']:.0f} | {cost:.0%} | {_ms(base['p99'])} | "
                f"{_ms(row['p99'])} |"
            )


def _ms(value) -> str:
    return "-" if not value else f"{value:.0f}"  # no request finished in the window


def plot():
    import pygal

    runs = sorted(
        (r for r in (json.loads(p.read_text()) for p in RESULTS.glob("load-*.json")) if not r.get("ref")),
        key=lambda r: r["partners"],
    )
    if not runs:
        raise SystemExit(f"no saved runs in {RESULTS}")
    chart = pygal.Line(
        js=[],
        title="req/s per page by number of partners",
        x_title="partners",
        y_title="req/s",
        logarithmic=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        width=900,
        height=560,
    )
    chart.x_labels = [f"{r['partners']:,}" for r in runs]
    labels = [BARE[0]] + [label for label, _e, _p in PAGES]
    for label in labels:
        values = [r["pages"].get(label, {}).get("rps") for r in runs]
        if any(v is not None for v in values):
            chart.add(label, [round(v, 1) if v is not None else None for v in values])
    SVG.write_text(chart.render(is_unicode=True))
    print(f"wrote {SVG.relative_to(ROOT)} from {len(runs)} runs: {[r['partners'] for r in runs]}")
    print("\n| page | " + " | ".join(f"{r['partners']:,} partners req/s (p99 ms)" for r in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for label in labels:
        cells = []
        for r in runs:
            row = r["pages"].get(label)
            cells.append(f"{row['rps']:.0f} ({row['p99']:.0f})" if row else "")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", default="demo", help="a label for the data in the database (demo, large, ...)"
    )
    parser.add_argument("--tiny", action="store_true", help="CI smoke run: 6 pages, 1 s each, 2 connections")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 9750)))  # port..port+49
    parser.add_argument("--pages", help="regular expression: only pages whose label matches")
    parser.add_argument(
        "--database", help="run on this database of the embedded server (created and migrated)"
    )
    parser.add_argument(
        "--scale", help="first run `seed_demo --scale SCALE` (100, 1000, large; grows additively)"
    )
    parser.add_argument(
        "--ref", help="run the app of this git commit (exported to var/bench), e.g. the code before"
    )
    parser.add_argument(
        "--recycling",
        choices=["on", "off", "compare"],
        default="on",
        help="gunicorn.conf.py's worker recycling (max_requests 1,000 as in production), off, or both",
    )
    parser.add_argument("--plot", action="store_true", help="draw bench/growth.svg from saved runs and exit")
    args = parser.parse_args()
    if args.plot:
        plot()
        return
    if args.tiny:
        args.duration, args.connections, args.threads, args.workers = 1, 2, 1, 2
    run(args)


if __name__ == "__main__":
    main()
