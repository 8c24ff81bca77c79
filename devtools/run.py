"""`make run`: migrate, seed, then web server, Celery worker and Celery beat in one terminal.

Each process gets a coloured, prefixed log. Ctrl-C (or SIGTERM) stops every child's whole
process group, then the embedded PostgreSQL and Redis unless a `make test` still uses them.

Interruptions are recovered by running the command again:
- only one `make run` per checkout: a second one says where the first serves and exits 1
  (an exclusive lock on ``var/devrun.lock``, released by the kernel even after kill -9);
- the process groups of the children are recorded in ``var/devrun.children``; if the
  supervisor itself was killed, the next start ends those orphans (checked to be ours:
  same working directory) before starting new ones;
- the embedded servers are found or started by ``devtools.servers`` (the system's PostgreSQL
  and redis-server when installed, the bundled ones otherwise; the first line says which).
- a child that exits (kill -9, or a Celery worker giving up when Redis goes away) is
  started again, up to RESTARTS_PER_MINUTE times a minute; then everything stops.

``python -m devtools.run stop`` ends a running `make run` (used by `make stop`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

# None of these reads the settings or loads an app: the supervisor itself never sets Django up
# (prepare() does, in a process of its own, after the embedded servers' URLs are set).
import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder

from devtools import servers

RUN_PID = servers.VAR_DIR / "devrun.pid"  # pid and URL of the serving `make run`
RUN_LOCK = servers.VAR_DIR / "devrun.lock"
CHILDREN = servers.VAR_DIR / "devrun.children"
COLOURS = {"web": "\033[36m", "worker": "\033[33m", "beat": "\033[35m"}
RESET = "\033[0m"
STOP_TIMEOUT = 20
RESTARTS_PER_MINUTE = 5


class Interrupted(Exception):
    pass


def commands(port: str) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "prm"]
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(servers.VAR_DIR / "celerybeat-schedule"),
        ],
    }


# One Django start-up for all three (each is safe to repeat after an interruption).
SETUP_STEPS = [["-m", "devtools.run", "prepare"]]


def prepare() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    servers.use_embedded_servers()  # also when run alone (tests/faults/run.py)
    django.setup()
    call_command("migrate", interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    marker = servers.VAR_DIR / "demo-seeded"
    fingerprint = _demo_fingerprint()
    if marker.exists() and marker.read_text() == fingerprint and _demo_present():
        print("Demo data: up to date (`manage.py seed_demo` refreshes it).", flush=True)
        return 0
    call_command("seed_demo")
    _write_atomically(marker, fingerprint)
    return 0


def _demo_fingerprint() -> str:
    """Seeding takes seconds on every start; skip it while neither the demo code nor the
    applied migrations changed since the last complete seed."""
    digest = hashlib.sha256()
    files = [
        servers.BASE_DIR / "devtools/management/commands/seed_demo.py",
        servers.BASE_DIR / "devtools/logins.py",
    ]
    files += [Path(app.path) / "demo.py" for app in apps.get_app_configs()]
    for path in files:
        if path.exists():
            digest.update(str(path).encode() + path.read_bytes())
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    digest.update(repr(list(applied)).encode())
    return digest.hexdigest()


def _demo_present() -> bool:
    return get_user_model().objects.filter(email="admin@example.com").exists()


def _running_info() -> str:
    try:
        info = json.loads(RUN_PID.read_text())
        return f"pid {info['pid']}, {info['url']}"
    except (OSError, ValueError, KeyError):
        return "starting up"


def _acquire_run_lock():
    servers.VAR_DIR.mkdir(parents=True, exist_ok=True)
    fh = open(RUN_LOCK, "a")  # noqa: SIM115 - held for the life of this process
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


def _our_group_members(pgid: int) -> list[int]:
    """Processes still in process group `pgid` that run in this checkout (pids get reused)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) != pgid or stat[0] in "ZX":
                continue
            if Path(os.readlink(entry / "cwd")).resolve() != servers.BASE_DIR:
                continue
        except (OSError, IndexError, ValueError):
            continue
        members.append(int(entry.name))
    return members


