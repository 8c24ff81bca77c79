"""The partner lifecycle: onboarding -> active -> suspended -> active; -> offboarded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from partners import services
from partners.models import Invitation, Membership, Partner
from partners.services import RecruitmentError
from partners.signals import partner_activated, partner_offboarded, partner_suspended
from prm.models import AuditEvent
from tests.partners.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding_partner(world):
    Partner.objects.filter(pk=world.partner_a.pk).update(status=Partner.Status.ONBOARDING)
    world.partner_a.refresh_from_db()
    return world.partner_a


@pytest.fixture
def received():
    """Receivers connected for the test: what each lifecycle signal was sent with."""
    calls = []

    def receiver(sender, signal, **kwargs):
        calls.append((signal, kwargs["partner"].pk, kwargs["actor"]))

    for signal in (partner_activated, partner_suspended, partner_offboarded):
        signal.connect(receiver, sender=Partner, weak=False)
    yield calls
    for signal in (partner_activated, partner_suspended, partner_offboarded):
        signal.disconnect(receiver, sender=Partner)


def test_activation_is_audited_mailed_and_signalled_after_commit(
    world, onboarding_partner, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_activate(partner=onboarding_partner, actor=world.manager_a)
        assert received == []  # nothing is told before the commit
    onboarding_partner.refresh_from_db()
    assert onboarding_partner.status == Partner.Status.ACTIVE and onboarding_partner.status_changed_at
    assert received == [(partner_activated, onboarding_partner.pk, world.manager_a)]
    event = AuditEvent.objects.get(action="partner.activated")
    assert event.actor == world.manager_a and event.data["from_status"] == "onboarding"
    assert sorted(m.to[0] for m in mail.outbox) == ["admin-a@example.test", "member-a@example.test"]


def test_only_an_onboarding_partner_can_be_activated(world):
    with pytest.raises(RecruitmentError):
        services.partner_activate(partner=world.partner_a, actor=world.manager_a)  # already active


def test_completing_the_plan_activates_the_partner(
    world, onboarding_partner, django_capture_on_commit_callbacks
):
    from onboarding import services as onboarding
    from tests.onboarding.factories import PlanFactory, TaskFactory

    plan = PlanFactory(partner=onboarding_partner)
    first, last = TaskFactory(plan=plan), TaskFactory(plan=plan)
    onboarding.task_sign_off(task=first, actor=world.manager_a)
    assert Partner.objects.get(pk=onboarding_partner.pk).status == Partner.Status.ONBOARDING
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.task_sign_off(task=last, actor=world.manager_a)
    partner = Partner.objects.get(pk=onboarding_partner.pk)
    assert partner.status == Partner.Status.ACTIVE and partner.stage == "selling"
    assert AuditEvent.objects.filter(action="partner.activated", actor=world.manager_a).exists()
    assert any(onboarding_partner.name in m.subject for m in mail.outbox)


def test_suspended_members_see_the_suspended_page_and_data_is_kept(world, client_for):
    services.partner_suspend(partner=world.partner_a, actor=world.manager_a, reason="Unpaid invoice")
    client = client_for(world.member_a)
    for url in ("/", "/deals/", "/profile/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert 'data-testid="partner-suspended"' in response.getvalue().decode()
    assert Membership.objects.filter(partner=world.partner_a, is_active=True).count() == 2
    services.partner_reactivate(partner=world.partner_a, actor=world.manager_a)
    assert client.get("/").status_code == 200
    assert Partner.objects.get(pk=world.partner_a.pk).status == Partner.Status.ACTIVE


def test_offboarding_ends_access_and_releases_protection(
    world, client_for, django_capture_on_commit_callbacks
):
    from incentives.models import Deal
    from tests.incentives.factories import DealFactory

    deal = DealFactory(
        partner=world.partner_a,
        status=Deal.Status.APPROVED,
        protected_until=timezone.localdate() + timedelta(days=30),
    )
    invitation = InvitationFactory(partner=world.partner_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_offboard(partner=world.partner_a, actor=world.manager_a, reason="Contract ended")
    partner = Partner.objects.get(pk=world.partner_a.pk)
    assert partner.status == Partner.Status.OFFBOARDED and partner.status_reason == "Contract ended"
    assert not Membership.objects.filter(partner=partner, is_active=True).exists()
    assert Membership.objects.filter(partner=partner).count() == 2  # kept for reporting
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    deal.refresh_from_db()
    assert deal.status == Deal.Status.EXPIRED and deal.protected_until < timezone.localdate()
    assert AuditEvent.objects.filter(action="deal.protection_released").exists()
    assert client_for(world.member_a).get("/deals/").status_code == 404
    with pytest.raises(RecruitmentError):
        services.partner_reactivate(partner=partner, actor=world.manager_a)


def test_admin_actions_run_the_services(world, client_for):
    client = client_for(world.superuser)
    for action, status in (("suspend", "suspended"), ("reactivate", "active"), ("offboard", "offboarded")):
        client.post("/admin/partners/partner/", {"action": action, "_selected_action": [world.partner_a.pk]})
        assert Partner.objects.get(pk=world.partner_a.pk).status == status
    assert AuditEvent.objects.filter(action="partner.suspended", actor=world.superuser).exists()


def test_the_first_won_deal_moves_the_stage_to_servicing(world):
    from incentives import services as incentives
    from incentives.models import Deal
    from tests.incentives.factories import DealFactory

    assert world.partner_b.stage == "selling"
    deal = DealFactory(
        partner=world.partner_b,
        status=Deal.Status.APPROVED,
        protected_until=timezone.localdate() + timedelta(days=30),
    )
    incentives.deal_close(deal=deal, user=world.admin_b, won=True)
    partner = Partner.objects.with_stage().get(pk=world.partner_b.pk)
    assert partner.stage == partner.stage_code == "servicing"


def test_offboarding_cancels_the_plan_and_suspension_stops_reminders(
    world, onboarding_partner, django_capture_on_commit_callbacks
):
    from onboarding.models import OnboardingPlan
    from onboarding.queries import reminder_candidates
    from tests.onboarding.factories import PlanFactory, TaskFactory

    plan = PlanFactory(partner=onboarding_partner, started_on=timezone.localdate() - timedelta(days=70))
    task = TaskFactory(plan=plan, kind="profile", due_date=timezone.localdate() - timedelta(days=3))
    assert task.pk in reminder_candidates(timezone.localdate())["overdue"]
    services.partner_suspend(partner=onboarding_partner, actor=world.manager_a)
    found = reminder_candidates(timezone.localdate())
    assert task.pk not in found["overdue"] and plan.pk not in found["escalation"]
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_offboard(partner=onboarding_partner, actor=world.manager_a)
    assert OnboardingPlan.objects.get(pk=plan.pk).status == OnboardingPlan.Status.CANCELLED
