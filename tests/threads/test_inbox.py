from datetime import timedelta

import pytest
from django.utils import timezone

from tests import cacheguard
from tests.factories import MembershipFactory
from tests.threads.factories import ANSWER, NOTE_SECRET, make_thread
from threads import services
from threads.models import Message, Thread


def subjects(response):
    return {t.subject for t in response.context["page"].object_list}


@pytest.fixture
def mixed(world):
    open_a = make_thread(world.partner_a, world.member_a, subject="Open A", category="technical")
    answered = make_thread(world.partner_a, world.admin_a, subject="Answered A", category="deals")
    services.staff_reply(thread=answered, author=world.support, body=ANSWER)
    waiting = make_thread(world.partner_b, world.admin_b, subject="Waiting B", category="deals")
    services.staff_reply(thread=waiting, author=world.support, body="Which one?", awaiting_partner=True)
    closed = make_thread(world.partner_b, world.admin_b, subject="Closed B", category="other")
    services.thread_close(thread=closed, actor=world.support)
    services.thread_assign(thread=open_a, actor=world.support, assignee=world.support)
    Thread.objects.filter(pk=closed.pk).update(created_at=timezone.now() - timedelta(days=10))
    Thread.objects.filter(pk=open_a.pk).update(response_due_at=timezone.now() - timedelta(hours=1))
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Open A", "Answered A", "Waiting B", "Closed B"}),
        ("status=open", {"Open A"}),
        ("status=awaiting_partner", {"Waiting B"}),
        ("status=answered", {"Answered A"}),
        ("status=closed", {"Closed B"}),
        ("status=active", {"Open A", "Answered A", "Waiting B"}),
        ("category=deals", {"Answered A", "Waiting B"}),
        # Answering an unassigned question assigns it to whoever answered (support).
        ("assignee=me", {"Open A", "Answered A", "Waiting B"}),
        ("assignee=none", {"Closed B"}),
        ("age=7", {"Closed B"}),
        ("age=overdue", {"Open A"}),
        ("q=waiting", {"Waiting B"}),
    ],
)
def test_inbox_filters(query, expected, mixed, client_for):
    response = client_for(mixed.support).get(f"/staff/questions/?{query}")
    assert subjects(response) == expected


def test_inbox_partner_filter(mixed, client_for):
    response = client_for(mixed.support).get(f"/staff/questions/?partner={mixed.partner_b.pk}")
    assert subjects(response) == {"Waiting B", "Closed B"}


def test_inbox_partner_filter_cannot_widen_a_managers_scope(mixed, client_for):
    response = client_for(mixed.manager_a).get(f"/staff/questions/?partner={mixed.partner_b.pk}")
    assert subjects(response) == {"Open A", "Answered A"}  # an invalid choice is ignored, scope stays


def grow(world, n):
    for i in range(n):
        member = MembershipFactory(partner=world.partner_a if i % 2 else world.partner_b).user
        thread = make_thread(member.membership.partner, member, subject=f"Question {i}")
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
        services.note_add(thread=thread, author=world.manager_a if i % 2 else world.support, body=NOTE_SECRET)
        services.thread_assign(thread=thread, actor=world.support, assignee=world.support)


@pytest.mark.parametrize("role", ["support", "manager_a"])
def test_inbox_query_count_is_flat(role, world, client_for, django_assert_max_num_queries):
    client = client_for(world.user(role))
    grow(world, 3)
    client.get("/staff/questions/")  # warm caches (content types, session)
    with django_assert_max_num_queries(14) as small:
        assert client.get("/staff/questions/").status_code == 200
    n_small = len(small.captured_queries)  # (the next request resets the connection's log)
    grow(world, 12)
    client.get("/staff/questions/")  # new questions notified the staff: the bell counts again once
    with django_assert_max_num_queries(n_small):
        response = client.get("/staff/questions/")
    assert len(response.context["page"].object_list) >= 7


def test_partner_list_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    client = client_for(world.member_a)
    for i in range(3):
        make_thread(world.partner_a, world.admin_a, subject=f"Q{i}")
    client.get("/questions/")
    with django_assert_max_num_queries(12) as small:
        client.get("/questions/")
    for i in range(15):
        thread = make_thread(world.partner_a, world.admin_a, subject=f"R{i}")
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    budget = len(small.captured_queries)
    client.get("/questions/")  # the navigation counts the new unread threads once
    with django_assert_max_num_queries(budget):
        client.get("/questions/")


