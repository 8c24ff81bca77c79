"""Notification e-mails. Internal notes are never sent: only public messages notify."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from prm.notifications.center import notify
from prm.notifications.emails import send_templated_mail, templates
from prm.text.markdown import render_markdown
from threads.models import Message, Notification
from threads.queries import partner_participants, staff_watchers


def recipients_for(message: Message):
    thread = message.thread
    if message.is_internal:
        return []
    users = partner_participants(thread) if message.by_staff else staff_watchers(thread)
    return list(users.exclude(pk=message.author_id).order_by("pk"))


def message_notify(*, message_id: int) -> int:
    message = Message.objects.select_related("thread__partner", "author").filter(pk=message_id).first()
    if message is None or message.is_internal:
        return 0
    sent = 0
    for user in recipients_for(message):
        try:
            # Claim (message, recipient) first; the unique row makes a redelivered task a no-op,
            # and a failed send rolls the claim back so that a retry sends it.
            with transaction.atomic():
                Notification.objects.create(message=message, recipient=user)
                send_message_email(message=message, user=user)
        except IntegrityError:
            continue
        sent += 1
    if message.by_staff:
        # The bell; the e-mail above stays the thread's own (one claim per message and recipient).
        notify(
            kind="answer_received",
            recipients=recipients_for(message),
            event_key=f"message:{message.pk}",
            params={"subject": message.thread.subject},
            url=reverse("threads:detail", args=[message.thread_id]),
            partner_id=message.thread.partner_id,
            email=False,
        )
    return sent


def send_message_email(*, message: Message, user) -> None:
    thread = message.thread
    to_staff = user.is_staff
    name = "threads:staff_detail" if to_staff else "threads:detail"
    url = f"{settings.SITE_URL}{reverse(name, args=[thread.pk])}"
    is_new_thread = (
        thread.messages.order_by("created_at", "id").values_list("pk", flat=True).first() == message.pk
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "thread": thread,
            "subject": thread.subject,
            "is_new_thread": is_new_thread,
            # Staff wrote to the partner first (threads.services.thread_start_by_staff).
            "staff_started": is_new_thread and message.by_staff and not to_staff,
            "message": message,
            "user": user,
            "to_staff": to_staff,
            "url": url,
            "body_html": render_markdown(message.body),
            "author_name": message.author.get_full_name() if message.author else "",
            "partner_name": thread.partner.name,
            "attachment_count": message.attachments.count(),
        }
    send_templated_mail(
        to=[user.email],
        language=user.language,
        **templates("threads/emails/message"),
        context=context,
    )
