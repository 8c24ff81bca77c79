from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from partners.validators import validate_logo
from prm.cache import pagecache
from prm.i18n.kana import fill_reading
from prm.models import PartnerScopedQuerySet
from prm.text.weburl import WebURLField, web_url_constraint


def with_name_reading(company, save_kwargs: dict) -> dict:
    """Fill `name_kana` from `name` before a save (a partner's or a prospect's), and save it
    with the name when only some fields are saved."""
    fill_reading(company, "name", "name_kana")
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "name" in update_fields:
        return {**save_kwargs, "update_fields": {*update_fields, "name_kana"}}
    return save_kwargs


class PartnerType(models.TextChoices):
    """The three kinds of partner from the domain source (販売拡大 / 配送と実装 / ソリューション・サポート・メンテナンス)."""

    SALES = "sales", _("Sales expansion")
    DELIVERY = "delivery", _("Delivery & implementation")
    SOLUTION = "solution", _("Solution, support & maintenance")


class CompanySize(models.TextChoices):
    """Head-count bands; the codes sort in size order (used for profile ranges)."""

    S1 = "1", _("1–9 employees")
    S2 = "2", _("10–49 employees")
    S3 = "3", _("50–249 employees")
    S4 = "4", _("250–999 employees")
    S5 = "5", _("1,000 or more employees")


class LookupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Lookup(models.Model):
    """An admin-managed list entry with a Japanese and an English name."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = LookupQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_ja if translation.get_language() == "ja" else self.name_en


class Industry(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class Capability(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")


class Stage(models.TextChoices):
    """Where a partner is in its life with us (content, reminders and the home use it)."""

    ONBOARDING = "onboarding", _("Onboarding")
    SELLING = "selling", _("Selling")
    SERVICING = "servicing", _("Servicing")


class PartnerQuerySet(models.QuerySet):
    def for_partner(self, partner):
        return self.filter(pk=partner.pk)

    def in_portal(self):
        return self.filter(status__in=Partner.PORTAL_STATUSES)

    def in_directory(self):
        return self.filter(status=Partner.Status.ACTIVE, directory_listed=True)

    def with_stage(self):
        """Annotate `stage_code` with the same rule as `Partner.stage`, for set-based reads."""
        return self.annotate(
            stage_code=models.Case(
                models.When(status=Partner.Status.ONBOARDING, then=models.Value(Stage.ONBOARDING)),
                models.When(
                    models.Q(first_deal_won_at__isnull=False) | models.Q(partner_type=PartnerType.SOLUTION),
                    then=models.Value(Stage.SERVICING),
                ),
                default=models.Value(Stage.SELLING),
                output_field=models.CharField(),
            )
        )


class Partner(models.Model):
    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        OFFBOARDED = "offboarded", _("Offboarded")
        INACTIVE = "inactive", _("Inactive")

    # Statuses whose users may use the portal.
    PORTAL_STATUSES = (Status.ONBOARDING, Status.ACTIVE)
    # Statuses whose members keep their membership but see the suspended page.
    SUSPENDED_STATUSES = (Status.SUSPENDED,)

    name = models.CharField(_("company name"), max_length=200)
    name_kana = models.CharField(
        _("company name reading"),
        max_length=200,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONBOARDING, db_index=True
    )
    country = CountryField(_("country"), blank=True)
    website = WebURLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True, validators=[validate_logo])
    description = models.TextField(_("company description"), blank=True)
    regions = CountryField(_("regions served"), multiple=True, blank=True)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="partners", verbose_name=_("industries")
    )
    capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="partners", verbose_name=_("capabilities")
    )
    company_size = models.CharField(_("company size"), max_length=2, choices=CompanySize.choices, blank=True)
    directory_listed = models.BooleanField(
        _("listed in the partner directory"),
        default=False,
        help_text=_("Show the company in the public partner directory while it is active."),
    )
    profile_completed_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    first_deal_won_at = models.DateField(
        _("first deal won"), null=True, blank=True, help_text=_("Set by the first won deal; moves the stage.")
    )
    onboarding_completed_on = models.DateField(
        _("onboarding completed on"),
        null=True,
        blank=True,
        help_text=_("Set when the partner's first onboarding plan is completed; tier thresholds read it."),
    )
    # The vendor's own id for the company (its CRM's), the key a bulk import matches on.
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("manage_partner", _("Can manage this partner (channel manager)"))]
        indexes = [
            models.Index(fields=["partner_type", "status"]),
            models.Index(fields=["status", "directory_listed", "country"], name="partners_directory_idx"),
        ]
        constraints = [
            web_url_constraint("website", name="partner_website_web_url"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="partner_external_id_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **with_name_reading(self, kwargs))

    @property
    def in_portal(self) -> bool:
        return self.status in self.PORTAL_STATUSES

    @property
    def stage(self) -> str:
        """The partner's stage, from its own columns (no query): onboarding until it is
        activated, servicing once it has won a deal (or is a solution partner), else selling.
        `PartnerQuerySet.with_stage()` is the same rule in SQL."""
        if self.status == self.Status.ONBOARDING:
            return Stage.ONBOARDING
        if self.first_deal_won_at is not None or self.partner_type == PartnerType.SOLUTION:
            return Stage.SERVICING
        return Stage.SELLING

    def profile_missing(self, present: dict | None = None) -> list[str]:
        """Labels of the profile fields still empty (the profile is complete when none are).

        `present` ({"has_industries", "has_capabilities"}, e.g. `queries.partner_facts`)
        spares the query for the two relations."""
        missing = []
        for field in ("description", "logo", "website", "regions"):
            if not getattr(self, field):
                missing.append(str(self._meta.get_field(field).verbose_name))
        if self.pk and present is None:
            # Both relations in one query.
            present = (
                type(self)
                .objects.filter(pk=self.pk)
                .values(
                    has_industries=models.Exists(self.industries.through.objects.filter(partner_id=self.pk)),
                    has_capabilities=models.Exists(
                        self.capabilities.through.objects.filter(partner_id=self.pk)
                    ),
                )
                .first()
                or {}
            )
        if self.pk:
            for field in ("industries", "capabilities"):
                if not present.get(f"has_{field}"):
                    missing.append(str(self._meta.get_field(field).verbose_name))
        return missing


class MembershipQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


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


# --- Recruitment ----------------------------------------------------------------------


class IdealProfile(models.Model):
    """What a good partner for one partnership goal looks like, with a weight per criterion."""

    name = models.CharField(_("name"), max_length=120)
    goal = models.TextField(_("partnership goal"), blank=True)
    partner_type = models.CharField(
        _("target partner type"), max_length=20, choices=PartnerType.choices, blank=True
    )
    countries = CountryField(_("regions / countries"), multiple=True, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="+", verbose_name=_("industries"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="+", verbose_name=_("required capabilities")
    )
    size_min = models.CharField(
        _("smallest company size"), max_length=2, choices=CompanySize.choices, blank=True
    )
    size_max = models.CharField(
        _("largest company size"), max_length=2, choices=CompanySize.choices, blank=True
    )
    weight_type = models.PositiveSmallIntegerField(_("weight: partner type"), default=30)
    weight_region = models.PositiveSmallIntegerField(_("weight: region"), default=20)
    weight_industry = models.PositiveSmallIntegerField(_("weight: industry"), default=20)
    weight_size = models.PositiveSmallIntegerField(_("weight: company size"), default=10)
    weight_capabilities = models.PositiveSmallIntegerField(_("weight: capabilities"), default=20)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ideal partner profile")
        verbose_name_plural = _("ideal partner profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_min="") | Q(size_max="") | Q(size_min__lte=models.F("size_max")),
                name="partners_profile_size_range",
            )
        ]

    def __str__(self):
        return self.name


def best_profile_field():
    """The ideal profile an application or a prospect fits best (partners.scoring)."""
    return models.ForeignKey(
        IdealProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("best-matching profile"),
    )


def inviting_user_field():
    """The manager whose invitation brought a prospect or its application."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )


class ReferralLinkQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"


class ReferralLink(models.Model):
    """A personal link /r/<code>/ of a staff user or a partner company."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="referral_link",
        verbose_name=_("staff user"),
    )
    partner = models.OneToOneField(
        Partner,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="referral_link",
        verbose_name=_("partner"),
    )
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReferralLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, partner__isnull=False)
                | Q(user__isnull=False, partner__isnull=True),
                name="partners_referral_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.owner_name})"

    @property
    def owner_name(self) -> str:
        return str(self.partner) if self.partner_id else str(self.user)

    @property
    def path(self) -> str:
        return reverse("partners:referral", kwargs={"code": self.code})

    @property
    def absolute_url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"

    def cache_scopes(self) -> list[str]:
        """A staff member's link is their own (prm.cache.pagecache.audited), not the catalogue's."""
        return [pagecache.person(self.user_id)] if self.user_id else []


class Source(models.TextChoices):
    """How an applicant heard of us (the domain source: referrals 44%, then RFPs, past work...)."""

    REFERRAL = "referral", _("Referral")
    RFP = "rfp", _("RFP / tender")
    PAST_WORK = "past_work", _("Past work together")
    EVENT = "event", _("Trade show or event")
    FRIENDS = "friends", _("Friends and family")
    WEB = "web", _("Web search")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")
    # Not offered on the public form: set when the applicant came through a manager's invitation.
    OUTBOUND = "outbound", _("Outbound (invited by a manager)")


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("application", "Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class RejectionReason(models.TextChoices):
        FIT = "fit", _("Not the right fit for our programme at this time")
        REGION = "region", _("We are not recruiting in your region yet")
        CAPACITY = "capacity", _("Our programme is at capacity for this partner type")
        INFO = "info", _("We could not verify the information provided")
        OTHER = "other", _("Other reason")

    OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
    DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED)

    company_name = models.CharField(_("company name"), max_length=200)
    company_name_kana = models.CharField(
        _("company name reading"),
        max_length=200,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    website = WebURLField(_("website"))
    domain = models.CharField(_("company domain"), max_length=253, db_index=True, editable=False)
    country = CountryField(_("country"))
    company_size = models.CharField(_("company size"), max_length=2, choices=CompanySize.choices)
    industries = models.ManyToManyField(Industry, related_name="applications", verbose_name=_("industries"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="applications", verbose_name=_("capabilities")
    )
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_name_kana = models.CharField(
        _("contact person reading"),
        max_length=150,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    source = models.CharField(_("how they heard of us"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(_("source details"), max_length=200, blank=True)
    referral_link = models.ForeignKey(
        ReferralLink,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("referral link"),
    )
    invited_by = inviting_user_field()
    # The code of promotion's tracked link that brought the applicant (a first-party cookie
    # set with consent): a plain value, so that partners needs nothing from promotion.
    channel_code = models.CharField(
        _("channel link"), max_length=20, blank=True, default="", db_default="", db_index=True, editable=False
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    consent_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned reviewer"),
    )
    fit_score = models.PositiveSmallIntegerField(_("fit score"), default=0, db_index=True)
    fit_profile = best_profile_field()
    fit_reasons = models.JSONField(_("fit reasons"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    partner = models.OneToOneField(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
        verbose_name=_("partner"),
    )
    created_at = models.DateTimeField(_("applied"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        constraints = [
            # One open application per company domain: a duplicate is refused politely.
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(status__in=["submitted", "in_review"]),
                name="partners_one_open_application_per_domain",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["approved", "rejected"], decided_at__isnull=False)
                | ~Q(status__in=["approved", "rejected"]),
                name="partners_decided_has_time",
            ),
            models.CheckConstraint(condition=Q(fit_score__lte=100), name="partners_fit_score_max_100"),
            web_url_constraint("website", name="application_website_web_url"),
        ]
        indexes = [
            models.Index(fields=["source", "created_at"]),
            models.Index(fields=["partner_type", "created_at"]),
        ]

    def __str__(self):
        return f"{self.company_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        fill_reading(self, "company_name", "company_name_kana")
        fill_reading(self, "contact_name", "contact_name_kana")
        super().save(*args, **kwargs)

    def cache_scopes(self) -> list[str]:
        """Further cache scopes an audited change of this application bumps
        (prm.cache.pagecache.audited): its referrer's partner, whose referral card counts it."""
        if self.referral_link_id is None:
            return []
        link = ReferralLink.objects.filter(pk=self.referral_link_id).values_list("partner_id", flat=True)
        return [pagecache.partner(pk) for pk in link if pk is not None]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.created_at).days


