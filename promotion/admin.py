from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from partners.models import PartnerType
from prm.access.admin_display import RelatedNamesInScopeMixin
from prm.access.admin_mixins import (
    AudienceWideningAdminMixin,
    AuditedAdminMixin,
    PartnerScopedAdminMixin,
)
from prm.tenancy import partners_for_staff
from promotion.models import (
    Announcement,
    Campaign,
    CampaignEvent,
    CampaignParticipation,
    ChannelLink,
    CobrandedFile,
    OverviewVideo,
)


def partner_types_field():
    return forms.TypedMultipleChoiceField(
        label=_("partner types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Empty: every partner type."),
    )


class CampaignForm(forms.ModelForm):
    partner_types = partner_types_field()

    class Meta:
        model = Campaign
        fields = ["partner_types"]


class AnnouncementForm(forms.ModelForm):
    partner_types = partner_types_field()

    class Meta:
        model = Announcement
        fields = ["partner_types"]


class ParticipationInline(admin.TabularInline):
    model = CampaignParticipation
    extra = 0
    fields = ["partner", "opted_in_at", "opted_out_at", "code", "landing_url"]
    readonly_fields = ["partner", "opted_in_at", "opted_out_at", "code"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(partner__in=partners_for_staff(request.user))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(
    AudienceWideningAdminMixin, RelatedNamesInScopeMixin, AuditedAdminMixin, TranslationAdmin
):
    form = CampaignForm
    # Empty means everyone: a save that empties or widens these asks first.
    audience_rules = {"partner_types": "choices", "min_tier": "rank", "named_partners": "named"}
    list_display = ["name", "kind", "status", "starts_on", "ends_on", "budget"]
    list_filter = ["status", "kind"]
    search_fields = ["name_ja", "name_en"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["named_partners", "assets"]
    inlines = [ParticipationInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "description", "goal", "kind", "status", "starts_on", "ends_on", "budget"]},
        ),
        (_("For partners"), {"fields": ["partner_benefits", "partner_expectations"]}),
        (_("Audience"), {"fields": ["partner_types", "min_tier", "named_partners"]}),
        (_("Kit"), {"fields": ["assets", "email_subject", "email_body", "social_text", "landing_url"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "named_partners":
            kwargs["queryset"] = partners_for_staff(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def audience_live(self, form) -> bool:
        return form.cleaned_data.get("status", form.instance.status) == Campaign.Status.PUBLISHED


@admin.register(Announcement)
class AnnouncementAdmin(AudienceWideningAdminMixin, AuditedAdminMixin, TranslationAdmin):
    form = AnnouncementForm
    audience_rules = {"partner_types": "choices"}
    list_display = ["title", "starts_at", "ends_at", "is_published"]
    list_filter = ["is_published"]
    fields = ["title", "body", "image", "link_url", "starts_at", "ends_at", "partner_types", "is_published"]

    def audience_live(self, form) -> bool:
        return bool(form.cleaned_data.get("is_published", form.instance.is_published))


@admin.register(OverviewVideo)
class OverviewVideoAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["title", "is_active", "created_at"]
    fields = ["title", "video_file", "external_url", "poster", "chapters", "transcript", "is_active"]


@admin.register(CobrandedFile)
class CobrandedFileAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "asset_version", "status", "ready_at"]
    list_filter = ["status"]
    readonly_fields = ["partner", "asset_version", "file", "ready_at", "error"]

    def has_add_permission(self, request):
        return False


@admin.register(CampaignEvent)
class CampaignEventAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["campaign", "partner", "kind", "created_at"]
    list_filter = ["kind", "campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChannelLink)
class ChannelLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Tracked links per channel, post or event: what the vendor shares to reach prospects.
    Their funnel is the dashboard's "Prospect awareness by channel" block."""

    list_display = ["name", "channel", "post", "target", "tracked_link", "visits", "is_active", "created_at"]
    list_filter = ["channel", "target", "is_active"]
    search_fields = ["name", "post", "code"]
    autocomplete_fields = ["asset"]
    readonly_fields = ["tracked_link", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "channel", "post", "target", "asset", "is_active"]}),
        (
            _("UTM parameters"),
            {
                "fields": ["utm_source", "utm_medium", "utm_campaign", "utm_content"],
                "description": _("Added to the address the link leads to, for your web analytics."),
            },
        ),
        (_("Tracked link"), {"fields": ["tracked_link", "created_by", "created_at"]}),
    ]

    def get_queryset(self, request):
        visits = Count("events", filter=Q(events__kind="visit"))
        return super().get_queryset(request).annotate(visit_count=visits)

    @admin.display(description=_("tracked link"))
    def tracked_link(self, obj) -> str:
        if not obj.pk:
            return str(_("Shown once saved."))
        return format_html('<code data-testid="channel-link-url">{}</code>', obj.tracked_url())

    @admin.display(description=_("link visits"), ordering="visit_count")
    def visits(self, obj) -> int:
        return obj.visit_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
