"""The apps' own FilterSets, applied to API lists (an invalid value is a 400 with the
field's message). Sorting is the API's own (cursor pages), so the FilterSets' `sort` is left
out here."""

from django_filters.rest_framework import DjangoFilterBackend

from content.filters import LibraryFilterSet
from incentives.filters import DealFilterSet, StaffDealFilterSet
from partners.filters import ApplicationFilterSet
from threads.filters import ThreadFilterSet


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend for FilterSets that take extra inputs (`view.filterset_inputs()`)
    and do not take the request."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs.pop("request", None)
        kwargs.update(getattr(view, "filterset_inputs", dict)())
        return kwargs


class ApiDealFilterSet(DealFilterSet):
    sort = None

    class Meta(DealFilterSet.Meta):
        fields = ["q", "status", "stage"]


class ApiStaffDealFilterSet(StaffDealFilterSet):
    pass


class ApiApplicationFilterSet(ApplicationFilterSet):
    """Open applications unless `status` says otherwise (`all` for every one)."""

    sort = None

    class Meta(ApplicationFilterSet.Meta):
        fields = ["status", "partner_type", "source", "min_score", "q"]


class ApiLibraryFilterSet(LibraryFilterSet):
    sort = None

    class Meta(LibraryFilterSet.Meta):
        fields = ["q", "stage", "kind", "language", "tag", "collection"]


class ApiThreadFilterSet(ThreadFilterSet):
    pass
