from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incentives.queries import partner_tier_rank
from partners.models import PartnerType
from partners.models import Stage as _Stage
from prm.cache import pagecache
from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet
from prm.text.weburl import WebURLField, web_url_constraint

# The partner's stage is owned by partners (Partner.stage); content delivers for it.
Stage = _Stage


def audience_q(partner, *, tier_rank: int | None = None) -> Q:
    """The audience rule (content.queries' docstring) as one predicate on assets: shared with
    `partner` by name, or, unless shared only, open to its type and at most its tier rank
    (`tier_rank`, else read from incentives)."""
    rank = tier_rank if tier_rank is not None else partner_tier_rank(partner)
    shared = Exists(AssetShare.objects.filter(asset=OuterRef("pk"), partner=partner))
    tier_ok = Q(min_tier__isnull=True)
    if rank is not None:
        tier_ok |= Q(min_tier__rank__lte=rank)
    type_ok = Q(partner_types=[]) | Q(partner_types__contains=[partner.partner_type])
    return Q(shared) | (Q(shared_only=False) & type_ok & tier_ok)


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


class AssetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Asset.Status.PUBLISHED)

    def for_partner(self, partner, *, tier_rank: int | None = None):
        """Published assets whose audience includes `partner` (see `audience_q`)."""
        return self.published().filter(audience_q(partner, tier_rank=tier_rank))

    def in_reader_language(self, language: str):
        """One version of each asset: the one in `language` where these assets include it,
        otherwise the other; assets in one language only stay."""
        group = Coalesce("translation_of_id", "pk")
        in_language = (
            self.order_by()
            .filter(language=language)
            .annotate(translation_group=group)
            .filter(translation_group=OuterRef("translation_group"))
        )
        return self.annotate(translation_group=group).exclude(
            ~models.Q(language=language) & models.Q(Exists(in_language))
        )


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
        COMPANY = "company", pgettext_lazy("asset source", "Company")
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
    url = WebURLField(_("link or video URL"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.JA)
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_(
            "The same asset in the other language. Readers see the version in their language once, "
            "with a link to the other."
        ),
    )
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
    # Audience by name: shares (AssetShare) always grant access; with this flag set they are
    # the only way in (partner types and minimum tier are then ignored).
    shared_only = models.BooleanField(
        _("only the named partners"),
        default=False,
        help_text=_("Visible only to the partners it is shared with."),
    )
    # Prospects' audience: shown to anyone on the public resources page and the landing
    # page (partner types, tier and shares do not narrow it); counted apart (PublicAssetEvent).
    is_public = models.BooleanField(
        _("public (prospect audience)"),
        default=False,
        db_default=False,
        help_text=_("Shown to anyone, signed in or not, on the public resources page and the landing page."),
    )
    current_version = models.ForeignKey(
        "AssetVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current file"),
    )
    # Maintained set-based by content.rollups.engagement_aggregate (never per request).
    view_count = models.PositiveIntegerField(_("views"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    use_count = models.PositiveIntegerField(_("uses"), default=0, db_index=True)
    # The key of a bulk import of metadata (imports app): a re-import changes nothing.
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="", db_default="")
    # Built in Python by content.search.index_asset: English words + Japanese bigrams.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        indexes = [
            GinIndex(fields=["search_vector"], name="asset_search_gin"),
            GinIndex(fields=["stages"], name="asset_stages_gin"),
            # Covering: the library's count and audience filter run as an index-only scan
            # instead of reading wide rows (body, search vector) from the heap; with the
            # translation link, so does the one-version-per-language rule's sub-query.
            models.Index(
                fields=["status", "-published_at"],
                name="asset_status_published_tr",
                include=[
                    "id",
                    "translation_of",
                    "partner_types",
                    "shared_only",
                    "min_tier",
                    "stages",
                    "kind",
                    "language",
                    "collection",
                    "use_count",
                ],
            ),
            models.Index(fields=["status", "publish_at"], name="asset_status_publish_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False),
                name="asset_scheduled_has_publish_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="asset_published_has_published_at",
            ),
            web_url_constraint("url", name="asset_url_web_url"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="asset_external_id_unique"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def translation_group_id(self) -> int:
        """The id shared by an asset and its translations (the original's)."""
        return self.translation_of_id or self.pk

    def clean(self):
        other = self.translation_of
        if other is not None:
            if other.pk == self.pk or other.translation_of_id:
                raise ValidationError({"translation_of": _("Choose the original asset, not a translation.")})
            if other.language == self.language:
                raise ValidationError({"translation_of": _("A translation is in the other language.")})

    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(s, s)) for s in self.stages or []]

    @property
    def file_kind(self) -> str:
        """preview kind of the current file: pdf, image, video, office or ''."""
        return self.current_version.preview_kind if self.current_version_id else ""


