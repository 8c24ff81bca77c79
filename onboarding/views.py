from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from prm.tenancy import partner_required


@partner_required
def index(request):
    # Empty state until the feature lands (see the open issue for this app).
    return render(
        request,
        "prm/empty_feature.html",
        {
            "title": _("Onboarding"),
            "message": _("Your onboarding plan will appear here once it has been started."),
        },
    )


@partner_required
def training(request):
    # Empty state until the feature lands (see the open issue for this app).
    return render(
        request,
        "prm/empty_feature.html",
        {"title": _("Training"), "message": _("No courses are published yet.")},
    )
