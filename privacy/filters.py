"""FilterSets of the privacy app's staff lists."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from privacy.models import DataRequest, ProvisionRecord


class DataRequestFilterSet(django_filters.FilterSet):
    """Requests, soonest deadline first; the page opens on the open ones."""

    OPEN = "open"
    DEFAULT = {"status": OPEN}

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open")), *DataRequest.Status.choices],
        empty_label=_("All"),
        method="filter_status",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DataRequest.Kind.choices, empty_label=_("All")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), widget=forms.CheckboxInput, method="filter_overdue"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = DataRequest
        fields = ["status", "kind", "overdue", "q"]

    @property
    def qs(self):
        qs = super().qs if self.form.is_valid() else self.queryset.open()
        return qs.order_by("due_on", "id")

    def filter_status(self, qs, name, value):
        return qs.open() if value == self.OPEN else qs.filter(status=value)

    def filter_overdue(self, qs, name, value):
        return qs.open().filter(due_on__lt=timezone.localdate()) if value else qs

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(subject_name__icontains=value)
            | Q(subject_email__icontains=value)
            | Q(requester_name__icontains=value)
            | Q(subject_company__icontains=value)
        )


class ProvisionFilterSet(django_filters.FilterSet):
    """Provision records, newest first, by person, partner and period."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=ProvisionRecord.Source.choices, empty_label=_("All")
    )
    start = django_filters.DateFilter(
        label=pgettext_lazy("date range", "From"),
        field_name="provided_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        label=pgettext_lazy("date range", "To"),
        field_name="provided_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ProvisionRecord
        fields = ["q", "source", "start", "end"]

    @property
    def qs(self):
        qs = super().qs if self.form.is_valid() else self.queryset.all()
        return qs.order_by("-provided_at", "-id")

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(subject_name__icontains=value)
            | Q(subject_company__icontains=value)
            | Q(provider_name__icontains=value)
        )
