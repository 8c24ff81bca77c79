from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from partners.models import Membership, Partner


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Partner)
class PartnerAdmin(GuardedModelAdmin):
    list_display = ["name", "partner_type", "status", "country", "member_count", "created_at"]
    list_filter = ["partner_type", "status", "country"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=Membership._meta.verbose_name_plural, ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "partner__partner_type"]
    search_fields = ["user__email", "user__display_name", "partner__name"]
    autocomplete_fields = ["user", "partner"]
    list_select_related = ["user", "partner"]
