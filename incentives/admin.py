from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from incentives import services, tasks
from incentives.models import (
    Deal,
    Earning,
    IncentiveProgram,
    PartnerTierState,
    Product,
    ProtectionExtension,
    RecomputationRun,
    Statement,
    Tier,
    TierChange,
)
from prm.access.admin_mixins import AuditedAdminMixin, PartnerScopedAdminMixin


@admin.action(description=_("Recompute tiers now"))
def recompute_now(modeladmin, request, queryset):
    tasks.recompute_tiers.delay_on_commit(actor_id=request.user.pk)
    modeladmin.message_user(
        request, _("Tier recomputation has been started for every partner."), messages.SUCCESS
    )


@admin.register(Tier)
class TierAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = [
        "rank",
        "name",
        "min_won_revenue",
        "min_won_deals",
        "min_certified_people",
        "requires_onboarding",
        "discount_percent",
        "protection_days",
        "support_level",
    ]
    list_display_links = ["name"]
    actions = [recompute_now]
    fieldsets = [
        (None, {"fields": ["name", "rank"]}),
        (
            _("Thresholds (rolling 12 months)"),
            {
                "fields": [
                    "min_won_revenue",
                    "min_won_deals",
                    "min_certified_people",
                    "min_converted_leads",
                    "requires_onboarding",
                    "requires_approved_plan",
                ]
            },
        ),
        (
            _("Revenue from deals credited to the partner"),
            {"fields": ["influenced_weight", "delivered_weight"]},
        ),
        (
            _("Benefits"),
            {"fields": ["discount_percent", "protection_days", "mdf_budget", "support_level", "perks"]},
        ),
        (_("Protection extensions"), {"fields": ["max_extensions", "extension_grace_days"]}),
    ]


@admin.register(Product)
class ProductAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_ja", "name_en"]


def _review(modeladmin, request, queryset, *, approve: bool):
    """Intermediate page asking for a reason, then the same service as the staff pages."""
    if "apply" in request.POST:
        reason = request.POST.get("reason", "").strip()
        if not approve and not reason:
            modeladmin.message_user(request, _("Give a reason for the rejection."), messages.ERROR)
            return None
        done = 0
        for deal in queryset.filter(status=Deal.Status.SUBMITTED):
            if approve:
                services.deal_approve(deal=deal, actor=request.user, reason=reason)
            else:
                services.deal_reject(deal=deal, actor=request.user, reason=reason)
            done += 1
        modeladmin.message_user(
            request,
            ngettext("%(n)d registration decided.", "%(n)d registrations decided.", done) % {"n": done},
        )
        return None
    return TemplateResponse(
        request,
        "incentives/admin/review_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Approve registrations") if approve else _("Reject registrations"),
            "deals": queryset,
            "action": request.POST["action"],
            "approve": approve,
            "opts": modeladmin.model._meta,
        },
    )


@admin.action(description=_("Approve selected registrations"))
def approve_deals(modeladmin, request, queryset):
    return _review(modeladmin, request, queryset, approve=True)


@admin.action(description=_("Reject selected registrations"))
def reject_deals(modeladmin, request, queryset):
    return _review(modeladmin, request, queryset, approve=False)


@admin.register(Deal)
class DealAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "customer_company",
        "partner",
        "product",
        "amount",
        "currency",
        "status",
        "stage",
        "has_conflict",
        "protected_until",
        "created_at",
    ]
    list_filter = ["status", "stage", "has_conflict", "product"]
    search_fields = ["customer_company", "customer_domain", "company_key", "partner__name"]
    date_hierarchy = "created_at"
    actions = [approve_deals, reject_deals]
    list_select_related = ["partner", "product"]
    # Decisions go through the review actions (audited); the record itself is read-only here.
    readonly_fields = [f.name for f in Deal._meta.fields] + ["company_key", "conflicting_deals"]

    def has_add_permission(self, request):
        return False


@admin.register(PartnerTierState)
class PartnerTierStateAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "partner",
        "tier",
        "qualified_tier",
        "tier_since",
        "downgrade_pending_since",
        "won_revenue",
        "won_deals",
        "certified_people",
        "converted_leads",
        "onboarding_completed",
        "plan_approved_until",
        "leaderboard_opt_in",
    ]
    list_filter = ["tier", "onboarding_completed", "leaderboard_opt_in"]
    search_fields = ["partner__name"]
    actions = [recompute_now]
    readonly_fields = [f.name for f in PartnerTierState._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ProtectionExtension)
class ProtectionExtensionAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    """Read-only: requests are made and decided through the services (the deal page and the
    staff queue at /staff/deals/extensions/), which lock the deal and check the tier's limits."""

    list_display = [
        "created_at",
        "partner",
        "deal",
        "status",
        "protected_until_before",
        "protected_until_after",
    ]
    list_filter = ["status"]
    search_fields = ["partner__name", "deal__customer_company"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ProtectionExtension._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TierChange)
class TierChangeAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["effective_on", "partner", "kind", "from_tier", "to_tier", "downgrade_on", "notified_at"]
    list_filter = ["kind", "to_tier"]
    search_fields = ["partner__name"]
    date_hierarchy = "effective_on"
    readonly_fields = [f.name for f in TierChange._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RecomputationRun)
class RecomputationRunAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "as_of", "partners", "changes", "triggered_by"]
    actions = [recompute_now]
    readonly_fields = ["as_of", "started_at", "partners", "changes", "triggered_by"]

    def has_add_permission(self, request):
        return False


@admin.register(IncentiveProgram)
class IncentiveProgramAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "kind", "starts_on", "ends_on", "amount", "percent", "bonus_tier", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_ja", "name_en"]
    filter_horizontal = ["eligible_tiers", "eligible_products"]
    actions = ["compute_this_month"]

    @admin.action(description=_("Compute earnings for this month now"))
    def compute_this_month(self, request, queryset):
        result = services.earnings_compute(period=timezone.localdate(), actor=request.user)
        self.message_user(
            request, _("Earnings computed: %(n)s statements updated.") % {"n": result["statements"]}
        )


class EarningInline(PartnerScopedAdminMixin, admin.TabularInline):
    partner_path = "statement__partner"

    model = Earning
    extra = 0
    can_delete = False
    readonly_fields = ["program", "deal", "tier_change", "basis", "amount"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "period", "status", "total", "approved_at", "paid_at"]
    list_filter = ["status", "period"]
    search_fields = ["partner__name"]
    inlines = [EarningInline]
    readonly_fields = ["partner", "period", "status", "total", "approved_at", "approved_by", "paid_at"]
    # Paying is not an admin action: payouts pays approved statements (a transfer file, then its
    # paid step calls services.statement_mark_paid).
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Approve selected statements"))
    def approve(self, request, queryset):
        n = 0
        for statement in queryset.filter(status=Statement.Status.DRAFT):
            services.statement_approve(statement=statement, actor=request.user)
            n += 1
        self.message_user(
            request, ngettext("%(n)d statement approved.", "%(n)d statements approved.", n) % {"n": n}
        )
