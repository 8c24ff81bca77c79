"""Training's list filters: the staff queue of exercise submissions."""

import django_filters

from training.models import ExerciseSubmission


class ExerciseSubmissionFilterSet(django_filters.FilterSet):
    """Submissions waiting for review, oldest first, unless another status is chosen;
    `mine=1` keeps those assigned to the viewer."""

    status = django_filters.ChoiceFilter(choices=ExerciseSubmission.Status.choices, method="filter_status")
    mine = django_filters.CharFilter(method="filter_mine")

    class Meta:
        model = ExerciseSubmission
        fields = ["status", "mine"]

    def __init__(self, data=None, *, queryset, user):
        super().__init__(data, queryset=queryset)
        self.user = user

    @property
    def chosen_status(self) -> str:
        valid = self.is_bound and self.form.is_valid()
        return (valid and self.form.cleaned_data.get("status")) or ExerciseSubmission.Status.SUBMITTED

    @property
    def qs(self):
        qs = super().qs if self.is_bound else self.queryset.all()
        if self.chosen_status == ExerciseSubmission.Status.SUBMITTED:
            return qs.filter(status=self.chosen_status).order_by("submitted_at", "pk")
        return qs.order_by("-reviewed_at", "-pk")

    def filter_status(self, qs, name, value):
        return qs.filter(status=value)

    def filter_mine(self, qs, name, value):
        return qs.filter(reviewer=self.user) if value == "1" else qs
