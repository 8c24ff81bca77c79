"""A staff answer is the "answer received" notification kind (the bell); the e-mail stays the thread's."""

from django.core import mail

from prm.models import Notification
from tests.threads.factories import ANSWER, make_thread
from threads import emails, services


def test_an_answer_notifies_partner_participants_once(world):
    thread = make_thread(world.partner_a, world.member_a)
    answer = services.staff_reply(thread=thread, author=world.support, body=ANSWER)
    mail.outbox.clear()
    emails.message_notify(message_id=answer.pk)
    emails.message_notify(message_id=answer.pk)  # a retried task
    rows = Notification.objects.filter(kind="answer_received")
    assert [n.recipient for n in rows] == [world.member_a]
    assert thread.subject in rows[0].text
    assert len(mail.outbox) == 1  # the thread's own e-mail, not a second one


def test_partner_messages_do_not_notify_as_answers(world):
    thread = make_thread(world.partner_a, world.member_a)
    message = services.partner_reply(thread=thread, author=world.member_a, body="More detail")
    emails.message_notify(message_id=message.pk)
    assert not Notification.objects.filter(kind="answer_received").exists()
