"""Roll-ups for the content engagement block (refreshed by dashboard.rollups, read with the raw
events since the refresh so that the numbers stay exact by queries.engagement_rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EngagementCutoff(models.Model):
    """One row: the roll-ups below hold every event created before `cutoff`."""

    cutoff = models.DateTimeField(_("events before"))

    class Meta:
        verbose_name = _("engagement roll-up state")
        verbose_name_plural = _("engagement roll-up state")

    def __str__(self):
        return f"{self.cutoff:%Y-%m-%d %H:%M}"


class EngagementDay(models.Model):
    kind = models.CharField(_("kind"), max_length=10)
    day = models.DateField(_("day"))  # local date
    events = models.PositiveIntegerField(_("events"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "day"], name="engagementday_once")]

    def __str__(self):
        return f"{self.kind} {self.day}"


class EngagementPartnerLast(models.Model):
    """A partner's latest event of a kind: "partners with an event in the last N days" is a
    range over `last_at`, as the period always ends today."""

    kind = models.CharField(_("kind"), max_length=10)
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    last_at = models.DateTimeField(_("latest event"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "partner"], name="engagementpartner_once")]
        indexes = [
            models.Index(fields=["last_at"], include=["kind", "partner"], name="engagementpartner_last")
        ]

    def __str__(self):
        return f"{self.kind} {self.partner_id}"


class EngagementAssetLast(models.Model):
    kind = models.CharField(_("kind"), max_length=10)
    asset = models.ForeignKey("content.Asset", on_delete=models.CASCADE, related_name="+")
    last_at = models.DateTimeField(_("latest event"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "asset"], name="engagementasset_once")]
        indexes = [models.Index(fields=["last_at"], include=["kind", "asset"], name="engagementasset_last")]

    def __str__(self):
        return f"{self.kind} {self.asset_id}"
