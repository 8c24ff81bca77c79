"""Partner pages of payouts (partner admins: bank details and payment documents)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from payouts import notice, queries, services
from payouts.forms import PayeeProfileForm
from payouts.models import PayeeProfile, Payout
from prm.tenancy import ADMIN, partner_required
from prm.ui.pagination import paginate

NOTICE_LANGUAGES = ("ja", "en")


def _issued(partner):
    """What the partner sees: statements finance has approved (drafts may still change)."""
    return Payout.objects.for_partner(partner).exclude(status=Payout.Status.DRAFT)


@partner_required(role=ADMIN)
def payouts(request):
    profile = PayeeProfile.objects.for_partner(request.partner).first()
    return render(
        request,
        "payouts/list.html",
        {
            "page": paginate(request, _issued(request.partner).order_by("-period")),
            "profile": profile,
            "active_nav": "incentives",
        },
    )


@partner_required(role=ADMIN)
def detail(request, pk):
    payout = get_object_or_404(_issued(request.partner), pk=pk)
    return render(
        request,
        "payouts/detail.html",
        {
            "payout": payout,
            "lines": queries.lines_of(payout),
            "objection_days": settings.PRM_PAYOUT_OBJECTION_DAYS,
            "active_nav": "incentives",
        },
    )


def notice_response(payout: Payout, language: str, *, inline: bool = False) -> HttpResponse:
    pdf = notice.render(payout, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="payment-notice-{payout.number}-{language}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def notice_language(request) -> str:
    language = request.GET.get("lang") or get_language() or "ja"
    return language if language in NOTICE_LANGUAGES else "ja"


@partner_required(role=ADMIN)
def notice_pdf(request, pk):
    payout = get_object_or_404(_issued(request.partner), pk=pk)
    return notice_response(payout, notice_language(request))


@partner_required(role=ADMIN)
def payee(request):
    profile = PayeeProfile.objects.for_partner(request.partner).first()
    form = PayeeProfileForm(request.POST or None, instance=profile or PayeeProfile(partner=request.partner))
    if request.method == "POST" and form.is_valid():
        services.payee_profile_save(partner=request.partner, actor=request.user, data=form.profile_data())
        messages.success(request, _("Saved. Finance will check the details before the next payment."))
        return redirect("payouts:list")
    return render(
        request, "payouts/payee_form.html", {"form": form, "profile": profile, "active_nav": "incentives"}
    )
