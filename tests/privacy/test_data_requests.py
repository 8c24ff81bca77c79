"""Requests from people concerned (開示等請求): recorded with a deadline in Japanese business
days, moved on only with identity verified and a response written, audited, reminded once,
and what the portal holds about the person found and erased, in the staff user's scope."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incentives.models import Deal
from privacy import services
from privacy.models import DataRequest, DataRequestReminder
from prm.i18n.business_days import add_business_days
from prm.models import AuditEvent
from tests.incentives.factories import DealFactory
from tests.privacy.factories import SUBJECT_A, request_a

pytestmark = pytest.mark.django_db


def test_a_manager_records_a_request_with_a_deadline_in_business_days(world, client_for):
    client = client_for(world.manager_a)
    data = {
        "kind": "disclosure",
        "received_on": "2026-04-28",
        "subject_name": "港 一郎",
        "subject_email": "ichiro@example.jp",
        "requester_name": "港 一郎",
        "details": "保有個人データの開示",
        "partner": world.partner_a.pk,
    }
    response = client.post(reverse("privacy:request_create"), data)
    request = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{request.pk}/")
    # Ten business days from Tuesday 28 April 2026: Shōwa Day and Golden Week are skipped.
    assert request.due_on == date(2026, 5, 18) == add_business_days(date(2026, 4, 28), 10)
    assert AuditEvent.objects.filter(action="privacy.request_received", target_id=str(request.pk)).exists()
    # The future is refused, and another partner cannot be named by a manager who does not see it.
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.post(reverse("privacy:request_create"), {**data, "received_on": future}).status_code == 200
    assert (
        client.post(reverse("privacy:request_create"), {**data, "partner": world.partner_b.pk}).status_code
        == 200
    )
    assert DataRequest.objects.count() == 1


def test_the_status_moves_only_with_identity_verified_and_a_response_written(world, client_for):
    request = request_a(world)
    client = client_for(world.manager_a)
    url = reverse("privacy:request_status", args=[request.pk])
    assert client.post(url, {"status": "in_progress"}).status_code == 400  # identity not verified
    assert (
        client.post(url, {"status": "in_progress", "identity_method": "運転免許証の写しで確認"}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.identity_verified_on == timezone.localdate() and request.status == "in_progress"
    assert client.post(url, {"status": "completed"}).status_code == 400  # what is the person told?
    assert client.post(url, {"status": "completed", "note": "保有データを郵送しました。"}).status_code == 302
    request.refresh_from_db()
    assert (
        request.status == "completed"
        and request.closed_at
        and request.response == "保有データを郵送しました。"
    )
    assert client.post(url, {"status": "in_progress"}).status_code == 400  # closed: nothing more
    statuses = list(
        AuditEvent.objects.filter(action="privacy.request_status", target_id=str(request.pk))
        .order_by("created_at")
        .values_list("data__status", flat=True)
    )
    assert statuses == ["in_progress", "completed"]
    page = client.get(reverse("privacy:request_detail", args=[request.pk])).getvalue().decode()
    assert "保有データを郵送しました。" in page and "開示等の請求のステータスを変更" in page


def test_a_decline_states_the_reason(world):
    request = request_a(world)
    with pytest.raises(services.PrivacyError):
        services.data_request_transition(request=request, actor=world.manager_a, to_status="declined")
    services.data_request_transition(
        request=request, actor=world.manager_a, to_status="declined", note="本人確認ができませんでした。"
    )
    request.refresh_from_db()
    assert request.status == "declined" and request.response == "本人確認ができませんでした。"


def test_reminders_are_sent_once_to_the_people_handling_the_request(
    world, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "ja"
    soon = request_a(world)
    late = request_a(world, subject_name="期限切れ 太郎")
    today = timezone.localdate()
    DataRequest.objects.filter(pk=soon.pk).update(due_on=add_business_days(today, 1))
    DataRequest.objects.filter(pk=late.pk).update(
        received_on=today - timedelta(days=30), due_on=today - timedelta(days=2)
    )
    done = request_a(world, subject_name="完了 花子")
    DataRequest.objects.filter(pk=done.pk).update(
        due_on=today - timedelta(days=3),
        status="withdrawn",
        closed_at=timezone.now(),
        received_on=today - timedelta(days=9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.data_requests_remind() == {"due_soon": 1, "overdue": 1}
    recipients = {m.to[0] for m in mail.outbox}
    assert world.manager_a.email in recipients  # assigned to partner A
    assert world.manager_other.email not in recipients  # sees none of A's partners
    subjects = sorted(m.subject for m in mail.outbox)
    assert any(s.startswith("【期限超過】") for s in subjects)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.data_requests_remind() == {"due_soon": 0, "overdue": 0}
    assert len(mail.outbox) == sent and DataRequestReminder.objects.count() == 2


def test_an_assigned_handler_is_the_one_reminded(world, django_capture_on_commit_callbacks):
    request = request_a(world)
    services.data_request_assign(request=request, actor=world.superuser, assignee=world.manager_other)
    DataRequest.objects.filter(pk=request.pk).update(due_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        services.data_requests_remind()
    assert {m.to[0] for m in mail.outbox} == {world.manager_other.email}


def _deletion_with_a_deal(world):
    deal = DealFactory(
        partner=world.partner_a, contact_name="港 一郎", contact_email="ichiro@example.jp", notes="港様と面談"
    )
    services_deal = deal
    request = request_a(world, kind="deletion", subject_name="港一郎", subject_email="ICHIRO@example.jp")
    return services_deal, request


def test_a_deletion_request_finds_and_erases_the_contact(world, client_for):
    deal, request = _deletion_with_a_deal(world)
    from incentives import services as incentive_services

    incentive_services.deal_update(
        deal=deal, user=world.member_a, data={"contact_phone": "090-1111-2222", "contact_consent": True}
    )
    client = client_for(world.manager_a)
    page = client.get(reverse("privacy:request_detail", args=[request.pk])).getvalue().decode()
    assert 'data-testid="erase-deals"' in page and deal.customer_company in page
    response = client.post(reverse("privacy:request_erase", args=[request.pk, "deals"]), {"ids": [deal.pk]})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.contact_name, deal.contact_email, deal.contact_phone, deal.notes) == ("", "", "", "")
    assert deal.contacts_anonymised_at is not None
    # The contact's values are gone from the deal's audit history too; who changed what stays.
    update = AuditEvent.objects.get(action="deal.updated", target_id=str(deal.pk))
    assert update.data["changes"]["contact_phone"] == "(erased)" and update.actor == world.member_a
    assert AuditEvent.objects.filter(action="privacy.request_erased", target_id=str(request.pk)).exists()


def test_a_manager_cannot_erase_another_partners_contact(world, client_for):
    deal, request = _deletion_with_a_deal(world)
    request.partner = None
    request.save()  # a request tied to no partner: every manager sees it ...
    client = client_for(world.manager_other)
    page = client.get(reverse("privacy:request_detail", args=[request.pk])).getvalue().decode()
    assert deal.customer_company not in page and "港 一郎" not in page  # ... but not A's deal
    client.post(reverse("privacy:request_erase", args=[request.pk, "deals"]), {"ids": [deal.pk]})
    deal.refresh_from_db()
    assert deal.contact_name == "港 一郎" and deal.contacts_anonymised_at is None
    assert (
        client.post(reverse("privacy:request_erase", args=[request.pk, "users"]), {"ids": [1]}).status_code
        == 404
    )


def test_a_disclosure_request_erases_nothing(world):
    deal = DealFactory(partner=world.partner_a, contact_name=SUBJECT_A)
    request = request_a(world)  # disclosure
    from privacy import registry

    with pytest.raises(services.PrivacyError):
        services.data_request_erase(
            request=request, actor=world.manager_a, finder=registry.subject_finder("deals"), ids=[deal.pk]
        )
    assert Deal.objects.get(pk=deal.pk).contact_name == SUBJECT_A


def test_the_request_list_is_scoped_and_exports_csv(world, client_for):
    request_a(world)
    mine = client_for(world.manager_a).get(reverse("privacy:requests")).getvalue().decode()
    assert SUBJECT_A in mine
    other = client_for(world.manager_other).get(reverse("privacy:requests"), {"status": "", "format": "csv"})
    assert SUBJECT_A not in other.getvalue().decode()
    csv = client_for(world.manager_a).get(reverse("privacy:requests"), {"status": "", "format": "csv"})
    body = csv.getvalue().decode()  # a streamed download: read once
    assert body.startswith("\ufeff") and SUBJECT_A in body