def version_upload_to(instance, filename):
    return f"content/assets/{instance.asset_id}/v{instance.number}/{filename}"


def thumbnail_upload_to(instance, filename):
    return f"content/thumbnails/{instance.asset_id}/v{instance.number}-{filename}"


class AssetVersion(models.Model):
    """One uploaded file of an asset. Replacing the file adds a version; old ones stay."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", _("Image")
        SLIDES = "slides", _("Slides")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")
        DOCUMENT = "document", _("Document")
        VIDEO = "video", _("Video")

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="versions", verbose_name=_("asset")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_upload_to, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=12, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_upload_to, storage=private_storage, blank=True, max_length=300
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["asset", "-number"]
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="assetversion_unique_number")]

    def __str__(self):
        return f"{self.original_name} (v{self.number})"

    @property
    def preview_kind(self) -> str:
        return self.file_type if self.file_type in ("pdf", "image", "video") else "office"


class AssetShare(models.Model):
    """An asset shared with a named partner (an explicit share table; see content/README.md)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="shares", verbose_name=_("asset"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("shared"), default=timezone.now)

    class Meta:
        verbose_name = _("share with a partner")
        verbose_name_plural = _("shares with partners")
        constraints = [models.UniqueConstraint(fields=["asset", "partner"], name="assetshare_unique")]
        indexes = [models.Index(fields=["partner", "asset"], name="assetshare_partner_asset")]

    def __str__(self):
        return f"{self.asset} → {self.partner}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="bookmarks", verbose_name=_("asset")
    )
    created_at = models.DateTimeField(_("bookmarked"), default=timezone.now)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [models.UniqueConstraint(fields=["user", "asset"], name="bookmark_unique")]

    def __str__(self):
        return f"{self.user} ★ {self.asset}"


