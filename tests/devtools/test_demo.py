from io import StringIO

import pytest
from django.core.management import call_command

from partners.models import Membership, Partner
from prm.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_has_the_fixed_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Partner.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=out)
    assert "partner@example.com" in out.getvalue()
    assert (User.objects.count(), Partner.objects.count(), Membership.objects.count()) == counts

    assert Partner.objects.count() >= 12
    assert set(Partner.objects.values_list("partner_type", flat=True)) == {"sales", "delivery", "solution"}
    assert {"onboarding", "active", "suspended", "inactive"} <= set(
        Partner.objects.values_list("status", flat=True)
    )
    partner = User.objects.get(email="partner@example.com")
    member = User.objects.get(email="member@example.com")
    other = User.objects.get(email="other@example.com")
    assert partner.membership.is_admin and partner.membership.partner.status == "active"
    assert member.membership.partner == partner.membership.partner and not member.membership.is_admin
    assert other.membership.partner != partner.membership.partner
    assert User.objects.get(email="admin@example.com").is_superuser
    assert User.objects.get(email="manager@example.com").is_channel_manager
    assert User.objects.get(email="support@example.com").is_support
    assert partner.check_password("demo12345")
    # Issue 30, part 6: an exercise in a demo course, one submission waiting, one passed.
    from training.models import ExerciseSubmission

    exercise = ExerciseSubmission.objects.values_list("lesson__course__slug", "status", "reviewer__email")
    assert sorted(exercise) == [
        ("sales-playbook-ja", "passed", "manager@example.com"),
        ("sales-playbook-ja", "submitted", "manager@example.com"),
    ]


def test_the_demo_shows_deal_flow():
    """Issue 28: an extension request waiting for a decision, a deal with an influenced
    partner, and activation cohorts older than 60 days on the dashboard."""
    from datetime import timedelta

    from django.utils import timezone

    from incentives import queries
    from incentives.models import DealCredit, PartnerActivation, ProtectionExtension

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent: still one of each
    assert ProtectionExtension.objects.open().count() == 1
    assert DealCredit.objects.filter(role=DealCredit.Role.INFLUENCED).count() == 1
    old = timezone.localdate() - timedelta(days=60)
    assert PartnerActivation.objects.filter(approved_on__lte=old).exists()
    assert PartnerActivation.objects.filter(first_registered_on__isnull=False).exists()
    assert queries.activation_refreshed_at() is not None
    # Issue 28, part 1: a lead waiting for Sakura's answer, one it works, one Fuji declined
    # that the routing rules offered to the next partner.
    from leads.models import Lead, LeadOffer, RoutingRule

    sakura = Lead.objects.filter(partner__slug="sakura-systems")
    assert sakura.filter(status=Lead.Status.OFFERED).count() == 1
    assert sakura.filter(status=Lead.Status.CONTACTED).count() == 1
    declined = LeadOffer.objects.get(status=LeadOffer.Status.DECLINED, partner__slug="fuji-integration")
    assert declined.lead.offers.filter(status=LeadOffer.Status.OPEN, via=LeadOffer.Via.RULES).exists()
    assert RoutingRule.objects.count() == 2
    # Issue 30, part 5: a contribution waiting for review, one approved and credited.
    from content.models import Contribution

    assert Contribution.objects.filter(status=Contribution.Status.SUBMITTED).count() == 1
    approved = Contribution.objects.get(status=Contribution.Status.APPROVED)
    assert approved.asset.status == "published" and approved.contributor.email == "partner@example.com"
