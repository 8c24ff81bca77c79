"""Onboarding within 60 days: checklist templates, plans and their tasks (which link to
content assets and to training's courses and certifications), and reminders."""

import secrets
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import PartnerType
from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet
from training.models import Certification, Course, UserCertification


def default_target_days() -> int:
    return settings.PRM_ONBOARDING_TARGET_DAYS


class Pillar(models.TextChoices):
    """The four pillars of onboarding from the domain source."""

    GOALS = "goals", _("Goals and vision")
    TRAINING = "training", _("Hands-on training")
    SELF_SERVICE = "self_service", _("Self-service")
    CERTIFICATION = "certification", _("Certification")


PILLAR_ORDER = [p.value for p in Pillar]


class TaskKind(models.TextChoices):
    ASSET = "asset", _("Read a content asset")
    COURSE = "course", _("Finish a course")
    CERTIFICATION = "certification", _("Earn a certification")
    UPLOAD = "upload", _("Upload a document for review")
    PROFILE = "profile", _("Fill in the partner profile")
    SIGNOFF = "signoff", _("Sign-off by the onboarding owner")


# Which link field each kind needs (None: no link).
KIND_LINK = {
    TaskKind.ASSET: "asset",
    TaskKind.COURSE: "course",
    TaskKind.CERTIFICATION: "certification",
    TaskKind.UPLOAD: None,
    TaskKind.PROFILE: None,
    TaskKind.SIGNOFF: None,
}
LINK_FIELDS = ("asset", "course", "certification")


def validate_task_link(obj, *, target_days: int | None = None) -> None:
    errors = {}
    needed = KIND_LINK.get(obj.kind)
    for name in LINK_FIELDS:
        value = getattr(obj, f"{name}_id")
        if name == needed and value is None:
            errors[name] = _("This kind of task needs a %(field)s.") % {
                "field": obj._meta.get_field(name).verbose_name
            }
        elif name != needed and value is not None:
            errors[name] = _("Leave this empty for this kind of task.")
    if target_days is not None and obj.due_offset_days is not None and obj.due_offset_days > target_days:
        errors["due_offset_days"] = _("The due offset cannot be later than the target (%(days)s days).") % {
            "days": target_days
        }
    if errors:
        raise ValidationError(errors)


# --- Checklists and plans -------------------------------------------------------------


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    target_days = models.PositiveSmallIntegerField(
        _("target (days)"), default=default_target_days, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The active template of a partner type is used for new plans.")
    )
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["partner_type", "name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(
                fields=["partner_type"], condition=Q(is_active=True), name="template_one_active_per_type"
            )
        ]

    def __str__(self):
        return self.name


class TaskFields(models.Model):
    """What a template task and a plan task share."""

    position = models.PositiveIntegerField(_("position"), default=0)
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    asset = models.ForeignKey(
        "content.Asset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asset"),
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("course")
    )
    certification = models.ForeignKey(
        Certification,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("certification"),
    )

    if TYPE_CHECKING:  # the columns django-modeltranslation adds (onboarding/translation.py)
        title_ja: str | None
        title_en: str | None
        description_ja: str | None
        description_en: str | None

    class Meta:
        abstract = True


class TemplateTask(TaskFields):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("template")
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"), help_text=_("Days after the plan starts; at most the target.")
    )

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")

    def __str__(self):
        return self.title

    def clean(self):
        target = self.template.target_days if self.template_id else None
        validate_task_link(self, target_days=target)


class PlanQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def running(self):
        return self.filter(status=OnboardingPlan.Status.RUNNING)


class OnboardingPlan(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="onboarding_plans",
        verbose_name=_("partner"),
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("template"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_onboarding_plans",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_on = models.DateField(pgettext_lazy("date", "started"), default=timezone.localdate, db_index=True)
    target_days = models.PositiveSmallIntegerField(_("target (days)"), default=default_target_days)
    target_date = models.DateField(_("target date"))
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(status="running"), name="plan_one_running_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(target_date__gte=models.F("started_on")), name="plan_target_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False) | ~Q(status="completed"),
                name="plan_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "owner"]),
            # The staff plans list's default page: running plans by target date.
            models.Index(
                fields=["target_date", "id"], condition=Q(status="running"), name="plan_running_target"
            ),
        ]

    def __str__(self):
        return _("Onboarding of %(partner)s") % {"partner": self.partner}


