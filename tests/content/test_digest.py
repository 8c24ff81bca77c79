from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from content import emails, services, tasks
from content.models import Asset, DigestDelivery, DigestOptOut
from tests.content.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(world):
    """Partners A (delivery) and B (sales), both in the selling stage."""
    return {
        "for_all": AssetFactory(
            title="New pricing guide", stages=["selling"], published_at=timezone.now() - timedelta(days=1)
        ),
        "for_delivery": AssetFactory(
            title="New SI playbook",
            stages=["selling"],
            partner_types=["delivery"],
            published_at=timezone.now() - timedelta(days=2),
        ),
        "wrong_stage": AssetFactory(
            title="New servicing runbook", stages=["servicing"], published_at=timezone.now()
        ),
        "old": AssetFactory(
            title="Old deck", stages=["selling"], published_at=timezone.now() - timedelta(days=20)
        ),
        "draft": AssetFactory(title="Draft memo", status=Asset.Status.DRAFT, published_at=None),
    }


def sent_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_weekly_digest_lists_new_assets_for_audience_and_stage(
    world, fresh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.send_weekly_digests()
    assert count == 3  # member_a, admin_a, admin_b
    [a_mail] = sent_to(world.member_a.email)
    [b_mail] = sent_to(world.admin_b.email)
    assert "New pricing guide" in a_mail.body and "New SI playbook" in a_mail.body
    assert "New pricing guide" in b_mail.body and "New SI playbook" not in b_mail.body
    for text in ("New servicing runbook", "Old deck", "Draft memo"):
        assert text not in a_mail.body
    html = a_mail.alternatives[0][0]
    assert "http://testserver" not in html and reverse("content:detail", args=[fresh["for_all"].pk]) in html
    assert a_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_is_in_the_recipients_language(world, fresh):
    world.member_a.language = "ja"
    world.member_a.save()
    world.admin_b.language = "en"
    world.admin_b.save()
    tasks.send_weekly_digests()
    assert "コンテンツライブラリ" in sent_to(world.member_a.email)[0].subject
    assert "content library" in sent_to(world.admin_b.email)[0].subject


def test_digest_is_sent_once_per_week(world, fresh):
    tasks.send_weekly_digests()
    first = len(mail.outbox)
    tasks.send_weekly_digests()
    week = services.digest_week()
    services.digest_send(user_id=world.member_a.pk, week=week)
    assert len(mail.outbox) == first
    assert DigestDelivery.objects.filter(week=week).count() == 3


def test_no_mail_when_nothing_is_new(world):
    AssetFactory(title="Old", published_at=timezone.now() - timedelta(days=30))
    tasks.send_weekly_digests()
    assert mail.outbox == []


def test_unsubscribe_link_works_without_login(world, fresh, client):
    tasks.send_weekly_digests()
    body = sent_to(world.member_a.email)[0].body
    url = next(line.strip() for line in body.splitlines() if "/content/digest/unsubscribe/" in line)
    response = client.get(urlparse(url).path)
    assert response.status_code == 200
    assert not DigestOptOut.objects.exists()  # a GET (a mail scanner) only asks
    assert client.post(urlparse(url).path, {"action": "unsubscribe"}).status_code == 200
    assert DigestOptOut.objects.filter(user=world.member_a).exists()
    mail.outbox.clear()
    DigestDelivery.objects.all().delete()
    tasks.send_weekly_digests()
    assert sent_to(world.member_a.email) == []
    assert sent_to(world.admin_a.email)


def test_resubscribe(world, client):
    token = emails.unsubscribe_token(world.member_a)
    url = reverse("content:unsubscribe", args=[token])
    client.post(url, {"action": "unsubscribe"})
    client.post(url, {"action": "resubscribe"})
    assert not DigestOptOut.objects.filter(user=world.member_a).exists()


def test_tampered_token_is_rejected(world, client):
    token = emails.unsubscribe_token(world.member_a)
    response = client.get(reverse("content:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert not DigestOptOut.objects.exists()


def test_unsubscribe_by_get_only_shows_a_confirmation(world, client):
    url = reverse("content:unsubscribe", args=[emails.unsubscribe_token(world.member_a)])
    response = client.get(url)
    assert response.status_code == 200
    assert b'data-testid="confirm-unsubscribe"' in response.content
    assert not DigestOptOut.objects.exists()


def test_one_click_unsubscribe_post_from_a_mail_provider(world):
    from django.test import Client

    url = reverse("content:unsubscribe", args=[emails.unsubscribe_token(world.member_a)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DigestOptOut.objects.filter(user=world.member_a).exists()
