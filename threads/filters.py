"""FilterSets for the threads app's lists (django-filter: one way to filter a list)."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.i18n.kana import normalise, to_katakana
from threads.models import Category, Thread
from threads.queries import AGE_FILTERS


def _older_than_now(n: int) -> str:
    return _("Older than %(n)d days") % {"n": n}


# Lazy: the label is translated when the page renders, in the reader's language.
_older_than = lazy(_older_than_now, str)


class ThreadFilterSet(django_filters.FilterSet):
    """The partner's questions: by status and subject."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Thread.Status.choices, empty_label=gettext_lazy("All")
    )
    q = django_filters.CharFilter(label=gettext_lazy("Search subject"), method="filter_q")

    class Meta:
        model = Thread
        fields = ["status", "q"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(subject__icontains=value) if value else qs


class InboxFilterSet(django_filters.FilterSet):
    """The staff inbox. An invalid filter (say, a partner outside the user's scope) is dropped."""

    q = django_filters.CharFilter(label=gettext_lazy("Search subject"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[("active", gettext_lazy("Not closed")), *Thread.Status.choices],
        empty_label=gettext_lazy("All"),
        method="filter_status",
    )
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("Category"), choices=Category.choices, empty_label=gettext_lazy("All")
    )
    # Text, not a <select>: a support user sees every partner (10,000 options at scale).
    # A name or reading (フリガナ) narrows within the user's scope; a number is a partner id
    # (links from partner 360) and is ignored when the partner is outside the scope.
    partner = django_filters.CharFilter(
        label=gettext_lazy("Partner (name or reading)"), method="filter_partner", max_length=100
    )
    assignee = django_filters.ChoiceFilter(
        label=gettext_lazy("Assignee"),
        choices=[],
        empty_label=gettext_lazy("Anyone"),
        method="filter_assignee",
    )
    age = django_filters.ChoiceFilter(
        label=gettext_lazy("Age"), choices=[], empty_label=gettext_lazy("Any age"), method="filter_age"
    )

    class Meta:
        model = Thread
        fields = ["q", "status", "category", "partner", "assignee", "age"]

    def __init__(self, data=None, *, queryset, user, partners, staff, now=None):
        super().__init__(data, queryset=queryset)
        self.user, self.now, self.partners = user, now or timezone.now(), partners
        self.filters["assignee"].extra["choices"] = [
            ("me", _("Me")),
            ("none", _("Unassigned")),
            *[(u.pk, u.get_full_name()) for u in staff],
        ]
        self.filters["age"].extra["choices"] = [
            *[(key, _older_than(n)) for key, n in AGE_FILTERS.items()],
            ("overdue", _("Past the response target")),
        ]

    def filter_q(self, qs, name, value):
        return qs.filter(subject__icontains=value.strip())

    def filter_status(self, qs, name, value):
        if value == "active":
            return qs.exclude(status=Thread.Status.CLOSED)
        return qs.filter(status=value)

    def filter_partner(self, qs, name, value):
        value = normalise(value)
        if not value:
            return qs
        if value.isdigit():
            # An id outside the user's scope is dropped like any invalid filter (the rows are
            # scoped by the queryset anyway): one indexed look-up.
            return qs.filter(partner_id=int(value)) if self.partners.filter(pk=int(value)).exists() else qs
        return qs.filter(
            Q(partner__name__icontains=value) | Q(partner__name_kana__icontains=to_katakana(value))
        )

    def filter_assignee(self, qs, name, value):
        if value == "me":
            return qs.filter(assignee=self.user)
        if value == "none":
            return qs.filter(assignee__isnull=True)
        return qs.filter(assignee_id=int(value))

    def filter_age(self, qs, name, value):
        if value == "overdue":
            return qs.past_target(self.now).exclude(status=Thread.Status.CLOSED)
        return qs.filter(created_at__lte=self.now - timedelta(days=AGE_FILTERS[value]))
