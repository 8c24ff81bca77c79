from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onboarding import queries, services
from onboarding.forms import PreferenceForm, SubmissionForm
from onboarding.models import (
    OnboardingPlan,
    OnboardingTask,
    ReminderPreference,
    TaskKind,
)
from prm.cache import pagecache
from prm.tenancy import partner_required


def posted(request):
    """POST data for a bound form (an empty POST still binds), else None."""
    return request.POST if request.method == "POST" else None


def ask_owner_url(task) -> str:
    # threads builds /questions/new/; a plain path so that this works before it exists.
    return f"/questions/new/?about=onboarding.onboardingtask:{task.pk}&category=onboarding"


def task_link(task) -> str | None:
    """Where the partner goes to complete a task."""
    if task.kind == TaskKind.COURSE and task.course_id:
        return reverse("training:course", args=[task.course.slug])
    if task.kind == TaskKind.CERTIFICATION:
        return reverse("training:index")
    if task.kind == TaskKind.UPLOAD:
        return reverse("onboarding:task", args=[task.pk])
    if task.kind == TaskKind.ASSET and task.asset_id:
        get_url = getattr(task.asset, "get_absolute_url", None)
        if get_url:
            try:
                return get_url()
            except NoReverseMatch:
                pass
        try:
            return reverse("content:index")
        except NoReverseMatch:
            return None
    if task.kind == TaskKind.PROFILE:
        for name in ("partners:profile", "partners:profile_edit"):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return None


def plan_tasks(plan):
    return list(plan.tasks.select_related("course", "asset", "certification", "completed_by"))


# --- Partner: onboarding ------------------------------------------------------------


@partner_required
def index(request):
    today = timezone.localdate()
    main = pagecache.Fragment(request, "onboarding:index", "partner catalogue", today)

    def shown():
        plan = queries.partner_plan(request.partner)
        if plan is None:
            return {"plan": None}
        tasks = plan_tasks(plan)
        for t in tasks:
            t.link = task_link(t)
            t.ask_url = ask_owner_url(t)
        done = sum(t.status == OnboardingTask.Status.DONE for t in tasks)
        overdue = sum(t.status != OnboardingTask.Status.DONE and t.due_date < today for t in tasks)
        return {
            "plan": plan,
            "owner": plan.owner,
            "progress": queries.plan_progress(
                plan, today=today, total=len(tasks), done=done, overdue=overdue
            ),
            "groups": queries.tasks_by_pillar(tasks, today),
            "next_step": queries.next_step(tasks, today),
        }

    figures = pagecache.lazy(shown)  # read only when the fragment is rendered (a miss)
    context = {name: pagecache.lazy(lambda name=name: figures.get(name)) for name in INDEX_FIGURES}
    return render(request, "onboarding/index.html", {**context, "active_nav": "onboarding", "main": main})


INDEX_FIGURES = ("plan", "owner", "progress", "groups", "next_step")


@partner_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk):
    tasks = OnboardingTask.objects.for_partner(request.partner).select_related(
        "plan__owner", "course", "asset"
    )
    today = timezone.localdate()
    main = None
    if request.method == "POST":
        task = get_object_or_404(tasks, pk=pk)
    else:  # exact under the partner (and the catalogue: its course or asset), one batched read
        main = pagecache.Fragment(request, "onboarding:task", "partner catalogue", pk, today)
        task = pagecache.object_or_404(
            request, "onboarding:task-row", pk, "partner catalogue", lambda: tasks.filter(pk=pk).first()
        )
    form = SubmissionForm()
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.submission_create(
                    task=task,
                    partner=request.partner,
                    user=request.user,
                    file=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                )
            except services.OnboardingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your document was sent to your onboarding owner for review."))
                return redirect("onboarding:task", pk=task.pk)
    task.current_state = task.state(today)
    if form.is_bound:  # an upload with errors: not cached
        main = None
    context = {
        "task": task,
        "form": form,
        "can_upload": task.kind == TaskKind.UPLOAD
        and task.status == OnboardingTask.Status.OPEN
        and task.plan.status == OnboardingPlan.Status.RUNNING,
        "submissions": task.submissions.select_related("submitted_by", "reviewed_by"),
        "link": pagecache.lazy(lambda: task_link(task)),
        "ask_url": ask_owner_url(task),
        "active_nav": "onboarding",
        "main": main,
    }
    return render(request, "onboarding/task_detail.html", context)


@partner_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = ReminderPreference.objects.filter(user=request.user).first() or ReminderPreference(
        user=request.user
    )
    form = PreferenceForm(posted(request), instance=pref)
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, mute_non_essential=form.cleaned_data["mute_non_essential"])
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("onboarding:preferences")
    return render(request, "onboarding/preferences.html", {"form": form, "active_nav": "onboarding"})


def home_panel(request, partner):
    """Partner home: onboarding progress and the next step."""
    plan, tasks = queries.cached_partner_plan_with_tasks(partner)
    if plan is None:
        return None
    today = timezone.localdate()
    done = sum(t.status == OnboardingTask.Status.DONE for t in tasks)
    overdue = sum(t.status != OnboardingTask.Status.DONE and t.due_date < today for t in tasks)
    return (
        "onboarding/home_panel.html",
        {
            "plan": plan,
            "progress": queries.plan_progress(
                plan, today=today, total=len(tasks), done=done, overdue=overdue
            ),
            "next_step": queries.next_step(tasks, today),
        },
    )
