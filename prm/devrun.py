"""`make run`: web server, Celery worker and Celery beat in one terminal.

Each process gets a coloured, prefixed log. Ctrl-C (or SIGTERM) stops every child's whole
process group, then the embedded PostgreSQL and Redis if this run started them, so
nothing is left behind.
"""

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time

from prm import devservices

RUN_PID = devservices.VAR_DIR / "devrun.pid"  # tells `make test` not to stop our servers
COLOURS = {"web": "\033[36m", "worker": "\033[33m", "beat": "\033[35m"}
RESET = "\033[0m"


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
            str(devservices.VAR_DIR / "celerybeat-schedule"),
        ],
    }


def main() -> int:
    port = os.environ.get("PORT", "8000")
    uses_embedded = "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ
    if uses_embedded:
        devservices.postgres_settings()
        devservices.redis_url()
    RUN_PID.write_text(str(os.getpid()))

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children = {
        name: subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # own process group: we stop it and its children together
        )
        for name, cmd in commands(port).items()
    }
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    print(f"\n  Partner portal: http://127.0.0.1:{port}/   (Ctrl-C stops everything)\n", flush=True)
    selector = selectors.DefaultSelector()
    for name, proc in children.items():
        os.set_blocking(proc.stdout.fileno(), False)
        selector.register(proc.stdout, selectors.EVENT_READ, name)
    buffers = dict.fromkeys(children, b"")
    exit_code = 0
    try:
        while not stopping:
            for key, _ in selector.select(timeout=0.5):
                name = key.data
                chunk = key.fileobj.read() or b""
                buffers[name] += chunk
                *lines, buffers[name] = buffers[name].split(b"\n")
                for line in lines:
                    text = line.decode(errors="replace")
                    print(f"{COLOURS[name]}{name:>6} |{RESET} {text}", flush=True)
            dead = [n for n, p in children.items() if p.poll() is not None]
            if dead:
                print(f"{dead[0]} exited with code {children[dead[0]].returncode}; stopping.", flush=True)
                exit_code = 1
                break
    finally:
        _terminate(children)
        RUN_PID.unlink(missing_ok=True)
        if uses_embedded:
            devservices.stop()
            print("Stopped the embedded PostgreSQL and Redis.", flush=True)
    return exit_code


def _terminate(children: dict) -> None:
    for proc in children.values():
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 10
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
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


if __name__ == "__main__":
    sys.exit(main())
