"""The apps' own FilterSets, applied to API lists (an invalid value is a 400 with the
field's message). Sorting is the API's own (cursor pages), so the FilterSets' `sort` is left
out here."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from content.filters import LibraryFilterSet
from incentives.filters import DealFilterSet, StaffDealFilterSet
from partners.filters import ApplicationFilterSet, IntegerFilter
from threads.filters import ThreadFilterSet


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend for FilterSets that take extra inputs (`view.filterset_inputs()`)
    and do not take the request. An empty value for a filter with choices or a number
    (`?status=`) is a 400, as any value outside the documented ones."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            blank = [
                name
                for name, flt in filterset.filters.items()
                if isinstance(flt, STRICT_FILTERS)
                and name in request.query_params
                and not request.query_params[name]
            ]
            if blank:
                message = _("Leave the parameter out, or give one of its values.")
                raise serializers.ValidationError({name: [message] for name in blank}, code="blank")
        return filterset

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs.pop("request", None)
        kwargs.update(getattr(view, "filterset_inputs", dict)())
        return kwargs


STRICT_FILTERS = (
    django_filters.ChoiceFilter,
    django_filters.NumberFilter,
    django_filters.BooleanFilter,
    django_filters.ModelChoiceFilter,
)


class ApiDealFilterSet(DealFilterSet):
    sort = None

    class Meta(DealFilterSet.Meta):
        fields = ["q", "status", "stage"]


class ApiStaffDealFilterSet(StaffDealFilterSet):
    """`conflict=true` for the flagged registrations only (`false`: all of them)."""

    conflict = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_flagged"
    )

    def filter_flagged(self, qs, name, value):
        return self.filter_conflict(qs, name, value == "true")


class ApiApplicationFilterSet(ApplicationFilterSet):
    """Open applications unless `status` says otherwise (`all` for every one)."""

    sort = None
    min_score = IntegerFilter(field_name="fit_score", lookup_expr="gte")

    class Meta(ApplicationFilterSet.Meta):
        fields = ["status", "partner_type", "source", "min_score", "q"]


class ApiLibraryFilterSet(LibraryFilterSet):
    sort = None

    class Meta(LibraryFilterSet.Meta):
        fields = ["q", "stage", "kind", "language", "tag", "collection"]


class ApiThreadFilterSet(ThreadFilterSet):
    pass