class ApplicationEvent(models.Model):
    """Every transition, note and assignment of an application, with actor and time."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        NOTE = "note", _("Note")
        ASSIGNED = "assigned", _("Reviewer assigned")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Application.Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application_id} {self.kind} {self.to_status}"


class InvitationQuerySet(PartnerScopedQuerySet):
    partner_lookup = "partner"

    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None)


class Invitation(models.Model):
    """A single-use invitation to join a partner; only the SHA-256 of the token is stored."""

    VALID_DAYS = 14

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("partner")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    invited_by = inviting_user_field()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                models.F("partner"),
                models.functions.Lower("email"),
                condition=Q(accepted_at=None, revoked_at=None),
                name="partners_one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.partner}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"

    def get_state_display(self) -> str:
        return {
            "accepted": pgettext_lazy("invitation", "Accepted"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "pending": pgettext_lazy("invitation", "Pending"),
        }[self.state]


# --- Prospects (outbound recruitment) -------------------------------------------------


class Prospect(models.Model):
    """A company a manager found and means to recruit, scored like an application.

    It lives beside the applications because it ends in one: the invitation's signed link
    pre-fills the public form, and the submitted application moves the prospect along.
    """

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        CONTACTED = "contacted", _("Contacted")
        INTERESTED = "interested", _("Interested")
        INVITED = "invited", _("Invited to apply")
        APPLIED = "applied", pgettext_lazy("prospect", "Applied")
        PARTNER = "partner", _("Became a partner")
        DECLINED = "declined", pgettext_lazy("prospect", "Declined")

    # Stages a manager sets by hand; the others follow the invitation and the application.
    MANUAL_STAGES = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.INTERESTED, Stage.DECLINED)
    OPEN_STAGES = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.INTERESTED, Stage.INVITED)

    name = models.CharField(_("company name"), max_length=200)
    name_kana = models.CharField(
        _("company name reading"),
        max_length=200,
        blank=True,
        help_text=_("Katakana. Suggested from the name when left empty; used for sorting in Japanese order."),
    )
    domain = models.CharField(_("company domain"), max_length=253, unique=True)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    country = CountryField(_("country"), default="JP")
    company_size = models.CharField(_("company size"), max_length=2, choices=CompanySize.choices, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="+", verbose_name=_("industries"))
    capabilities = models.ManyToManyField(
        Capability, blank=True, related_name="+", verbose_name=_("capabilities")
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ja")
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("prospect", "owner"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED, db_index=True
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step date"), null=True, blank=True, db_index=True)
    fit_score = models.PositiveSmallIntegerField(_("fit score"), default=0)
    fit_profile = best_profile_field()
    fit_reasons = models.JSONField(_("fit reasons"), default=list, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invited_by = inviting_user_field()
    invitation_message = models.TextField(_("personal message"), blank=True)
    application = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prospect",
        verbose_name=_("application"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [
            models.CheckConstraint(condition=Q(fit_score__lte=100), name="partners_prospect_fit_max_100"),
            models.CheckConstraint(
                condition=~Q(stage="invited") | Q(invited_at__isnull=False),
                name="partners_prospect_invited_has_time",
            ),
        ]
        indexes = [models.Index(fields=["owner", "stage"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **with_name_reading(self, kwargs))

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    @property
    def next_step_overdue(self) -> bool:
        return bool(self.is_open and self.next_step_on and self.next_step_on < timezone.localdate())


class ProspectActivity(models.Model):
    """A dated note, stage change or invitation on a prospect."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STAGE = "stage", _("Stage change")
        INVITED = "invited", _("Invitation sent")

    prospect = models.ForeignKey(
        Prospect, on_delete=models.CASCADE, related_name="activities", verbose_name=_("prospect")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Prospect.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Prospect.Stage.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-on", "-created_at", "-id"]
        verbose_name = _("prospect activity")
        verbose_name_plural = _("prospect activities")

    def __str__(self):
        return f"{self.prospect_id} {self.kind} {self.on}"


# --- The programme's story (public pages) ---------------------------------------------


class StoryText:
    """Figures the texts may name: {onboarding_days} and {referral_share} are replaced with
    the programme story's figures when shown (a figure is edited once, everywhere)."""

    TOKENS_HELP = _("You may write {onboarding_days} and {referral_share} where the figures belong.")

    @staticmethod
    def fill(text: str, story: "ProgrammeStory | None") -> str:
        if story is None:
            return text
        return text.replace("{onboarding_days}", str(story.onboarding_days)).replace(
            "{referral_share}", str(story.referral_share_percent)
        )


class ProgrammeStory(models.Model):
    """The programme as the public pages tell it: one record (pk 1), bilingual, in the admin."""

    hero_title = models.CharField(_("landing page title"), max_length=120)
    hero_lead = models.TextField(_("landing page introduction"), help_text=StoryText.TOKENS_HELP)
    apply_intro = models.TextField(_("application page introduction"), help_text=StoryText.TOKENS_HELP)
    benefits_title = models.CharField(_("benefits heading"), max_length=120)
    benefits = models.TextField(
        _("what partners get"),
        help_text=_("One benefit per line, shown beside the application form."),
    )
    onboarding_days = models.PositiveSmallIntegerField(
        _("onboarding target (days)"), default=60, help_text=_("The domain source's expectation: 60 days.")
    )
    referral_share_percent = models.PositiveSmallIntegerField(
        _("share of partners from referrals (%)"), default=44
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("programme story")
        verbose_name_plural = _("programme story")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="partners_programme_story_single"),
            models.CheckConstraint(
                condition=Q(referral_share_percent__lte=100), name="partners_story_referral_share_max_100"
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    def filled(self, field: str) -> str:
        return StoryText.fill(getattr(self, field), self)

    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.filled("benefits").splitlines() if line.strip()]


class PartnerTypeStory(models.Model):
    """What one partner type is for and what it gets, on the landing and application pages."""

    partner_type = models.CharField(
        _("partner type"), max_length=20, choices=PartnerType.choices, unique=True
    )
    landing_text = models.TextField(_("landing page text"), help_text=StoryText.TOKENS_HELP)
    audience = models.TextField(
        _("who it is for"), help_text=_("Shown under the type on the application form.")
    )
    benefits = models.TextField(_("benefits"), help_text=_("One benefit per line."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "partner_type"]
        verbose_name = _("partner type story")
        verbose_name_plural = _("partner type stories")

    def __str__(self):
        return str(self.get_partner_type_display())

    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.benefits.splitlines() if line.strip()]


class LandingPart(models.Model):
    """A part of the landing page a manager adds, orders and hides."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("shown on the landing page"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class LandingSection(LandingPart):
    """A further section of the public landing page (under the partner types)."""

    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), help_text=StoryText.TOKENS_HELP)

    class Meta(LandingPart.Meta):
        verbose_name = _("landing page section")
        verbose_name_plural = _("landing page sections")

    def __str__(self):
        return self.title


class FAQ(LandingPart):
    """A question prospects ask, answered on the landing page."""

    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), help_text=StoryText.TOKENS_HELP)

    class Meta(LandingPart.Meta):
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self):
        return self.question