def test_staff_detail_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.support)
    client.get(f"/staff/questions/{thread.pk}/")
    with django_assert_max_num_queries(30) as small:
        client.get(f"/staff/questions/{thread.pk}/")
    n_small = len(small.captured_queries)  # (the next request resets the connection's log)
    for _i in range(10):
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
        services.note_add(thread=thread, author=world.manager_a, body=NOTE_SECRET)
    client.get(f"/staff/questions/{thread.pk}/")  # the partner's cached values are read again once
    with django_assert_max_num_queries(n_small):
        client.get(f"/staff/questions/{thread.pk}/")


def test_inbox_pagination(world, client_for):
    for i in range(30):
        make_thread(world.partner_a, world.member_a, subject=f"Q{i:02d}")
    page2 = client_for(world.support).get("/staff/questions/?page=2")
    assert len(page2.context["page"].object_list) == 5


# --- Acting on a thread --------------------------------------------------------------------


def test_public_reply_and_internal_note_from_the_staff_page(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.manager_a)
    url = f"/staff/questions/{thread.pk}/"
    assert client.post(url, {"kind": "internal", "body": NOTE_SECRET}).status_code == 302
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN
    client.post(url, {"kind": "public", "body": ANSWER, "awaiting_partner": "on"})
    thread.refresh_from_db()
    assert thread.status == Thread.Status.AWAITING_PARTNER
    kinds = list(thread.messages.values_list("kind", flat=True))
    assert kinds == [Message.Kind.PUBLIC, Message.Kind.INTERNAL, Message.Kind.PUBLIC]


