import pytest
from django.contrib.auth.models import Group
from django.core import mail

from prm.models import SUPPORT
from tests.factories import MembershipFactory, UserFactory
from tests.threads.factories import ANSWER, make_thread
from threads import emails, services
from threads.models import Message


def recipients():
    return sorted(address for m in mail.outbox for address in m.to)


@pytest.fixture
def posting(django_capture_on_commit_callbacks):
    """Run service calls and their on-commit tasks (Celery runs eagerly in tests)."""

    class Ctx:
        def __enter__(self):
            self.cm = django_capture_on_commit_callbacks(execute=True)
            return self.cm.__enter__()

        def __exit__(self, *exc):
            return self.cm.__exit__(*exc)

    return Ctx


def test_new_question_goes_to_support_and_the_partners_managers(world, posting):
    with posting():
        make_thread(world.partner_a, world.member_a)
    # Support (everyone in the group) and manager_a (assigned to partner A), not the
    # unassigned manager, not the author.
    assert recipients() == sorted([world.support.email, world.manager_a.email])


def test_assigned_question_goes_to_the_assignee_only(world, posting):
    thread = make_thread(world.partner_a, world.member_a)
    services.thread_assign(thread=thread, actor=world.support, assignee=world.manager_a)
    mail.outbox.clear()
    with posting():
        services.partner_reply(thread=thread, author=world.admin_a, body="Any news?")
    assert recipients() == [world.manager_a.email]
    assert "/staff/questions/" in mail.outbox[0].body


def test_staff_reply_goes_to_partner_participants_only(world, posting):
    bystander = MembershipFactory(partner=world.partner_a).user  # never posted
    thread = make_thread(world.partner_a, world.member_a)
    services.partner_reply(thread=thread, author=world.admin_a, body="Me too.")
    mail.outbox.clear()
    with posting():
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    assert recipients() == sorted([world.member_a.email, world.admin_a.email])
    assert bystander.email not in recipients()
    assert world.admin_b.email not in recipients()


def test_emails_are_in_the_recipients_language_with_a_link_and_how_to_answer(world, posting, settings):
    settings.SITE_URL = "https://portal.example.com"
    world.member_a.language = "en"
    world.member_a.save(update_fields=["language"])
    world.admin_a.language = "ja"
    world.admin_a.save(update_fields=["language"])
    thread = make_thread(world.partner_a, world.member_a, subject="Certification exam")
    services.partner_reply(thread=thread, author=world.admin_a, body="追加の質問です。")
    mail.outbox.clear()
    with posting():
        services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    by_to = {m.to[0]: m for m in mail.outbox}
    english, japanese = by_to[world.member_a.email], by_to[world.admin_a.email]
    link = f"https://portal.example.com/questions/{thread.pk}/"
    assert english.subject == "[Partner Portal] New answer to your question: Certification exam"
    assert "Replying to this e-mail is not supported" in english.body and link in english.body
    assert "Open **Deals**" in english.body
    assert "<strong>Deals</strong>" in english.alternatives[0][0]
    assert "質問" in japanese.subject and "Certification exam" in japanese.subject
    assert "このメール" in japanese.body and link in japanese.body


def test_staff_email_uses_staff_language_and_staff_link(world, posting):
    world.support.language = "en"
    world.support.save(update_fields=["language"])
    with posting():
        thread = make_thread(world.partner_a, world.member_a, subject="Incentive payout")
    message = next(m for m in mail.outbox if m.to == [world.support.email])
    assert message.subject == f"[Partner Portal] New question from {world.SECRET_A}: Incentive payout"
    assert f"/staff/questions/{thread.pk}/" in message.body


def test_notification_task_is_idempotent(world):
    thread = make_thread(world.partner_a, world.member_a)
    answer = services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    mail.outbox.clear()
    assert emails.message_notify(message_id=answer.pk) == 1
    assert emails.message_notify(message_id=answer.pk) == 0
    assert len(mail.outbox) == 1


def test_nothing_is_sent_before_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_thread(world.partner_a, world.member_a)
    assert mail.outbox == []
    # The notification task (cache invalidations of the unread badge run on commit too).
    assert len([c for c in callbacks if getattr(c, "__module__", "") != "prm.cache.pagecache"]) == 1


def test_inactive_and_foreign_users_are_not_notified(world, posting):
    inactive = UserFactory(is_staff=True, is_active=False)
    inactive.groups.add(Group.objects.get(name=SUPPORT))
    with posting():
        make_thread(world.partner_a, world.member_a)
    assert inactive.email not in recipients()
    assert Message.objects.count() == 1


def test_follow_up_goes_to_whoever_answered_first(world, posting):
    thread = make_thread(world.partner_a, world.member_a)
    services.staff_reply(thread=thread, author=world.manager_a, body=ANSWER)
    thread.refresh_from_db()
    assert thread.assignee == world.manager_a
    mail.outbox.clear()
    with posting():
        services.partner_reply(thread=thread, author=world.member_a, body="Thanks, one more question.")
    assert recipients() == [world.manager_a.email]


def test_assignee_who_lost_access_falls_back_to_the_team(world, posting):
    from guardian.shortcuts import remove_perm

    thread = make_thread(world.partner_a, world.member_a)
    services.thread_assign(thread=thread, actor=world.support, assignee=world.manager_a)
    remove_perm("partners.manage_partner", world.manager_a, world.partner_a)
    mail.outbox.clear()
    with posting():
        services.partner_reply(thread=thread, author=world.member_a, body="Hello?")
    assert recipients() == [world.support.email]


def test_a_failed_send_is_retried_for_the_missing_recipients_only(world, monkeypatch):
    import smtplib

    thread = make_thread(world.partner_a, world.member_a)
    services.partner_reply(thread=thread, author=world.admin_a, body="Me too.")
    answer = services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    mail.outbox.clear()
    real_send = emails.send_message_email
    calls = []

    def flaky(*, message, user):
        calls.append(user.email)
        if user == world.admin_a and calls.count(user.email) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        real_send(message=message, user=user)

    monkeypatch.setattr(emails, "send_message_email", flaky)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        emails.message_notify(message_id=answer.pk)
    emails.message_notify(message_id=answer.pk)  # what a Celery retry does
    assert sorted(recipients()) == sorted([world.member_a.email, world.admin_a.email])
