"""Staff pages of the plans app under /staff/plans/: plans of the fiscal year by state,
partners without one, and each plan's page where the channel manager edits, approves or
returns it and signs the quarterly reviews. Channel managers, within their partners."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans import pages, queries, services
from plans.forms import DecisionForm
from plans.models import BusinessPlan, PlanActivity, PlanReview
from plans.services import PlansError
from prm.access.scoping import scoped
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate

managers_only = staff_required(groups=(CHANNEL_MANAGERS,))


def _plan(request, pk) -> BusinessPlan:
    visible = scoped(BusinessPlan.objects.all(), partners_for_staff(request.user))
    return get_object_or_404(queries.plan_page(visible), pk=pk)


@managers_only
def staff_plans(request):
    visible = partners_for_staff(request.user)
    year = queries.current_fiscal_year()
    try:
        fiscal_year = int(request.GET.get("year", year))
    except ValueError:
        fiscal_year = year
    status = request.GET.get("status", "")
    plans = queries.staff_plans(visible, fiscal_year=fiscal_year).order_by("partner__name", "pk")
    counts = dict.fromkeys(BusinessPlan.Status.values, 0)
    counts.update(plans.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    if status in BusinessPlan.Status.values:
        plans = plans.filter(status=status)
    return render(
        request,
        "plans/staff/plans.html",
        {
            "page": paginate(request, plans, per_page=25),
            "without": queries.partners_without_plan(visible, fiscal_year=fiscal_year)[:50],
            "fiscal_year": fiscal_year,
            "current_year": year,
            "years": [year - 1, year, year + 1],
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in BusinessPlan.Status.choices],
        },
    )


@managers_only
@require_POST
def staff_create(request):
    partner = get_object_or_404(partners_for_staff(request.user), pk=request.POST.get("partner") or 0)
    year = queries.current_fiscal_year()
    try:
        plan = services.plan_create(partner=partner, fiscal_year=year, actor=request.user)
    except PlansError as exc:
        messages.error(request, str(exc))
        return redirect("plans:staff_plans")
    return redirect("plans:staff_edit", pk=plan.pk)


@managers_only
def staff_plan(request, pk):
    return pages.plan_detail(request, _plan(request, pk), staff=True, can_edit=True)


@managers_only
def staff_edit(request, pk):
    return pages.plan_edit(request, _plan(request, pk), staff=True)


@managers_only
@require_POST
def staff_decide(request, pk):
    plan = _plan(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("plans:staff_plan", pk=plan.pk)
    comment = form.cleaned_data["comment"]
    if form.cleaned_data["decision"] == DecisionForm.APPROVE:
        call, success = (
            lambda: services.plan_approve(plan=plan, actor=request.user, comment=comment),
            _("The plan was approved and the partner was told."),
        )
    else:
        call, success = (
            lambda: services.plan_return(plan=plan, actor=request.user, comment=comment),
            _("The plan was returned to the partner with your comment."),
        )
    return pages.act(request, call, success=success, back="plans:staff_plan", pk=plan.pk)


@managers_only
@require_POST
def staff_reopen(request, pk):
    plan = _plan(request, pk)
    return pages.act(
        request,
        lambda: services.plan_reopen(plan=plan, actor=request.user, reason=request.POST.get("reason", "")),
        success=_("The plan is a draft again."),
        back="plans:staff_plan",
        pk=plan.pk,
    )


@managers_only
def staff_activity_new(request, pk):
    return pages.activity_edit(request, _plan(request, pk), None, staff=True)


@managers_only
def staff_activity_edit(request, pk):
    visible = scoped(PlanActivity.objects.all(), partners_for_staff(request.user), field="plan__partner")
    activity = get_object_or_404(visible.select_related("plan", "plan__partner"), pk=pk)
    return pages.activity_edit(request, activity.plan, activity, staff=True)


@managers_only
def staff_review_new(request, pk):
    return pages.review_new(request, _plan(request, pk), staff=True)


def _review(request, pk) -> PlanReview:
    visible = scoped(PlanReview.objects.all(), partners_for_staff(request.user), field="plan__partner")
    return get_object_or_404(
        visible.select_related("plan", "plan__partner", "partner_signed_by", "manager_signed_by"), pk=pk
    )


@managers_only
def staff_review(request, pk):
    return pages.review_detail(request, _review(request, pk), staff=True, can_edit=True)


@managers_only
def staff_review_edit(request, pk):
    return pages.review_edit(request, _review(request, pk), staff=True)


@managers_only
@require_POST
def staff_review_sign(request, pk):
    review = _review(request, pk)
    return pages.act(
        request,
        lambda: services.review_sign(review=review, actor=request.user),
        success=_("You signed the review for the vendor."),
        back="plans:staff_review",
        pk=review.pk,
    )
