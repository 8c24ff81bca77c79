from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from onboarding import services
from onboarding.models import OnboardingPlan, OnboardingTask, TaskKind
from prm.models import AuditEvent
from tests.onboarding.factories import ChecklistTemplateFactory, PlanFactory, TemplateTaskFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_plan_start_copies_template_with_due_dates(world, template, manager):
    plan = services.plan_start(partner=world.partner_a, actor=manager, owner=manager)

    assert plan.status == OnboardingPlan.Status.RUNNING
    assert plan.started_on == date(2026, 4, 1)
    assert plan.target_date == date(2026, 5, 31)  # start + 60 days
    assert plan.owner == manager
    tasks = list(plan.tasks.order_by("position"))
    assert [t.title for t in tasks] == [t.title for t in template.tasks.order_by("position")]
    assert [t.due_date for t in tasks] == [
        date(2026, 4, 8),
        date(2026, 4, 11),
        date(2026, 4, 15),
        date(2026, 5, 1),
        date(2026, 5, 16),
        date(2026, 5, 31),
    ]
    assert all(t.status == OnboardingTask.Status.OPEN for t in tasks)
    assert AuditEvent.objects.filter(action="onboarding.plan_started", partner_id=world.partner_a.pk).exists()


def test_plan_start_is_idempotent(plan, world):
    again = services.plan_start(partner=world.partner_a)
    assert again.pk == plan.pk
    assert OnboardingPlan.objects.filter(partner=world.partner_a).count() == 1


def test_template_changes_do_not_touch_running_plans(plan, template):
    first = template.tasks.order_by("position").first()
    first.title = "Renamed"
    first.due_offset_days = 1
    first.save()
    TemplateTaskFactory(template=template, title="Brand new", due_offset_days=5)

    titles = list(plan.tasks.values_list("title", flat=True))
    assert "Renamed" not in titles and "Brand new" not in titles
    assert plan.tasks.count() == 6


def test_plan_start_without_template_creates_nothing(world):
    # The recruitment approval calls this: a missing template must not raise into it.
    assert services.plan_start(partner=world.partner_b) is None
    assert not OnboardingPlan.objects.exists()


def test_staff_start_explains_missing_template(world, client_for):
    response = client_for(world.superuser).post(
        reverse("onboarding:staff_start"), {"partner": world.partner_b.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["partner"]


def test_owner_is_round_robin_among_managers_with_fewest_open_plans(world, template):
    from tests.factories import PartnerFactory

    # manager_a already owns one running plan: the next partner goes to someone else.
    PlanFactory(owner=world.manager_a)
    owners = []
    for i in range(3):
        partner = PartnerFactory(partner_type="delivery", slug=f"rr-{i}")
        owners.append(services.plan_start(partner=partner).owner)
    # manager_other has none -> gets the first; then a tie broken by who was assigned longest ago.
    assert owners == [world.manager_other, world.manager_a, world.manager_other]


def test_plan_completes_when_last_task_is_done(world, manager):
    t = ChecklistTemplateFactory(partner_type="delivery")
    TemplateTaskFactory(template=t, kind=TaskKind.SIGNOFF)
    plan = services.plan_start(partner=world.partner_a, owner=manager)
    services.task_sign_off(task=plan.tasks.get(), actor=manager)
    plan.refresh_from_db()
    assert plan.status == OnboardingPlan.Status.COMPLETED
    assert plan.completed_on is not None
    # A fact of the partner from now on, set by the partners lifecycle service (tiers read it).
    world.partner_a.refresh_from_db()
    assert world.partner_a.onboarding_completed_on == plan.completed_on
    assert (
        AuditEvent.objects.filter(
            action="partner.onboarding_completed", partner_id=world.partner_a.pk
        ).count()
        == 1
    )


def test_a_later_plan_keeps_the_first_completion_date(world, manager):
    t = ChecklistTemplateFactory(partner_type="delivery")
    TemplateTaskFactory(template=t, kind=TaskKind.SIGNOFF)
    with time_machine.travel("2026-03-02 10:00+09:00", tick=False):
        first = services.plan_start(partner=world.partner_a, owner=manager)
        services.task_sign_off(task=first.tasks.get(), actor=manager)
    with time_machine.travel("2026-09-01 10:00+09:00", tick=False):
        second = services.plan_start(partner=world.partner_a, owner=manager)
        services.task_sign_off(task=second.tasks.get(), actor=manager)
    world.partner_a.refresh_from_db()
    assert world.partner_a.onboarding_completed_on == date(2026, 3, 2)


def test_manager_starts_plan_from_staff_page(world, template, client_for):
    client = client_for(world.manager_a)
    response = client.post(reverse("onboarding:staff_start"), {"partner": world.partner_a.pk})
    plan = OnboardingPlan.objects.get(partner=world.partner_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:staff_plan", args=[plan.pk])
    assert plan.tasks.count() == 6


def test_staff_start_offers_only_own_partners_without_plan(world, template, client_for):
    client = client_for(world.manager_other)
    response = client.post(reverse("onboarding:staff_start"), {"partner": world.partner_a.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["partner"]
    assert not OnboardingPlan.objects.exists()


def test_manager_starts_plan_from_admin(world, template, client_for):
    client = client_for(world.superuser)
    response = client.post(
        reverse("admin:onboarding_onboardingplan_add"),
        {"partner": world.partner_a.pk, "owner": world.manager_a.pk},
    )
    assert response.status_code == 302, response.getvalue().decode()[:2000]
    plan = OnboardingPlan.objects.get(partner=world.partner_a)
    assert plan.owner == world.manager_a
    assert plan.tasks.count() == 6


def test_admin_refuses_second_running_plan(plan, world, client_for):
    client = client_for(world.superuser)
    response = client.post(reverse("admin:onboarding_onboardingplan_add"), {"partner": world.partner_a.pk})
    assert response.status_code == 200
    assert OnboardingPlan.objects.filter(partner=world.partner_a).count() == 1


def test_template_task_due_offset_cannot_exceed_target(template):
    from django.core.exceptions import ValidationError

    task = template.tasks.first()
    task.due_offset_days = 61
    with pytest.raises(ValidationError) as exc:
        task.full_clean()
    assert "due_offset_days" in exc.value.message_dict


def test_template_task_kind_needs_its_link(template):
    from django.core.exceptions import ValidationError

    task = TemplateTaskFactory.build(template=template, kind=TaskKind.COURSE, due_offset_days=5)
    with pytest.raises(ValidationError) as exc:
        task.full_clean()
    assert "course" in exc.value.message_dict


def test_contract_queries(plan, world):
    from onboarding import queries

    assert list(queries.running_plan_partner_ids()) == [world.partner_a.pk]
    OnboardingPlan.objects.filter(pk=plan.pk).update(
        status="completed", completed_on=plan.started_on + timedelta(days=3)
    )
    assert list(queries.running_plan_partner_ids()) == []


def test_partner_approved_starts_the_plan_once(world, template):
    from partners.models import Partner
    from partners.signals import partner_approved

    partner_approved.send(sender=Partner, partner=world.partner_a, actor=None)
    partner_approved.send(sender=Partner, partner=world.partner_a, actor=None)
    plan = OnboardingPlan.objects.get(partner=world.partner_a)
    assert plan.status == OnboardingPlan.Status.RUNNING and plan.tasks.exists()
