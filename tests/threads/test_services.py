from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from tests.threads.factories import ANSWER, NOTE_SECRET, make_thread
from threads import queries, services
from threads.models import Thread
from threads.services import ThreadError

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (datetime(2026, 11, 25, 10, 0), 1, datetime(2026, 11, 26, 10, 0)),  # Wed -> Thu
        (datetime(2026, 11, 27, 15, 0), 1, datetime(2026, 11, 30, 15, 0)),  # Fri -> Mon
        (datetime(2026, 11, 28, 10, 0), 1, datetime(2026, 12, 1, 0, 0)),  # Sat -> counts from Mon
        (datetime(2026, 11, 29, 23, 0), 1, datetime(2026, 12, 1, 0, 0)),  # Sun -> Tue 00:00
        (datetime(2026, 11, 26, 9, 0), 2, datetime(2026, 11, 30, 9, 0)),  # Thu + 2 -> Mon
        (datetime(2026, 11, 25, 10, 0), 0, datetime(2026, 11, 25, 10, 0)),
    ],
)
@pytest.mark.django_db  # closure days (prm.ClosureDay) live in the database
def test_business_days_skip_weekends(start, days, due):
    assert services.add_business_days(start.replace(tzinfo=TOKYO), days) == due.replace(tzinfo=TOKYO)


def test_response_due_uses_the_setting(world, settings, time_machine):
    time_machine.move_to(datetime(2026, 11, 27, 15, 0, tzinfo=TOKYO), tick=False)  # a Friday
    settings.PRM_THREAD_RESPONSE_TARGET_BUSINESS_DAYS = 2
    thread = make_thread(world.partner_a, world.member_a)
    assert thread.response_due_at == datetime(2026, 12, 1, 15, 0, tzinfo=TOKYO)


def test_new_thread_is_open_with_its_first_message(world):
    thread = make_thread(world.partner_a, world.member_a)
    assert thread.status == Thread.Status.OPEN
    assert thread.messages.get().author == world.member_a
    assert thread.first_response_at is None


def test_staff_reply_answers_and_records_first_response(world):
    thread = make_thread(world.partner_a, world.member_a)
    first = services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    services.staff_reply(thread=thread, author=world.manager_a, body="More.")
    thread.refresh_from_db()
    assert thread.status == Thread.Status.ANSWERED
    assert thread.first_response_at == first.created_at


def test_awaiting_partner_then_partner_reply_reopens(world):
    thread = make_thread(world.partner_a, world.member_a)
    services.staff_reply(thread=thread, author=world.support, body="Which version?", awaiting_partner=True)
    thread.refresh_from_db()
    assert thread.status == Thread.Status.AWAITING_PARTNER
    services.partner_reply(thread=thread, author=world.admin_a, body="Version 3.")
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN


def test_internal_note_changes_neither_status_nor_first_response(world):
    thread = make_thread(world.partner_a, world.member_a)
    services.note_add(thread=thread, author=world.support, body=NOTE_SECRET)
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN
    assert thread.first_response_at is None
    assert thread.last_public_by == world.member_a


def test_partners_cannot_add_notes_or_answers(world):
    thread = make_thread(world.partner_a, world.member_a)
    with pytest.raises(ThreadError):
        services.note_add(thread=thread, author=world.member_a, body="x")
    with pytest.raises(ThreadError):
        services.staff_reply(thread=thread, author=world.member_a, body="x")


def test_other_partner_and_staff_cannot_post_as_partner(world):
    thread = make_thread(world.partner_a, world.member_a)
    with pytest.raises(ThreadError):
        services.partner_reply(thread=thread, author=world.admin_b, body="x")
    with pytest.raises(ThreadError):
        services.partner_reply(thread=thread, author=world.support, body="x")


def test_close_and_reopen_transitions(world):
    thread = make_thread(world.partner_a, world.member_a)
    with pytest.raises(ThreadError):
        services.thread_reopen(thread=thread, actor=world.support)
    services.thread_close(thread=thread, actor=world.support)
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED and thread.closed_at is not None
    with pytest.raises(ThreadError):
        services.thread_close(thread=thread, actor=world.support)
    with pytest.raises(ThreadError):
        services.partner_reply(thread=thread, author=world.member_a, body="x")
    with pytest.raises(ThreadError):
        services.staff_reply(thread=thread, author=world.support, body="x")
    services.note_add(thread=thread, author=world.support, body="notes stay possible")
    services.thread_reopen(thread=thread, actor=world.member_a)
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN and thread.closed_at is None


def test_assign_only_to_staff_who_see_the_partner(world):
    thread = make_thread(world.partner_a, world.member_a)
    services.thread_assign(thread=thread, actor=world.support, assignee=world.manager_a)
    assert Thread.objects.get(pk=thread.pk).assignee == world.manager_a
    with pytest.raises(ThreadError):
        services.thread_assign(thread=thread, actor=world.support, assignee=world.manager_other)
    with pytest.raises(ThreadError):
        services.thread_assign(thread=thread, actor=world.support, assignee=world.member_a)
    services.thread_assign(thread=thread, actor=world.support, assignee=None)
    assert Thread.objects.get(pk=thread.pk).assignee is None


