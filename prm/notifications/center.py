"""In-app and e-mail notifications: one model (prm.models.Notification), one service.

Every app emits through `notify(...)`. Each recipient's preference for the kind decides
the delivery: in the portal (the bell), by e-mail at once, both, or in the daily summary.
The row (recipient, kind, event_key) is unique, so emitting the same event twice (a
retried task, a re-run sweep) neither shows it twice nor e-mails it twice.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prm.cache import pagecache
from prm.models import Notification, NotificationPreference
from prm.notifications.emails import send_templated_mail
from prm.notifications.kinds import KINDS, kinds_for


def channels_for(users, kind: str) -> dict[int, str]:
    prefs = dict(
        NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {u.pk: prefs.get(u.pk, NotificationPreference.Channel.BOTH) for u in users}


def notify(
    *,
    kind: str,
    recipients,
    event_key: str,
    params: dict | None = None,
    url: str = "",
    partner_id: int | None = None,
    email: dict | bool | None = None,
) -> int:
    """Tell `recipients` about one event; returns the number of e-mails sent now.

    `event_key` names the event (e.g. "deal:42:approved"): the same kind and key for the
    same person is stored once and e-mailed once. `url` is a site-relative path.
    `email` optionally names the app's own trio ({"subject_template", "text_template",
    "html_template", "context"}), sent now (callers are tasks); None: the generic
    notification e-mail, sent by a task after commit; False: the app e-mails itself.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind: {kind}")
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    Channel = NotificationPreference.Channel
    channels = channels_for(users.values(), kind)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                event_key=event_key[:120],
                partner_id=partner_id,
                params=params or {},
                url=url,
                in_app=channels[pk] != Channel.EMAIL,
                email_due=channels[pk] in (Channel.EMAIL, Channel.BOTH) and bool(user.email),
                digest_due=channels[pk] == Channel.DIGEST and bool(user.email),
            )
            for pk, user in users.items()
        ],
        ignore_conflicts=True,
    )
    pagecache.bump(*(pagecache.person(pk) for pk in users))  # the bell (notifications are not audited)
    due = Notification.objects.filter(
        kind=kind, event_key=event_key[:120], recipient_id__in=users, email_due=True, emailed_at=None
    )
    if email is False:
        # The app sends its own e-mail for this event (threads: one per message and recipient).
        due.update(email_due=False)
        return 0
    if email is None:
        # The generic e-mail goes out from a task once the caller's transaction commits.
        from prm import tasks  # noqa: PLC0415 - enqueues the tasks that run this module

        ids = list(due.values_list("pk", flat=True))
        if ids:
            tasks.send_notification_emails.delay_on_commit(notification_ids=ids)
        return 0
    return emails_send(notification_ids=list(due.values_list("pk", flat=True)), email=email, users=users)


def emails_send(*, notification_ids: list[int], email: dict | None = None, users: dict | None = None) -> int:
    """Send the immediate e-mails of these notifications, each claimed once (emailed_at)."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, email_due=True, emailed_at=None)
    for notification in rows.select_related("recipient"):
        # Claim, send, and release the claim if sending fails (the retry sends it).
        if not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
            emailed_at=timezone.now()
        ):
            continue
        user = (users or {}).get(notification.recipient_id) or notification.recipient
        try:
            _send(notification, user, email)
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def _send(notification: Notification, user, email: dict | None) -> None:
    if email:
        send_templated_mail(
            to=[user.email],
            language=user.language,
            subject_template=email["subject_template"],
            text_template=email["text_template"],
            html_template=email["html_template"],
            context={"user": user, "recipient": user, **email.get("context", {})},
        )
        return
    send_templated_mail(
        to=[user.email],
        language=user.language,
        subject_template="prm/emails/notification_subject.txt",
        text_template="prm/emails/notification.txt",
        html_template="prm/emails/notification.html",
        context={"user": user, "notification": notification, "url": _absolute(notification.url)},
    )


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def summaries_send(*, now=None) -> int:
    """The daily summary: one e-mail per person with everything due for it; each person's
    rows are claimed (digested_at) in the same transaction as the send, so a failed send
    is retried next time and a repeated run sends nothing."""
    now = now or timezone.now()
    pending = Notification.objects.filter(digest_due=True, digested_at=None)
    sent = 0
    for user_id in pending.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"):
        with transaction.atomic():
            rows = list(
                pending.filter(recipient_id=user_id)
                .select_for_update(skip_locked=True)
                .select_related("recipient")
                .order_by("created_at", "id")
            )
            if not rows:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(digested_at=now)
            user = rows[0].recipient
            if not user.is_active:
                continue
            send_templated_mail(
                to=[user.email],
                language=user.language,
                subject_template="prm/emails/notification_summary_subject.txt",
                text_template="prm/emails/notification_summary.txt",
                html_template="prm/emails/notification_summary.html",
                context={
                    "user": user,
                    "items": [(n, _absolute(n.url)) for n in rows],
                    "url": _absolute("/notifications/"),
                },
            )
            sent += 1
    return sent


def unread(user):
    """The bell's rows (the partial index prm_notification_unread covers them)."""
    return Notification.objects.filter(recipient=user, in_app=True, read_at=None)


def unread_count(user) -> int:
    """The bell: one count over the partial index prm_notification_unread."""
    return unread(user).count()


def visible_to(user):
    return Notification.objects.filter(recipient=user, in_app=True)


def mark_read(*, user, pk: int | None = None) -> int:
    rows = visible_to(user).filter(read_at=None)
    if pk is not None:
        rows = rows.filter(pk=pk)
    marked = rows.update(read_at=timezone.now())
    pagecache.bump(pagecache.person(user.pk))  # the bell (reading is not audited)
    return marked


def preferences_set(*, user, channels: dict[str, str]) -> None:
    valid = dict(kinds_for(user))
    for kind, channel in channels.items():
        if kind in valid and channel in NotificationPreference.Channel.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"channel": channel}
            )
