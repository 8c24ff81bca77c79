"""Invitations: no token in the Celery broker, a rate limit on invitation mails, and a
revoked invitation closes sign-up in a session that started before."""

import json

import pytest
from django.core import mail

from partners import services, tasks
from partners.models import Invitation
from prm.models import User
from tests.partners.test_team import _token_from_mail

pytestmark = pytest.mark.django_db


def test_the_task_message_carries_ids_not_the_token(world, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.send_invitation, "delay", lambda *a, **kw: sent.append((a, kw)))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            partner=world.partner_a, email="broker@example.test", role="member", actor=world.admin_a
        )
    ((args, kwargs),) = sent
    payload = json.dumps([args, kwargs])  # what the broker would hold
    assert mail.outbox == []
    tasks.send_invitation.run(*args, **kwargs)  # the worker
    token = _token_from_mail(mail.outbox[-1])
    assert token not in payload
    assert Invitation.objects.get(pk=invitation.pk).token_hash == services.token_hash(token)
    # A second delivery of a stale message (after a resend) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, actor=world.admin_a)
    mail.outbox.clear()
    tasks.send_invitation.run(*args, **kwargs)
    assert mail.outbox == []


def test_invitation_mails_are_rate_limited(world, client_for, settings, django_capture_on_commit_callbacks):
    settings.PARTNERS_INVITE_RATE_LIMIT = (2, 3600)
    client = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            client.post("/team/", {"email": f"spam{n}@example.test", "role": "member"})
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_revoked_invitation_closes_sign_up_in_an_open_session(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            partner=world.partner_a, email="late@example.test", role="member", actor=world.admin_a
        )
    token = _token_from_mail(mail.outbox[-1])
    client = client_for(None)
    signup_url = client.post(f"/team/accept/{token}/")["Location"]
    assert client.get(signup_url).status_code == 200
    services.invitation_revoke(invitation=invitation, actor=world.admin_a)
    response = client.post(
        signup_url,
        {"email": "late@example.test", "password1": "a-Strong-pass-42", "password2": "a-Strong-pass-42"},
    )
    assert not User.objects.filter(email="late@example.test").exists()
    assert "signup" not in response.get("Location", "") or response.status_code != 302
