"""What the partner's plan pages and the staff's share: the same plan, goals, activities and
reviews, edited by either side. `views` (under /plans/) and `staff_views` (under
/staff/plans/) authorise and find the object in their own scope, then call these with
`staff` saying which URL names the templates link to ("plans:" or "plans:staff_")."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plans import queries, services
from plans.fiscal import QUARTERS, quarter_span
from plans.forms import ActivityForm, DecisionForm, PlanForm, ReviewForm, goal_forms
from plans.models import BusinessPlan, PlanActivity, PlanReview
from plans.services import PlansError


def _ns(staff: bool) -> str:
    return "plans:staff_" if staff else "plans:"


def base_context(staff: bool) -> dict:
    return {"ns": _ns(staff), "staff": staff, "active_nav": "incentives"}


def plan_detail(request, plan: BusinessPlan, *, staff: bool, can_edit: bool):
    reviews = {review.quarter: review for review in plan.reviews.all()}
    context = {
        **base_context(staff),
        "plan": plan,
        "progress": queries.progress(plan),
        "activities": plan.activities.all(),
        "quarters": [
            {"number": q, "span": quarter_span(plan.fiscal_year, q), "review": reviews.get(q)}
            for q in QUARTERS
        ],
        "can_edit": can_edit,
        "decision_form": DecisionForm() if staff and plan.status == BusinessPlan.Status.SUBMITTED else None,
    }
    return render(request, "plans/plan.html", context)


def plan_edit(request, plan: BusinessPlan, *, staff: bool):
    form = PlanForm(request.POST or None, instance=plan)
    goal_list = goal_forms(plan, request.POST or None)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in goal_list):
        rows = [row for f in goal_list if (row := f.row())]
        try:
            services.plan_update(plan=plan, actor=request.user, fields=form.cleaned_data, goal_rows=rows)
        except PlansError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(_ns(staff) + "plan", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/plan_form.html",
        {**base_context(staff), "plan": plan, "form": form, "goal_forms": goal_list},
        status=status,
    )


def activity_edit(request, plan: BusinessPlan, activity: PlanActivity | None, *, staff: bool):
    form = ActivityForm(request.POST or None, instance=activity, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(plan=plan, activity=activity, actor=request.user, fields=form.cleaned_data)
        except PlansError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The activity was saved."))
            return redirect(_ns(staff) + "plan", pk=plan.pk)
    return render(
        request,
        "plans/activity_form.html",
        {**base_context(staff), "plan": plan, "activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def review_new(request, plan: BusinessPlan, *, staff: bool):
    if plan.status != BusinessPlan.Status.APPROVED:
        messages.info(request, _("Reviews are recorded against an approved plan."))
        return redirect(_ns(staff) + "plan", pk=plan.pk)
    taken = set(plan.reviews.values_list("quarter", flat=True))
    open_quarters = [q for q in QUARTERS if q not in taken]
    if not open_quarters:
        messages.info(request, _("Every quarter of this plan has its review."))
        return redirect(_ns(staff) + "plan", pk=plan.pk)
    form = ReviewForm(request.POST or None, new=True, quarters=open_quarters)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(
                plan=plan, quarter=form.cleaned_data["quarter"], actor=request.user, fields=form.cleaned_data
            )
        except PlansError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The review was recorded with today's figures. Sign it when you agree.")
            )
            return redirect(_ns(staff) + "review", pk=review.pk)
    return render(
        request,
        "plans/review_form.html",
        {**base_context(staff), "plan": plan, "form": form, "review": None},
        status=400 if request.method == "POST" else 200,
    )


def review_detail(request, review: PlanReview, *, staff: bool, can_edit: bool):
    side = services.VENDOR if staff else services.PARTNER
    signed_mine = review.manager_signed_at if staff else review.partner_signed_at
    return render(
        request,
        "plans/review.html",
        {
            **base_context(staff),
            "plan": review.plan,
            "review": review,
            "figures": queries.snapshot_rows(review),
            "can_edit": can_edit,
            "can_sign": can_edit and signed_mine is None,
            "side": side,
        },
    )


def review_edit(request, review: PlanReview, *, staff: bool):
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        was_signed = review.partner_signed_at is not None or review.manager_signed_at is not None
        try:
            updated = services.review_update(
                review=review,
                actor=request.user,
                fields=form.cleaned_data,
                refresh_figures=form.cleaned_data["refresh_figures"],
            )
        except PlansError as exc:
            form.add_error(None, str(exc))
        else:
            reopened = was_signed and updated.partner_signed_at is None
            messages.success(
                request,
                _("The review was changed; both sides sign it again.")
                if reopened
                else _("The review was saved."),
            )
            return redirect(_ns(staff) + "review", pk=review.pk)
    return render(
        request,
        "plans/review_form.html",
        {**base_context(staff), "plan": review.plan, "form": form, "review": review},
        status=400 if request.method == "POST" else 200,
    )


def act(request, call, *, success: str, back: str, pk: int):
    """Run a POST action's service; its domain error becomes a message."""
    try:
        call()
    except PlansError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(back, pk=pk)
