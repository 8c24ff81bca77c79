"""Marketplace listings in the admin: read-only records under the partner scope. Listings
change through the partner's pages and the staff review page (marketplace.services), where
each state is guarded, audited and notified, so the admin never edits them."""

from django.contrib import admin

from marketplace.models import Listing, Screenshot
from prm.access.admin_mixins import PartnerScopedAdminMixin, ReadOnlyAdminMixin, ReadOnlyTabularInline


class ScreenshotInline(ReadOnlyTabularInline):
    model = Screenshot
    fields = ["caption", "content_type", "size", "created_at"]


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "partner", "status", "pricing_model", "submitted_at", "published_at"]
    list_filter = ["status", "pricing_model"]
    search_fields = ["name_ja", "name_en", "partner__name"]
    list_select_related = ["partner"]
    inlines = [ScreenshotInline]
