"""Staff views: the channel dashboard (the staff home), its CSVs, partner search and partner 360."""

from csp.decorators import csp
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dashboard import queries
from dashboard.forms import DashboardFilterForm, OwnerForm, PartnerSearchForm
from onboarding.queries import partner_plan
from onboarding.services import OnboardingError, plan_reassign
from prm.exports.streaming import csv_response
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import get_partner_for_staff_or_404, staff_required
from prm.ui import registry


def _filters(request) -> tuple[DashboardFilterForm, queries.Filters]:
    form = DashboardFilterForm({"days": "90", **request.GET.dict()})
    return form, queries.Filters(**form.filters_kwargs())


@staff_required
@require_GET
def index(request):
    form, filters = _filters(request)
    blocks = queries.dashboard_blocks(request.user, filters)
    return render(
        request,
        "dashboard/index.html",
        {
            "form": form,
            "blocks": [blocks[key] for key in queries.block_keys()],
            "staff_links": registry.staff_links(request),
            "search_form": PartnerSearchForm(),
            "query": request.GET.urlencode(),
        },
    )


@staff_required
@require_GET
def block_csv(request, block):
    if block not in queries.block_keys():
        raise Http404
    _form, filters = _filters(request)
    data = queries.dashboard_blocks(request.user, filters)[block]
    return csv_response(f"dashboard-{block}", data.header, data.rows)


# The SVG carries pygal's own <style> (and no script: js=[]). Shown as an <img> no policy
# applies; opened on its own in a tab, this lets its styles apply and nothing else.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "frame-ancestors": ["'none'"]})
@staff_required
@require_GET
def block_chart(request, block):
    """One block's chart as an SVG image, drawn from the cached block data. The page links it
    with `v=<digest>`: while the digest matches, the browser may keep the image."""
    if block not in queries.block_keys():
        raise Http404
    _form, filters = _filters(request)
    data = queries.dashboard_blocks(request.user, filters)[block]
    response = HttpResponse(queries.block_chart(data), content_type="image/svg+xml")
    if request.GET.get("v") == data.digest:
        patch_cache_control(response, private=True, max_age=queries.CACHE_SECONDS)
    else:
        add_never_cache_headers(response)
    return response


@staff_required
@require_GET
def partner_search(request):
    form = PartnerSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    partners, more = queries.partner_search(request.user, q)
    return render(
        request,
        "dashboard/partner_search.html",
        {"search_form": form, "partners": partners, "more": more, "q": q, "limit": queries.SEARCH_LIMIT},
    )


@staff_required
@require_GET
def partner_360(request, pk):
    partner = get_partner_for_staff_or_404(request.user, pk=pk)
    context = queries.partner_360(partner)
    context["owner_form"] = OwnerForm(
        initial={"owner": context["plan"].owner_id if context["plan"] else None}
    )
    context["search_form"] = PartnerSearchForm()
    return render(request, "dashboard/partner_360.html", context)


@staff_required(groups=(CHANNEL_MANAGERS,))
@require_POST
def partner_owner(request, pk):
    """Assign the partner's onboarding owner (the adoption plan's dedicated owner)."""
    partner = get_partner_for_staff_or_404(request.user, pk=pk)
    form = OwnerForm(request.POST)
    plan = partner_plan(partner)
    if plan is None:
        messages.error(request, _("This partner has no onboarding plan to assign."))
    elif form.is_valid():
        try:
            plan_reassign(plan=plan, owner=form.cleaned_data["owner"], actor=request.user)
        except OnboardingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The onboarding owner was changed."))
    else:
        messages.error(request, _("Choose a channel manager."))
    return redirect("dashboard:partner", pk=partner.pk)
