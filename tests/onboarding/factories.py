from datetime import timedelta

import factory
from django.utils import timezone

from onboarding.models import (
    ChecklistTemplate,
    OnboardingPlan,
    OnboardingTask,
    Pillar,
    TaskKind,
    TemplateTask,
)
from tests.factories import PartnerFactory


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    partner_type = "sales"
    target_days = 60


class TemplateTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateTask

    template = factory.SubFactory(ChecklistTemplateFactory)
    position = factory.Sequence(lambda n: n)
    pillar = Pillar.GOALS
    title = factory.Sequence(lambda n: f"Task {n}")
    kind = TaskKind.SIGNOFF
    due_offset_days = 14


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnboardingPlan

    partner = factory.SubFactory(PartnerFactory)
    started_on = factory.LazyFunction(timezone.localdate)
    target_days = 60
    target_date = factory.LazyAttribute(lambda o: o.started_on + timedelta(days=o.target_days))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnboardingTask

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n)
    pillar = Pillar.GOALS
    title = factory.Sequence(lambda n: f"Plan task {n}")
    kind = TaskKind.SIGNOFF
    due_date = factory.LazyAttribute(lambda o: o.plan.started_on + timedelta(days=14))