# --- Unread counts -----------------------------------------------------------------------------


def badge_for(user):
    request = RequestFactory().get("/")
    request.user = type(user).objects.get(pk=user.pk)
    return queries.unread_badge(request)


def test_unread_badge_counts_answers_until_read(world):
    thread = make_thread(world.partner_a, world.member_a)
    make_thread(world.partner_a, world.member_a, subject="Second")
    assert badge_for(world.member_a) == 0  # my own questions are not unread for me
    assert badge_for(world.admin_a) == 2  # a colleague's new questions are
    services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    assert badge_for(world.member_a) == 1
    services.note_add(thread=thread, author=world.support, body=NOTE_SECRET)
    assert badge_for(world.member_a) == 1  # an internal note is not activity partners see
    services.thread_mark_read(thread=thread, user=world.member_a)
    assert badge_for(world.member_a) == 0
    assert badge_for(world.admin_b) == 0
    assert badge_for(world.support) == 0


def test_unread_badge_is_one_query(world, django_assert_num_queries):
    for i in range(5):
        thread = make_thread(world.partner_a, world.admin_a, subject=f"Q{i}")
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    request = RequestFactory().get("/")
    request.user = world.member_a
    from prm.tenancy import active_membership

    active_membership(world.member_a)  # the navigation has already loaded it
    with django_assert_num_queries(1):
        assert queries.unread_badge(request) == 5


def test_mark_all_read_is_one_upsert(world, django_assert_max_num_queries):
    for i in range(4):
        make_thread(world.partner_a, world.admin_a, subject=f"Q{i}")
    assert badge_for(world.member_a) == 4
    with django_assert_max_num_queries(2):
        services.threads_mark_all_read(
            threads=Thread.objects.for_partner(world.partner_a), user=world.member_a
        )
    assert badge_for(world.member_a) == 0


def test_badge_in_navigation_clears_after_reading(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    client = client_for(world.member_a)
    assert b'data-badge="questions"' in client.get("/questions/").content
    client.get(f"/questions/{thread.pk}/")
    assert b'data-badge="questions"' not in client.get("/questions/").content


# --- Turning an answer into knowledge ----------------------------------------------------------


@pytest.fixture
def drafts():
    """The knowledge drafts the real content library holds (as dicts, for the assertions)."""
    from content.models import Asset

    def rows():
        return [
            {
                "title": a.title,
                "body": a.body,
                "language": a.language,
                "source": a.source,
                "tags": tuple(t.name for t in a.tags.all()),
                "status": a.status,
            }
            for a in Asset.objects.order_by("pk").prefetch_related("tags")
        ]

    return rows


def test_answer_becomes_a_draft_without_the_partner_name(world, drafts):
    thread = make_thread(
        world.partner_a,
        world.member_a,
        subject=f"{world.SECRET_A}: deal registration",
        body=f"We at {world.SECRET_A} ({world.member_a.email}) need help.",
    )
    answer = services.staff_reply(
        thread=thread, author=world.support, body=f"Hello {world.SECRET_A}! {ANSWER}"
    )
    asset = services.answer_to_knowledge(thread=thread, answer=answer, actor=world.support)
    call = drafts()[0]
    assert world.SECRET_A not in call["title"] + call["body"]
    assert world.member_a.email not in call["body"]
    assert "Open **Deals**" in call["body"] and "need help" in call["body"]
    assert call["language"] == "en" and call["source"] == "employee" and call["tags"] == ("deals",)
    assert call["status"] == "draft"
    answer.refresh_from_db()
    assert answer.knowledge_asset_id == asset.pk
    with pytest.raises(ThreadError):
        services.answer_to_knowledge(thread=thread, answer=answer, actor=world.support)


def test_japanese_answer_makes_a_japanese_draft(world, drafts):
    thread = make_thread(
        world.partner_a, world.member_a, subject="案件登録について", body="登録方法を教えてください。"
    )
    answer = services.staff_reply(
        thread=thread, author=world.support, body="「案件」メニューから登録できます。"
    )
    services.answer_to_knowledge(thread=thread, answer=answer, actor=world.support)
    assert drafts()[0]["language"] == "ja"
    assert "## 質問" in drafts()[0]["body"]


def test_notes_and_partner_messages_cannot_become_knowledge(world, drafts):
    thread = make_thread(world.partner_a, world.member_a)
    note = services.note_add(thread=thread, author=world.support, body=NOTE_SECRET)
    question = thread.messages.get(by_staff=False)
    for message in (note, question):
        with pytest.raises(ThreadError):
            services.answer_to_knowledge(thread=thread, answer=message, actor=world.support)
    assert drafts() == []
