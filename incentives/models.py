from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.Model):
    """A channel performance level (demo: Registered, Silver, Gold, Platinum).

    Thresholds are over a rolling 12 months; a partner reaches a tier when it meets all of
    them. Benefits are what the partner gets at this level.
    """

    class SupportLevel(models.TextChoices):
        STANDARD = "standard", _("Standard (business hours)")
        PRIORITY = "priority", _("Priority (next business day)")
        DEDICATED = "dedicated", _("Dedicated partner manager")
        PREMIUM = "premium", _("Premium (24/7, named engineer)")

    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("0 is the entry level."))
    # Thresholds (rolling 12 months)
    min_won_revenue = models.DecimalField(
        _("won deal revenue (JPY)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    min_won_deals = models.PositiveIntegerField(_("won deals"), default=0)
    min_certified_people = models.PositiveIntegerField(_("certified people"), default=0)
    requires_onboarding = models.BooleanField(_("onboarding completed"), default=False)
    # Benefits
    discount_percent = models.DecimalField(
        _("discount / margin %"), max_digits=5, decimal_places=2, default=0
    )
    protection_days = models.PositiveIntegerField(_("deal protection days"), default=30)
    mdf_budget = models.DecimalField(
        _("market development fund (JPY)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    support_level = models.CharField(
        _("support level"), max_length=20, choices=SupportLevel.choices, default=SupportLevel.STANDARD
    )
    perks = models.TextField(_("perks"), blank=True, help_text=_("One perk per line."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.name

    def perk_list(self) -> list[str]:
        return [line.strip() for line in self.perks.splitlines() if line.strip()]