class TaskQuerySet(PartnerScopedQuerySet):
    partner_lookup = "plan__partner"

    def open(self):
        return self.exclude(status=OnboardingTask.Status.DONE)


class OnboardingTask(TaskFields):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task", "Open")
        SUBMITTED = "submitted", _("Submitted for review")
        DONE = "done", _("Done")

    plan = models.ForeignKey(
        OnboardingPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    template_task = models.ForeignKey(
        TemplateTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
        verbose_name=_("template task"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("completed by"),
    )

    objects = TaskQuerySet.as_manager()
    # `state(today)` of the day a page lists the task, set by the reads that list it.
    current_state: str

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("onboarding task")
        verbose_name_plural = _("onboarding tasks")
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["plan", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="task_done_has_time",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def partner_id(self):
        return self.plan.partner_id

    def state(self, today: date) -> str:
        """open / due_soon / overdue / submitted / done, for display."""
        if self.status == self.Status.DONE:
            return "done"
        if self.status == self.Status.SUBMITTED:
            return "submitted"
        if self.due_date < today:
            return "overdue"
        if (self.due_date - today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return "open"


DUE_SOON_DAYS = 3


def upload_path(instance, filename):
    return f"onboarding/uploads/{instance.task.plan.partner_id}/{secrets.token_hex(8)}/{filename}"


class SubmissionQuerySet(PartnerScopedQuerySet):
    partner_lookup = "task__plan__partner"


class TaskSubmission(models.Model):
    """A document uploaded for a task, waiting for (or after) the owner's review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    task = models.ForeignKey(
        OnboardingTask, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("task")
    )
    file = models.FileField(_("document"), upload_to=upload_path, storage=private_storage)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("review comment"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("document submission")
        verbose_name_plural = _("document submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="submission_one_pending_per_task"
            )
        ]

    def __str__(self):
        return f"{self.task} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


# --- Reminders ------------------------------------------------------------------------


class ReminderLog(models.Model):
    """The decision to send one reminder; unique per (kind, key), written in the transaction
    that decides to send, so that a repeated or interrupted run never sends twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Task due soon")
        OVERDUE = "overdue", _("Task overdue")
        DIGEST = "digest", _("Weekly at-risk digest")
        ESCALATION = "escalation", _("Escalation after the target")
        CERT_EXPIRING = "cert_expiring", _("Certification expiring")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=80)
    task = models.ForeignKey(
        OnboardingTask,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("task"),
    )
    plan = models.ForeignKey(
        OnboardingPlan,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("plan"),
    )
    user_certification = models.ForeignKey(
        UserCertification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("earned certification"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    created_at = models.DateTimeField(_("decided"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder log")
        verbose_name_plural = _("reminder logs")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="reminder_once_per_kind_key")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class ReminderPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="onboarding_preference",
        verbose_name=_("user"),
    )
    mute_non_essential = models.BooleanField(
        _("mute non-essential reminders"),
        default=False,
        help_text=_("No 'due soon' reminders. Overdue tasks and expiring certifications are still sent."),
    )

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return str(self.user)


class TaskLateness(models.Model):
    """How often each plan task (by title and pillar) was late, over every plan that is not
    cancelled: finished after its due date, or still open past it. Rebuilt set-based by
    `onboarding.rollups.task_lateness_refresh` (hourly beat, and the scale seed) so that the
    staff metrics page reads ~20 rows instead of grouping every plan task; the page shows
    `computed_at`. Viewers assigned to some partners get their own plans' figures live."""

    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices)
    total = models.PositiveIntegerField(_("times planned"))
    late = models.PositiveIntegerField(_("times late"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("task lateness")
        verbose_name_plural = _("task lateness")
        indexes = [models.Index(fields=["-late"], name="tasklateness_late")]

    def __str__(self):
        return f"{self.title_ja or self.title_en}: {self.late}/{self.total}"