class AssetEvent(models.Model):
    """A view or download: append-only, one INSERT per event (no counters updated here)."""

    class Kind(models.TextChoices):
        VIEW = "view", pgettext_lazy("engagement event", "View")
        DOWNLOAD = "download", _("Download")

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="events", verbose_name=_("asset"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement event")
        verbose_name_plural = _("engagement events")
        indexes = [
            models.Index(fields=["asset", "created_at"], name="assetevent_asset_time"),
            models.Index(fields=["partner", "created_at"], name="assetevent_partner_time"),
            models.Index(fields=["user", "asset"], name="assetevent_user_asset"),
            # The dashboard's engagement block: a period range, covering its columns.
            models.Index(fields=["created_at"], include=["kind", "partner", "asset"], name="assetevent_time"),
        ]

    def __str__(self):
        return f"{self.kind} {self.asset_id} by {self.user_id}"


class PublicAssetEvent(models.Model):
    """An anonymous view or download of a public asset: its own counts, apart from the
    partners' engagement. Once per visitor (a keyed daily hash, no address) and day."""

    class Kind(models.TextChoices):
        VIEW = "view", _("View")
        DOWNLOAD = "download", _("Download")

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="public_events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    visitor = models.CharField(_("visitor (keyed hash)"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("public asset event")
        verbose_name_plural = _("public asset events")
        constraints = [
            models.UniqueConstraint(fields=["asset", "kind", "visitor"], name="public_asset_event_once_a_day")
        ]

    def __str__(self):
        return f"{self.kind} {self.asset_id}"


class EngagementCursor(models.Model):
    """Singleton: the last AssetEvent id folded into the per-asset counters, and when the
    staff analytics roll-ups (AssetEngagement, PartnerEngagement) were last rebuilt."""

    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    rolled_up_at = models.DateTimeField(_("analytics rebuilt"), null=True, blank=True)

    class Meta:
        verbose_name = _("engagement cursor")
        verbose_name_plural = _("engagement cursors")

    def __str__(self):
        return f"events up to {self.last_event_id}"


class SegmentPopularity(models.Model):
    """How many partners of a segment (type and tier rank; -1 = no tier) opened an asset in
    the last 90 days. Rebuilt set-based by content.rollups.popularity_refresh (hourly), so
    "popular with partners like you" is one indexed read instead of an aggregate over events."""

    partner_type = models.CharField(_("partner type"), max_length=20)
    tier_rank = models.SmallIntegerField(_("tier rank"))
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+", verbose_name=_("asset"))
    partners = models.PositiveIntegerField(pgettext_lazy("count", "partners"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("segment popularity")
        verbose_name_plural = _("segment popularity")
        constraints = [
            models.UniqueConstraint(
                fields=["partner_type", "tier_rank", "asset"], name="segmentpopularity_unique"
            )
        ]
        indexes = [
            models.Index(fields=["partner_type", "tier_rank", "-partners"], name="segmentpopularity_top"),
        ]

    def __str__(self):
        return f"{self.partner_type}/{self.tier_rank}: {self.asset_id} ({self.partners})"


# The periods of the staff analytics page (days); the roll-ups hold one row set per period.
ANALYTICS_PERIODS = (7, 30, 90, 365)


class AssetEngagement(models.Model):
    """Opens of an asset over the last `period_days` days (views, downloads, distinct
    partners), every partner together. Rebuilt set-based by
    content.rollups.analytics_refresh (hourly, with the popularity table) so that the staff
    analytics page reads ~20,000 rows instead of aggregating millions of events. Published
    assets nobody opened have a row with zeros (the "unopened" list). `group_id`
    (the original of a translation, else the asset) and `language` are copied from the asset
    at rebuild time for the per-language table."""

    period_days = models.PositiveSmallIntegerField(_("period (days)"))
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+", verbose_name=_("asset"))
    group_id = models.BigIntegerField(_("translation group"))
    language = models.CharField(_("language"), max_length=5)
    views = models.PositiveIntegerField(_("views"))
    downloads = models.PositiveIntegerField(_("downloads"))
    total = models.PositiveIntegerField(_("opens"))
    partners = models.PositiveIntegerField(pgettext_lazy("count", "partners"))

    class Meta:
        verbose_name = _("asset engagement")
        verbose_name_plural = _("asset engagement")
        constraints = [
            models.UniqueConstraint(fields=["period_days", "asset"], name="assetengagement_unique"),
        ]
        indexes = [
            models.Index(fields=["period_days", "-total", "asset"], name="assetengagement_top"),
        ]

    def __str__(self):
        return f"{self.period_days} days: {self.asset_id} ({self.total})"


class PartnerEngagement(models.Model):
    """One partner's library activity over the last `period_days` days, rebuilt with
    AssetEngagement (content.rollups.analytics_refresh)."""

    period_days = models.PositiveSmallIntegerField(_("period (days)"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    views = models.PositiveIntegerField(_("views"))
    downloads = models.PositiveIntegerField(_("downloads"))
    users = models.PositiveIntegerField(_("active users"))
    assets = models.PositiveIntegerField(_("assets"))
    last = models.DateTimeField(_("last activity"))

    class Meta:
        verbose_name = _("partner engagement")
        verbose_name_plural = _("partner engagement")
        constraints = [
            models.UniqueConstraint(fields=["period_days", "partner"], name="partnerengagement_unique"),
        ]
        indexes = [
            models.Index(fields=["period_days", "-views"], name="partnerengagement_top"),
        ]

    def __str__(self):
        return f"{self.period_days} days: partner {self.partner_id} ({self.views})"


# --- Content engagement for the channel dashboard (content.rollups.engagement_refresh) ----


class EngagementCutoff(models.Model):
    """One row: the engagement roll-ups below hold every event created before `cutoff`
    (content.rollups.engagement_refresh; read by queries.engagement_rows with the events
    since, so that the channel dashboard's content block stays exact)."""

    cutoff = models.DateTimeField(_("events before"))

    class Meta:
        # Moved from the dashboard app with their tables: a table is never renamed in one
        # release (docs/deployment.md, upgrades: the old code serves on the new schema).
        db_table = "dashboard_engagementcutoff"
        verbose_name = _("engagement roll-up state")
        verbose_name_plural = _("engagement roll-up state")

    def __str__(self):
        return f"{self.cutoff:%Y-%m-%d %H:%M}"


class EngagementDay(models.Model):
    kind = models.CharField(_("kind"), max_length=10)
    day = models.DateField(_("day"))  # local date
    events = models.PositiveIntegerField(_("events"))

    class Meta:
        # Moved from the dashboard app with their tables: a table is never renamed in one
        # release (docs/deployment.md, upgrades: the old code serves on the new schema).
        db_table = "dashboard_engagementday"
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
        # Moved from the dashboard app with their tables: a table is never renamed in one
        # release (docs/deployment.md, upgrades: the old code serves on the new schema).
        db_table = "dashboard_engagementpartnerlast"
        constraints = [models.UniqueConstraint(fields=["kind", "partner"], name="engagementpartner_once")]
        indexes = [
            models.Index(fields=["last_at"], include=["kind", "partner"], name="engagementpartner_last")
        ]

    def __str__(self):
        return f"{self.kind} {self.partner_id}"


class EngagementAssetLast(models.Model):
    kind = models.CharField(_("kind"), max_length=10)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    last_at = models.DateTimeField(_("latest event"))

    class Meta:
        # Moved from the dashboard app with their tables: a table is never renamed in one
        # release (docs/deployment.md, upgrades: the old code serves on the new schema).
        db_table = "dashboard_engagementassetlast"
        constraints = [models.UniqueConstraint(fields=["kind", "asset"], name="engagementasset_once")]
        indexes = [models.Index(fields=["last_at"], include=["kind", "asset"], name="engagementasset_last")]

    def __str__(self):
        return f"{self.kind} {self.asset_id}"


class SearchLog(models.Model):
    """Every library search (zero-result ones feed the staff analytics page)."""

    query = models.CharField(_("search terms"), max_length=200)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    result_count = models.PositiveIntegerField(_("results"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes = [
            models.Index(fields=["created_at"], name="searchlog_zero_time", condition=Q(result_count=0)),
        ]

    def __str__(self):
        return self.query


class Contribution(models.Model):
    """Content a partner's user (or a staff member outside the channel team) contributed: a
    DRAFT asset until a channel manager approves it with its audience (then published, the
    contributor credited on it) or returns it with a comment (then edited and sent again).
    `partner` is empty for a staff contribution."""

    class Kind(models.TextChoices):
        CASE_STUDY = "case_study", _("Case study")
        SOLUTION_BRIEF = "solution_brief", _("Solution brief")
        IMPLEMENTATION_NOTE = "implementation_note", _("Implementation note")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    asset = models.OneToOneField(
        Asset, on_delete=models.CASCADE, related_name="contribution", verbose_name=_("asset")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contributor"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="contribution_queue"),
            models.Index(fields=["partner", "status", "reviewed_at"], name="contribution_partner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False),
                name="contribution_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="contribution_returned_has_comment",
            ),
        ]

    def __str__(self):
        return str(self.asset)

    def cache_scopes(self) -> list[str]:
        """The asset is the catalogue's (its credit shows on the library's cached pages)."""
        return [pagecache.catalogue()]


class DigestOptOut(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("unsubscribed"), default=timezone.now)

    class Meta:
        verbose_name = _("digest unsubscription")
        verbose_name_plural = _("digest unsubscriptions")

    def __str__(self):
        return str(self.user)


class DigestDelivery(models.Model):
    """One row per user and week: the unique constraint makes a repeated send a no-op."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    week = models.DateField(_("week starting"))
    asset_count = models.PositiveIntegerField(_("assets listed"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digestdelivery_unique")]

    def __str__(self):
        return f"{self.user} {self.week}"


__all__ = [
    "Asset",
    "AssetEvent",
    "AssetShare",
    "AssetVersion",
    "Bookmark",
    "Collection",
    "Contribution",
    "DigestDelivery",
    "DigestOptOut",
    "EngagementAssetLast",
    "EngagementCursor",
    "EngagementCutoff",
    "EngagementDay",
    "EngagementPartnerLast",
    "PartnerType",
    "SearchLog",
    "SegmentPopularity",
    "Stage",
    "Tag",
]
