from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.files.storage import private_storage


class ImportJob(models.Model):
    """One uploaded file: checked first (the dry run: every row's outcome, nothing written),
    then, when the person confirms, imported in one transaction (imports.services).

    Only the staff user who uploaded it sees it. The outcome of each row is kept in
    `outcomes` ({"rows": [...], "counts": {...}}) in the uploader's language."""

    class Kind(models.TextChoices):
        WORKBOOK = "workbook", _("Workbook (one sheet per kind)")
        PARTNERS = "partners", _("Partners")
        MEMBERS = "members", _("Members")
        DEALS = "deals", _("Deals")
        CERTIFICATIONS = "certifications", _("Certifications held")
        LEADS = "leads", _("Leads")
        ASSETS = "assets", _("Library asset metadata")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the check")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked: nothing written yet")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    RUNNING = (Status.PENDING, Status.CHECKING, Status.IMPORTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/", max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    language = models.CharField(max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    outcomes = models.JSONField(_("outcomes"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("imported"), null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"], name="imports_job_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("total")), name="importjob_done_le_total"
            )
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.CHECKED):
            return 100
        return min(99, self.rows_done * 100 // self.total) if self.total else 0

    @property
    def counts(self) -> dict:
        return self.outcomes.get("counts", {})

    @property
    def has_errors(self) -> bool:
        return bool(self.counts.get("error")) or bool(self.error)
