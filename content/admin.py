from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from content import queries, services
from content.forms import AssetAdminForm
from content.models import Asset, AssetShare, AssetVersion, Collection, PublicAssetEvent, SearchLog, Tag
from prm.access.admin_display import RelatedNamesInScopeMixin
from prm.access.admin_mixins import AuditedAdminMixin, PartnerScopedAdminMixin, run_service_action


@admin.register(Collection)
class CollectionAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Tag)
class TagAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class AssetVersionInline(admin.TabularInline):
    model = AssetVersion
    extra = 0
    can_delete = False
    fields = ["number", "open_link", "file_type", "size", "uploaded_by", "note", "created_at"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def open_link(self, obj):
        url = reverse("content:staff_version_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class AssetShareInline(PartnerScopedAdminMixin, admin.TabularInline):
    model = AssetShare
    extra = 0
    fields = ["partner", "granted_by", "created_at"]
    readonly_fields = ["granted_by", "created_at"]
    autocomplete_fields = ["partner"]
    verbose_name_plural = _("shared with these partners")


@admin.register(Asset)
class AssetAdmin(RelatedNamesInScopeMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = AssetAdminForm
    list_display = ["title", "kind", "language", "status", "publish_at", "published_at", "use_count"]
    list_filter = ["status", "kind", "language", "source", "is_public", "collection"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["tags", "collection"]
    list_select_related = ["collection"]
    # Partners' counts, the anonymous public counts (prospects), and when.
    readonly_fields = [
        "view_count",
        "download_count",
        "public_views",
        "public_downloads",
        "created_at",
        "updated_at",
    ]
    inlines = [AssetShareInline, AssetVersionInline]
    actions = ["publish_now", "archive"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "summary", "kind", "language", "source", "author", "collection", "tags"]},
        ),
        (_("Body, link and file"), {"fields": ["body", "url", "upload", "version_note"]}),
        (_("Delivery"), {"fields": ["stages", "partner_types", "min_tier", "shared_only", "is_public"]}),
        (_("Publication"), {"fields": ["status", "publish_at", "published_at"]}),
        (_("Engagement"), {"fields": readonly_fields}),
    ]

    @admin.display(description=_("public views"))
    def public_views(self, obj) -> int:
        return queries.public_counts(obj).get(PublicAssetEvent.Kind.VIEW, 0) if obj.pk else 0

    @admin.display(description=_("public downloads"))
    def public_downloads(self, obj) -> int:
        return queries.public_counts(obj).get(PublicAssetEvent.Kind.DOWNLOAD, 0) if obj.pk else 0

    def save_model(self, request, obj, form, change):
        if obj.author_id is None and not change:
            obj.author = request.user
        if obj.status == Asset.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # A new asset starts in the status chosen here; afterwards status changes go through
        # the publish/archive actions (services, audited).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "status", "published_at"] if obj is not None else readonly

    def save_formset(self, request, form, formset, change):
        for share_form in formset.forms:
            if isinstance(share_form.instance, AssetShare) and share_form.instance.granted_by_id is None:
                share_form.instance.granted_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        asset = form.instance
        upload = form.cleaned_data.get("upload")
        with transaction.atomic():
            if upload:
                services.asset_version_add(
                    asset=asset,
                    upload=upload,
                    actor=request.user,
                    note=form.cleaned_data.get("version_note", ""),
                )
            services.asset_reindex(asset=asset)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda asset: services.asset_publish(asset=asset, actor=request.user),
            errors=(services.ContentError,),
            done_message=_("%(n)d assets published."),
        )

    @admin.action(description=_("Archive"), permissions=["change"])
    def archive(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda asset: services.asset_archive(asset=asset, actor=request.user),
            errors=(services.ContentError,),
            done_message=_("%(n)d assets archived."),
        )


@admin.register(SearchLog)
class SearchLogAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["query", "result_count", "partner", "created_at"]
    list_filter = ["result_count"]
    search_fields = ["query"]
    list_select_related = ["partner"]
