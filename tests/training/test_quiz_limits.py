"""Finding 7b (issue 21): the certification quiz cannot be brute-forced. Attempts are limited
per day, a failed attempt starts a cool-down, and a failed attempt says only "not passed"
(no score, no per-question marks), so its answers cannot be found by changing one at a time.

Decision: the score is shown for a passed attempt (recognition, and it tells nothing about
which answers were wrong) and never for a failed one, on the quiz page, in the attempt list
and in messages. Staff still see every score in the admin."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from training import services
from training.models import Enrollment, QuizAttempt

pytestmark = pytest.mark.django_db

START = "2026-03-02 09:00+09:00"


def _answers(course, right: int):
    """Form data with the first `right` questions answered correctly."""
    data = {}
    for i, (good, bad) in enumerate(course.answers):
        choice = good if i < right else bad
        data[f"q{choice.question_id}"] = choice.pk
    return data


def test_a_failed_attempt_shows_no_score_and_no_marks(world, course, client_for):
    client = client_for(world.member_a)
    url = reverse("training:quiz", args=[course.slug])
    with time_machine.travel(START, tick=False):
        response = client.post(url, _answers(course, right=1), follow=True)  # 50%, pass mark 80
        html = response.content.decode()
        assert "50%" not in html and "50 %" not in html
        assert "is-invalid" not in html and "invalid-feedback" not in html  # no per-question marks
        assert 'data-testid="quiz-wait"' in html
        page = client.get(reverse("training:course", args=[course.slug])).content.decode()
        assert "50%" not in page
    assert QuizAttempt.objects.get().score == 50  # kept for staff


def test_a_failed_attempt_starts_a_cool_down(world, course, client_for, settings):
    settings.TRAINING_QUIZ_COOLDOWN_MINUTES = 30
    client = client_for(world.member_a)
    url = reverse("training:quiz", args=[course.slug])
    with time_machine.travel(START, tick=False):
        client.post(url, _answers(course, right=0))
        response = client.post(url, _answers(course, right=2))
        assert response.status_code == 429
        assert QuizAttempt.objects.count() == 1
        assert Enrollment.objects.get().passed_at is None
    with time_machine.travel("2026-03-02 09:31+09:00", tick=False):
        assert client.post(url, _answers(course, right=2)).status_code == 302
        assert Enrollment.objects.get().passed_at is not None


def test_attempts_are_limited_per_day(world, course, settings):
    settings.TRAINING_QUIZ_ATTEMPTS_PER_DAY = 3
    settings.TRAINING_QUIZ_COOLDOWN_MINUTES = 1
    enrollment = services.enrollment_get_or_create(
        course=course, user=world.member_a, partner=world.partner_a
    )
    wrong = {bad.question_id: bad.pk for _good, bad in course.answers}
    right = {good.question_id: good.pk for good, _bad in course.answers}
    now = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))
    for i in range(3):
        services.quiz_submit(enrollment=enrollment, answers=wrong, now=now + timedelta(minutes=5 * i))
    with pytest.raises(services.QuizLocked) as locked:
        services.quiz_submit(enrollment=enrollment, answers=right, now=now + timedelta(hours=5))
    assert timezone.localtime(locked.value.until).date() == timezone.localdate(now) + timedelta(days=1)
    assert timezone.localtime(locked.value.until).hour == 0
    # Restarting the course does not reset the count.
    services.course_retake(enrollment=enrollment)
    with pytest.raises(services.QuizLocked):
        services.quiz_submit(enrollment=enrollment, answers=right, now=now + timedelta(hours=6))
    # The next day.
    attempt = services.quiz_submit(enrollment=enrollment, answers=right, now=now + timedelta(days=1))
    assert attempt.passed


def test_guessing_every_combination_takes_days(world, client_for, settings):
    """Five questions of two choices: 32 combinations, 11 days at three attempts a day (a real
    quiz of ten questions with four choices each: about a thousand years)."""
    from tests.training.factories import CourseFactory, quiz

    settings.TRAINING_QUIZ_ATTEMPTS_PER_DAY = 3
    course = CourseFactory(slug="hard")
    course.answers = quiz(course, n=5)
    client = client_for(world.member_a)
    url = reverse("training:quiz", args=[course.slug])
    tries = 0
    with time_machine.travel(START) as clock:
        for _ in range(10):
            if client.post(url, _answers(course, right=0)).status_code == 302:
                tries += 1
            clock.shift(timedelta(minutes=31))
    assert tries == 3
