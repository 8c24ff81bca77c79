"""Writes: one function per use case, keyword-only, in a transaction, state guarded first."""

import re
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.services import article_draft_create
from prm.audit.log import audit
from prm.cache import pagecache
from prm.i18n import business_days
from prm.tenancy import active_membership
from threads import about as about_mod
from threads.models import Attachment, Message, ReadMarker, Thread
from threads.queries import staff_can_see_partner


class ThreadError(Exception):
    """A request that the thread's state does not allow (message is user-facing)."""


def response_target_days() -> int:
    return int(getattr(settings, "PRM_THREAD_RESPONSE_TARGET_BUSINESS_DAYS", 1))


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` Japanese business days (weekends, national holidays and the
    company's closure days skipped, in local time; see prm.i18n.business_days).

    A question asked at the weekend or on a holiday starts counting on the next business day.
    """
    return business_days.add_business_days(start, days)


def _save_attachments(message: Message, files) -> None:
    for item in files or ():
        upload, content_type = item
        Attachment.objects.create(
            message=message,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
        )


def _post(*, thread: Thread, author, body: str, files=(), internal: bool = False) -> Message:
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=author,
        body=body,
        by_staff=bool(author.is_staff),
        kind=Message.Kind.INTERNAL if internal else Message.Kind.PUBLIC,
        created_at=now,
    )
    _save_attachments(message, files)
    fields = ["updated_at"]
    if not internal:
        thread.last_public_at, thread.last_public_by = now, author
        fields += ["last_public_at", "last_public_by"]
    thread.save(update_fields=fields)
    # The author has read their own thread up to now.
    _read_markers_set(user=author, thread_ids=[thread.pk], now=now)
    return message


def _notify(message: Message) -> None:
    from threads import tasks

    tasks.notify_message.delay_on_commit(message_id=message.pk)


@transaction.atomic
def thread_create(*, partner, author, subject: str, category: str, body: str, files=(), about=None) -> Thread:
    """A partner member asks a question. `about` must already be loaded through `partner`'s scope."""
    if about is not None and getattr(about, "partner_id", partner.pk) != partner.pk:
        raise ThreadError(_("That object does not belong to your company."))
    now = timezone.now()
    thread = Thread.objects.create(
        partner=partner,
        author=author,
        subject=subject.strip(),
        category=category,
        created_at=now,
        last_public_at=now,
        last_public_by=author,
        response_due_at=add_business_days(now, response_target_days()),
        about_type=about_mod.content_type_for(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
    )
    message = _post(thread=thread, author=author, body=body, files=files)
    audit(actor=author, action="thread.created", target=thread, partner=partner)
    _notify(message)
    return thread


@transaction.atomic
def thread_start_by_staff(
    *, partner, author, subject: str, body: str, category: str = "other", files=()
) -> Thread:
    """A staff member writes to a partner first (from partner 360). The partner's members are
    told as for an answer; no first response is owed, so the thread is out of the response
    metrics (queries.partner_asked) and waits for the partner."""
    if not author.is_staff or not staff_can_see_partner(author, partner.pk):
        raise ThreadError(_("You cannot write to this partner."))
    now = timezone.now()
    thread = Thread.objects.create(
        partner=partner,
        author=author,
        assignee=author,  # the partner's reply goes back to whoever wrote
        subject=subject.strip(),
        category=category,
        status=Thread.Status.AWAITING_PARTNER,
        created_at=now,
        last_public_at=now,
        last_public_by=author,
        response_due_at=now,
        first_response_at=now,
    )
    message = _post(thread=thread, author=author, body=body, files=files)
    audit(actor=author, action="thread.started_by_staff", target=thread, partner=partner)
    _notify(message)
    return thread


def _locked(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread.pk)


@transaction.atomic
def partner_reply(*, thread: Thread, author, body: str, files=()) -> Message:
    thread = _locked(thread)
    membership = active_membership(author)
    if author.is_staff or membership is None or membership.partner_id != thread.partner_id:
        raise ThreadError(_("Only members of the partner can reply here."))
    if thread.is_closed:
        raise ThreadError(_("This question is closed. Reopen it to add a message."))
    message = _post(thread=thread, author=author, body=body, files=files)
    # The ball is in the vendor's court again.
    if thread.status != Thread.Status.OPEN:
        thread.status = Thread.Status.OPEN
        thread.save(update_fields=["status", "updated_at"])
    # Audited like every change a cached page shows (the question, the staff inbox row).
    audit(actor=author, action="thread.replied", target=thread, partner=thread.partner_id)
    _notify(message)
    return message


@transaction.atomic
def staff_reply(*, thread: Thread, author, body: str, files=(), awaiting_partner: bool = False) -> Message:
    """A public answer: the partner sees it and is notified."""
    thread = _locked(thread)
    if not author.is_staff:
        raise ThreadError(_("Only staff can answer questions."))
    if thread.is_closed:
        raise ThreadError(_("This question is closed. Reopen it to add a message."))
    message = _post(thread=thread, author=author, body=body, files=files)
    thread.status = Thread.Status.AWAITING_PARTNER if awaiting_partner else Thread.Status.ANSWERED
    fields = ["status", "updated_at"]
    if thread.assignee_id is None:
        # Whoever answers an unassigned question owns it: the partner's follow-ups go to them.
        thread.assignee = author
        fields.append("assignee")
    if thread.first_response_at is None:
        thread.first_response_at = message.created_at
        fields.append("first_response_at")
    thread.save(update_fields=fields)
    audit(actor=author, action="thread.answered", target=thread, partner=thread.partner_id)
    _notify(message)
    return message


@transaction.atomic
def note_add(*, thread: Thread, author, body: str, files=()) -> Message:
    """An internal note: staff only, never shown or sent to the partner, status unchanged."""
    thread = _locked(thread)
    if not author.is_staff:
        raise ThreadError(_("Only staff can add internal notes."))
    message = _post(thread=thread, author=author, body=body, files=files, internal=True)
    # Staff pages of the thread are cached under its partner's scope (prm.cache.pagecache).
    audit(actor=author, action="thread.note_added", target=thread, partner=thread.partner_id)
    return message


@transaction.atomic
def thread_assign(*, thread: Thread, actor, assignee) -> Thread:
    thread = _locked(thread)
    if assignee is not None and not (
        assignee.is_active and assignee.is_staff and staff_can_see_partner(assignee, thread.partner_id)
    ):
        raise ThreadError(_("This person cannot see this partner's questions."))
    thread.assignee = assignee
    thread.save(update_fields=["assignee", "updated_at"])
    audit(
        actor=actor,
        action="thread.assigned",
        target=thread,
        partner=thread.partner_id,
        assignee=assignee.email if assignee else None,
    )
    return thread


@transaction.atomic
def thread_close(*, thread: Thread, actor) -> Thread:
    thread = _locked(thread)
    if thread.is_closed:
        raise ThreadError(_("This question is already closed."))
    thread.status = Thread.Status.CLOSED
    thread.closed_at = timezone.now()
    thread.save(update_fields=["status", "closed_at", "updated_at"])
    audit(actor=actor, action="thread.closed", target=thread, partner=thread.partner_id)
    return thread


@transaction.atomic
def thread_reopen(*, thread: Thread, actor) -> Thread:
    thread = _locked(thread)
    if not thread.is_closed:
        raise ThreadError(_("Only closed questions can be reopened."))
    thread.status = Thread.Status.OPEN
    thread.closed_at = None
    thread.save(update_fields=["status", "closed_at", "updated_at"])
    audit(actor=actor, action="thread.reopened", target=thread, partner=thread.partner_id)
    return thread


def thread_mark_read(*, thread: Thread, user) -> None:
    _read_markers_set(user=user, thread_ids=[thread.pk])


def threads_mark_all_read(*, threads, user) -> int:
    """One upsert for every thread in `threads` (set-based, not a loop of queries)."""
    ids = list(threads.values_list("pk", flat=True))
    _read_markers_set(user=user, thread_ids=ids)
    return len(ids)


def _read_markers_set(*, user, thread_ids, now=None) -> None:
    """One upsert of the person's read markers. Not audited (a read is not an event), so
    the person's cached unread counts are renewed here (prm.cache.pagecache)."""
    now = now or timezone.now()
    ReadMarker.objects.bulk_create(
        [ReadMarker(user=user, thread_id=pk, read_at=now) for pk in thread_ids],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["read_at"],
    )
    pagecache.bump(pagecache.person(user.pk))


# --- Turning an answer into knowledge ----------------------------------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _anonymise(text: str, names: list[str], placeholder: str) -> str:
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), placeholder, text, flags=re.IGNORECASE)
    return text


def knowledge_draft_body(*, thread: Thread, answer: Message) -> tuple[str, str, str]:
    """(title, body, language) of a knowledge article, with the partner's identity removed."""
    question = thread.messages.public().order_by("created_at", "id").first()
    language = "ja" if JAPANESE.search(f"{thread.subject} {answer.body}") else "en"
    partner = thread.partner
    names = [partner.name, partner.slug]
    for membership in partner.memberships.select_related("user"):
        user = membership.user
        names += [user.display_name, user.email, user.email.split("@")[0]]
    placeholder = "パートナー様" if language == "ja" else "the partner"
    headings = ("質問", "回答") if language == "ja" else ("Question", "Answer")
    title = _anonymise(thread.subject, names, placeholder)
    body = (
        f"## {headings[0]}\n\n{_anonymise(question.body if question else '', names, placeholder)}\n\n"
        f"## {headings[1]}\n\n{_anonymise(answer.body, names, placeholder)}\n"
    )
    return title, body, language


@transaction.atomic
def answer_to_knowledge(*, thread: Thread, answer: Message, actor):
    """Draft a knowledge article in the content library from the question and an answer."""
    if answer.thread_id != thread.pk or answer.is_internal or not answer.by_staff:
        raise ThreadError(_("Choose a public answer written by staff."))
    if answer.knowledge_asset_id:
        raise ThreadError(_("This answer has already been turned into an article."))
    title, body, language = knowledge_draft_body(thread=thread, answer=answer)
    asset = article_draft_create(
        title=title,
        body=body,
        language=language,
        actor=actor,
        source="employee",
        tags=(thread.category,),
    )
    answer.knowledge_asset_id = asset.pk
    answer.save(update_fields=["knowledge_asset_id"])
    audit(
        actor=actor,
        action="thread.knowledge_drafted",
        target=thread,
        partner=thread.partner_id,
        asset=asset.pk,
    )
    return asset
