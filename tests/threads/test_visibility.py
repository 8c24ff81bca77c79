"""Who sees which thread, and that internal notes never reach partners (pages, e-mails, exports)."""

import pytest
from django.core import mail

from tests.threads.factories import ANSWER, NOTE_SECRET, answered_thread, make_thread
from threads import services

PARTNER_ROLES = ("member_a", "admin_a")
STAFF_WHO_SEE_A = ("support", "manager_a", "superuser")


def body(response) -> str:
    return (b"".join(response) if response.streaming else response.content).decode()


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_partner_members_see_the_answer_but_never_the_note(role, world, client_for):
    thread = answered_thread(world)
    client = client_for(world.user(role))
    page = body(client.get(f"/questions/{thread.pk}/"))
    assert "Register a deal" in page
    assert NOTE_SECRET not in page
    assert 'data-message-kind="internal"' not in page
    for url in (f"/questions/{thread.pk}/?format=csv", "/questions/?format=csv", "/questions/"):
        assert NOTE_SECRET not in body(client.get(url))


@pytest.mark.parametrize("role", STAFF_WHO_SEE_A)
def test_staff_who_may_see_the_partner_see_the_note(role, world, client_for):
    thread = answered_thread(world)
    page = body(client_for(world.user(role)).get(f"/staff/questions/{thread.pk}/"))
    assert NOTE_SECRET in page and "Register a deal" in page


def test_unassigned_manager_and_other_partner_get_404(world, client_for):
    thread = answered_thread(world)
    assert client_for(world.manager_other).get(f"/staff/questions/{thread.pk}/").status_code == 404
    assert client_for(world.admin_b).get(f"/questions/{thread.pk}/").status_code == 404
    assert client_for(world.admin_b).get(f"/staff/questions/{thread.pk}/").status_code == 403


def test_lists_show_each_partner_only_its_own_threads(world, client_for):
    answered_thread(world, subject="Alpha only question")
    make_thread(world.partner_b, world.admin_b, subject="Beta only question")
    page_a = body(client_for(world.member_a).get("/questions/"))
    page_b = body(client_for(world.admin_b).get("/questions/"))
    assert "Alpha only question" in page_a and "Beta only question" not in page_a
    assert "Beta only question" in page_b and "Alpha only question" not in page_b


def test_inbox_scope_per_staff_role(world, client_for):
    answered_thread(world, subject="Alpha only question")
    make_thread(world.partner_b, world.admin_b, subject="Beta only question")
    support = body(client_for(world.support).get("/staff/questions/"))
    manager_a = body(client_for(world.manager_a).get("/staff/questions/"))
    other = body(client_for(world.manager_other).get("/staff/questions/"))
    assert "Alpha only question" in support and "Beta only question" in support
    assert "Alpha only question" in manager_a and "Beta only question" not in manager_a
    assert "Alpha only question" not in other and "Beta only question" not in other
    assert "Alpha only question" not in body(
        client_for(world.manager_other).get("/staff/questions/?format=csv")
    )


def test_staff_inbox_export_has_no_note_text(world, client_for):
    answered_thread(world)
    csv_text = body(client_for(world.support).get("/staff/questions/?format=csv"))
    assert csv_text.startswith("\ufeff") and "Deal registration question" in csv_text
    assert NOTE_SECRET not in csv_text


def test_notes_are_never_emailed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(world.partner_a, world.member_a)
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
        mail.outbox.clear()
        services.note_add(thread=thread, author=world.support, body=NOTE_SECRET)
        services.staff_reply(thread=thread, author=world.manager_a, body="Follow-up")
    assert mail.outbox, "the follow-up answer is e-mailed"
    for message in mail.outbox:
        assert NOTE_SECRET not in message.body
        assert all(NOTE_SECRET not in alt[0] for alt in message.alternatives)


def test_attachment_on_a_note_is_not_downloadable_by_the_partner(world, client_for):
    from tests.threads.factories import pdf_upload

    thread = make_thread(world.partner_a, world.member_a)
    note = services.note_add(
        thread=thread,
        author=world.support,
        body=NOTE_SECRET,
        files=[(pdf_upload("internal.pdf"), "application/pdf")],
    )
    attachment = note.attachments.get()
    assert client_for(world.member_a).get(f"/questions/attachments/{attachment.pk}/").status_code == 404
    assert client_for(world.support).get(f"/staff/questions/attachments/{attachment.pk}/").status_code == 200
