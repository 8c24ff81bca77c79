"""The solution marketplace (issue 30, part 4): listings of the solutions and service
packages that solution and delivery partners build, reviewed by a channel manager before
the public directory shows them, and each partner's choice to show its certification and
tier badges there.

A listing's name and description are bilingual (marketplace/translation.py: `name_ja`,
`name_en`, ...); its product tags are incentives' products, its industry tags partners'
industries, its region the partner's country and regions served."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.files.storage import private_storage
from prm.models import PartnerScopedQuerySet
from prm.text.weburl import WebURLField, web_url_constraint

# Partner types that publish listings (the seed's solution and delivery partners).
LISTING_PARTNER_TYPES = ("solution", "delivery")
MAX_SCREENSHOTS = 6


class ListingQuerySet(PartnerScopedQuerySet):
    def public(self):
        """Published listings of partners shown in the public directory."""
        return self.filter(
            status=Listing.Status.PUBLISHED, partner__status="active", partner__directory_listed=True
        )


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")

    class Pricing(models.TextChoices):
        FREE = "free", _("Free")
        SUBSCRIPTION = "subscription", _("Subscription")
        ONE_OFF = "one_off", _("One-off licence")
        FIXED_PACKAGE = "fixed_package", _("Fixed-price service package")
        PROJECT = "project", _("Per project (quote)")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    products = models.ManyToManyField(
        "incentives.Product", blank=True, related_name="+", verbose_name=_("products")
    )
    industries = models.ManyToManyField(
        "partners.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    pricing_model = models.CharField(_("pricing model"), max_length=20, choices=Pricing.choices)
    pricing_note = models.CharField(
        _("pricing note"), max_length=200, blank=True, help_text=_("For example “from ¥50,000 a month”.")
    )
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_url = WebURLField(_("web page"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("comment from the channel manager"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("marketplace listing")
        verbose_name_plural = _("marketplace listings")
        indexes = [models.Index(fields=["status", "partner"], name="listing_status_partner")]
        constraints = [
            web_url_constraint("contact_url", name="listing_contact_url_web_url"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | ~Q(status="published"),
                name="listing_published_has_time",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE


def screenshot_upload_to(instance, filename) -> str:
    return f"marketplace/screenshots/{filename}"


class ScreenshotQuerySet(PartnerScopedQuerySet):
    partner_lookup = "listing__partner"


class Screenshot(models.Model):
    """An image of a listing, in private storage under a random name; served by the views
    after their check (the public one only for a public listing)."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="screenshots", verbose_name=_("listing")
    )
    image = models.FileField(
        _("image"), upload_to=screenshot_upload_to, storage=private_storage, max_length=300
    )
    caption = models.CharField(_("caption"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScreenshotQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")

    def __str__(self):
        return self.caption


class BadgeChoiceQuerySet(PartnerScopedQuerySet):
    pass


class BadgeChoice(models.Model):
    """A partner's opt-in: show its certifications and tier as badges in the public directory."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    show_badges = models.BooleanField(_("show certification and tier badges"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BadgeChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory badge choice")
        verbose_name_plural = _("directory badge choices")

    def __str__(self):
        return str(self.partner)
