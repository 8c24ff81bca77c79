"""Issue 24: training's rows survive the move out of onboarding. Rows written with the models
as they were (onboarding's tables, onboarding's content types), then `migrate`: the same rows
are read through training's models, what pointed at them (an audit event, the M2Ms) still
does, and the partner's "onboarding completed" is backfilled from its first completed plan.
(The same was shown on a database seeded by main's code: see the lane's report.)"""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners.models import Partner
from prm.models import AuditEvent
from tests.factories import PartnerFactory, UserFactory
from training.models import Certification, Course, Enrollment, ExternalLMS, UserCertification

BEFORE = [
    ("onboarding", "0008_usercertification_updated_at"),
    ("partners", "0009_web_urls"),
    ("training", None),
]


def _old_rows(old, partner, idle, user):
    """What main's code had written: an external course with a lesson, an enrollment that
    finished it, a certificate, a completed plan (and an older one), an audit event."""
    get = lambda name: old.get_model("onboarding", name)  # noqa: E731
    lms = get("ExternalLMS").objects.create(name="Academy", slug="academy", serves_all_partners=True)
    course = get("Course").objects.create(
        title="Basics", slug="basics", external_lms=lms, external_id="B-1", is_published=True
    )
    lesson = get("Lesson").objects.create(course=course, title="One")
    enrollment = get("Enrollment").objects.create(course=course, user_id=user.pk, partner_id=partner.pk)
    enrollment.completed_lessons.add(lesson)
    cert = get("Certification").objects.create(name="Seller", name_ja="販売", slug="seller")
    cert.courses.add(course)
    award = get("UserCertification").objects.create(
        certification=cert, user_id=user.pk, partner_id=partner.pk, code="c0de", valid_until=date(2027, 1, 1)
    )
    Plan = get("OnboardingPlan")
    for started, completed in ((date(2026, 1, 5), date(2026, 2, 20)), (date(2026, 4, 1), date(2026, 5, 1))):
        Plan.objects.create(
            partner_id=partner.pk,
            status="completed",
            started_on=started,
            target_date=date(2026, 12, 31),
            completed_on=completed,
        )
    Plan.objects.create(partner_id=idle.pk, status="running", target_date=date(2026, 12, 31))
    ct = old.get_model("contenttypes", "ContentType").objects.get(app_label="onboarding", model="enrollment")
    event = AuditEvent.objects.create(
        action="training.enrolled", target_type_id=ct.pk, target_id=str(enrollment.pk)
    )
    return {
        "course": course.pk,
        "lesson": lesson.pk,
        "enrollment": enrollment.pk,
        "award": award.pk,
        "lms": lms.pk,
        "cert": cert.pk,
        "ct": ct.pk,
        "event": event.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_training_rows_survive_the_move_and_the_fact_is_backfilled():
    partner, idle, user = PartnerFactory(), PartnerFactory(), UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE[:2]).apps  # training did not exist
        ids = _old_rows(old, partner, idle, user)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        course = Course.objects.get(pk=ids["course"])
        assert (course.title, course.external_lms_id, course.external_id) == ("Basics", ids["lms"], "B-1")
        assert list(course.lessons.values_list("pk", flat=True)) == [ids["lesson"]]
        enrollment = Enrollment.objects.get(pk=ids["enrollment"])
        assert list(enrollment.completed_lessons.values_list("pk", flat=True)) == [ids["lesson"]]
        award = UserCertification.objects.get(pk=ids["award"])
        assert (award.code, award.certification.name_ja) == ("c0de", "販売")
        assert list(Certification.objects.get(pk=ids["cert"]).courses.values_list("pk", flat=True)) == [
            ids["course"]
        ]
        # The content type moved (same row): the audit event still points at the enrollment.
        ct = ContentType.objects.get_for_model(Enrollment)
        assert (ct.pk, ct.app_label) == (ids["ct"], "training")
        assert AuditEvent.objects.get(pk=ids["event"]).target_type_id == ct.pk
        assert not ContentType.objects.filter(app_label="onboarding", model="enrollment").exists()
        # New rows continue the old ids.
        assert ExternalLMS.objects.create(name="Next", slug="next").pk > ids["lms"]
        # The first completed plan's date; a partner without one has none.
        assert Partner.objects.get(pk=partner.pk).onboarding_completed_on == date(2026, 2, 20)
        assert Partner.objects.get(pk=idle.pk).onboarding_completed_on is None
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
