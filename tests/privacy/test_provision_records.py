"""A third-party provision record per deal registration (APPI arts. 29 and 30): who provided
whose data to whom, when, which items, on what basis and how it was obtained; kept for the
legal period; exportable by staff and by the partner itself; never another partner's."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from incentives import services as incentive_services
from incentives.models import Deal
from privacy import services
from privacy.models import PartnerLegalIdentity, ProvisionRecord
from tests.incentives.factories import ProductFactory
from tests.incentives.test_deals import form_data
from tests.privacy.factories import SUBJECT_A, provision_a

pytestmark = pytest.mark.django_db


def form(**overrides):
    return form_data(**{"contact_source": "meeting", "contact_consent": "on", **overrides})


def test_registering_a_deal_records_the_provision(world, client_for, settings):
    settings.PRM_VENDOR_NAME = "株式会社ベンダー"
    PartnerLegalIdentity.objects.create(
        partner=world.partner_a,
        legal_name="アルファ商事株式会社",
        address="東京都千代田区丸の内1-1",
        representative="代表取締役 山田一郎",
    )
    response = client_for(world.member_a).post(reverse("incentives:deal_create"), form())
    assert response.status_code == 302
    deal = Deal.objects.get()
    record = ProvisionRecord.objects.get()
    assert record.source_object == deal and record.partner == world.partner_a
    assert (record.provider_name, record.provider_address, record.provider_representative) == (
        "アルファ商事株式会社",
        "東京都千代田区丸の内1-1",
        "代表取締役 山田一郎",
    )
    assert record.recipient_name == "株式会社ベンダー" and record.provided_by == world.member_a
    assert (record.subject_name, record.subject_company) == ("港 一郎", "株式会社みなと物流")
    assert record.items == ["name", "company", "email"]
    assert (record.basis, record.acquisition) == ("consent", "meeting")
    assert record.retain_until == services.add_years(timezone.localdate(), 3)


def test_without_the_persons_consent_nothing_is_registered(world, client_for):
    response = client_for(world.member_a).post(reverse("incentives:deal_create"), form(contact_consent=""))
    assert response.status_code == 200
    assert "contact_consent" in response.context["form"].errors
    assert not Deal.objects.exists() and not ProvisionRecord.objects.exists()


def test_a_changed_contact_is_a_new_provision_and_needs_consent(world, client_for):
    client = client_for(world.member_a)
    client.post(reverse("incentives:deal_create"), form())
    deal = Deal.objects.get()
    update = {
        "stage": "proposal",
        "amount": "4500000",
        "currency": "JPY",
        "expected_close_date": deal.expected_close_date.isoformat(),
        "contact_name": "別の 担当者",
        "contact_phone": "03-1234-5678",
        "contact_email": "other@minato-logistics.example.jp",
    }
    response = client.post(reverse("incentives:deal_update", args=[deal.pk]), update)
    assert response.status_code == 200 and ProvisionRecord.objects.count() == 1
    client.post(reverse("incentives:deal_update", args=[deal.pk]), {**update, "contact_consent": "on"})
    latest = ProvisionRecord.objects.order_by("-provided_at", "-pk").first()
    assert latest.source == ProvisionRecord.Source.DEAL_CONTACT_CHANGE
    assert latest.subject_name == "別の 担当者" and latest.acquisition == "meeting"
    assert latest.items == ["name", "company", "email", "phone"]
    # A change of stage only gives us nobody new.
    client.post(reverse("incentives:deal_update", args=[deal.pk]), {**update, "stage": "negotiation"})
    assert ProvisionRecord.objects.count() == 2


def test_records_outlive_the_deal_and_the_partner_and_are_purged_after_the_period(world):
    record = provision_a(world)
    old = provision_a(world)
    ProvisionRecord.objects.filter(pk=old.pk).update(retain_until=timezone.localdate() - timedelta(days=1))
    world.partner_a.delete()
    record.refresh_from_db()
    assert (
        record.partner is None and record.provider_name == world.SECRET_A and record.subject_name == SUBJECT_A
    )
    assert services.provision_records_purge() == 1
    assert list(ProvisionRecord.objects.all()) == [record]
    assert services.provision_records_purge() == 0


def test_nobody_deletes_a_record_in_the_admin(world):
    record = provision_a(world)
    request = RequestFactory().get("/admin/")
    request.user = world.superuser
    model_admin = site._registry[ProvisionRecord]
    assert not model_admin.has_delete_permission(request, record)
    assert not model_admin.has_change_permission(request, record)


def test_the_retention_period_is_never_below_three_years(settings):
    settings.PRM_PROVISION_RECORD_YEARS = 1
    assert services.provision_years() == 3
    settings.PRM_PROVISION_RECORD_YEARS = 5
    assert services.provision_years() == 5
    assert services.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_staff_and_the_partner_export_the_records_as_csv(world, client_for):
    provision_a(world)
    staff_csv = (
        client_for(world.manager_a).get(reverse("privacy:provisions"), {"format": "csv"}).getvalue().decode()
    )
    own_csv = (
        client_for(world.admin_a)
        .get(reverse("privacy:partner_provisions"), {"format": "csv"})
        .getvalue()
        .decode()
    )
    for body in (staff_csv, own_csv):
        assert body.startswith("\ufeff") and SUBJECT_A in body
        header = body.splitlines()[0]
        assert "提供者" in header and "本人" in header and "提供した項目" in header
    # Another partner, and a manager of other partners, see none of it.
    assert (
        SUBJECT_A
        not in client_for(world.admin_b).get(reverse("privacy:partner_provisions")).getvalue().decode()
    )
    other = (
        client_for(world.manager_other)
        .get(reverse("privacy:provisions"), {"format": "csv"})
        .getvalue()
        .decode()
    )
    assert SUBJECT_A not in other
    assert client_for(world.member_a).get(reverse("privacy:partner_provisions")).status_code == 403


def test_hostile_names_are_neutralised_in_the_csv(world, client_for):
    deal = incentive_services.deal_register(
        partner=world.partner_a,
        user=world.member_a,
        data={
            "customer_company": '=HYPERLINK("http://evil.example")',
            "customer_domain": "evil.example",
            "contact_name": "@SUM(1+1)",
            "product": ProductFactory(),
            "amount": 1,
            "currency": "JPY",
            "expected_close_date": date.today(),
            "contact_source": "other",
            "contact_consent": True,
        },
    )
    assert deal.pk
    body = (
        client_for(world.admin_a)
        .get(reverse("privacy:partner_provisions"), {"format": "csv"})
        .getvalue()
        .decode()
    )
    assert "'@SUM(1+1)" in body and "'=HYPERLINK" in body
