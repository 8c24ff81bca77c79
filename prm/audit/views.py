"""The staff audit page: who did what, filterable, with a CSV download (/staff/audit/)."""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.audit.log import audit
from prm.exports.streaming import csv_response, stream_rows
from prm.models import CHANNEL_MANAGERS, AuditEvent
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate


def events_for_staff(user):
    """Audit rows a staff user may read: their partners' rows and their own actions."""
    qs = AuditEvent.objects.select_related("actor", "target_type")
    if user.is_superuser:
        return qs
    return qs.filter(partner_id__in=partners_for_staff(user).values("pk")) | qs.filter(actor=user)


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(label=_("actor"), queryset=get_user_model().objects.none())
    partner = django_filters.ModelChoiceFilter(
        label=_("partner"), field_name="partner_id", queryset=None, method="filter_partner"
    )
    action = django_filters.CharFilter(label=_("action"), lookup_expr="startswith")
    date_from = django_filters.DateFilter(
        label=pgettext_lazy("date range", "from"), field_name="created_at", lookup_expr="date__gte"
    )
    date_to = django_filters.DateFilter(
        label=pgettext_lazy("date range", "to"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "partner", "action", "date_from", "date_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = partners_for_staff(user).order_by("name")
        self.filters["partner"].queryset = partners
        self.filters["actor"].queryset = get_user_model().objects.filter(is_staff=True).order_by("email")
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        for name in ("action", "date_from", "date_to"):
            self.form.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.form.fields["date_from"].widget.input_type = "date"
        self.form.fields["date_to"].widget.input_type = "date"

    def filter_partner(self, queryset, name, value):
        return queryset.filter(partner_id=value.pk)


@staff_required(groups=(CHANNEL_MANAGERS,))
def audit_list(request):
    events = AuditFilter(request.GET, queryset=events_for_staff(request.user), user=request.user)
    qs = events.qs.order_by("-created_at", "-id")
    names = dict(partners_for_staff(request.user).values_list("pk", "name"))
    if request.GET.get("format") == "csv":
        if not getattr(request, "export_job", None):  # once, when asked (not again in the worker)
            audit(actor=request.user, action="audit.exported", filters=request.GET.dict())
        return csv_response(
            "audit",
            [_("when"), _("actor"), _("action"), _("target"), _("partner"), _("details")],
            (
                (
                    e.created_at.isoformat(),
                    e.actor.email if e.actor else "",
                    e.action,
                    e.target_repr,
                    names.get(e.partner_id, ""),
                    e.data,
                )
                for e in stream_rows(qs)
            ),
            request=request,
            count=qs,
        )
    page = paginate(request, qs, per_page=50)
    for event in page:
        event.partner_name = names.get(event.partner_id, "")
    return render(request, "prm/staff_audit.html", {"filter": events, "page": page})
