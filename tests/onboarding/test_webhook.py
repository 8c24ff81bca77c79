"""The external LMS webhook: HMAC signature, replay window, duplicate events, idempotency."""

import json
import time

import pytest
import time_machine
from django.urls import reverse

from onboarding.models import Enrollment, ExternalLMS, LmsEvent, TaskKind, UserCertification
from onboarding.services import lms_signature
from tests.onboarding.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lms(db):
    return ExternalLMS.objects.create(name="Academy", slug="academy", secret="s3cret-shared")


@pytest.fixture
def external_course(lms, certification):
    course = CourseFactory(title="Advanced delivery", external_lms=lms, external_id="ADV-101")
    certification.courses.set([course])
    return course


def post(client, lms, payload, *, secret=None, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = signature or lms_signature(secret or lms.secret, ts, body)
    return client.post(
        reverse("onboarding:lms_webhook", args=[lms.slug]),
        data=body,
        content_type="application/json",
        headers={"X-PRM-Timestamp": ts, "X-PRM-Signature": sig},
    )


def completion(world, course, event_id="evt-1", score=92):
    return {
        "event_id": event_id,
        "type": "course.completed",
        "email": world.member_a.email,
        "course_id": course.external_id,
        "score": score,
    }


def test_signed_completion_passes_course_and_awards_certification(client, world, lms, external_course):
    response = post(client, lms, completion(world, external_course))
    assert response.status_code == 200
    assert response.json() == {"status": "passed"}
    enrollment = Enrollment.objects.get(user=world.member_a, course=external_course)
    assert enrollment.passed_at is not None and enrollment.best_score == 92
    assert UserCertification.objects.filter(user=world.member_a).count() == 1


def test_completion_completes_the_onboarding_task(client, world, lms, external_course, manager, template):
    from onboarding.services import plan_start

    template.tasks.filter(kind=TaskKind.COURSE).update(course=external_course)
    plan = plan_start(partner=world.partner_a, owner=manager)
    post(client, lms, completion(world, external_course))
    assert plan.tasks.get(kind=TaskKind.COURSE).status == "done"


def test_bad_signature_is_rejected(client, world, lms, external_course):
    response = post(client, lms, completion(world, external_course), secret="wrong-secret")
    assert response.status_code == 403
    assert not LmsEvent.objects.exists() and not Enrollment.objects.exists()


def test_missing_signature_is_rejected(client, world, lms, external_course):
    response = client.post(
        reverse("onboarding:lms_webhook", args=[lms.slug]),
        data=json.dumps(completion(world, external_course)),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_tampered_body_is_rejected(client, world, lms, external_course):
    ts = str(int(time.time()))
    good = json.dumps(completion(world, external_course, score=10)).encode()
    sig = lms_signature(lms.secret, ts, good)
    response = post(client, lms, completion(world, external_course, score=99), timestamp=ts, signature=sig)
    assert response.status_code == 403


def test_old_timestamp_is_rejected_as_replay(client, world, lms, external_course):
    with time_machine.travel("2026-05-01 12:00:00+00:00", tick=False):
        old = int(time.time()) - 301
        response = post(client, lms, completion(world, external_course), timestamp=old)
        assert response.status_code == 403
        assert response.json() == {"error": "stale timestamp"}
        assert post(client, lms, completion(world, external_course), timestamp=old + 2).status_code == 200


def test_same_event_twice_is_a_no_op(client, world, lms, external_course):
    first = post(client, lms, completion(world, external_course))
    second = post(client, lms, completion(world, external_course))
    assert first.json() == {"status": "passed"}
    assert second.status_code == 200 and second.json() == {"status": "duplicate"}
    assert LmsEvent.objects.count() == 1
    assert UserCertification.objects.count() == 1


def test_new_event_for_passed_course_is_idempotent(client, world, lms, external_course):
    post(client, lms, completion(world, external_course, event_id="a"))
    response = post(client, lms, completion(world, external_course, event_id="b"))
    assert response.json() == {"status": "already passed"}
    assert UserCertification.objects.count() == 1


def test_score_below_pass_mark_does_not_pass(client, world, lms, external_course):
    response = post(client, lms, completion(world, external_course, score=40))
    assert response.json() == {"status": "not passed"}
    assert Enrollment.objects.get().passed_at is None


def test_unknown_user_is_recorded_and_ignored(client, world, lms, external_course):
    payload = {**completion(world, external_course), "email": "nobody@example.test"}
    assert post(client, lms, payload).json() == {"status": "unknown user"}
    assert LmsEvent.objects.get().outcome == "unknown user"


def test_secret_of_another_lms_does_not_work(client, world, lms, external_course):
    other = ExternalLMS.objects.create(name="Other", slug="other", secret="other-secret")
    response = post(client, lms, completion(world, external_course), secret=other.secret)
    assert response.status_code == 403


def test_get_is_not_allowed(client, lms):
    assert client.get(reverse("onboarding:lms_webhook", args=[lms.slug])).status_code == 405
