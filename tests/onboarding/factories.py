from datetime import timedelta

import factory
from django.utils import timezone

from onboarding.models import (
    Certification,
    ChecklistTemplate,
    Choice,
    Course,
    Lesson,
    OnboardingPlan,
    OnboardingTask,
    Pillar,
    Question,
    TaskKind,
    TemplateTask,
    UserCertification,
)
from tests.factories import PartnerFactory, UserFactory


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


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    is_published = True
    pass_mark = 70


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Some **text**."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    course = factory.SubFactory(CourseFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    is_correct = False


def quiz(course, n=2):
    """n questions, each with one right (first) and one wrong answer; returns [(right, wrong)]."""
    pairs = []
    for i in range(n):
        q = QuestionFactory(course=course, position=i)
        pairs.append((ChoiceFactory(question=q, is_correct=True), ChoiceFactory(question=q)))
    return pairs


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certified Thing {n}")
    slug = factory.Sequence(lambda n: f"cert-{n}")
    validity_months = 12


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


class UserCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserCertification

    certification = factory.SubFactory(CertificationFactory)
    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    issued_on = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=365))