def _end_leftovers() -> None:
    """End children of a supervisor that was killed (kill -9) before it could stop them."""
    try:
        groups = json.loads(CHILDREN.read_text())
    except (OSError, ValueError):
        return
    live = {name: pgid for name, pgid in groups.items() if _our_group_members(pgid)}
    if not live:
        return
    print(f"Stopping processes left by an earlier `make run`: {', '.join(live)}", flush=True)
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5)):
        for pgid in live.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while any(_our_group_members(p) for p in live.values()) and time.monotonic() < deadline:
            time.sleep(0.2)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def main() -> int:
    port = os.environ.get("PORT", "8000")
    url = f"http://127.0.0.1:{port}/"
    run_lock = _acquire_run_lock()
    if run_lock is None:
        print(
            f"`make run` is already running in this checkout ({_running_info()}).\n"
            "Use that one, or stop it (Ctrl-C in its terminal, or `make stop`) and run again.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    _write_atomically(RUN_PID, json.dumps({"pid": os.getpid(), "url": url, "port": port}))
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

    children: dict[str, subprocess.Popen] = {}
    exit_code = 0
    uses_embedded = "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ
    with servers.session() if uses_embedded else contextlib.nullcontext():
        try:
            _end_leftovers()
            if uses_embedded:
                # Which servers: the system's when installed, else the bundled ones.
                print(f"Servers: {servers.describe()}", flush=True)
                servers.postgres_start()
                servers.redis_url()
                servers.use_embedded_servers()  # the URLs every child inherits
            for step in SETUP_STEPS:
                if stopping:
                    raise Interrupted
                # Same process group: a Ctrl-C reaches the step too. Each step is safe to repeat.
                code = subprocess.call([sys.executable, *step], cwd=servers.BASE_DIR)
                if stopping:
                    raise Interrupted
                if code:
                    print(f"Setting up failed with code {code}.", file=sys.stderr, flush=True)
                    return code
            children = _start_children(port)
            print(f"\n  Partner portal: {url}   (Ctrl-C stops everything)\n", flush=True)
            exit_code = _supervise(children, lambda: stopping, port)
        except Interrupted:
            exit_code = 130
        except Exception:
            if not stopping:
                raise
            exit_code = 130  # a step or a server start cut short by Ctrl-C
        finally:
            _terminate(children)
            RUN_PID.unlink(missing_ok=True)
            CHILDREN.unlink(missing_ok=True)
    if uses_embedded and not servers.status():
        print("Stopped the embedded PostgreSQL and Redis.", flush=True)
    elif uses_embedded:
        print("The embedded PostgreSQL and Redis keep running for another session (make test).")
    run_lock.close()
    return exit_code


def _start_child(name: str, cmd: list[str], children: dict[str, subprocess.Popen]) -> subprocess.Popen:
    children[name] = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=servers.BASE_DIR,
        start_new_session=True,  # own process group: we stop it and its children together
    )
    # Recorded at once, so a kill -9 of this supervisor leaves nothing unaccounted for.
    _write_atomically(CHILDREN, json.dumps({n: p.pid for n, p in children.items()}))
    os.set_blocking(children[name].stdout.fileno(), False)
    return children[name]


def _start_children(port: str) -> dict[str, subprocess.Popen]:
    children: dict[str, subprocess.Popen] = {}
    for name, cmd in commands(port).items():
        _start_child(name, cmd, children)
    return children


def _supervise(children: dict[str, subprocess.Popen], stopping, port: str) -> int:
    """Print the children's output; restart a child that exits (a kill -9, or a Celery worker
    that gives up when Redis goes away) like a process manager would, unless it keeps
    exiting (RESTARTS_PER_MINUTE), then stop everything."""
    selector = selectors.DefaultSelector()
    for name, proc in children.items():
        selector.register(proc.stdout, selectors.EVENT_READ, name)
    buffers = dict.fromkeys(children, b"")
    restarts: dict[str, list[float]] = {name: [] for name in children}

    def pump(timeout: float) -> None:
        for key, _ in selector.select(timeout=timeout):
            name = key.data
            chunk = key.fileobj.read() or b""
            buffers[name] += chunk
            *lines, buffers[name] = buffers[name].split(b"\n")
            for line in lines:
                text = line.decode(errors="replace")
                print(f"{COLOURS[name]}{name:>6} |{RESET} {text}", flush=True)

    while not stopping():
        pump(0.5)
        for name, proc in list(children.items()):
            if proc.poll() is None or stopping():
                continue
            pump(0)  # its last words
            selector.unregister(proc.stdout)
            _signal_group(proc, signal.SIGKILL)  # e.g. runserver's server process still holding the port
            now = time.monotonic()
            restarts[name] = [t for t in restarts[name] if now - t < 60] + [now]
            if len(restarts[name]) > RESTARTS_PER_MINUTE:
                print(
                    f"{name} keeps exiting (code {proc.returncode}); stopping. Run `make run` again.",
                    flush=True,
                )
                return 1
            print(f"{name} exited with code {proc.returncode}; starting it again.", flush=True)
            new = _start_child(name, commands(port)[name], children)
            selector.register(new.stdout, selectors.EVENT_READ, name)
    return 0


def _terminate(children: dict) -> None:
    for proc in children.values():
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    # Grandchildren (runserver's reloader child, worker pool) share the group.
    for proc in children.values():
        _signal_group(proc, signal.SIGKILL)


def _signal_group(proc, sig) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def stop_running() -> int:
    """`make stop`: end a serving `make run` of this checkout, then the embedded servers."""
    try:
        pid = int(json.loads(RUN_PID.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        pid = None
    if pid and servers._pid_is(pid, "python"):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT + 10
        while servers._pid_is(pid, "python") and time.monotonic() < deadline:
            time.sleep(0.2)
    if _acquire_run_lock() is not None:
        _end_leftovers()
    servers.stop_if_unused()
    return 0


if __name__ == "__main__":
    sys.exit({"stop": stop_running, "prepare": prepare}.get(sys.argv[1] if sys.argv[1:] else "", main)())
