"""Training: courses with lessons and quizzes, certifications earned by people, and the
external LMSs that report course completions to a signed webhook.

The tables keep the names they had when these models were part of onboarding (`db_table`):
docs/deployment.md never renames a table in one release (the web nodes of the previous
release still read them during a rolling restart)."""

import secrets
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet
from prm.text.weburl import WebURLField, web_url_constraint
from training.video import embed_url


class ExternalLMS(models.Model):
    """A learning management system that reports course completions to a signed webhook.

    The shared secret is never stored: it is derived from `secret_salt` and the portal's
    SECRET_KEY (training.services.lms_secret_rotate), shown once to the superuser who
    makes it, and only its fingerprint is kept. The LMS certifies people of the partners it
    serves only (`partners`, or every partner with `serves_all_partners`).
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    secret_salt = models.CharField(max_length=64, blank=True, editable=False)
    secret_fingerprint = models.CharField(
        _("secret fingerprint"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("The first characters of the SHA-256 of the shared secret, to tell secrets apart."),
    )
    secret_rotated_at = models.DateTimeField(_("secret made"), null=True, blank=True, editable=False)
    serves_all_partners = models.BooleanField(
        _("serves every partner"),
        default=False,
        help_text=_("Otherwise only people of the partners chosen below are certified from this LMS."),
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="+",
        verbose_name=_("partners served"),
        db_table="onboarding_externallms_partners",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "onboarding_externallms"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["name"]
        verbose_name = _("external LMS")
        verbose_name_plural = _("external LMSs")

    def __str__(self):
        return self.name


class Course(models.Model):
    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.JA)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=30)
    is_published = models.BooleanField(pgettext_lazy("flag", "published"), default=False, db_index=True)
    external_lms = models.ForeignKey(
        ExternalLMS,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("external LMS"),
        help_text=_("Taken in an external LMS, which reports completion to the webhook."),
    )
    external_id = models.CharField(_("course id in the LMS"), max_length=120, blank=True)
    external_url = WebURLField(_("course URL in the LMS"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        db_table = "onboarding_course"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["position", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(external_lms__isnull=True) | ~Q(external_id=""),
                name="course_external_needs_id",
            ),
            models.UniqueConstraint(
                fields=["external_lms", "external_id"],
                condition=Q(external_lms__isnull=False),
                name="course_unique_external_id",
            ),
            web_url_constraint("external_url", name="course_external_url_web_url"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_external(self) -> bool:
        return self.external_lms_id is not None

    def clean(self):
        if self.external_lms_id and not self.external_id:
            raise ValidationError({"external_id": _("An external course needs its id in the LMS.")})


class Lesson(models.Model):
    """A page of a course: read (and marked done by the learner), or a hands-on exercise
    whose text is the instructions and which is done when its assigned reviewer passes a
    submission against the rubric."""

    class Kind(models.TextChoices):
        READING = "reading", pgettext_lazy("lesson kind", "Reading")
        EXERCISE = "exercise", _("Exercise")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.READING, db_default=Kind.READING
    )
    body = models.TextField(
        _("text (Markdown)"), blank=True, help_text=_("For an exercise: the instructions.")
    )
    video_url = WebURLField(
        _("video URL"), blank=True, help_text=_("YouTube or Vimeo; shown as an embedded player.")
    )
    rubric = models.TextField(
        _("rubric"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "For an exercise: one criterion per line. A submission passes when the reviewer "
            "finds every criterion met."
        ),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("reviewer"),
        help_text=_("For an exercise: the staff member who grades its submissions."),
    )

    class Meta:
        db_table = "onboarding_lesson"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["course", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [web_url_constraint("video_url", name="lesson_video_url_web_url")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.video_url and embed_url(self.video_url) is None:
            raise ValidationError({"video_url": _("Only YouTube and Vimeo videos can be embedded.")})
        if self.is_exercise:
            errors = {}
            if not self.criteria:
                errors["rubric"] = _("An exercise needs a rubric: at least one criterion.")
            if self.reviewer_id is None:
                errors["reviewer"] = _("An exercise needs a reviewer who grades its submissions.")
            if errors:
                raise ValidationError(errors)

    @property
    def is_exercise(self) -> bool:
        return self.kind == self.Kind.EXERCISE

    @property
    def criteria(self) -> list[str]:
        """The rubric's criteria, one per non-empty line."""
        return [line.strip() for line in self.rubric.splitlines() if line.strip()]


