"""What training holds about a partner, for the offboarding export (privacy.registry)."""

from django.contrib.postgres.aggregates import StringAgg
from django.utils.translation import gettext_lazy as _

from privacy import registry
from prm.exports.columns import Column
from prm.exports.streaming import stream_rows
from training.models import ExerciseSubmission, UserCertification

CERTIFICATION_COLUMNS = [
    Column(_("Certification"), lambda c: c.certification.name),
    Column(_("E-mail address"), lambda c: c.user.email if c.user else ""),
    Column(_("Issued"), lambda c: c.issued_on),
    Column(_("Valid until"), lambda c: c.valid_until),
    Column(_("Verification code"), lambda c: c.code),
    Column(_("Revoked"), lambda c: _("Yes") if c.revoked else _("No")),
]


def _certifications(partner):
    return stream_rows(
        UserCertification.objects.for_partner(partner)
        .select_related("certification", "user")
        .order_by("issued_on", "pk"),
        chunk_size=2000,
    )


EXERCISE_COLUMNS = [
    Column(_("Course"), lambda s: s.lesson.course.title),
    Column(_("Exercise"), lambda s: s.lesson.title),
    Column(_("E-mail address"), lambda s: s.user.email),
    Column(_("Attempt"), lambda s: s.attempt),
    Column(_("submitted"), lambda s: s.submitted_at),
    Column(_("status"), lambda s: s.get_status_display()),
    Column(_("Your answer"), lambda s: s.text),
    Column(_("link"), lambda s: s.link),
    Column(_("Files"), lambda s: s.file_names or ""),
    Column(_("feedback"), lambda s: s.feedback),
]


def _exercises(partner):
    return stream_rows(
        ExerciseSubmission.objects.for_partner(partner)
        .select_related("lesson__course", "user")
        .annotate(file_names=StringAgg("files__name", delimiter=" "))
        .order_by("submitted_at", "pk"),
        chunk_size=2000,
    )


def register() -> None:
    registry.register_partner_export(
        "certifications",
        label=_("Certifications"),
        columns=CERTIFICATION_COLUMNS,
        rows=_certifications,
        count=lambda p: UserCertification.objects.for_partner(p).count(),
        order=70,
    )
    registry.register_partner_export(
        "exercise-submissions",
        label=_("Exercise submissions"),
        columns=EXERCISE_COLUMNS,
        rows=_exercises,
        count=lambda p: ExerciseSubmission.objects.for_partner(p).count(),
        order=71,
    )
