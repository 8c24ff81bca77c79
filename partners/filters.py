"""FilterSets for the partners app's lists (django-filter: one way to filter a list)."""

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import Application, Partner, PartnerType, Prospect, Source
from prm.i18n.kana import kana_order, normalise, to_katakana
from prm.models import CHANNEL_MANAGERS, User


class ApplicationFilterSet(django_filters.FilterSet):
    """The staff recruitment list: open applications, best fit first, unless asked otherwise."""

    SORTS = [
        ("-fit_score", _("Best fit first")),
        ("fit_score", _("Lowest fit first")),
        ("created_at", _("Oldest first")),
        ("-created_at", _("Newest first")),
        ("company_name", _("Company name")),
    ]

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("all", _("All")), *Application.Status.choices],
        empty_label=pgettext_lazy("application", "Open"),
        method="filter_status",
    )
    partner_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=PartnerType.choices, empty_label=_("All types")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All sources")
    )
    min_score = django_filters.NumberFilter(
        label=_("Minimum score"),
        field_name="fit_score",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=SORTS, empty_label="---------", method="filter_sort"
    )

    class Meta:
        model = Application
        fields = ["status", "partner_type", "source", "min_score", "q", "sort"]

    @property
    def qs(self):
        # Unbound or invalid: open applications, best fit first (as if nothing was chosen).
        valid = self.is_bound and self.form.is_valid()
        qs = super().qs if valid else self.queryset.all()
        data = self.form.cleaned_data if valid else {}
        if not data.get("status"):
            qs = qs.filter(status__in=Application.OPEN_STATUSES)
        if not data.get("sort"):
            qs = qs.order_by("-fit_score", "-created_at")
        return qs

    def filter_status(self, qs, name, value):
        return qs if value == "all" else qs.filter(status=value)

    def filter_q(self, qs, name, value):
        value = normalise(value)
        return qs.filter(
            Q(company_name__icontains=value)
            | Q(domain__icontains=value.lower())
            | Q(company_name_kana__icontains=to_katakana(value))
        )

    def filter_sort(self, qs, name, value):
        if value == "company_name":  # by reading: あいうえお order
            return qs.order_by(*kana_order("company_name_kana", "-created_at"))
        return qs.order_by(value, "-created_at")


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class PartnerFilterSet(django_filters.FilterSet):
    """Partners for staff (the API's vendor list): status, type, country, tier rank and a name
    or reading (hiragana, katakana or half-width kana, as the staff search box)."""

    status = django_filters.ChoiceFilter(choices=Partner.Status.choices)
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    country = django_filters.CharFilter(method="filter_country")
    tier = IntegerFilter(field_name="tier_state__tier__rank", label=_("Tier rank"))
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")

    class Meta:
        model = Partner
        fields = ["status", "partner_type", "country", "tier", "q"]

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.strip().upper()[:2])

    def filter_q(self, qs, name, value):
        text = normalise(value)
        return qs.filter(
            Q(name__icontains=value.strip())
            | Q(name__icontains=text)
            | Q(name_kana__icontains=to_katakana(text))
        )


class ProspectFilterSet(django_filters.FilterSet):
    """The prospect pipeline: open prospects, the most urgent next step first."""

    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=[("all", _("All")), *Prospect.Stage.choices],
        empty_label=pgettext_lazy("prospect", "Open"),
        method="filter_stage",
    )
    owner = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("prospect", "Owner"), queryset=User.objects.none(), empty_label=_("Everyone")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Next step overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes"))]),
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Prospect
        fields = ["stage", "owner", "overdue", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.form.fields["owner"]
        owner.queryset = User.objects.filter(
            Q(groups__name=CHANNEL_MANAGERS) | Q(is_superuser=True), is_staff=True
        ).distinct()
        owner.label_from_instance = lambda user: user.get_full_name() or user.email

    @property
    def qs(self):
        valid = self.is_bound and self.form.is_valid()
        qs = super().qs if valid else self.queryset.all()
        if not (valid and self.form.cleaned_data.get("stage")):
            qs = qs.filter(stage__in=Prospect.OPEN_STAGES)
        return qs.order_by(models.F("next_step_on").asc(nulls_last=True), "-fit_score", "-created_at")

    def filter_stage(self, qs, name, value):
        return qs if value == "all" else qs.filter(stage=value)

    def filter_overdue(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(next_step_on__lt=timezone.localdate(), stage__in=Prospect.OPEN_STAGES)

    def filter_q(self, qs, name, value):
        value = normalise(value)
        return qs.filter(
            Q(name__icontains=value)
            | Q(domain__icontains=value.lower())
            | Q(name_kana__icontains=to_katakana(value))
        )
