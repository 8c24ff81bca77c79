"""Fault hooks for the Celery worker of tests/faults/run.py.

``SpoolEmailBackend`` appends each e-mail as one JSON line to ``$FAULT_DIR/mail.jsonl``
(append + fsync, so every process's e-mails are counted and a killed process loses none
that it reported as sent). With ``FAULT_KILL=1`` the worker SIGKILLs itself once per task
name, in the middle of the task: at its first e-mail (before it is handed over), or for
the tier recomputation just before the run row is inserted (after the changes were
computed). A marker file per task name makes each kill happen once.
"""

import json
import os
import signal
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

FAULT_DIR = Path(os.environ.get("FAULT_DIR", "var/faults"))
# task name -> where to die ("mail" / "mail2" = before the first / second e-mail of one run
# of the task; otherwise before a SQL statement containing this fragment)
KILL_POINTS = {
    "onboarding.tasks.send_reminder": "mail",
    "content.tasks.send_digest": "mail",
    # Several recipients, each claimed in its own transaction: die before the second e-mail,
    # so the redelivery must skip the first recipient (the claim) and send the rest.
    "incentives.tasks.notify_deal_submitted": "mail2",
    "threads.tasks.notify_message": "mail2",
    "incentives.tasks.recompute_tiers": 'INSERT INTO "incentives_recomputationrun"',
    "incentives.tasks.notify_tier_changes": "mail",
}


def _current():
    from celery import current_task

    if current_task and current_task.request and current_task.request.id:
        return current_task.name, current_task.request
    return None, None


_mails_in_task: dict[str, int] = {}


def _maybe_die(point: str) -> None:
    if os.environ.get("FAULT_KILL") != "1":
        return
    name, request = _current()
    where = KILL_POINTS.get(name)
    if where is None:
        return
    if point == "mail":
        _mails_in_task[request.id] = _mails_in_task.get(request.id, 0) + 1
        if where != {1: "mail", 2: "mail2"}.get(_mails_in_task[request.id]):
            return
    elif where.startswith("mail") or where not in point:
        return
    marker = FAULT_DIR / f"killed-{name}"
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


class SpoolEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        FAULT_DIR.mkdir(parents=True, exist_ok=True)
        name, request = _current()
        for message in email_messages:
            _maybe_die("mail")
            line = {
                "task": name,
                "task_kwargs": (request.kwargs if request else None),
                "to": list(message.to),
                "subject": message.subject,
                "pid": os.getpid(),
            }
            with open(FAULT_DIR / "mail.jsonl", "a") as fh:
                fh.write(json.dumps(line, default=str) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        return len(email_messages)


def _sql_hook(execute, sql, params, many, context):
    _maybe_die(sql)
    return execute(sql, params, many, context)


def install() -> None:
    from celery.signals import task_prerun

    def wrap(sender=None, **_kwargs):
        from django.db import connection

        if _sql_hook not in connection.execute_wrappers:
            connection.execute_wrappers.append(_sql_hook)

    task_prerun.connect(wrap, weak=False)
