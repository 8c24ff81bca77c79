"""Business plans in the admin: read-only records under the partner scope. Plans change
through the services (the partner's and the staff's plan pages): states, sign-offs and the
tier requirement they feed are audited there, so the admin never edits them."""

from django.contrib import admin

from plans.models import BusinessPlan, PlanActivity, PlanGoal, PlanReview
from prm.access.admin_mixins import PartnerScopedAdminMixin, ReadOnlyAdminMixin, ReadOnlyTabularInline


class ReadOnlyAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    """Plans' records change only through the plan pages' services."""


class GoalInline(ReadOnlyTabularInline):
    model = PlanGoal
    fields = ["kind", "target", "q1", "q2", "q3", "q4"]


class ActivityInline(ReadOnlyTabularInline):
    model = PlanActivity
    fields = ["title", "owner", "due_on", "status", "fund_request", "campaign"]


@admin.register(BusinessPlan)
class BusinessPlanAdmin(ReadOnlyAdmin):
    list_display = ["partner", "fiscal_year", "status", "submitted_at", "approved_at"]
    list_filter = ["fiscal_year", "status"]
    search_fields = ["partner__name"]
    list_select_related = ["partner"]
    inlines = [GoalInline, ActivityInline]


@admin.register(PlanReview)
class PlanReviewAdmin(ReadOnlyAdmin):
    partner_path = "plan__partner"
    list_display = ["plan", "quarter", "partner_signed_at", "manager_signed_at"]
    list_filter = ["quarter"]
    search_fields = ["plan__partner__name"]
    list_select_related = ["plan", "plan__partner"]
    exclude = ["figures"]
