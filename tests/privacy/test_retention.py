"""Customer contacts of lost, expired and rejected deals are anonymised after the retention
period (PRM_CONTACT_RETENTION_DAYS), set-based by a daily beat job; won and live deals keep
theirs; the provision records stay for their own legal period."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incentives import services, tasks
from incentives.models import Deal
from privacy.models import ProvisionRecord
from prm.models import AuditEvent
from tests.incentives.factories import DealFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
LONG_AGO = 400  # days: past the default 365


def _aged(deal, days=LONG_AGO):
    Deal.objects.filter(pk=deal.pk).update(updated_at=timezone.now() - timedelta(days=days))
    return deal


def _stale_set(partner, n=1):
    old = TODAY() - timedelta(days=LONG_AGO)
    deals = []
    for _ in range(n):
        deals += [
            _aged(DealFactory(partner=partner, approved=True, stage=Deal.Stage.LOST, closed_on=old)),
            _aged(
                DealFactory(partner=partner, approved=True, status=Deal.Status.EXPIRED, protected_until=old)
            ),
            _aged(DealFactory(partner=partner, status=Deal.Status.REJECTED)),
        ]
    return deals


def test_stale_contacts_are_anonymised_and_live_ones_kept(world):
    stale = _stale_set(world.partner_a)
    won = _aged(DealFactory(partner=world.partner_a, won=True, closed_on=TODAY() - timedelta(days=LONG_AGO)))
    recent_loss = DealFactory(
        partner=world.partner_a, approved=True, stage=Deal.Stage.LOST, closed_on=TODAY()
    )
    worked = DealFactory(
        partner=world.partner_a,
        approved=True,
        status=Deal.Status.EXPIRED,
        protected_until=TODAY() - timedelta(days=LONG_AGO),
    )  # expired long ago but still being worked on (updated today)
    open_deal = _aged(DealFactory(partner=world.partner_a, approved=True))
    record = ProvisionRecord.objects.create(
        source="deal_registration",
        partner=world.partner_a,
        provider_name="A",
        recipient_name="V",
        subject_name=stale[0].contact_name,
        items=["name"],
        basis="consent",
        acquisition="other",
        retain_until=TODAY() + timedelta(days=800),
    )
    assert tasks.anonymise_deal_contacts() == 3
    for deal in stale:
        deal.refresh_from_db()
        assert deal.contacts_anonymised_at and deal.contact_name == "" and deal.notes == ""
    for deal in (won, recent_loss, worked, open_deal):
        deal.refresh_from_db()
        assert deal.contacts_anonymised_at is None and deal.contact_name
    record.refresh_from_db()
    assert record.subject_name  # the provision record is kept for its own period
    event = AuditEvent.objects.get(action="deal.contacts_anonymised")
    assert event.data["count"] == 3 and event.data["reason"] == "retention" and event.actor is None
    assert tasks.anonymise_deal_contacts() == 0  # idempotent


def test_the_job_runs_a_fixed_number_of_queries(world):
    def queries_for(n):
        _stale_set(world.partner_a, n)
        with CaptureQueriesContext(connection) as ctx:
            services.deals_contacts_anonymise_stale()
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(20)


def test_the_retention_period_is_configurable(world, settings):
    settings.PRM_CONTACT_RETENTION_DAYS = 30
    deal = _aged(
        DealFactory(
            partner=world.partner_a, approved=True, stage=Deal.Stage.LOST, closed_on=TODAY() - timedelta(40)
        ),
        days=40,
    )
    assert services.deals_contacts_anonymise_stale() == 1
    deal.refresh_from_db()
    assert deal.contacts_anonymised_at


def test_the_partner_sees_that_the_contact_was_removed(world, client_for):
    (lost, *_rest) = _stale_set(world.partner_a)
    services.deals_contacts_anonymise_stale()
    page = client_for(world.member_a).get(reverse("incentives:deal_detail", args=[lost.pk])).content.decode()
    assert "個人情報の保存期間の経過" in page


def test_the_job_is_scheduled():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "incentives.tasks.anonymise_deal_contacts",
        "privacy.tasks.remind_data_requests",
        "privacy.tasks.purge_provision_records",
        "privacy.tasks.expire_partner_exports",
    } <= tasks_scheduled


def test_every_partners_cached_deal_page_shows_the_removal(world, client_for):
    """The job writes many partners' deals in one statement: its audit call names every one
    of them (prm.audit.log.audit(partners=...)), so no partner's cached deal page keeps the contact."""
    (lost_a, *_rest) = _stale_set(world.partner_a)
    (lost_b, *_rest) = _stale_set(world.partner_b)
    pages = [
        (client_for(world.member_a), reverse("incentives:deal_detail", args=[lost_a.pk]), lost_a),
        (client_for(world.admin_b), reverse("incentives:deal_detail", args=[lost_b.pk]), lost_b),
    ]
    for client, url, deal in pages:
        assert deal.contact_name in client.get(url).content.decode()  # now cached
    services.deals_contacts_anonymise_stale()
    for client, url, deal in pages:
        page = client.get(url).content.decode()
        assert deal.contact_name not in page and "個人情報の保存期間の経過" in page