class Question(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(pgettext_lazy("quiz", "question"))

    class Meta:
        db_table = "onboarding_question"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["course", "position", "id"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self):
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=pgettext_lazy("quiz", "question"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        db_table = "onboarding_choice"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["question", "position", "id"]
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")

    def __str__(self):
        return self.text


class EnrollmentQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class Enrollment(models.Model):
    """One person taking one course (progress is per person)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("user")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("partner")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_lessons = models.ManyToManyField(
        Lesson,
        blank=True,
        related_name="+",
        verbose_name=_("completed lessons"),
        db_table="onboarding_enrollment_completed_lessons",
    )
    best_score = models.PositiveSmallIntegerField(_("best score (%)"), null=True, blank=True)
    passed_at = models.DateTimeField(_("passed"), null=True, blank=True, db_index=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        db_table = "onboarding_enrollment"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["-started_at"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="enrollment_unique_user")]

    def __str__(self):
        return f"{self.user} – {self.course}"


class QuizAttempt(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("enrollment")
    )
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("answers"), default=dict)
    created_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        db_table = "onboarding_quizattempt"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["-created_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self):
        return f"{self.enrollment} {self.score}%"


class Certification(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    courses = models.ManyToManyField(
        Course,
        related_name="certifications",
        verbose_name=_("required courses"),
        help_text=_("Awarded when a person has passed all of these courses."),
        db_table="onboarding_certification_courses",
    )

    class Meta:
        db_table = "onboarding_certification"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return self.name


def certificate_code() -> str:
    return secrets.token_urlsafe(18)


class UserCertificationQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def valid_on(self, day: date):
        return self.filter(revoked=False, issued_on__lte=day, valid_until__gte=day)


class UserCertification(models.Model):
    """A certification earned by one person; renewal issues a new row."""

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="awards", verbose_name=_("certification")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("partner"),
    )
    code = models.CharField(_("verification code"), max_length=40, unique=True, default=certificate_code)
    issued_on = models.DateField(_("issued"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), db_index=True)
    revoked = models.BooleanField(pgettext_lazy("flag", "revoked"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the API's updated_since

    objects = UserCertificationQuerySet.as_manager()

    class Meta:
        db_table = "onboarding_usercertification"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["-issued_on", "-id"]
        verbose_name = _("earned certification")
        verbose_name_plural = _("earned certifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="cert_valid_range"
            ),
            models.UniqueConstraint(
                fields=["certification", "user", "issued_on"], name="cert_unique_per_day"
            ),
        ]
        indexes = [models.Index(fields=["partner", "valid_until"], name="usercert_partner_valid_until")]

    def __str__(self):
        return f"{self.certification} – {self.user}"

    def is_valid_on(self, day: date) -> bool:
        return not self.revoked and self.issued_on <= day <= self.valid_until

    @property
    def is_valid(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class LmsEvent(models.Model):
    """A webhook event received from an LMS; the unique event id makes redelivery a no-op."""

    lms = models.ForeignKey(
        ExternalLMS, on_delete=models.CASCADE, related_name="events", verbose_name=_("LMS")
    )
    event_id = models.CharField(_("event id"), max_length=120)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    payload = models.JSONField(_("payload"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)

    class Meta:
        db_table = "onboarding_lmsevent"  # the table it had in onboarding (docs/deployment.md)
        ordering = ["-received_at"]
        verbose_name = _("LMS event")
        verbose_name_plural = _("LMS events")
        constraints = [models.UniqueConstraint(fields=["lms", "event_id"], name="lmsevent_unique_event")]

    def __str__(self):
        return f"{self.lms} {self.event_id}"


class ExerciseSubmissionQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class ExerciseSubmission(models.Model):
    """One attempt at an exercise lesson by one person: text, a link and files, graded by the
    lesson's reviewer against its rubric. A returned attempt stays as it was (with the
    feedback); the learner submits a new one. At most one attempt waits for review and one
    passes, per person and exercise (database constraints)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        PASSED = "passed", pgettext_lazy("exercise", "Passed")
        RETURNED = "returned", _("Returned with feedback")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("enrollment")
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("exercise")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("learner")
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    text = models.TextField(_("answer"), blank=True)
    link = WebURLField(_("link"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    feedback = models.TextField(_("feedback"), blank=True)
    rubric_results = models.JSONField(_("rubric results"), default=list, blank=True)

    objects = ExerciseSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("exercise submission")
        verbose_name_plural = _("exercise submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"],
                condition=Q(status="submitted"),
                name="exercise_one_waiting_submission",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "lesson"],
                condition=Q(status="passed"),
                name="exercise_one_passed_submission",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "lesson", "attempt"], name="exercise_attempt_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False),
                name="exercise_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(feedback=""),
                name="exercise_returned_has_feedback",
            ),
            web_url_constraint("link", name="exercisesubmission_link_web_url"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="exercise_status_submitted")]

    def __str__(self):
        return f"{self.lesson} – {self.user} #{self.attempt}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.SUBMITTED


def submission_file_path(instance, filename):
    return f"training/exercises/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class SubmissionFile(models.Model):
    """A file of an exercise submission, in private storage (served after a permission check)."""

    submission = models.ForeignKey(
        ExerciseSubmission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    file = models.FileField(
        _("file"), upload_to=submission_file_path, storage=private_storage, max_length=200
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")

    def __str__(self):
        return self.name
