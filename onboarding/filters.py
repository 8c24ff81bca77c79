"""FilterSets for the onboarding app's staff lists (django-filter: one way to filter a list)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from onboarding import queries
from onboarding.forms import manager_choices
from onboarding.models import OnboardingPlan, TaskSubmission
from partners.models import PartnerType


class PlanFilterSet(django_filters.FilterSet):
    """Staff onboarding plans (rows from onboarding.queries.plans_with_progress): running ones,
    the nearest target first. An invalid form filters nothing but the default status."""

    RISK_CHOICES = [
        ("any", _("At risk (any flag)")),
        ("behind", _("Behind pace")),
        ("overdue", _("Overdue tasks")),
        ("inactive", _("No activity for 10 days")),
        ("no_deal", _("Onboarded, no deal registered")),
    ]
    STATUS_CHOICES = [("running", _("Running")), ("completed", _("Completed")), ("cancelled", _("Cancelled"))]

    q = django_filters.CharFilter(
        label=_("Partner"), field_name="partner__name", lookup_expr="icontains", max_length=100
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label=None)
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=lambda request: manager_choices(), empty_label=_("Any owner")
    )
    partner_type = django_filters.ChoiceFilter(
        label=_("Partner type"),
        field_name="partner__partner_type",
        choices=PartnerType.choices,
        empty_label=_("Any type"),
    )
    risk = django_filters.ChoiceFilter(
        label=_("Risk"), choices=RISK_CHOICES, empty_label=_("Any risk or none"), method="filter_risk"
    )

    class Meta:
        model = OnboardingPlan
        fields = ["q", "status", "owner", "partner_type", "risk"]

    @property
    def qs(self):
        valid = self.is_bound and self.form.is_valid()
        qs = super().qs if valid else self.queryset.all()
        if not (valid and self.form.cleaned_data.get("status")):
            qs = qs.filter(status=OnboardingPlan.Status.RUNNING)
        return qs.order_by("target_date", "pk")

    def filter_risk(self, qs, name, value):
        return qs.filter(queries.RISKS[value])


class SubmissionFilterSet(django_filters.FilterSet):
    """Documents to review: pending ones, oldest first, unless another status is chosen."""

    status = django_filters.ChoiceFilter(choices=TaskSubmission.Status.choices, method="filter_status")
    mine = django_filters.CharFilter(method="filter_mine")

    class Meta:
        model = TaskSubmission
        fields = ["status", "mine"]

    def __init__(self, data=None, *, queryset, user):
        super().__init__(data, queryset=queryset)
        self.user = user

    @property
    def chosen_status(self) -> str:
        valid = self.is_bound and self.form.is_valid()
        return (valid and self.form.cleaned_data.get("status")) or TaskSubmission.Status.PENDING

    @property
    def qs(self):
        qs = super().qs if self.is_bound else self.queryset.all()
        if self.chosen_status == TaskSubmission.Status.PENDING:
            return qs.filter(status=self.chosen_status).order_by("submitted_at")
        return qs.order_by("-reviewed_at")

    def filter_status(self, qs, name, value):
        return qs.filter(status=value)

    def filter_mine(self, qs, name, value):
        return qs.filter(task__plan__owner=self.user) if value == "1" else qs
