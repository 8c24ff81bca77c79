from django.contrib import admin
from django.db.models import Q

from leads import services
from leads.models import Lead, LeadNote, LeadOffer, RoutingRule
from prm.access.admin_mixins import AuditedAdminMixin, PartnerScopedAdminMixin, ReadOnlyTabularInline
from prm.access.scoping import sees_every_partner
from prm.tenancy import partners_for_staff


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "order",
        "name",
        "is_active",
        "region",
        "partner_type",
        "min_tier",
        "certification",
        "max_open_leads",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active", "partner_type", "region"]
    filter_horizontal = ["partners"]


class OfferInline(ReadOnlyTabularInline):
    model = LeadOffer
    fields = ["partner", "via", "rule", "offered_at", "due_at", "status", "decided_at", "reason"]


class NoteInline(ReadOnlyTabularInline):
    model = LeadNote
    fields = ["created_at", "author", "status", "text"]


@admin.register(Lead)
class LeadAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    """Leads of the manager's partners, and the unassigned ones they may see (the staff
    pages' rule, leads.queries.staff_leads). New leads go through the service (audited);
    offers and answers happen on the staff and partner pages."""

    list_display = ["company", "region", "status", "partner", "created_by", "created_at"]
    list_filter = ["status", "region", "source"]
    search_fields = ["company", "company_kana"]
    inlines = [OfferInline, NoteInline]
    fields = [
        "company",
        "company_kana",
        "contact_name",
        "contact_name_kana",
        "contact_email",
        "contact_phone",
        "need",
        "region",
        "product",
        "value_estimate_jpy",
        "source",
        "status",
        "partner",
        "assigned_to",
        "deal",
        "disqualify_reason",
        "contacts_anonymised_at",
    ]
    readonly_fields = [
        "status",
        "partner",
        "assigned_to",
        "deal",
        "disqualify_reason",
        "contacts_anonymised_at",
    ]

    def scope_queryset(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        visible = partners_for_staff(request.user)
        if sees_every_partner(visible):
            return queryset
        return queryset.filter(
            Q(partner__in=visible.values("pk")) | Q(partner__isnull=True, created_by=request.user)
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = {name: form.cleaned_data[name] for name in form.cleaned_data if name in self.fields}
        created = services.lead_create(actor=request.user, data=data)
        obj.pk = created.pk
        obj.refresh_from_db()
