"""Helpers that build threads through the services (so invariants hold)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from threads import services
from threads.models import Category

NOTE_SECRET = "INTERNAL-NOTE-7c1e do not tell the partner"
QUESTION = "How do we register a deal for a joint customer?"
ANSWER = "Open **Deals** and choose *Register a deal*."


def pdf_upload(name="spec.pdf", size_pad=0):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%" + b"x" * size_pad + b"\n%%EOF\n", content_type="application/pdf"
    )


def make_thread(
    partner,
    author,
    *,
    subject="Deal registration question",
    category=Category.DEALS,
    body=QUESTION,
    files=(),
    about=None,
):
    return services.thread_create(
        partner=partner,
        author=author,
        subject=subject,
        category=category,
        body=body,
        files=files,
        about=about,
    )


def answered_thread(world, *, with_note=True, with_attachment=False, subject="Deal registration question"):
    """Partner A's question (member_a), a public answer by support, and an internal note."""
    files = [(pdf_upload(), "application/pdf")] if with_attachment else ()
    thread = make_thread(world.partner_a, world.member_a, subject=subject, files=files)
    services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    if with_note:
        services.note_add(thread=thread, author=world.support, body=NOTE_SECRET)
    thread.refresh_from_db()
    return thread
