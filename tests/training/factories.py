from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import PartnerFactory, UserFactory
from training.models import (
    Certification,
    Choice,
    Course,
    Enrollment,
    ExerciseSubmission,
    Lesson,
    Question,
    UserCertification,
)


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


class UserCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserCertification

    certification = factory.SubFactory(CertificationFactory)
    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    issued_on = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=365))


def exercise_submission(world, *, text="My work", link="https://example.com/work"):
    """A waiting submission by partner A's member to a new exercise reviewed by A's manager."""
    lesson = LessonFactory(kind=Lesson.Kind.EXERCISE, rubric="Works", reviewer=world.manager_a)
    enrollment = Enrollment.objects.create(course=lesson.course, user=world.member_a, partner=world.partner_a)
    return ExerciseSubmission.objects.create(
        enrollment=enrollment,
        lesson=lesson,
        partner=world.partner_a,
        user=world.member_a,
        text=text,
        link=link,
        reviewer=world.manager_a,
    )
