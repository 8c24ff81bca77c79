"""Staff pages of onboarding under /staff/onboarding/: plans, starting a plan, document
reviews and metrics, and the app's staff_links."""

import functools

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from onboarding import queries, services
from onboarding.filters import PlanFilterSet, SubmissionFilterSet
from onboarding.forms import PlanStartForm, ReassignForm, ReviewForm
from onboarding.models import OnboardingPlan, OnboardingTask, TaskSubmission
from onboarding.tables import CERTIFICATION_COLUMNS, COHORT_COLUMNS, OVERDUE_TASK_COLUMNS, PLAN_COLUMNS
from onboarding.views import plan_tasks, posted
from prm.access.scoping import scoped, sees_every_partner
from prm.audit.log import events_for
from prm.cache import pagecache
from prm.exports.columns import csv_export, html_columns
from prm.exports.streaming import stream_rows
from prm.files.serving import private_file_view, serve
from prm.models import CHANNEL_MANAGERS, AuditEvent
from prm.tenancy import partners_for_staff, staff_required
from prm.ui.pagination import paginate, paginate_counted


def staff_links(request):
    links = [
        {
            "label": _("Onboarding plans"),
            "url": reverse("onboarding:staff_plans"),
            "description": _("Running plans, progress, pace and risk."),
        },
        {
            "label": _("Document reviews"),
            "url": reverse("onboarding:staff_reviews"),
            "description": _("Documents partners uploaded for onboarding tasks."),
        },
        {
            "label": _("Onboarding metrics"),
            "url": reverse("onboarding:staff_metrics"),
            "description": _("Share onboarded within 60 days, time to onboard, certifications."),
        },
    ]
    return links


# --- Staff ----------------------------------------------------------------------------


def _staff_plans(user):
    # The partners the user may see, plus any plan they own (every plan: no filter at all).
    visible = partners_for_staff(user)
    if sees_every_partner(visible):
        return OnboardingPlan.objects.all()
    return OnboardingPlan.objects.filter(Q(partner__in=visible) | Q(owner=user))


def _is_manager(user) -> bool:
    return user.is_superuser or user.in_group(CHANNEL_MANAGERS)


@staff_required
def staff_plans(request):
    today = timezone.localdate()
    base = _staff_plans(request.user)
    plans = queries.plans_with_progress(base.select_related("partner", "owner"), today=today)
    filters = PlanFilterSet(request.GET or None, queryset=plans)
    form, qs = filters.form, filters.qs
    if not (filters.is_bound and form.is_valid() and form.cleaned_data.get("risk")):
        # The count and the page need no task counts unless a risk filter uses them (the
        # annotated query grouped every running plan's tasks before taking 25): the page's
        # plans first, then the task counts of those 25.
        count_qs = PlanFilterSet(request.GET or None, queryset=base).qs
        page_qs = count_qs.select_related("partner", "owner")
    else:
        count_qs = page_qs = qs

    def with_progress(plans):
        for plan in plans:
            plan.progress = queries.plan_progress(plan, today=today)
            plan.flags = [(f, RISK_LABELS[f]) for f in queries.risk_flags(plan)]
            yield plan

    if request.GET.get("format") == "csv":
        return csv_export(
            "onboarding-plans", PLAN_COLUMNS, with_progress(stream_rows(qs)), request=request, count=qs
        )
    page = paginate_counted(request, page_qs, count=count_qs.count())
    plans = page.object_list = list(page)

    @functools.cache
    def progress():
        """The page's progress and flags: read once, when the first row is not cached."""
        if page_qs is not qs:
            queries.annotate_progress(plans, today=today)
        return {plan.pk: (plan.progress, plan.flags) for plan in with_progress(plans)}

    for plan in plans:
        plan.progress = pagecache.lazy(lambda plan=plan: progress()[plan.pk][0])
        plan.flags = pagecache.lazy(lambda plan=plan: progress()[plan.pk][1])
    context = {
        # The filter form with its choices (owners): the catalogue's, per query.
        "form_html": pagecache.Fragment.keyed(
            request,
            f"onboarding:plans-form:{pagecache.digest([request.GET.urlencode()])}",
            (pagecache.catalogue(),),
        ),
        "form": form,
        "page": page,
        # Each row is an exact fragment of its plan's partner, per day (progress and pace).
        "rows": pagecache.Rows(request, "onboarding:plan-row", page, vary=lambda plan: (today,)),
        "can_start": _is_manager(request.user),
        "columns": html_columns(PLAN_COLUMNS),
    }
    return render(request, "onboarding/staff/plans.html", context)


ACTION_LABELS = {
    "onboarding.plan_started": gettext_lazy("Plan started"),
    "onboarding.plan_reassigned": gettext_lazy("Owner changed"),
    "onboarding.plan_cancelled": gettext_lazy("Plan cancelled"),
    "onboarding.plan_completed": gettext_lazy("Onboarding completed"),
    "onboarding.task_done": gettext_lazy("Task done"),
    "onboarding.document_submitted": gettext_lazy("Document submitted"),
    "onboarding.document_returned": gettext_lazy("Document returned"),
}

RISK_LABELS = {
    "behind": gettext_lazy("Behind pace"),
    "overdue": gettext_lazy("Overdue tasks"),
    "inactive": gettext_lazy("No activity for 10 days"),
}


