from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from prm.tenancy import partner_required


@partner_required
def deals(request):
    # Empty state until the feature lands (see the open issue for this app).
    return render(
        request,
        "prm/empty_feature.html",
        {"title": _("Deals"), "message": _("You have not registered any deals yet.")},
    )


@partner_required
def scorecard(request):
    # Empty state until the feature lands (see the open issue for this app).
    return render(
        request,
        "prm/empty_feature.html",
        {"title": _("Incentives"), "message": _("Tiers and incentive programs have not been set up yet.")},
    )
