"""Fault injection for `make run` and the background work, on a fresh clone (run by .ci/run).

    .venv/bin/python tests/faults/run.py [--cycles 10] [--only lifecycle,tasks,redis,postgres,media]

Clones the committed HEAD into a temporary folder (its .venv is a symlink to ours), picks
a free loopback port and then:

- lifecycle: `make run` -> /healthz ok -> SIGINT to the process group, N times; two
  `make run` at once; Ctrl-C during set-up; kill -9 of web, worker, beat and of the
  supervisor; stale pid files whose pids now belong to other programs. After each fault
  the next start must serve /healthz with every component ok; after the last stop
  nothing of the clone may be running.
- tasks: a Celery worker SIGKILLed in the middle of each kind of task (tests/faults/hooks.py);
  after restarts every e-mail is sent exactly once and every row written once.
- redis / postgres: each server stopped and restarted under traffic.
- media: uploads to a full or read-only media folder.

Prints one table at the end and exits 1 if any row failed. Every wait is bounded; the
whole run stops itself after FAULTS_BUDGET seconds (default 900) and reports what it did;
FAULTS_PORT serves on that port instead of a free one (lanes sharing a machine).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUDGET = float(os.environ.get("FAULTS_BUDGET", "900"))
START_TIMEOUT = float(os.environ.get("FAULTS_START_TIMEOUT", "240"))  # shared 2-core machines
STOP_TIMEOUT = 90
STARTED = time.monotonic()
DEMO_PASSWORD = "demo12345"
ROWS: list[tuple[str, str, str, str, bool]] = []


def log(text: str) -> None:
    print(f"[faults {time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


def record(fault: str, observed: str, emails: str = "-", rows: str = "-", ok: bool = True) -> None:
    observed = " ".join(observed.split())[-400:]  # one table cell
    ROWS.append((fault, observed, emails, rows, ok))
    log(f"{'PASS' if ok else 'FAIL'}: {fault}: {observed}")


def over_budget() -> bool:
    return time.monotonic() - STARTED > BUDGET


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRM_", "DJANGO_", "CELERY_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "MEDIA_ROOT", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


# --- processes of the clone ------------------------------------------------------------------
def clone_processes(clone: Path) -> list[tuple[int, str]]:
    """Every live process that belongs to the clone (cwd or command line inside it)."""
    found = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if stat[0] in "ZX":
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except (OSError, IndexError):
            continue
        if cwd.startswith(str(clone)) or str(clone) in cmd:
            found.append((int(entry.name), cmd[:80]))
    return found


class Run:
    """One `make run` in its own process group, its output in a log file."""

    count = 0

    def __init__(self, clone: Path, port: int):
        Run.count += 1
        self.clone, self.port = clone, port
        self.log_path = clone.parent / f"run-{Run.count}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=clone,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=clean_env(),
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def wait(self, timeout: float = STOP_TIMEOUT) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> int | None:
        self.signal(signal.SIGINT)
        code = self.wait()
        self.log.close()
        return code


def healthz(port: int, timeout: float = 10) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(ValueError):
            return json.loads(exc.read())
    except (OSError, ValueError):
        return None
    return None


def all_ok(body: dict | None) -> bool:
    return bool(body) and body.get("status") == "ok" and all(body[k]["ok"] for k in ("database", "redis"))


def wait_serving(run: Run, timeout: float = START_TIMEOUT) -> tuple[bool, float, dict | None]:
    started = time.monotonic()
    body = None
    while time.monotonic() - started < timeout:
        if run.proc.poll() is not None:
            return False, time.monotonic() - started, body
        if "Partner portal:" in run.output():
            body = healthz(run.port)
            if all_ok(body):
                return True, time.monotonic() - started, body
        time.sleep(1)
    return False, time.monotonic() - started, body


def devrun_state(clone: Path) -> tuple[int | None, dict]:
    var = clone / "var"
    try:
        pid = json.loads((var / "devrun.pid").read_text())["pid"]
    except (OSError, ValueError, KeyError):
        pid = None
    try:
        children = json.loads((var / "devrun.children").read_text())
    except (OSError, ValueError):
        children = {}
    return pid, children


def python(
    clone: Path, *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), *args],
        cwd=clone,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_gone(clone: Path, timeout: float = STOP_TIMEOUT) -> list:
    deadline = time.monotonic() + timeout
    left = clone_processes(clone)
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = clone_processes(clone)
    return left


# --- lifecycle -----------------------------------------------------------------------------
def serve_once(clone: Path, port: int, label: str) -> Run | None:
    run = Run(clone, port)
    ok, took, body = wait_serving(run)
    if not ok:
        record(
            label, f"did not serve /healthz within {took:.0f}s (last: {body}); see {run.log_path}", ok=False
        )
        run.stop()
        return None
    run.took = took
    return run


def lifecycle(clone: Path, port: int, cycles: int) -> Run | None:
    """A chain of starts: each start must serve /healthz ok, then gets the next fault.
    Returns the last run, still serving (the server faults use it)."""
    # Two `make run` at once, on the fresh clone (the first start also creates .env, var/, the database).
    a, b = Run(clone, port), Run(clone, port)
    deadline = time.monotonic() + START_TIMEOUT
    while a.proc.poll() is None and b.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    first, second = (b, a) if a.proc.poll() is not None else (a, b)
    code = second.proc.poll()
    ok, took, _ = wait_serving(first)
    said = "already running" in second.output() and f"127.0.0.1:{port}" in second.output()
    record(
        "two `make run` at once (fresh clone)",
        f"one served /healthz ok after {took:.0f}s; the other exited {code} saying where it runs: {said}",
        ok=ok and code not in (None, 0) and said,
    )
    if second.proc.poll() is None:
        second.stop()
    if not ok:
        first.stop()
        return None
    # Ctrl-C cycles: SIGINT to the process group once /healthz is ok; nothing may be left.
    times, left_after, run = [took], [], first
    for i in range(cycles):
        run.stop()
        left = wait_gone(clone)
        if left:
            left_after.append((i + 1, left))
        if i == cycles - 1 or over_budget():
            break
        run = serve_once(clone, port, f"start after Ctrl-C {i + 1}")
        if run is None:
            break
        times.append(run.took)
    record(
        f"Ctrl-C (SIGINT to the process group) after /healthz ok, x{len(times)}",
        f"each next start served /healthz ok ({min(times):.0f}-{max(times):.0f}s); "
        f"left running after a stop: {left_after or 'nothing'}",
        ok=len(times) >= cycles and not left_after,
    )
    # Ctrl-C during set-up (migrate / collectstatic / seed), twice; the next start must serve.
    for delay in (3, 8):
        early = Run(clone, port)
        time.sleep(delay)
        early.stop()
        wait_gone(clone)
    pending = "Ctrl-C 3 s and 8 s into start-up (set-up running)"
    # kill -9 of each child: the supervisor starts it again; /healthz must be ok again.
    run = serve_once(clone, port, f"start after: {pending}")
    if run is None:
        return None
    record(pending, f"next start served /healthz ok after {run.took:.0f}s")
    for name in ("web", "worker", "beat"):
        _pid, children = devrun_state(clone)
        os.kill(children[name], signal.SIGKILL)
        started = time.monotonic()
        again = False
        while time.monotonic() - started < START_TIMEOUT and run.proc.poll() is None:
            time.sleep(1)
            new = devrun_state(clone)[1].get(name)
            if new and new != children[name] and all_ok(healthz(port)):
                again = True
                break
        restarted = f"{name} exited with code -9; starting it again." in run.output()
        record(
            f"kill -9 {name}",
            f"the supervisor started it again ({restarted}); /healthz ok {time.monotonic() - started:.0f}s later",
            ok=again and restarted,
        )
    run.stop()
    left = wait_gone(clone)
    pending = f"Ctrl-C after the restarts: left running {len(left)}"
    # Servers stopped: stale pid files naming live unrelated processes (a reboot reuses pids).
    sleeper = subprocess.Popen(["sleep", "900"])
    pg_pid = clone / "var" / "postgres" / "postmaster.pid"
    lines = [
        "0",
        str(clone / "var" / "postgres"),
        "0",
        "5432",
        str(clone / "var" / "postgres"),
        "",
        "0 0",
        "ready",
    ]
    lines[0] = str(sleeper.pid)
    pg_pid.write_text("\n".join(lines) + "\n")
    (clone / "var" / "redis.pid").write_text(f"{sleeper.pid}\n")
    run = serve_once(clone, port, f"start after: {pending}")
    sleeper.kill()
    sleeper.wait()
    if run is None:
        return None
    record(
        "Ctrl-C after the kills",
        pending + f"; next start served /healthz ok after {run.took:.0f}s",
        ok=not left,
    )
    aside = list((clone / "var" / "postgres").glob("postmaster.pid.stale-*"))
    record(
        "stale postmaster.pid and redis.pid naming a live unrelated pid (reboot)",
        f"started anyway after {run.took:.0f}s; the stale postmaster.pid was renamed ({len(aside)} kept), not deleted",
        ok=bool(aside),
    )
    # kill -9 of the supervisor: children are orphans; the next start ends them and serves.
    pid, _children = devrun_state(clone)
    os.kill(pid, signal.SIGKILL)
    run.wait(30)
    orphans = len(clone_processes(clone))
    run = serve_once(clone, port, "start after kill -9 of the supervisor")
    if run is None:
        return None
    ended = "left by an earlier `make run`" in run.output()
    record(
        "kill -9 of the supervisor (devtools.run)",
        f"{orphans} processes kept running; the next start ended them ({ended}) and served /healthz ok "
        f"after {run.took:.0f}s",
        ok=ended,
    )
    return run


# --- Celery worker killed mid-task ---------------------------------------------------------
def tasks_fault(clone: Path) -> None:
    import redis

    fault_dir = clone / "var" / "faults"
    shutil.rmtree(fault_dir, ignore_errors=True)
    fault_dir.mkdir(parents=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "FAULT_DIR": str(fault_dir),
        "PYTHONUNBUFFERED": "1",
    }
    start = python(clone, "-m", "devtools.servers", "start")
    if start.returncode:
        record("worker SIGKILL mid-task", f"servers did not start: {start.stderr[-300:]}", ok=False)
        return
    python(clone, "-m", "devtools.run", "prepare")  # migrated and seeded (a no-op after lifecycle)
    client = redis.Redis(unix_socket_path=str(clone / "var" / "redis.sock"))
    client.delete("celery")  # mails queued by seeding (no worker ran yet): only our work below
    prepared = python(clone, "tests/faults/driver.py", "prepare", env=env)
    if prepared.returncode:
        record("worker SIGKILL mid-task", f"prepare failed: {prepared.stderr[-500:]}", ok=False)
        return
    kills, attempts = 0, 0
    deadline = time.monotonic() + 360
    worker_log = open(clone.parent / "worker.log", "ab")  # noqa: SIM115
    while time.monotonic() < deadline:
        attempts += 1
        worker = subprocess.Popen(
            [
                str(clone / ".venv/bin/python"),
                "-m",
                "celery",
                "-A",
                "prm",
                "worker",
                "--pool",
                "solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=clone,
            env={**clean_env(), **env, "FAULT_KILL": "1"},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        idle_since = None
        while time.monotonic() < deadline and worker.poll() is None:
            time.sleep(1)
            busy = client.llen("celery") or client.hlen("unacked")
            if busy:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > 4:
                break
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
            break
        if worker.returncode == -signal.SIGKILL:
            kills += 1
        time.sleep(4)  # past the 3 s visibility timeout: the restarted worker redelivers
    worker_log.close()
    checked = python(clone, "tests/faults/driver.py", "check", env=env)
    if checked.returncode:
        record("worker SIGKILL mid-task", f"check failed: {checked.stderr[-500:]}", ok=False)
        return
    python(clone, "-m", "devtools.servers", "stop")
    result = json.loads(checked.stdout.strip().splitlines()[-1])
    killed = {p.name.removeprefix("killed-") for p in fault_dir.glob("killed-*")}
    labels = {
        "reminders": ("onboarding reminders", "onboarding.tasks.send_reminder", "at its first e-mail"),
        "digests": ("content digests", "content.tasks.send_digest", "at its first e-mail"),
        "deals": ("deal notifications", "incentives.tasks.notify_deal_submitted", "before its 2nd e-mail"),
        "threads": ("thread notifications", "threads.tasks.notify_message", "before its 2nd e-mail"),
        "tiers": (
            "tier recomputation",
            "incentives.tasks.recompute_tiers",
            "before the run row (+ its mails)",
        ),
    }
    for key, (label, task, where) in labels.items():
        item = result[key]
        was_killed = task in killed
        record(
            f"worker SIGKILL in {label} ({where})",
            f"killed: {was_killed}; {kills} kills, {attempts} worker starts; redelivered after restart",
            emails=f"{item['sent']} sent / {item['expected']} expected, {item['dups']} duplicates",
            rows=item["rows"],
            ok=item["ok"] and was_killed,
        )


# --- servers restarted under traffic -------------------------------------------------------
class Browser:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as resp:
                return resp.status, resp.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError as exc:
            return 0, str(exc)

    def sign_in(self, email: str = "partner@example.com", password: str = DEMO_PASSWORD) -> int:
        status, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            return status or 0
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback http only
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/accounts/login/"}
        )
        try:
            with self.opener.open(request, timeout=30) as resp:
                return resp.status if "/accounts/login/" not in resp.url else 401
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0


def traffic(port: int, seconds: float) -> dict:
    """A signed-in user loading pages; a fresh sign-in every 4 s (under allauth's rate limit)."""
    stats = {"sign_in_ok": 0, "sign_in_failed": 0, "pages_ok": 0, "pages_failed": 0}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        browser = Browser(port)
        code = browser.sign_in()
        stats["sign_in_ok" if code == 200 else "sign_in_failed"] += 1
        next_sign_in = time.monotonic() + 4
        while time.monotonic() < min(end, next_sign_in):
            for path in ("/", "/accounts/login/"):
                status, _ = browser.get(path)
                stats["pages_ok" if status == 200 else "pages_failed"] += 1
            time.sleep(0.2)
    return stats


def enqueue_heartbeat(clone: Path, name: str, countdown: int = 0) -> bool:
    code = f"from prm.tasks import heartbeat; heartbeat.apply_async(kwargs={{'name': {name!r}}}, countdown={countdown})"
    return python(clone, "manage.py", "shell", "-c", code).returncode == 0


def heartbeat_seen(clone: Path, name: str, timeout: float = 90) -> bool:
    code = f"from prm.models import Heartbeat; print('SEEN' if Heartbeat.objects.filter(name={name!r}).exists() else '')"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "SEEN" in python(clone, "manage.py", "shell", "-c", code).stdout:
            return True
        time.sleep(3)
    return False


def server_restart_fault(clone: Path, port: int, which: str, run: Run) -> None:
    """On a serving `make run`: traffic, stop the server ~10 s under traffic, start it, traffic."""
    before = traffic(port, 3)
    # Queued before the outage, due after it: the worker holds it (ETA) across the outage.
    enqueue_heartbeat(clone, f"faults-{which}-queued", countdown=25)
    stopped = python(clone, "-m", "devtools.servers", f"stop-{which}")
    # Any new Django process (a restarted worker) would start the embedded server again at
    # once: hold its start lock, so that the outage lasts.
    with open(clone / "var" / f"{which}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        down = traffic(port, 10)
        health_down = healthz(port)
        fcntl.flock(lock, fcntl.LOCK_UN)
    python(clone, "-m", "devtools.servers", f"start-{which}")
    time.sleep(2)
    after = traffic(port, 5)
    enqueue_heartbeat(clone, f"faults-{which}-after")
    worked = heartbeat_seen(clone, f"faults-{which}-after")
    resumed = heartbeat_seen(clone, f"faults-{which}-queued", timeout=5)  # its ETA has passed
    health = healthz(port)
    sends = re.findall(
        r"\[(\d{4}-\d\d-\d\d \d\d:\d\d)[^\]]*\] Scheduler: Sending due task (\S+)", run.output()
    )
    doubled = len(sends) != len(set(sends))  # the same entry twice in one minute
    if which == "redis":
        ok = down["sign_in_failed"] == 0 and down["pages_failed"] == 0 and worked and all_ok(health)
        observed = (
            f"while down: /healthz redis={health_down and health_down['redis']['ok']}, "
            f"sign-ins ok {down['sign_in_ok']}/{down['sign_in_ok'] + down['sign_in_failed']}, pages ok "
            f"{down['pages_ok']}/{down['pages_ok'] + down['pages_failed']}; after: new task ran {worked}, "
            f"task queued before the outage (held by the worker, ETA) ran {resumed}; "
            f"beat sends {len(sends)}, double-fired {doubled}; worker restarts "
            f"{run.output().count('worker exited with code')}"
        )
        ok = ok and not doubled
    else:
        ok = after["sign_in_failed"] == 0 and after["pages_failed"] == 0 and worked and all_ok(health)
        observed = (
            f"while down: /healthz database={health_down and health_down['database']['ok']}, sign-ins ok "
            f"{down['sign_in_ok']}/{down['sign_in_ok'] + down['sign_in_failed']}, pages ok "
            f"{down['pages_ok']}/{down['pages_ok'] + down['pages_failed']}; after restart: sign-ins ok "
            f"{after['sign_in_ok']}/{after['sign_in_ok'] + after['sign_in_failed']}, pages ok "
            f"{after['pages_ok']}/{after['pages_ok'] + after['pages_failed']}, next task ran {worked}"
        )
    record(
        f"{'Redis' if which == 'redis' else 'PostgreSQL'} stopped ~10 s under traffic, then restarted",
        observed + ("" if stopped.returncode == 0 else f" (stop failed: {stopped.stderr[-200:]})"),
        rows=f"before: {before['pages_ok']} pages ok",
        ok=ok,
    )


# --- media storage full / read-only --------------------------------------------------------
def media_fault(clone: Path) -> None:
    env = {"DJANGO_SETTINGS_MODULE": "prm.settings"}
    for mode in ("full", "read-only"):
        result = python(clone, "tests/faults/media.py", mode, env=env)
        try:
            item = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            record(f"media storage {mode}", f"could not run: {result.stderr[-400:]}", ok=False)
            continue
        record(
            f"media storage {mode}: upload a thread attachment",
            item["observed"],
            rows=item["rows"],
            ok=item["ok"],
        )


def print_table() -> None:
    header = ("injected fault", "observed", "e-mails sent", "rows written", "result")
    rows = [(f, o, e, r, "pass" if ok else "FAIL") for f, o, e, r, ok in ROWS]
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    failed = sum(1 for r in ROWS if not r[4])
    print(f"\n{len(ROWS) - failed} passed, {failed} failed, {time.monotonic() - STARTED:.0f}s\n", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--only", default="lifecycle,tasks,redis,postgres,media")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone")
    args = parser.parse_args()
    only = set(args.only.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="prm-faults-"))
    clone = tmp / "clone"
    port = int(os.environ.get("FAULTS_PORT") or free_port())  # a fixed one on a shared machine
    log(f"cloning {REPO} into {clone}; port {port}")
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to((REPO / ".venv").resolve())
    # The shared .venv is installed: keep make's `install` target from running pip on it.
    os.utime(clone / "requirements.txt", (0, 0))
    subprocess.run(["make", "--silent", ".env"], cwd=clone, check=True, env=clean_env())
    try:
        serving: list[Run] = []

        def servers(which: str) -> None:
            if not serving:
                run = serve_once(clone, port, f"start for the {which} fault")
                if run is None:
                    return
                serving.append(run)
            server_restart_fault(clone, port, which, serving[0])

        def last_stop() -> None:
            for run in serving:
                run.stop()
            left = wait_gone(clone)
            record("last stop (Ctrl-C)", f"processes of the clone still running: {left or 0}", ok=not left)

        def chain() -> None:
            run = lifecycle(clone, port, args.cycles)
            if run is not None:
                serving.append(run)

        steps = [
            ("lifecycle", chain),
            ("redis", lambda: servers("redis")),
            ("postgres", lambda: servers("postgres")),
            ("lifecycle", last_stop),
            ("tasks", lambda: tasks_fault(clone)),
            ("media", lambda: media_fault(clone)),
        ]
        for name, step in steps:
            if name not in only and not (name == "lifecycle" and serving):
                continue
            if over_budget():
                record(name, "skipped: time budget used up", ok=False)
                continue
            log(f"--- {name}")
            try:
                step()
            except Exception as exc:  # report, then go on with the next scenario
                record(name, f"harness error: {exc!r}", ok=False)
    finally:
        with contextlib.suppress(Exception):
            python(clone, "-m", "devtools.run", "stop", timeout=120)
            python(clone, "-m", "devtools.servers", "stop", timeout=120)
        for pid, _cmd in clone_processes(clone):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    return 0 if ROWS and all(r[4] for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
