"""Leads the vendor passes to partners: the lead, its offers (one per partner, ever), the
notes and status updates of the partner working it, and the routing rules."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import PartnerType
from prm.i18n.kana import fill_reading
from prm.models import PartnerScopedQuerySet


class Prefecture(models.TextChoices):
    """The 47 prefectures, coded as JIS X 0401."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class RoutingRule(models.Model):
    """Which partners a lead may be offered to. The first active rule (by `order`) that
    matches the lead's region and still has an eligible partner decides; among its partners
    the one with the fewest open leads gets it, then the one offered a lead longest ago."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(
        _("order"), default=10, help_text=_("Lower rules are tried first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    region = models.CharField(
        _("lead region"),
        max_length=2,
        choices=Prefecture.choices,
        blank=True,
        help_text=_("Leads from this prefecture only; empty: any region."),
    )
    partner_type = models.CharField(
        _("partner type"),
        max_length=20,
        choices=PartnerType.choices,
        blank=True,
        help_text=_("Empty: any type."),
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="+",
        verbose_name=_("only these partners"),
        help_text=_("For example the partners that cover the region; empty: any partner."),
    )
    min_tier = models.ForeignKey(
        "incentives.Tier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minimum tier"),
    )
    certification = models.ForeignKey(
        "training.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("required certification"),
        help_text=_("At least one person of the partner holds it, valid today."),
    )
    max_open_leads = models.PositiveSmallIntegerField(
        _("maximum open leads per partner"),
        default=5,
        help_text=_("A partner holding this many offered or working leads gets no more."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("lead routing rule")
        verbose_name_plural = _("lead routing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_open_leads__gte=1), name="leads_rule_load_positive"
            ),
        ]

    def __str__(self):
        return self.name


class LeadQuerySet(PartnerScopedQuerySet):
    def open(self):
        return self.filter(status__in=Lead.OPEN)


class Lead(models.Model):
    """An end customer's interest the vendor passes to one partner at a time."""

    class Status(models.TextChoices):
        NEW = "new", _("Not offered yet")
        OFFERED = "offered", _("Offered")
        UNROUTED = "unrouted", _("Unrouted")
        ACCEPTED = "accepted", pgettext_lazy("lead", "Accepted")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        DISQUALIFIED = "disqualified", _("Disqualified")
        CONVERTED = "converted", _("Converted to a deal")

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website inquiry")
        EVENT = "event", _("Event or seminar")
        CAMPAIGN = "campaign", _("Marketing campaign")
        REFERRAL = "referral", _("Referral")
        INSIDE_SALES = "inside_sales", _("Inside sales")
        OTHER = "other", _("Other")

    WORKING = (Status.ACCEPTED, Status.CONTACTED, Status.QUALIFIED)
    OPEN = (Status.OFFERED, *WORKING)  # what counts toward a partner's load
    CLOSED = (Status.DISQUALIFIED, Status.CONVERTED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    company = models.CharField(_("customer company"), max_length=200)
    company_kana = models.CharField(
        _("company reading"),
        max_length=200,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    # Blank once anonymised (contacts_anonymised_at); the form requires the name.
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_name_kana = models.CharField(
        _("contact name reading"),
        max_length=120,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    need = models.TextField(_("need"))
    region = models.CharField(_("region (prefecture)"), max_length=2, choices=Prefecture.choices)
    product = models.ForeignKey(
        "incentives.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product interest"),
    )
    value_estimate_jpy = models.DecimalField(
        _("estimated value (JPY)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    source = models.CharField(_("lead source"), max_length=20, choices=Source.choices, default=Source.WEBSITE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # The partner holding it: offered to (status offered) or working it; None when new or unrouted.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("partner"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    disqualify_reason = models.TextField(_("reason disqualified"), blank=True)
    deal = models.OneToOneField(
        "incentives.Deal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deal registration"),
    )
    contacts_anonymised_at = models.DateTimeField(_("contact anonymised"), null=True, blank=True)
    # The key of a bulk import (imports app): a re-import of the same file changes nothing.
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = pgettext_lazy("model", "leads")
        indexes = [
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_estimate_jpy__gte=0), name="leads_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=False) | models.Q(status__in=["new", "unrouted"]),
                name="leads_held_by_a_partner",
            ),
            models.CheckConstraint(
                condition=models.Q(deal__isnull=True) | models.Q(status="converted"),
                name="leads_deal_only_when_converted",
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="lead_external_id_unique"
            ),
        ]

    def __str__(self):
        return self.company

    def save(self, *args, **kwargs):
        fill_reading(self, "company", "company_kana")
        if self.contact_name:
            fill_reading(self, "contact_name", "contact_name_kana")
        super().save(*args, **kwargs)

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class LeadOfferQuerySet(PartnerScopedQuerySet):
    pass


class LeadOffer(models.Model):
    """One offer of a lead to one partner. A partner is offered a lead at most once: after
    it declines or lets the offer expire, the rules never pick it again for that lead."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("lead", "Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Via(models.TextChoices):
        MANUAL = "manual", _("By hand")
        RULES = "rules", _("By the routing rules")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="offers", verbose_name=_("lead"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    via = models.CharField(_("offered"), max_length=10, choices=Via.choices)
    rule = models.ForeignKey(
        RoutingRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rule"),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("offered by"),
    )
    offered_at = models.DateTimeField(_("offered at"))
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason declined"), blank=True)

    objects = LeadOfferQuerySet.as_manager()

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("lead offer")
        verbose_name_plural = _("lead offers")
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["partner", "offered_at"])]
        constraints = [
            models.UniqueConstraint(fields=["lead", "partner"], name="leads_offer_once_per_partner"),
            models.UniqueConstraint(
                fields=["lead"], condition=models.Q(status="open"), name="leads_one_open_offer"
            ),
        ]

    def __str__(self):
        return f"{self.lead} → {self.partner}"


class LeadNoteQuerySet(PartnerScopedQuerySet):
    pass


class LeadNote(models.Model):
    """A note of the partner working the lead, or a status update with its note."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes", verbose_name=_("lead"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    status = models.CharField(_("new status"), max_length=20, choices=Lead.Status.choices, blank=True)
    text = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LeadNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lead note")
        verbose_name_plural = _("lead notes")

    def __str__(self):
        return f"{self.lead}: {self.get_status_display() or self.text[:40]}"
