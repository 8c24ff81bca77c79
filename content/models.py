from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerType


class Stage(models.TextChoices):
    """Where a partner is in its life with us (content is delivered for the stage)."""

    ONBOARDING = "onboarding", _("Onboarding")
    SELLING = "selling", _("Selling")
    SERVICING = "servicing", _("Servicing")


class Collection(models.Model):
    """A folder in the library; folders nest."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [models.UniqueConstraint(fields=["parent", "slug"], name="collection_unique_slug")]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Asset(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Knowledge article")
        FILE = "file", _("File")
        VIDEO = "video", _("Video")
        LINK = "link", _("Link / tool")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Source(models.TextChoices):
        COMPANY = "company", _("Company")
        EXPERT = "expert", _("Industry expert")
        EMPLOYEE = "employee", _("Employee")
        PARTNER = "partner", _("Partner")

    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    body = models.TextField(_("body (Markdown)"), blank=True)
    url = models.URLField(_("link or video URL"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.JA)
    stages = models.JSONField(
        _("stages"), default=list, help_text=_("One or more of onboarding, selling, servicing.")
    )
    partner_types = models.JSONField(
        _("partner types"), default=list, blank=True, help_text=_("Empty: every partner type.")
    )
    min_tier = models.ForeignKey(
        "incentives.Tier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("minimum tier"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="assets", verbose_name=_("tags"))
    collection = models.ForeignKey(
        Collection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
        verbose_name=_("collection"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COMPANY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self):
        return self.title


__all__ = ["Asset", "Collection", "PartnerType", "Stage", "Tag"]
