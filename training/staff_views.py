"""Staff pages of training under /staff/training/: the queue of exercise submissions, grading
one against its rubric, and its files."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.files.serving import private_file_view, serve
from prm.tenancy import staff_required
from prm.ui.pagination import paginate
from training import queries, services
from training.filters import ExerciseSubmissionFilterSet
from training.forms import ExerciseReviewForm
from training.models import ExerciseSubmission, SubmissionFile


def staff_links(request):
    return [
        {
            "label": _("Exercise reviews"),
            "url": reverse("training:staff_exercises"),
            "description": _("Hands-on exercises learners submitted, graded against their rubric."),
        }
    ]


@staff_required
def staff_exercises(request):
    submissions = queries.exercise_submissions_for_staff(request.user).select_related(
        "lesson__course", "partner", "user", "reviewer"
    )
    filters = ExerciseSubmissionFilterSet(request.GET or None, queryset=submissions, user=request.user)
    page = paginate(request, filters.qs)
    return render(
        request,
        "training/staff/exercises.html",
        {"page": page, "status": filters.chosen_status, "statuses": ExerciseSubmission.Status.choices},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_exercise(request, pk):
    submission = get_object_or_404(
        queries.exercise_submissions_for_staff(request.user).select_related(
            "lesson__course", "partner", "user", "reviewer", "reviewed_by"
        ),
        pk=pk,
    )
    may_review = submission.is_waiting and queries.may_review(request.user, submission)
    if request.method == "POST" and not may_review:
        raise PermissionDenied
    criteria = submission.lesson.criteria
    form = ExerciseReviewForm(request.POST if request.method == "POST" else None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.exercise_review(
                submission=submission,
                actor=request.user,
                passed=form.cleaned_data["decision"] == ExerciseReviewForm.PASS,
                met=form.met(),
                feedback=form.cleaned_data["feedback"],
            )
        except services.TrainingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The grade was saved and the learner was told."))
            return redirect("training:staff_exercises")
    history = (
        ExerciseSubmission.objects.filter(
            enrollment_id=submission.enrollment_id, lesson_id=submission.lesson_id
        )
        .exclude(pk=submission.pk)
        .select_related("reviewed_by")
        .prefetch_related("files")
    )
    context = {
        "submission": submission,
        "files": submission.files.all(),
        "form": form,
        "may_review": may_review,
        "history": history,
    }
    return render(request, "training/staff/exercise.html", context, status=400 if form.is_bound else 200)


@private_file_view
@staff_required
def staff_exercise_file(request, pk):
    item = get_object_or_404(
        SubmissionFile.objects.filter(submission__in=queries.exercise_submissions_for_staff(request.user)),
        pk=pk,
    )
    return serve(request, item.file, filename=item.name, content_type=item.content_type)
