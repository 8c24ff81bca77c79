"""The partner's plan pages under /plans/: the current year's plan with its goals and
progress, activities and quarterly reviews. Admins edit and sign; members read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans import pages, queries, services
from plans.models import BusinessPlan, PlanActivity, PlanReview
from plans.services import PlansError
from prm.tenancy import partner_required


def _plan(request, pk) -> BusinessPlan:
    return get_object_or_404(queries.plan_page(BusinessPlan.objects.for_partner(request.partner)), pk=pk)


def _is_admin(request) -> bool:
    return request.membership.is_admin


@partner_required
def index(request):
    year = queries.current_fiscal_year()
    plans = list(queries.plans_of(request.partner))
    current = next((p for p in plans if p.fiscal_year == year), None)
    if current is not None:
        return redirect("plans:plan", pk=current.pk)
    return render(
        request,
        "plans/index.html",
        {
            **pages.base_context(False),
            "plans": plans,
            "year": year,
            "can_start": _is_admin(request),
            "next_year_free": not any(p.fiscal_year == year + 1 for p in plans),
        },
    )


@partner_required(role="admin")
@require_POST
def create(request):
    year = queries.current_fiscal_year()
    fiscal_year = year + 1 if request.POST.get("year") == "next" else year
    try:
        plan = services.plan_create(partner=request.partner, fiscal_year=fiscal_year, actor=request.user)
    except PlansError as exc:
        messages.error(request, str(exc))
        return redirect("plans:index")
    return redirect("plans:edit", pk=plan.pk)


@partner_required
def plan(request, pk):
    found = _plan(request, pk)
    return pages.plan_detail(request, found, staff=False, can_edit=_is_admin(request))


@partner_required(role="admin")
def edit(request, pk):
    return pages.plan_edit(request, _plan(request, pk), staff=False)


@partner_required(role="admin")
@require_POST
def submit(request, pk):
    found = _plan(request, pk)
    return pages.act(
        request,
        lambda: services.plan_submit(plan=found, actor=request.user),
        success=_("The plan was submitted. Your channel manager will approve it or return it."),
        back="plans:plan",
        pk=found.pk,
    )


@partner_required(role="admin")
@require_POST
def reopen(request, pk):
    found = _plan(request, pk)
    return pages.act(
        request,
        lambda: services.plan_reopen(plan=found, actor=request.user, reason=request.POST.get("reason", "")),
        success=_("The plan is a draft again. Submit it when it is ready."),
        back="plans:plan",
        pk=found.pk,
    )


@partner_required(role="admin")
def activity_new(request, pk):
    return pages.activity_edit(request, _plan(request, pk), None, staff=False)


@partner_required(role="admin")
def activity_edit(request, pk):
    activity = get_object_or_404(
        PlanActivity.objects.for_partner(request.partner).select_related("plan"), pk=pk
    )
    return pages.activity_edit(request, activity.plan, activity, staff=False)


@partner_required(role="admin")
def review_new(request, pk):
    return pages.review_new(request, _plan(request, pk), staff=False)


def _review(request, pk) -> PlanReview:
    return get_object_or_404(queries.reviews_of(request.partner), pk=pk)


@partner_required
def review(request, pk):
    return pages.review_detail(request, _review(request, pk), staff=False, can_edit=_is_admin(request))


@partner_required(role="admin")
def review_edit(request, pk):
    return pages.review_edit(request, _review(request, pk), staff=False)


@partner_required(role="admin")
@require_POST
def review_sign(request, pk):
    found = _review(request, pk)
    return pages.act(
        request,
        lambda: services.review_sign(review=found, actor=request.user),
        success=_("You signed the review for your company."),
        back="plans:review",
        pk=found.pk,
    )
