from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from prm.tenancy import partner_required


@partner_required
def thread_list(request):
    # Empty state until the feature lands (see the open issue for this app).
    return render(
        request,
        "prm/empty_feature.html",
        {"title": _("Questions"), "message": _("You have not asked any questions yet.")},
    )
