"""Django side of the worker-kill faults (run by tests/faults/run.py inside the fresh clone,
with DJANGO_SETTINGS_MODULE=tests.faults.settings).

``prepare`` creates one piece of work of each kind and enqueues its task on the real broker;
``check`` prints, per kind, the e-mails in the spool, the e-mails expected, duplicates and
the rows written, as JSON.
"""

import json
import os
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import django

django.setup()

from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

FAULT_DIR = Path(os.environ.get("FAULT_DIR", "var/faults"))
STATE = FAULT_DIR / "prepared.json"


def counts() -> dict:
    from content.models import DigestDelivery
    from incentives.models import DealNotification, RecomputationRun, TierChange
    from onboarding.models import ReminderLog
    from threads.models import Notification

    return {
        "reminder_logs": ReminderLog.objects.count(),
        "digest_deliveries": DigestDelivery.objects.count(),
        "deal_notifications": DealNotification.objects.count(),
        "thread_notifications": Notification.objects.count(),
        "tier_changes": TierChange.objects.count(),
        "recompute_runs": RecomputationRun.objects.count(),
    }


def prepare() -> dict:
    from content import services as content_services
    from content import tasks as content_tasks
    from incentives import emails as incentive_emails
    from incentives import tasks as incentive_tasks
    from incentives.models import Deal, DealNotification
    from onboarding import tasks as onboarding_tasks
    from onboarding.models import OnboardingTask, ReminderLog
    from onboarding.queries import partner_members
    from threads import services as thread_services
    from threads.emails import recipients_for
    from threads.models import Thread
    from threads.queries import partner_participants, staff_watchers

    state = {"before": counts(), "stamp": timezone.now().isoformat()}

    # Onboarding reminders: two decided reminders (overdue: sent to every member).
    logs, expected = [], 0
    for task in OnboardingTask.objects.exclude(status="done").select_related("plan").order_by("pk")[:2]:
        log = ReminderLog.objects.create(kind=ReminderLog.Kind.OVERDUE, key=f"faults:{task.pk}", task=task)
        logs.append(log.pk)
        expected += len(partner_members(task.plan.partner_id, essential=True))
        onboarding_tasks.send_reminder.delay(log_id=log.pk)
    state["reminders"] = {"log_ids": logs, "expected": expected}

    # Content digests: the weekly fan-out, one task per recipient.
    week = content_services.digest_week()
    state["digests"] = {
        "week": week.isoformat(),
        "recipients": len(content_services.digest_recipient_ids(week=week)),
    }
    content_tasks.send_weekly_digests.delay()

    # Deal notifications: "a registration is waiting" to every reviewer of the partner.
    deals = Deal.objects.filter(status=Deal.Status.SUBMITTED).select_related("partner")
    deal = max(deals, key=lambda d: incentive_emails.reviewers_for(d.partner).count())
    state["deals"] = {"deal_id": deal.pk, "expected": incentive_emails.reviewers_for(deal.partner).count()}
    # `make run`'s worker already sent these for the demo deals: start this event afresh.
    DealNotification.objects.filter(deal=deal, event="submitted").delete()
    incentive_tasks.notify_deal_submitted.delay(deal_id=deal.pk)

    # Thread notifications: a partner's message notifies the staff watching the thread.
    threads = Thread.objects.exclude(status="closed").order_by("pk")
    thread = max(threads, key=lambda t: staff_watchers(t).count())
    author = partner_participants(thread).first()
    message = thread_services.partner_reply(thread=thread, author=author, body="Fault test question.")
    state["threads"] = {"message_id": message.pk, "expected": len(recipients_for(message))}

    # Tier recomputation far ahead: deals fall out of the 12-month window -> pending downgrades.
    as_of = timezone.localdate() + timedelta(days=800)
    state["tiers"] = {"as_of": as_of.isoformat()}
    incentive_tasks.recompute_tiers.delay(as_of=as_of.isoformat())
    STATE.write_text(json.dumps(state))
    return state


