"""The external LMS webhook: HMAC signature, replay window, duplicate events, idempotency."""

import json
import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.training.factories import CourseFactory
from training.models import Enrollment, ExternalLMS, LmsEvent, UserCertification
from training.services import lms_secret_rotate, lms_signature

pytestmark = pytest.mark.django_db


def make_lms(slug, *, partners=(), serves_all=False):
    """An LMS and its secret (returned once by the service; the test keeps it on the object)."""
    lms = ExternalLMS.objects.create(name=slug.title(), slug=slug, serves_all_partners=serves_all)
    lms.partners.set(partners)
    lms.secret = lms_secret_rotate(lms=lms, actor=None)
    return lms


@pytest.fixture
def lms(world):
    return make_lms("academy", partners=[world.partner_a])


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
        reverse("training:lms_webhook", args=[lms.slug]),
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


def test_bad_signature_is_rejected(client, world, lms, external_course):
    response = post(client, lms, completion(world, external_course), secret="wrong-secret")
    assert response.status_code == 403
    assert not LmsEvent.objects.exists() and not Enrollment.objects.exists()


def test_missing_signature_is_rejected(client, world, lms, external_course):
    response = client.post(
        reverse("training:lms_webhook", args=[lms.slug]),
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
    other = make_lms("other", serves_all=True)
    response = post(client, lms, completion(world, external_course), secret=other.secret)
    assert response.status_code == 403


def test_get_is_not_allowed(client, lms):
    assert client.get(reverse("training:lms_webhook", args=[lms.slug])).status_code == 405


# --- Issue 21, finding 7a: the secret, the admin and the partners an LMS serves -----------


def test_the_secret_is_not_stored(lms):
    row = ExternalLMS.objects.filter(pk=lms.pk).values().get()
    assert lms.secret not in str(row)
    assert row["secret_fingerprint"] and re.fullmatch(r"[0-9a-f]{64}", lms.secret)
    from prm.models import AuditEvent

    event = AuditEvent.objects.get(action="lms.secret_rotated")
    assert lms.secret not in str(event.data)


def test_an_lms_without_a_new_secret_refuses_everything(client, world, external_course):
    """LMSs from before this change: their secret was readable by every manager and is gone."""
    old = ExternalLMS.objects.create(name="Old", slug="old", serves_all_partners=True)
    external_course.external_lms = old
    external_course.save()
    for guess in ("", "s3cret-shared", old.secret_fingerprint):
        old.secret = guess or "x"
        assert post(client, old, completion(world, external_course)).status_code == 403
    assert not Enrollment.objects.exists()


def test_rotating_the_secret_ends_the_old_one(client, world, lms, external_course):
    old = lms.secret
    lms.secret = lms_secret_rotate(lms=lms, actor=None)
    assert lms.secret != old
    assert post(client, lms, completion(world, external_course), secret=old).status_code == 403
    assert post(client, lms, completion(world, external_course)).json() == {"status": "passed"}


def test_secrets_survive_a_secret_key_rotation_through_the_fallbacks(
    client, world, lms, external_course, settings
):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert post(client, lms, completion(world, external_course)).json() == {"status": "passed"}


def test_an_lms_certifies_only_people_of_the_partners_it_serves(client, world, lms, external_course):
    payload = {**completion(world, external_course), "email": world.admin_b.email}
    response = post(client, lms, payload)
    assert response.status_code == 200 and response.json() == {"status": "partner not served"}
    assert not Enrollment.objects.filter(user=world.admin_b).exists()
    assert not UserCertification.objects.filter(user=world.admin_b).exists()
    lms.serves_all_partners = True
    lms.save(update_fields=["serves_all_partners"])
    payload["event_id"] = "evt-2"
    assert post(client, lms, payload).json() == {"status": "passed"}


@pytest.mark.parametrize("role", ["manager_a", "manager_other", "support"])
def test_managers_cannot_read_or_change_an_lms(role, world, lms, client_for):
    client = client_for(world.user(role))
    for url in (
        reverse("admin:training_externallms_changelist"),
        reverse("admin:training_externallms_change", args=[lms.pk]),
        reverse("admin:training_externallms_add"),
        reverse("admin:training_lmsevent_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
    response = client.post(
        reverse("admin:training_externallms_changelist"),
        {"action": "rotate_secret", "_selected_action": [lms.pk], "apply": "1"},
    )
    assert response.status_code == 403
    assert (
        post(Client(), lms, completion(world, CourseFactory(external_lms=lms, external_id="X"))).status_code
        == 200
    )


def test_superuser_sees_the_secret_once(world, client_for):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    client = client_for(world.superuser)
    response = client.post(
        reverse("admin:training_externallms_add"),
        {"name": "Academy", "slug": "academy", "is_active": "on", "partners": [world.partner_a.pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'data-testid="lms-secret">([0-9a-f]{64})<', response.content.decode()).group(1)
    lms = ExternalLMS.objects.get(slug="academy")
    assert list(lms.partners.all()) == [world.partner_a]
    change = client.get(reverse("admin:training_externallms_change", args=[lms.pk])).content.decode()
    assert secret not in change and lms.secret_fingerprint in change
    # A new one, after a confirmation.
    confirm = client.post(
        reverse("admin:training_externallms_changelist"),
        {"action": "rotate_secret", ACTION_CHECKBOX_NAME: [lms.pk]},
    )
    assert b'name="apply"' in confirm.content
    rotated = client.post(
        reverse("admin:training_externallms_changelist"),
        {"action": "rotate_secret", ACTION_CHECKBOX_NAME: [lms.pk], "apply": "1"},
    )
    new = re.search(r'data-testid="lms-secret">([0-9a-f]{64})<', rotated.content.decode()).group(1)
    assert new != secret