@staff_required
@require_http_methods(["GET", "POST"])
def staff_plan(request, pk):
    plan = get_object_or_404(_staff_plans(request.user).select_related("partner", "owner", "template"), pk=pk)
    if request.method == "POST":
        if not _is_manager(request.user):
            raise PermissionDenied
        return _staff_plan_action(request, plan)
    today = timezone.localdate()
    tasks = plan_tasks(plan)
    annotated = queries.plans_with_progress(OnboardingPlan.objects.filter(pk=plan.pk), today=today).get()
    task_ids = [str(t.pk) for t in tasks]
    history = (
        AuditEvent.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(OnboardingTask), target_id__in=task_ids)
            | Q(pk__in=events_for(plan).values("pk"))
        )
        .select_related("actor")
        .order_by("-created_at")[:30]
    )
    task_type = ContentType.objects.get_for_model(OnboardingTask)
    history = list(history)
    for event in history:
        event.label = ACTION_LABELS.get(event.action, event.action)
    context = {
        "plan": plan,
        "task_type_id": task_type.pk,
        "progress": queries.plan_progress(annotated, today=today),
        "flags": [(f, RISK_LABELS[f]) for f in queries.risk_flags(annotated)],
        "groups": queries.tasks_by_pillar(tasks, today),
        "reassign_form": ReassignForm(initial={"owner": plan.owner_id}),
        "history": history,
        "pending": TaskSubmission.objects.filter(task__plan=plan, status=TaskSubmission.Status.PENDING),
        "is_manager": _is_manager(request.user),
    }
    return render(request, "onboarding/staff/plan_detail.html", context)


def _staff_plan_action(request, plan):
    action = request.POST.get("action")
    try:
        if action == "signoff":
            task = get_object_or_404(plan.tasks.all(), pk=request.POST.get("task"))
            services.task_sign_off(task=task, actor=request.user)
            messages.success(request, _("“%(task)s” is signed off.") % {"task": task.title})
        elif action == "reassign":
            form = ReassignForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a channel manager."))
            else:
                services.plan_reassign(plan=plan, owner=form.cleaned_data["owner"], actor=request.user)
                messages.success(request, _("The owner was changed."))
        elif action == "cancel":
            services.plan_cancel(plan=plan, actor=request.user)
            messages.success(request, _("The plan was cancelled."))
    except services.OnboardingError as exc:
        messages.error(request, str(exc))
    return redirect("onboarding:staff_plan", pk=plan.pk)


@staff_required(groups=(CHANNEL_MANAGERS,))
@require_http_methods(["GET", "POST"])
def staff_start(request):
    partners = partners_for_staff(request.user)
    form = PlanStartForm(posted(request), partners=partners, initial={"partner": request.GET.get("partner")})
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data["partner"]
        if services.active_template(partner.partner_type) is None:
            form.add_error(
                "partner",
                _("There is no active checklist template for partners of type “%(type)s”.")
                % {"type": partner.get_partner_type_display()},
            )
        else:
            plan = services.plan_start(partner=partner, actor=request.user, owner=form.cleaned_data["owner"])
            messages.success(request, _("The onboarding plan was started."))
            return redirect("onboarding:staff_plan", pk=plan.pk)
    return render(request, "onboarding/staff/start.html", {"form": form})


def _staff_submissions(user):
    return TaskSubmission.objects.filter(
        Q(task__plan__partner__in=partners_for_staff(user)) | Q(task__plan__owner=user)
    )


@staff_required
def staff_reviews(request):
    submissions = _staff_submissions(request.user).select_related(
        "task__plan__partner", "task__plan__owner", "submitted_by", "reviewed_by"
    )
    filters = SubmissionFilterSet(request.GET or None, queryset=submissions, user=request.user)
    page = paginate(request, filters.qs)
    return render(
        request,
        "onboarding/staff/reviews.html",
        {"page": page, "status": filters.chosen_status, "statuses": TaskSubmission.Status.choices},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_review(request, pk):
    submission = get_object_or_404(
        _staff_submissions(request.user).select_related("task__plan__partner", "submitted_by", "reviewed_by"),
        pk=pk,
    )
    form = ReviewForm(posted(request))
    if request.method == "POST":
        if not _is_manager(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.submission_review(
                    submission=submission,
                    actor=request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                )
            except services.OnboardingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The review was saved."))
                return redirect("onboarding:staff_reviews")
    context = {
        "submission": submission,
        "form": form,
        "history": submission.task.submissions.exclude(pk=submission.pk).select_related("submitted_by"),
        "is_manager": _is_manager(request.user),
    }
    return render(request, "onboarding/staff/review_detail.html", context)


@private_file_view
@staff_required
def staff_submission_file(request, pk):
    submission = get_object_or_404(_staff_submissions(request.user), pk=pk)
    return serve(request, submission.file, filename=submission.filename)


@staff_required
def staff_metrics(request):
    partners = partners_for_staff(request.user)
    plans = scoped(OnboardingPlan.objects.all(), partners)
    figures = queries.metrics_figures(
        plans,
        partners,
        # Some hundred rows of localised numbers (~15 ms to render): kept rendered with them.
        render=lambda f: {
            "cohort_table": render_to_string("onboarding/staff/_cohort_table.html", {"cohorts": f["cohorts"]})
        },
    )
    cohorts, certs = figures["cohorts"], figures["certs"]
    overdue, overdue_as_of = queries.task_lateness(partners)
    export = request.GET.get("export")
    if export == "cohorts":
        return csv_export("onboarding-cohorts", COHORT_COLUMNS, cohorts)
    if export == "overdue":
        return csv_export("onboarding-overdue-tasks", OVERDUE_TASK_COLUMNS, overdue)
    if export == "certifications":
        return csv_export("certifications", CERTIFICATION_COLUMNS, certs)
    context = {
        "cohorts": cohorts,
        "cohort_table": figures["cohort_table"],
        "overall": queries.overall_share(cohorts),
        "median_days": figures["median_days"],
        "running": figures["running"],
        "metrics_as_of": figures["as_of"],
        "overdue": overdue,
        "overdue_as_of": overdue_as_of,
        "certs": certs,
    }
    return render(request, "onboarding/staff/metrics.html", context)