def check() -> dict:
    from content.models import DigestDelivery
    from incentives.models import DealNotification, RecomputationRun, TierChange
    from onboarding.models import ReminderLog
    from partners.queries import partner_admins
    from threads.models import Notification

    state = json.loads(STATE.read_text())
    before, after = state["before"], counts()
    lines = []
    mail = FAULT_DIR / "mail.jsonl"
    if mail.exists():
        lines = [json.loads(x) for x in mail.read_text().splitlines() if x.strip()]

    def mails(task: str, match=lambda kwargs: True) -> tuple[int, int]:
        """E-mails sent by runs of `task` whose kwargs match; duplicates of one e-mail."""
        keys = Counter(
            (json.dumps(x["task_kwargs"], sort_keys=True), tuple(x["to"]), x["subject"])
            for x in lines
            if x["task"] == task and match(x["task_kwargs"] or {})
        )
        return sum(keys.values()), sum(n - 1 for n in keys.values() if n > 1)

    out = {}
    sent, dups = mails(
        "onboarding.tasks.send_reminder", lambda kw: kw.get("log_id") in state["reminders"]["log_ids"]
    )
    unsent = ReminderLog.objects.filter(pk__in=state["reminders"]["log_ids"], sent_at=None).count()
    out["reminders"] = {
        "sent": sent,
        "expected": state["reminders"]["expected"],
        "dups": dups,
        "rows": f"{after['reminder_logs'] - before['reminder_logs']} ReminderLog, {unsent} unclaimed",
        "ok": unsent == 0,
    }
    sent, dups = mails("content.tasks.send_digest", lambda kw: kw.get("week") == state["digests"]["week"])
    new = DigestDelivery.objects.filter(week=state["digests"]["week"])
    with_assets = new.filter(asset_count__gt=0).count()
    out["digests"] = {
        "sent": sent,
        "expected": with_assets,
        "dups": dups,
        "rows": f"{new.count()} DigestDelivery for {state['digests']['recipients']} recipients",
        "ok": new.count() == state["digests"]["recipients"],
    }
    sent, dups = mails(
        "incentives.tasks.notify_deal_submitted", lambda kw: kw.get("deal_id") == state["deals"]["deal_id"]
    )
    rows = DealNotification.objects.filter(deal_id=state["deals"]["deal_id"], event="submitted").count()
    out["deals"] = {
        "sent": sent,
        "expected": state["deals"]["expected"],
        "dups": dups,
        "rows": f"{rows} DealNotification",
        "ok": rows == state["deals"]["expected"],
    }
    sent, dups = mails(
        "threads.tasks.notify_message", lambda kw: kw.get("message_id") == state["threads"]["message_id"]
    )
    rows = Notification.objects.filter(message_id=state["threads"]["message_id"]).count()
    out["threads"] = {
        "sent": sent,
        "expected": state["threads"]["expected"],
        "dups": dups,
        "rows": f"{rows} Notification",
        "ok": rows == state["threads"]["expected"],
    }
    runs = RecomputationRun.objects.filter(as_of=state["tiers"]["as_of"])
    recorded = runs.aggregate(n=Sum("changes"))["n"] or 0
    new_changes = after["tier_changes"] - before["tier_changes"]
    notified = TierChange.objects.filter(
        notified_at__gte=state["stamp"], kind__in=[TierChange.Kind.UPGRADE, TierChange.Kind.DOWNGRADE_PENDING]
    )
    expected = sum(partner_admins(c.partner_id).count() for c in notified)
    ids = {c.pk for c in notified}
    sent, dups = mails(
        "incentives.tasks.notify_tier_changes", lambda kw: bool(ids & set(kw.get("change_ids", [])))
    )
    out["tiers"] = {
        "sent": sent,
        "expected": expected,
        "dups": dups,
        "rows": f"{runs.count()} RecomputationRun, {new_changes} TierChange (run says {recorded})",
        "ok": runs.count() == 1 and new_changes == recorded,
    }
    for item in out.values():
        item["ok"] = item["ok"] and item["dups"] == 0 and item["sent"] == item["expected"]
    return out


if __name__ == "__main__":
    FAULT_DIR.mkdir(parents=True, exist_ok=True)
    result = {"prepare": prepare, "check": check, "counts": counts}[sys.argv[1]]()
    print(json.dumps(result, default=str))
