from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.validators import validate_logo


class PartnerType(models.TextChoices):
    """The three kinds of partner from the domain source (販売拡大 / 配送と実装 / ソリューション・サポート・メンテナンス)."""

    SALES = "sales", _("Sales expansion")
    DELIVERY = "delivery", _("Delivery & implementation")
    SOLUTION = "solution", _("Solution, support & maintenance")


class PartnerQuerySet(models.QuerySet):
    def for_partner(self, partner):
        return self.filter(pk=partner.pk)

    def in_portal(self):
        return self.filter(status__in=Partner.PORTAL_STATUSES)


class Partner(models.Model):
    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        INACTIVE = "inactive", _("Inactive")

    # Statuses whose users may use the portal.
    PORTAL_STATUSES = (Status.ONBOARDING, Status.ACTIVE)

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONBOARDING, db_index=True
    )
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True, validators=[validate_logo])
    description = models.TextField(_("company description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("manage_partner", _("Can manage this partner (channel manager)"))]
        indexes = [models.Index(fields=["partner_type", "status"])]

    def __str__(self):
        return self.name

    @property
    def in_portal(self) -> bool:
        return self.status in self.PORTAL_STATUSES


class MembershipQuerySet(models.QuerySet):
    def for_partner(self, partner):
        return self.filter(partner=partner)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )  # one partner per user
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def has_role(self, role: str) -> bool:
        return role == self.Role.MEMBER or self.role == self.Role.ADMIN
