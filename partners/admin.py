from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from modeltranslation.admin import TranslationAdmin

from partners import services
from partners.models import (
    FAQ,
    Application,
    ApplicationEvent,
    Capability,
    IdealProfile,
    Industry,
    Invitation,
    LandingSection,
    Membership,
    Partner,
    PartnerTypeStory,
    ProgrammeStory,
    Prospect,
    ProspectActivity,
    ReferralLink,
)
from partners.scoring import reason_text
from partners.tasks import rescore_applications
from prm.access.admin_display import partner_label
from prm.access.admin_mixins import (
    AuditedAdminMixin,
    PartnerScopedAdminMixin,
    ReadOnlyTabularInline,
    SuperuserObjectPermissionsMixin,
    reason_action,
)


class PartnerUsersOnlyMixin:
    """A membership is for a partner user: staff accounts are not offered (nor accepted)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(is_staff=False, is_superuser=False)
        return formfield


class MembershipInline(PartnerUsersOnlyMixin, PartnerScopedAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Partner)
class PartnerAdmin(
    PartnerScopedAdminMixin, SuperuserObjectPermissionsMixin, GuardedModelAdminMixin, admin.ModelAdmin
):
    partner_path = "pk"
    ordering = ["name"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "partner_type",
        "status",
        "country",
        "directory_listed",
        "member_count",
        "created_at",
    ]
    list_filter = ["partner_type", "status", "country", "directory_listed", "industries"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["industries", "capabilities"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "status_reason",
        "profile_completed_at",
        "first_deal_won_at",
        "onboarding_completed_on",
    ]
    inlines = [MembershipInline]
    date_hierarchy = "created_at"
    actions = ["activate", "suspend", "reactivate", "offboard"]

    def _lifecycle(self, request, queryset, service, done_message):
        """Each partner through its lifecycle service (audited, e-mailed, signalled)."""
        done = 0
        for partner in queryset:
            try:
                service(partner=partner, actor=request.user)
                done += 1
            except services.RecruitmentError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Activate selected partners"), permissions=["change"])
    def activate(self, request, queryset):
        self._lifecycle(request, queryset, services.partner_activate, _("%(count)d partner(s) activated."))

    @admin.action(description=_("Suspend selected partners"), permissions=["change"])
    def suspend(self, request, queryset):
        self._lifecycle(request, queryset, services.partner_suspend, _("%(count)d partner(s) suspended."))

    @admin.action(description=_("Reactivate selected partners"), permissions=["change"])
    def reactivate(self, request, queryset):
        self._lifecycle(
            request, queryset, services.partner_reactivate, _("%(count)d partner(s) reactivated.")
        )

    @admin.action(description=_("Offboard selected partners"), permissions=["change"])
    def offboard(self, request, queryset):
        self._lifecycle(request, queryset, services.partner_offboard, _("%(count)d partner(s) offboarded."))

    def get_readonly_fields(self, request, obj=None):
        # The lifecycle (activate, suspend, offboard) goes through the partner services.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "status"] if obj is not None else readonly

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=Membership._meta.verbose_name_plural, ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(PartnerUsersOnlyMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "partner", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "partner__partner_type"]
    search_fields = ["user__email", "user__display_name", "partner__name"]
    autocomplete_fields = ["user", "partner"]
    list_select_related = ["user", "partner"]


class LookupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["code", "name_ja", "name_en"]


admin.site.register(Industry, LookupAdmin)
admin.site.register(Capability, LookupAdmin)


@admin.register(IdealProfile)
class IdealProfileAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "partner_type", "is_active", "updated_at"]
    list_filter = ["partner_type", "is_active"]
    search_fields = ["name", "goal"]
    filter_horizontal = ["industries", "capabilities"]
    fieldsets = [
        (None, {"fields": ["name", "goal", "is_active"]}),
        (
            _("Criteria"),
            {"fields": ["partner_type", "countries", "industries", "size_min", "size_max", "capabilities"]},
        ),
        (
            _("Weights"),
            {
                "fields": [
                    "weight_type",
                    "weight_region",
                    "weight_industry",
                    "weight_size",
                    "weight_capabilities",
                ],
                "description": _(
                    "Each criterion that is set counts with its weight; scores are scaled to 0–100."
                ),
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)

        # Open applications are rescored against the changed profiles once this commits.
        rescore_applications.delay_on_commit()


class ApplicationEventInline(ReadOnlyTabularInline):
    model = ApplicationEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "note"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "company_name",
        "partner_type",
        "country",
        "source",
        "fit_score",
        "status",
        "reviewer",
        "created_at",
    ]
    list_filter = ["status", "partner_type", "source", "country"]
    search_fields = ["company_name", "domain", "contact_email", "contact_name"]
    ordering = ["-fit_score", "-created_at"]
    list_select_related = ["reviewer"]
    date_hierarchy = "created_at"
    filter_horizontal = ["industries", "capabilities"]
    autocomplete_fields = ["reviewer"]
    readonly_fields = [
        "status",
        "domain",
        "fit_score",
        "fit_profile",
        "fit_explained",
        "referral",
        "invited_by",
        "language",
        "consent_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "partner",
        "created_at",
    ]
    inlines = [ApplicationEventInline]
    actions = ["approve_selected", "reject_selected", "rescore_selected"]

    @admin.display(description=_("referral link"))
    def referral(self, obj):
        """The link's code and owner only for staff who see the partner that owns it."""
        link = obj.referral_link
        if link is None:
            return "—"
        if link.partner_id is None:  # a staff member's own link
            return str(link)
        return partner_label(link.partner_id, str(link))

    @admin.display(description=_("fit reasons"))
    def fit_explained(self, obj):
        return "; ".join(reason_text(r) for r in obj.fit_reasons) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The fit score follows every change of the application.
        services.application_score(application=form.instance)

    @admin.action(description=_("Approve selected applications and invite their contacts"))
    def approve_selected(self, request, queryset):
        done = 0
        for application in queryset.filter(status__in=Application.OPEN_STATUSES):
            try:
                with transaction.atomic():
                    services.application_approve(application=application, actor=request.user)
                done += 1
            except services.RecruitmentError as exc:
                self.message_user(request, f"{application}: {exc}", messages.ERROR)
        self.message_user(request, _("%(count)d applications approved.") % {"count": done})

    @admin.action(description=_("Reject selected applications"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset.filter(status__in=Application.OPEN_STATUSES),
            lambda application, reason: services.application_reject(
                application=application, actor=request.user, reason=reason
            ),
            question=_("Reject these applications? The applicants are told by e-mail."),
            reason_label=_("Reason"),
            choices=Application.RejectionReason.choices,
            errors=(services.RecruitmentError,),
            done_message=_("%(n)d applications rejected."),
        )

    @admin.action(description=_("Recompute fit scores"))
    def rescore_selected(self, request, queryset):
        profiles = list(services.active_profiles())
        for application in queryset.prefetch_related("industries", "capabilities"):
            services.application_score(application=application, profiles=profiles)


@admin.register(ReferralLink)
class ReferralLinkAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "user", "partner", "clicks", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "user__email", "partner__name"]
    autocomplete_fields = ["user", "partner"]
    readonly_fields = ["clicks"]