def test_empty_reply_shows_a_field_error(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    response = client_for(world.support).post(
        f"/staff/questions/{thread.pk}/", {"kind": "public", "body": "  "}
    )
    assert response.status_code == 200
    assert "body" in response.context["form"].errors


def test_assign_to_me_someone_and_refuse_a_foreign_manager(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    url = f"/staff/questions/{thread.pk}/assign/"
    client = client_for(world.support)
    client.post(url, {"assignee": "me"})
    assert Thread.objects.get(pk=thread.pk).assignee == world.support
    client.post(url, {"assignee": world.manager_a.pk})
    assert Thread.objects.get(pk=thread.pk).assignee == world.manager_a
    client.post(url, {"assignee": world.manager_other.pk})
    assert Thread.objects.get(pk=thread.pk).assignee == world.manager_a
    client.post(url, {"assignee": ""})
    assert Thread.objects.get(pk=thread.pk).assignee is None


def test_close_and_reopen_from_the_staff_page(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.support)
    client.post(f"/staff/questions/{thread.pk}/status/", {"action": "close"})
    assert Thread.objects.get(pk=thread.pk).status == Thread.Status.CLOSED
    page = client.get(f"/staff/questions/{thread.pk}/").getvalue().decode()
    assert 'value="reopen"' in page
    client.post(f"/staff/questions/{thread.pk}/status/", {"action": "reopen"})
    assert Thread.objects.get(pk=thread.pk).status == Thread.Status.OPEN


def test_partner_can_resolve_and_reopen_but_not_post_when_closed(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    client = client_for(world.admin_a)
    client.post(f"/questions/{thread.pk}/status/", {"action": "close"})
    client.post(f"/questions/{thread.pk}/", {"body": "one more thing"})
    assert thread.messages.count() == 1
    client.post(f"/questions/{thread.pk}/status/", {"action": "reopen"})
    client.post(f"/questions/{thread.pk}/", {"body": "one more thing"})
    assert thread.messages.count() == 2


def test_suggestions_list_matching_assets(world, client_for):
    from content import search
    from content.models import Asset

    asset = Asset.objects.create(
        title="Deal registration guide", status=Asset.Status.PUBLISHED, published_at=timezone.now()
    )
    Asset.objects.create(
        title="Unrelated brochure", status=Asset.Status.PUBLISHED, published_at=timezone.now()
    )
    with cacheguard.test_data():  # the app's bulk helper, as setup
        search.index_assets(list(Asset.objects.values_list("pk", flat=True)))
    thread = make_thread(world.partner_a, world.member_a, subject="Deal registration")
    page = client_for(world.support).get(f"/staff/questions/{thread.pk}/").getvalue().decode()
    assert "Deal registration guide" in page and "Unrelated brochure" not in page
    from threads.about import staff_url

    # A link to the asset's page, or its admin page, whichever this build has.
    assert staff_url(asset) is None or staff_url(asset) in page


def test_knowledge_button_drafts_an_article(world, client_for):
    from content.models import Asset

    thread = make_thread(world.partner_a, world.member_a)
    answer = services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    client = client_for(world.support)
    assert (
        "Turn this answer into a knowledge article"
        in client.get(f"/staff/questions/{thread.pk}/").getvalue().decode()
    )
    client.post(f"/staff/questions/{thread.pk}/knowledge/", {"message": answer.pk})
    answer.refresh_from_db()
    assert Asset.objects.get(pk=answer.knowledge_asset_id).status == Asset.Status.DRAFT


def test_staff_links_on_the_staff_home(world, client_for):
    page = client_for(world.support).get("/staff/").getvalue().decode()
    assert "/staff/questions/" in page and "/staff/questions/metrics/" in page


def test_home_panel_lists_open_questions_unread_first(world, client_for):
    thread = make_thread(world.partner_a, world.member_a, subject="Panel question")
    services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    closed = make_thread(world.partner_a, world.member_a, subject="Old closed one")
    services.thread_close(thread=closed, actor=world.member_a)
    page = client_for(world.member_a).get("/").getvalue().decode()
    assert 'data-testid="questions-panel"' in page
    assert "Panel question" in page and "Old closed one" not in page
    assert "Panel question" not in client_for(world.admin_b).get("/").getvalue().decode()


def test_one_invalid_filter_keeps_the_others(mixed, client_for):
    response = client_for(mixed.manager_a).get(f"/staff/questions/?partner={mixed.partner_b.pk}&status=open")
    assert subjects(response) == {"Open A"}


def test_assignee_choices_are_staff_who_see_the_partner(world, client_for):
    thread = make_thread(world.partner_a, world.member_a)
    choices = client_for(world.support).get(f"/staff/questions/{thread.pk}/").context["assign_form"]
    people = set(choices.fields["assignee"].queryset)
    assert {world.support, world.manager_a, world.superuser} <= people
    assert world.manager_other not in people and world.member_a not in people


def test_overlong_message_is_refused_with_a_field_error(world, client_for):
    response = client_for(world.member_a).post(
        "/questions/new/", {"subject": "Long", "category": "other", "body": "x" * 20001}
    )
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not Thread.objects.exists()


def test_inbox_partner_filter_by_name_or_reading(mixed, client_for):
    from partners.models import Partner

    Partner.objects.filter(pk=mixed.partner_b.pk).update(name="ベータ商事", name_kana="ベータショウジ")
    client = client_for(mixed.support)
    assert subjects(client.get("/staff/questions/?partner=ベータ")) == {"Waiting B", "Closed B"}
    # The reading, typed in hiragana or half-width katakana, finds the same partner.
    assert subjects(client.get("/staff/questions/?partner=べーたしょう")) == {"Waiting B", "Closed B"}
    assert subjects(client.get("/staff/questions/?partner=ﾍﾞｰﾀ")) == {"Waiting B", "Closed B"}
    assert subjects(client.get("/staff/questions/?partner=nobody-by-this-name")) == set()


def test_inbox_partner_name_filter_stays_in_a_managers_scope(mixed, client_for):
    response = client_for(mixed.manager_a).get("/staff/questions/?partner=Beta")
    assert subjects(response) == set()
    response = client_for(mixed.support).get("/staff/questions/?partner=Beta")
    assert subjects(response) == {"Waiting B", "Closed B"}


def test_inbox_does_not_list_every_partner(world, client_for, django_assert_max_num_queries):
    """The partner filter is a text box: the page does not grow with the number of partners."""
    from tests.factories import PartnerFactory

    client = client_for(world.support)
    make_thread(world.partner_a, world.member_a, subject="One")
    client.get("/staff/questions/")
    with django_assert_max_num_queries(14) as small:
        small_page = client.get("/staff/questions/")
    PartnerFactory.create_batch(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/staff/questions/")
    assert len(page.content) - len(small_page.content) < 200
    assert (
        b'name="partner"' in page.content and b'<option value="%d"' % world.partner_b.pk not in page.content
    )
