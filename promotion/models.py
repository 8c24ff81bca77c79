"""Campaigns (packaged, co-branded, opt-in, attributed) and the portal's own promotion:
announcements and the overview video. Bilingual text fields are registered with
django-modeltranslation in `promotion/translation.py` (`name_ja`, `name_en`, ...)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incentives.queries import partner_tier_rank
from partners.models import PartnerType
from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet
from prm.text.weburl import WebURLField, web_url_constraint
from promotion.video import embed_url

MERGE_FIELDS_HELP = _("Merge fields: {partner_name}, {logo}, {contact}, {tracked_link}.")


def new_code() -> str:
    return secrets.token_urlsafe(9)


def audience_q(partner) -> Q:
    """The audience rules for one partner: type, minimum tier, named partners (all that are set)."""
    rank = partner_tier_rank(partner)  # memoised on the partner: shared with the other panels
    q = Q(partner_types=[]) | Q(partner_types__contains=[partner.partner_type])
    q &= (
        Q(min_tier__isnull=True) | Q(min_tier__rank__lte=rank)
        if rank is not None
        else Q(min_tier__isnull=True)
    )
    named = Campaign.named_partners.through.objects.filter(campaign_id=OuterRef("pk"))
    q &= ~Exists(named) | Exists(named.filter(partner_id=partner.pk))
    return q


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Campaign.Status.PUBLISHED)

    def open_on(self, day):
        return self.published().filter(starts_on__lte=day, ends_on__gte=day)

    def for_partner(self, partner):
        """Published campaigns whose audience includes the partner (`audience_q`)."""
        return self.published().filter(audience_q(partner))

    def open_for_deals(self, partner):
        """Campaigns a deal can be registered against: the partner joined them and they are not
        long over (deals arrive after a campaign ends too: 90 days' grace)."""
        today = timezone.localdate()
        joined = CampaignParticipation.objects.filter(partner=partner, opted_out_at__isnull=True)
        return self.published().filter(
            pk__in=joined.values("campaign_id"),
            starts_on__lte=today,
            ends_on__gte=today - timedelta(days=90),
        )


class Campaign(models.Model):
    class Kind(models.TextChoices):
        PACKAGED = "packaged", _("Packaged through-partner campaign")
        PORTAL = "portal", _("Portal promotion")
        RECRUITMENT = "recruitment", _("Recruitment drive")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    goal = models.CharField(_("goal"), max_length=250, blank=True)
    partner_benefits = models.TextField(_("what partners get"), blank=True)
    partner_expectations = models.TextField(_("what we expect"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PACKAGED)
    # Audience: every rule that is set must match; empty means "everyone".
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
    named_partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="+",
        verbose_name=_("named partners"),
        help_text=_("If any are named, only these partners (that also match the rules above) see it."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    budget = models.DecimalField(_("budget (JPY)"), max_digits=14, decimal_places=0, default=0)
    assets = models.ManyToManyField(
        "content.Asset", blank=True, related_name="+", verbose_name=_("bundled library assets")
    )
    email_subject = models.CharField(
        _("e-mail subject"), max_length=200, blank=True, help_text=MERGE_FIELDS_HELP
    )
    email_body = models.TextField(_("e-mail text"), blank=True, help_text=MERGE_FIELDS_HELP)
    social_text = models.TextField(_("social post"), blank=True, help_text=MERGE_FIELDS_HELP)
    landing_url = WebURLField(
        _("landing page"), blank=True, help_text=_("Where tracked links lead unless a partner sets its own.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="campaign_budget_not_negative"),
            web_url_constraint("landing_url", name="campaign_landing_url_web_url"),
        ]

    def __str__(self):
        return self.name

    def phase(self, day=None) -> str:
        day = day or timezone.localdate()
        if day < self.starts_on:
            return "upcoming"
        if day > self.ends_on:
            return "finished"
        return "running"

    def phase_label(self, day=None) -> str:
        return {"upcoming": _("Upcoming"), "running": _("Running"), "finished": _("Finished")}[
            self.phase(day)
        ]

    def partner_type_labels(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [str(labels.get(t, t)) for t in self.partner_types]


class ParticipationQuerySet(PartnerScopedQuerySet):
    def opted_in(self):
        return self.filter(opted_out_at__isnull=True)


class CampaignParticipation(models.Model):
    """A partner's opt-in to a campaign. It carries the partner's tracked link (`code`)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="participations", verbose_name=_("campaign")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    code = models.CharField(_("tracked link code"), max_length=20, unique=True, default=new_code)
    landing_url = WebURLField(
        _("your landing page"), blank=True, help_text=_("Optional: where your tracked link leads.")
    )
    opted_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    opted_in_at = models.DateTimeField(_("opted in"), default=timezone.now)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign participation")
        verbose_name_plural = _("campaign participations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "partner"], name="participation_unique_partner"),
            web_url_constraint("landing_url", name="participation_landing_url_web_url"),
        ]

    def __str__(self):
        return f"{self.partner} / {self.campaign}"

    @property
    def is_active(self) -> bool:
        return self.opted_out_at is None

    def tracked_path(self) -> str:
        return f"/c/{self.code}/"

    def tracked_url(self) -> str:
        return settings.SITE_URL + self.tracked_path()

    def destination(self) -> str:
        # Both landing pages are WebURLFields (http(s) only, held by a database constraint).
        return self.landing_url or self.campaign.landing_url or settings.SITE_URL + "/"


def kit_upload_to(instance, filename):
    return f"promotion/kits/{instance.partner_id}/{instance.asset_version_id}/{filename}"


class CobrandedFileQuerySet(PartnerScopedQuerySet):
    pass


class CobrandedFile(models.Model):
    """One co-branded copy of one asset version for one partner, generated once (Celery)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        UNSUPPORTED = "unsupported", _("Original file (not co-branded)")

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    asset_version = models.ForeignKey("content.AssetVersion", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # Private: one partner's co-branded copy, handed out only by the kit view (prm.files.serving).
    file = models.FileField(
        _("file"), upload_to=kit_upload_to, storage=private_storage, blank=True, max_length=300
    )
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)

    objects = CobrandedFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-branded file")
        verbose_name_plural = _("co-branded files")
        constraints = [
            models.UniqueConstraint(fields=["partner", "asset_version"], name="cobranded_unique_version")
        ]

    def __str__(self):
        return f"{self.partner_id}/{self.asset_version_id}"


class CampaignEvent(models.Model):
    """A click on a tracked link or a kit download, for attribution.

    Counted once: a click once per visitor and day (`visitor` is a keyed hash of the IP
    address, the user agent and the day, so no address is stored and two days of one
    visitor cannot be linked), a download once per person and file version. The unique
    constraints below hold it; rows from before them have no visitor and stay as counted.
    """

    class Kind(models.TextChoices):
        CLICK = "click", _("Click")
        DOWNLOAD = "download", _("Kit download")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    asset_version = models.ForeignKey(
        "content.AssetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor = models.CharField(
        _("visitor (keyed hash)"), max_length=64, blank=True, editable=False, db_default=""
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        indexes = [models.Index(fields=["campaign", "kind", "partner"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "partner", "visitor"],
                condition=models.Q(kind="click") & ~models.Q(visitor=""),
                name="campaign_click_once_per_visitor_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "user", "asset_version"],
                condition=models.Q(kind="download"),
                name="campaign_download_once_per_version",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.campaign_id}/{self.partner_id}"


class ReminderLog(models.Model):
    """One row per reminder sent: the unique constraint makes a repeat a no-op."""

    class Kind(models.TextChoices):
        OPENS = "opens", _("Campaign opens")
        CLOSING = "closing", _("Closes in a week")
        NO_DOWNLOAD = "no_download", _("Kit not downloaded")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "partner", "kind"], name="promotion_reminder_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.campaign_id}/{self.partner_id}"


# --- Portal promotion -------------------------------------------------------------------


class Announcement(models.Model):
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text (Markdown)"), blank=True)
    image = models.ImageField(_("image"), upload_to="promotion/announcements/", blank=True)
    link_url = WebURLField(
        _("link"),
        max_length=300,
        blank=True,
        relative=True,
        help_text=_("A web address (https://...) or a page of this portal (/campaigns/...)."),
    )
    starts_at = models.DateTimeField(_("show from"), default=timezone.now)
    ends_at = models.DateTimeField(_("show until"), null=True, blank=True)
    partner_types = models.JSONField(
        _("partner types"), default=list, blank=True, help_text=_("Empty: every partner type.")
    )
    is_published = models.BooleanField(pgettext_lazy("flag", "published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [web_url_constraint("link_url", name="announcement_link_url_web_url", relative=True)]

    def __str__(self):
        return self.title


class AnnouncementReceipt(models.Model):
    """A user saw (reach) and possibly dismissed an announcement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="announcement_receipt_once")
        ]

    def __str__(self):
        return f"{self.announcement_id}/{self.user_id}"


class OverviewVideo(models.Model):
    """The 3-5 minute portal overview video ("これは必須です"). The newest active one is shown."""

    title = models.CharField(_("title"), max_length=150)
    video_file = models.FileField(
        _("video file"),
        upload_to="promotion/video/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm", "m4v", "ogv", "wav"])],
        help_text=_("MP4 or WebM; 3 to 5 minutes."),
    )
    external_url = WebURLField(
        _("YouTube or Vimeo link"),
        blank=True,
        help_text=_("Played through youtube-nocookie.com or Vimeo with do-not-track."),
    )
    poster = models.ImageField(_("poster image"), upload_to="promotion/video/", blank=True)
    chapters = models.TextField(
        _("chapters"), blank=True, help_text=_('One per line: "1:30 Registering a deal".')
    )
    transcript = models.TextField(_("transcript"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("overview video")
        verbose_name_plural = _("overview videos")
        constraints = [web_url_constraint("external_url", name="overview_video_url_web_url")]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.video_file and not self.external_url:
            raise ValidationError(_("Upload a video file or give a YouTube or Vimeo link."))
        if self.external_url and not self.video_file and not embed_url(self.external_url):
            raise ValidationError({"external_url": _("Enter a YouTube or Vimeo video link.")})


class VideoView(models.Model):
    video = models.ForeignKey(OverviewVideo, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "user"], name="video_view_once")]

    def __str__(self):
        return f"{self.video_id}/{self.user_id}"


class PortalVisit(models.Model):
    """A partner user was signed in during a week (one row per user and week): the
    awareness metric's by-week series, which `last_login` alone cannot give."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the week")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="portal_visit_once_a_week")]
        indexes = [models.Index(fields=["week", "partner"])]

    def __str__(self):
        return f"{self.user_id}@{self.week}"


# --- Channels: tracked links to reach prospects -----------------------------------------


class ChannelLink(models.Model):
    """A tracked link the vendor posts in one channel, post or event to reach companies that
    are not partners yet. It counts its visits and leads to the landing page, the overview,
    the application form or a public asset, with its UTM parameters and its code (`ch`)."""

    class Channel(models.TextChoices):
        SOCIAL = "social", _("Social media")
        ADS = "ads", _("Digital advertising")
        EMAIL = "email", _("E-mail or newsletter")
        EVENT = "event", _("Event")
        WEB = "web", _("Website or article")
        OTHER = "other", _("Other channel")

    class Target(models.TextChoices):
        LANDING = "landing", _("Landing page")
        OVERVIEW = "overview", _("Overview video")
        APPLY = "apply", _("Application form")
        RESOURCE = "resource", _("Public resource")

    name = models.CharField(_("name"), max_length=150)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    post = models.CharField(
        _("post or event"),
        max_length=200,
        blank=True,
        help_text=_("The post, issue or event it was shared in."),
    )
    target = models.CharField(_("leads to"), max_length=10, choices=Target.choices, default=Target.LANDING)
    asset = models.ForeignKey(
        "content.Asset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_public": True},
        verbose_name=_("public resource"),
        help_text=_("Only for links that lead to a public resource."),
    )
    utm_source = models.CharField("utm_source", max_length=100, blank=True)
    utm_medium = models.CharField("utm_medium", max_length=100, blank=True)
    utm_campaign = models.CharField("utm_campaign", max_length=100, blank=True)
    utm_content = models.CharField("utm_content", max_length=100, blank=True)
    code = models.CharField(
        _("tracked link code"), max_length=20, unique=True, default=new_code, editable=False
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive link leads to the landing page and counts nothing."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("channel link")
        verbose_name_plural = _("channel links")
        constraints = [
            models.CheckConstraint(
                condition=Q(target="resource", asset__isnull=False)
                | (~Q(target="resource") & Q(asset__isnull=True)),
                name="channel_link_asset_iff_resource",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.target == self.Target.RESOURCE and self.asset_id is None:
            raise ValidationError({"asset": _("Choose the public resource this link leads to.")})
        if self.target != self.Target.RESOURCE:
            self.asset = None

    def tracked_path(self) -> str:
        return f"/go/{self.code}/"

    def tracked_url(self) -> str:
        return settings.SITE_URL + self.tracked_path()

    def utm(self) -> dict[str, str]:
        fields = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
        return {name: getattr(self, name) for name in fields if getattr(self, name)}


class ChannelEvent(models.Model):
    """A step of a prospect's way in from a channel link: the visit (the redirect), a view
    of the landing page, a play of the overview video. Once per visitor (a keyed hash of the
    address, the user agent and the day: no address stored) and kind and day."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Link visit")
        LANDING = "landing", _("Landing page view")
        PLAY = "play", _("Video play")

    link = models.ForeignKey(ChannelLink, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    visitor = models.CharField(_("visitor (keyed hash)"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("channel event")
        verbose_name_plural = _("channel events")
        indexes = [models.Index(fields=["created_at", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "kind", "visitor"], name="channel_event_once_per_visitor_day"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.link_id}"
