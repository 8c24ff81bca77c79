"""What threads holds about a partner, for the offboarding export (privacy.registry): every
public message of its questions (internal staff notes stay with the vendor)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import registry
from prm.exports.columns import Column
from prm.exports.streaming import stream_rows
from threads.models import Message

MESSAGE_COLUMNS = [
    Column(_("Question"), lambda m: m.thread_id),
    Column(_("Subject"), lambda m: m.thread.subject),
    Column(_("Category"), lambda m: m.thread.get_category_display()),
    Column(_("Status"), lambda m: m.thread.get_status_display()),
    Column(_("Sent"), lambda m: timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M")),
    Column(_("From"), lambda m: _("Staff") if m.by_staff else (m.author.email if m.author else "")),
    Column(_("Message"), lambda m: m.body),
]


def _messages(partner):
    return stream_rows(
        Message.objects.filter(thread__partner=partner, kind=Message.Kind.PUBLIC)
        .select_related("thread", "author")
        .order_by("thread_id", "created_at", "pk"),
        chunk_size=2000,
    )


def register() -> None:
    registry.register_partner_export(
        "questions",
        label=_("Questions and answers"),
        columns=MESSAGE_COLUMNS,
        rows=_messages,
        count=lambda p: Message.objects.filter(thread__partner=p, kind=Message.Kind.PUBLIC).count(),
        order=80,
    )
