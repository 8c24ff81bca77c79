"""FilterSets of the funds app's lists (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.models import ActivityType, Claim, FundRequest


class StaffRequestFilterSet(django_filters.FilterSet):
    """The staff queue: by default what waits for a decision (requests and claims), the
    oldest due first."""

    WAITING, ALL = "waiting", "all"
    STATES = [
        (WAITING, _("Waiting for a decision")),
        ("approved", _("Approved, claim not yet sent")),
        ("payable", _("Claims approved, not yet paid")),
        ("paid", _("Paid")),
        ("closed", _("Rejected or expired")),
        (ALL, _("All")),
    ]
    DEFAULT = {"state": WAITING}

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    state = django_filters.ChoiceFilter(
        label=_("Show"), choices=STATES, empty_label=None, method="filter_state"
    )
    activity_type = django_filters.ChoiceFilter(
        label=_("Activity type"), choices=ActivityType.choices, empty_label=_("All")
    )

    class Meta:
        model = FundRequest
        fields = ["q", "state", "activity_type"]

    @property
    def qs(self):
        if not (self.is_bound and self.form.is_valid()):
            return self.filter_state(self.queryset, "state", self.WAITING)
        return super().qs

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(partner__name__icontains=value))

    def filter_state(self, qs, name, value):
        Status = FundRequest.Status
        waiting_claim = Q(claim__status=Claim.Status.SUBMITTED)
        if value == self.WAITING:
            return qs.filter(Q(status=Status.SUBMITTED) | waiting_claim).order_by("decision_due_on", "pk")
        if value == "approved":
            return qs.filter(status=Status.APPROVED).exclude(waiting_claim).order_by("claim_due_on", "pk")
        if value == "payable":
            return qs.filter(claim__status=Claim.Status.APPROVED, claim__paid_on__isnull=True).order_by("pk")
        if value == "paid":
            return qs.filter(claim__paid_on__isnull=False).order_by("-claim__paid_on", "-pk")
        if value == "closed":
            return qs.filter(
                Q(status__in=[Status.REJECTED, Status.EXPIRED]) | Q(claim__status=Claim.Status.REJECTED)
            ).order_by("-decided_at", "-pk")
        return qs.order_by("-submitted_at", "-pk")
