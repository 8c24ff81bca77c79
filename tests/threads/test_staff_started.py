"""Staff write to a partner first, from partner 360 (threads.services.thread_start_by_staff)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prm.models import AuditEvent, Notification
from tests.factories import MembershipFactory
from threads import emails, queries, services
from threads.models import Thread
from threads.services import ThreadError


def _post(client, partner, **data):
    return client.post(
        reverse("threads:staff_new", args=[partner.pk]),
        {"subject": "Price list for Q3", "category": "other", "body": "Please see the new prices.", **data},
    )


def test_manager_starts_a_thread_and_lands_on_it(world, client_for, django_capture_on_commit_callbacks):
    world.member_a.language = "en"
    world.member_a.save(update_fields=["language"])
    world.admin_a.language = "ja"
    world.admin_a.save(update_fields=["language"])
    MembershipFactory(partner=world.partner_b)  # nobody at another partner hears of it
    client = client_for(world.manager_a)
    assert (
        'data-testid="message-partner"'
        in client.get(reverse("dashboard:partner", args=[world.partner_a.pk])).getvalue().decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, world.partner_a)
    thread = Thread.objects.get(subject="Price list for Q3")
    assert response.status_code == 302 and response["Location"] == reverse(
        "threads:staff_detail", args=[thread.pk]
    )
    assert thread.partner == world.partner_a and thread.author == world.manager_a
    assert thread.status == Thread.Status.AWAITING_PARTNER and thread.assignee == world.manager_a
    assert (
        AuditEvent.objects.filter(action="thread.started_by_staff", partner_id=world.partner_a.pk).count()
        == 1
    )
    notes = {n.recipient: n for n in Notification.objects.filter(kind="answer_received")}
    assert set(notes) == {world.admin_a, world.member_a}
    assert "Price list for Q3" in notes[world.member_a].text
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert set(subjects) == {world.admin_a.email, world.member_a.email}
    assert subjects[world.member_a.email] == "[Partner Portal] New message from our team: Price list for Q3"
    assert (
        subjects[world.admin_a.email]
        == "【パートナーポータル】当社からメッセージが届きました：Price list for Q3"
    )
    # Once per event: a retried task sends nothing more.
    emails.message_notify(message_id=thread.messages.get().pk)
    assert Notification.objects.filter(kind="answer_received").count() == 2 and len(mail.outbox) == 2
    # The partner sees it with its questions.
    page = client_for(world.member_a).get(reverse("threads:detail", args=[thread.pk]))
    assert page.status_code == 200 and "Please see the new prices." in page.getvalue().decode()


def test_a_partner_outside_the_viewers_scope_is_404(world, client_for):
    client = client_for(world.manager_other)
    assert client.get(reverse("threads:staff_new", args=[world.partner_a.pk])).status_code == 404
    assert _post(client, world.partner_a).status_code == 404
    assert not Thread.objects.exists()
    with pytest.raises(ThreadError):
        services.thread_start_by_staff(
            partner=world.partner_a, author=world.manager_other, subject="x", body="y"
        )
    with pytest.raises(ThreadError):
        services.thread_start_by_staff(partner=world.partner_a, author=world.member_a, subject="x", body="y")


def test_attachments_use_the_thread_validation(world, client_for):
    bad = SimpleUploadedFile("image.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")
    response = _post(client_for(world.support), world.partner_a, attachments=bad)
    assert response.status_code == 200 and "not accepted" in response.getvalue().decode()
    good = SimpleUploadedFile("prices.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert _post(client_for(world.support), world.partner_a, attachments=good).status_code == 302
    assert Thread.objects.get().messages.get().attachments.count() == 1


def test_rate_limited(world, client_for, settings):
    settings.THREADS_STAFF_MESSAGE_RATE_LIMIT = (1, 3600)
    client = client_for(world.support)
    assert _post(client, world.partner_a).status_code == 302
    response = _post(client, world.partner_a, subject="Second")
    assert response.status_code == 200 and "Too many messages" in response.getvalue().decode()
    assert Thread.objects.count() == 1


def test_staff_started_threads_stay_out_of_response_metrics(world):
    services.thread_start_by_staff(partner=world.partner_a, author=world.support, subject="Hi", body="Hello")
    assert Thread.objects.count() == 1
    assert not queries.partner_asked(Thread.objects.all()).exists()