@admin.register(Invitation)
class InvitationAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "partner", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "partner__name"]
    list_select_related = ["partner"]
    readonly_fields = [
        "partner",
        "email",
        "role",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "language",
    ]

    def has_add_permission(self, request):
        return False  # invitations are issued by the team page and by approval (they send the mail)


class ProspectActivityInline(ReadOnlyTabularInline):
    model = ProspectActivity
    fields = ["on", "kind", "actor", "from_stage", "to_stage", "note"]


@admin.register(Prospect)
class ProspectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Added, logged and invited on the staff pages (duplicate checks, stages, the e-mail);
    the admin corrects the owner, the next step and the notes."""

    list_display = ["name", "domain", "partner_type", "stage", "fit_score", "owner", "next_step_on"]
    list_filter = ["stage", "partner_type", "country"]
    search_fields = ["name", "name_kana", "domain", "contact_email"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    fields = [
        "name",
        "name_kana",
        "domain",
        "partner_type",
        "country",
        "company_size",
        "stage",
        "fit_score",
        "fit_profile",
        "fit_explained",
        "owner",
        "next_step",
        "next_step_on",
        "notes",
        "contact_name",
        "contact_email",
        "invited_at",
        "invited_by",
        "application",
        "created_at",
    ]
    readonly_fields = [
        "name",
        "name_kana",
        "domain",
        "partner_type",
        "country",
        "company_size",
        "stage",
        "fit_score",
        "fit_profile",
        "fit_explained",
        "contact_name",
        "contact_email",
        "invited_at",
        "invited_by",
        "application",
        "created_at",
    ]
    inlines = [ProspectActivityInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("fit reasons"))
    def fit_explained(self, obj):
        return "; ".join(reason_text(r) for r in obj.fit_reasons) or "—"


# --- the programme's story ------------------------------------------------------------


class StoryPreviewMixin:
    """Links to the landing page as these records make it, in each language (a staff user
    who may view the story: anyone else gets a 403)."""

    @admin.display(description=_("preview"))
    def preview_links(self, obj=None):
        url = reverse("admin:partners_programmestory_preview")
        links = format_html_join(
            " · ",
            '<a href="{}?lang={}" target="_blank" rel="noopener">{}</a>',
            [(url, "ja", _("Landing page in Japanese")), (url, "en", _("Landing page in English"))],
        )
        # The public landing page is shared by every visitor for a minute (prm.views.home).
        note = _("Visitors see saved changes within a minute; the preview shows them at once.")
        return format_html('{}<div class="help">{}</div>', links, note)


@admin.register(ProgrammeStory)
class ProgrammeStoryAdmin(StoryPreviewMixin, AuditedAdminMixin, TranslationAdmin):
    fields = [
        "preview_links",
        "hero_title",
        "hero_lead",
        "apply_intro",
        "benefits_title",
        "benefits",
        "onboarding_days",
        "referral_share_percent",
    ]
    readonly_fields = ["preview_links"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ProgrammeStory.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the pages need it: edit it instead

    def get_urls(self):
        preview = path(
            "preview/", self.admin_site.admin_view(self.preview), name="partners_programmestory_preview"
        )
        return [preview, *super().get_urls()]

    def preview(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        language = request.GET.get("lang") if request.GET.get("lang") in ("ja", "en") else "ja"
        with translation.override(language):
            response = render(request, "prm/landing.html", {"preview": True})
        response.headers["Content-Language"] = language
        return response


@admin.register(PartnerTypeStory)
class PartnerTypeStoryAdmin(StoryPreviewMixin, AuditedAdminMixin, TranslationAdmin):
    list_display = ["__str__", "position"]
    fields = ["preview_links", "partner_type", "position", "landing_text", "audience", "benefits"]
    readonly_fields = ["preview_links"]


class LandingPartAdmin(StoryPreviewMixin, AuditedAdminMixin, TranslationAdmin):
    """A section or an FAQ: its two texts, ordered and shown or hidden from the list."""

    texts: tuple[str, str]
    list_editable = ["position", "is_published"]
    readonly_fields = ["preview_links"]

    def get_fields(self, request, obj=None):
        return ["preview_links", *self.texts, "position", "is_published"]


@admin.register(LandingSection)
class LandingSectionAdmin(LandingPartAdmin):
    texts = ("title", "body")
    list_display = ["title", "position", "is_published"]


@admin.register(FAQ)
class FAQAdmin(LandingPartAdmin):
    texts = ("question", "answer")
    list_display = ["question", "position", "is_published"]
