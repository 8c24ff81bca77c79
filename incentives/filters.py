"""FilterSets for the incentives app's lists (django-filter: one way to filter a list)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incentives.models import Deal
from prm.i18n.kana import kana_order, normalise, to_katakana


class DealFilterSet(django_filters.FilterSet):
    """The partner's deal registrations: newest first unless another sort is chosen."""

    SORTS = [
        ("-created_at", _("Newest first")),
        ("created_at", _("Oldest first")),
        ("expected_close_date", _("Close date")),
        ("-amount_jpy", _("Largest amount")),
        ("customer_company", _("Customer")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=_("Review status"), choices=Deal.Status.choices, empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Deal.Stage.choices, empty_label=_("All"))
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORTS, empty_label=None, method="filter_sort")

    class Meta:
        model = Deal
        fields = ["q", "status", "stage", "sort"]

    @property
    def qs(self):
        # Unbound or invalid: every deal, newest first.
        if not (self.is_bound and self.form.is_valid()):
            return self.queryset.order_by("-created_at", "-id")
        qs = super().qs
        return qs if self.form.cleaned_data.get("sort") else qs.order_by("-created_at", "-id")

    def filter_q(self, qs, name, value):
        # Full-/half-width and ひらがな/カタカナ variants find the same customer.
        q = normalise(value)
        return qs.filter(
            Q(customer_company__icontains=q)
            | Q(customer_domain__icontains=q.lower())
            | Q(customer_company_kana__icontains=to_katakana(q))
        )

    def filter_sort(self, qs, name, value):
        if value == "customer_company":  # by reading: あいうえお order
            return qs.order_by(*kana_order("customer_company_kana", "-id"))
        return qs.order_by(value, "-id")


class StaffDealFilterSet(django_filters.FilterSet):
    """Deal registrations to review: oldest first; the page opens on the submitted ones."""

    DEFAULT = {"status": Deal.Status.SUBMITTED}

    status = django_filters.ChoiceFilter(
        label=_("Review status"), choices=Deal.Status.choices, empty_label=_("All")
    )
    conflict = django_filters.BooleanFilter(
        label=_("Conflicts only"), widget=forms.CheckboxInput, method="filter_conflict"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Deal
        fields = ["status", "conflict", "q"]

    @property
    def qs(self):
        # Invalid: nothing filtered (as before the FilterSet).
        qs = super().qs if self.form.is_valid() else self.queryset.all()
        return qs.order_by("created_at", "id")

    def filter_conflict(self, qs, name, value):
        return qs.filter(has_conflict=True) if value else qs

    def filter_q(self, qs, name, value):
        return qs.filter(
            Q(customer_company__icontains=value)
            | Q(customer_domain__icontains=value)
            | Q(partner__name__icontains=value)
        )
