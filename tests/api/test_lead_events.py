"""Leads in webhook payloads: the partner holding a lead reads it as on its page (no contact
before it accepts), another partner reads nothing, a channel manager reads it whole within
their scope."""

import pytest

from api.representations import partner_lead, vendor_lead
from leads import services
from prm.webhooks import registry
from tests.leads.helpers import new_lead

pytestmark = pytest.mark.django_db

CONTACT = ("contact_name", "contact_email", "contact_phone")


def test_the_contact_comes_once_the_partner_accepts(world):
    lead = new_lead(world.superuser)
    services.lead_offer(lead=lead, partner=world.partner_a, actor=world.superuser)
    lead.refresh_from_db()
    offered = partner_lead(lead, world.admin_a)
    assert offered["status"] == "offered" and offered["company"] == lead.company
    assert all(offered[field] == "" for field in CONTACT)
    assert vendor_lead(lead, world.superuser)["contact_email"] == "yamada@test-shoji.example.jp"
    assert partner_lead(lead, world.admin_b) is None  # another partner's endpoint

    services.lead_accept(lead=lead, user=world.admin_a)
    lead.refresh_from_db()
    assert partner_lead(lead, world.admin_a)["contact_email"] == "yamada@test-shoji.example.jp"


def test_a_manager_outside_the_partners_scope_reads_nothing(world):
    lead = new_lead(world.superuser)
    services.lead_offer(lead=lead, partner=world.partner_b, actor=world.superuser)
    lead.refresh_from_db()
    assert vendor_lead(lead, world.manager_a) is None  # manager_a sees partner A only
    assert vendor_lead(lead, world.superuser)["partner"]["id"] == world.partner_b.pk


def test_what_happens_between_the_vendor_and_the_partners_is_for_the_vendor():
    partner_codes = {t.code for t in registry.types_for(registry.PARTNER)}
    assert {"lead.offered", "lead.accepted", "lead.status_changed", "lead.converted"} <= partner_codes
    assert not {"lead.declined", "lead.offer_expired", "lead.unrouted"} & partner_codes
