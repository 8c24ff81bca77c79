"""Partner pages of the privacy app: the partner's own provision records (APPI art. 29)."""

from django.shortcuts import render

from privacy import services
from privacy.models import ProvisionRecord
from privacy.tables import PROVISION_COLUMNS
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.tenancy import ADMIN, partner_required
from prm.ui.pagination import paginate


@partner_required(role=ADMIN)
def partner_provisions(request):
    """The partner's own records of what it gave the vendor (it may keep them as its own
    provider's record, APPI art. 29)."""
    qs = ProvisionRecord.objects.for_partner(request.partner).order_by("-provided_at", "-id")
    if request.GET.get("format") == "csv":
        return csv_export("provision-records", PROVISION_COLUMNS, stream_rows(qs), request=request, count=qs)
    return render(
        request,
        "privacy/provisions.html",
        {
            "page": paginate(request, qs),
            "columns": html_columns(PROVISION_COLUMNS),
            "years": services.provision_years(),
        },
    )
