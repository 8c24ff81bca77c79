"""Training pages: the course list with the person's progress and certificates, courses,
lessons, quizzes, the public certificate page and the external LMS webhook."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from prm.cache import pagecache
from prm.files.serving import private_file_view, serve
from prm.tenancy import partner_required
from training import services
from training.forms import ExerciseSubmissionForm, quiz_form
from training.models import (
    Course,
    Enrollment,
    ExerciseSubmission,
    ExternalLMS,
    SubmissionFile,
    UserCertification,
)
from training.video import embed_url


def _posted(request):
    """POST data for a bound form (an empty POST still binds), else None."""
    return request.POST if request.method == "POST" else None


def _published_course(slug):
    return get_object_or_404(Course.objects.filter(is_published=True), slug=slug)


def _published_course_cached(request, slug):
    """`_published_course` for a page: exact under the catalogue, one batched read."""
    return pagecache.object_or_404(
        request,
        "training:course-row",
        slug,
        "catalogue",
        lambda: Course.objects.filter(is_published=True, slug=slug).first(),
    )


@partner_required
def training(request):
    today = timezone.localdate()
    main = pagecache.Fragment(request, "training:index", "partner catalogue person", today)
    context = pagecache.lazy(lambda: _training(request, today))  # read only on a miss
    return render(
        request,
        "training/index.html",
        {
            **{name: pagecache.lazy(lambda name=name: context[name]) for name in TRAINING_FIGURES},
            "today": today,
            "active_nav": "training",
            "main": main,
        },
    )


TRAINING_FIGURES = ("rows", "my_certs", "team_certs", "renew_before")


def _training(request, today) -> dict:
    courses = (
        Course.objects.filter(is_published=True)
        .annotate(n_lessons=Count("lessons", distinct=True), n_questions=Count("questions", distinct=True))
        .select_related("external_lms")
        .prefetch_related("certifications")
    )
    enrollments = {
        e.course_id: e
        for e in Enrollment.objects.filter(user=request.user).annotate(n_done=Count("completed_lessons"))
    }
    rows = []
    for course in courses:
        e = enrollments.get(course.pk)
        percent = 0
        if e is not None:
            percent = (
                100 if e.passed_at else (round(100 * e.n_done / course.n_lessons) if course.n_lessons else 0)
            )
        rows.append({"course": course, "enrollment": e, "percent": percent})
    my_certs = UserCertification.objects.filter(user=request.user).select_related("certification")
    team_certs = (
        UserCertification.objects.for_partner(request.partner)
        .valid_on(today)
        .select_related("certification", "user")
        .order_by("certification__name", "user__display_name")
    )
    return {
        "rows": rows,
        "my_certs": my_certs,
        "team_certs": team_certs,
        "renew_before": today + timezone.timedelta(days=services.RENEWAL_WINDOW_DAYS),
    }


@partner_required
@require_http_methods(["GET", "POST"])
def course_detail(request, slug):
    if request.method == "GET":
        main = pagecache.Fragment(request, "training:course", "partner catalogue person", slug)
        course = _published_course_cached(request, slug)
    else:
        course = _published_course(slug)
    if request.method == "POST":
        enrollment = Enrollment.objects.filter(course=course, user=request.user).first()
        action = request.POST.get("action")
        if action == "enroll":
            enrollment = services.enrollment_get_or_create(
                course=course, user=request.user, partner=request.partner
            )
            first = course.lessons.first()
            if first is not None and not course.is_external:
                return redirect("training:lesson", slug=course.slug, pk=first.pk)
        elif action == "restart" and enrollment is not None:
            services.course_retake(enrollment=enrollment)
            messages.info(request, _("You can now take the course again."))
        return redirect("training:course", slug=course.slug)

    def shown():
        enrollment = Enrollment.objects.filter(course=course, user=request.user).first()
        lessons = list(course.lessons.all())
        done_ids = set(enrollment.completed_lessons.values_list("pk", flat=True)) if enrollment else set()
        for lesson in lessons:
            lesson.is_done = lesson.pk in done_ids
        return {
            "enrollment": enrollment,
            "lessons": lessons,
            "done_count": len(done_ids),
            "has_quiz": course.questions.exists(),
            "certifications": course.certifications.all(),
            "attempts": enrollment.attempts.all()[:5] if enrollment else [],
        }

    figures = pagecache.lazy(shown)  # read only on a miss
    context = {name: pagecache.lazy(lambda name=name: figures[name]) for name in COURSE_FIGURES}
    return render(
        request,
        "training/course_detail.html",
        {**context, "course": course, "active_nav": "training", "main": main},
    )


COURSE_FIGURES = ("enrollment", "lessons", "done_count", "has_quiz", "certifications", "attempts")


@partner_required
@require_http_methods(["GET", "POST"])
def lesson_detail(request, slug, pk):
    course = _published_course(slug)
    lesson = get_object_or_404(course.lessons.all(), pk=pk)
    if lesson.is_exercise:
        return _exercise(request, course, lesson)
    if request.method == "POST":
        enrollment = services.enrollment_get_or_create(
            course=course, user=request.user, partner=request.partner
        )
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        following = course.lessons.filter(position__gte=lesson.position).exclude(pk=lesson.pk).first()
        if following is not None:
            return redirect("training:lesson", slug=course.slug, pk=following.pk)
        if course.questions.exists():
            return redirect("training:quiz", slug=course.slug)
        if Enrollment.objects.filter(pk=enrollment.pk, passed_at__isnull=False).exists():
            messages.success(request, _("You have finished this course."))
        else:
            messages.info(request, _("The course is complete once every exercise has passed."))
        return redirect("training:course", slug=course.slug)
    enrollment = Enrollment.objects.filter(course=course, user=request.user).first()
    done = enrollment is not None and enrollment.completed_lessons.filter(pk=lesson.pk).exists()
    return render(
        request, "training/lesson_detail.html", {**_lesson_context(course, lesson), "is_done": done}
    )


def _lesson_context(course, lesson) -> dict:
    lessons = list(course.lessons.all())
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return {
        "course": course,
        "lesson": lesson,
        "video": embed_url(lesson.video_url) if lesson.video_url else None,
        "number": index + 1,
        "total": len(lessons),
        "previous": lessons[index - 1] if index else None,
        "following": lessons[index + 1] if index + 1 < len(lessons) else None,
        "is_last": index == len(lessons) - 1,
        "has_quiz": course.questions.exists(),
        "active_nav": "training",
    }


def _exercise(request, course, lesson):
    """An exercise lesson: the instructions and rubric, the person's attempts with the
    reviewer's feedback, and the form for a new attempt while none waits or has passed."""
    enrollment = Enrollment.objects.filter(course=course, user=request.user).first()
    form = ExerciseSubmissionForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        enrollment = enrollment or services.enrollment_get_or_create(
            course=course, user=request.user, partner=request.partner
        )
        try:
            services.exercise_submit(
                enrollment=enrollment,
                lesson=lesson,
                text=form.cleaned_data["text"],
                link=form.cleaned_data["link"],
                files=form.cleaned_data["files"],
            )
        except services.TrainingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your work was submitted. You will hear when your reviewer has graded it.")
            )
        return redirect("training:lesson", slug=course.slug, pk=lesson.pk)
    submissions = list(
        ExerciseSubmission.objects.for_partner(request.partner)
        .filter(user=request.user, lesson=lesson)
        .select_related("reviewed_by")
        .prefetch_related("files")
    )
    statuses = {s.status for s in submissions}
    context = {
        **_lesson_context(course, lesson),
        "form": form,
        "submissions": submissions,
        "is_done": ExerciseSubmission.Status.PASSED in statuses,
        "is_waiting": ExerciseSubmission.Status.SUBMITTED in statuses,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "training/exercise.html", context, status=status)


@private_file_view
@partner_required
def exercise_file(request, pk):
    """A file of the person's own exercise submission."""
    item = get_object_or_404(
        SubmissionFile.objects.filter(submission__partner=request.partner, submission__user=request.user),
        pk=pk,
    )
    return serve(request, item.file, filename=item.name, content_type=item.content_type)


@partner_required
@require_http_methods(["GET", "POST"])
def quiz(request, slug):
    course = _published_course(slug)
    course = Course.objects.prefetch_related("questions__choices").get(pk=course.pk)
    if not course.questions.all():
        raise Http404
    enrollment = Enrollment.objects.filter(course=course, user=request.user).first()
    wait_until = services.quiz_next_attempt_at(enrollment)
    form = quiz_form(course, _posted(request) if wait_until is None else None)
    if request.method == "POST" and wait_until is None and form.is_valid():
        enrollment = enrollment or services.enrollment_get_or_create(
            course=course, user=request.user, partner=request.partner
        )
        answers = {int(name[1:]): value for name, value in form.cleaned_data.items()}
        try:
            result = services.quiz_submit(enrollment=enrollment, answers=answers)
        except services.QuizLocked as locked:
            wait_until = locked.until
        else:
            if result.passed:
                messages.success(
                    request, _("You passed with %(score)s%%. Well done!") % {"score": result.score}
                )
                if Enrollment.objects.filter(pk=enrollment.pk, passed_at__isnull=True).exists():
                    messages.info(request, _("The course is complete once every exercise has passed."))
                return redirect("training:course", slug=course.slug)
            # No score and no per-question marks on a failed attempt: comparing the scores of
            # attempts that differ by one answer would reveal the right answers.
            messages.warning(
                request,
                _(
                    "You did not pass this time (the pass mark is %(mark)s%%). Review the lessons and try again."
                )
                % {"mark": course.pass_mark},
            )
            return redirect("training:quiz", slug=course.slug)
    context = {
        "course": course,
        "form": form,
        "enrollment": enrollment,
        "wait_until": wait_until,
        "attempts_per_day": settings.TRAINING_QUIZ_ATTEMPTS_PER_DAY,
        "cooldown_minutes": settings.TRAINING_QUIZ_COOLDOWN_MINUTES,
        "active_nav": "training",
    }
    refused = wait_until is not None and request.method == "POST"
    return render(request, "training/quiz.html", context, status=429 if refused else 200)


def certificate(request, code):
    """Public verification page: anyone holding the link can check a certificate."""
    award = get_object_or_404(
        UserCertification.objects.select_related("certification", "user", "partner"), code=code
    )
    return render(
        request,
        "training/certificate.html",
        {"award": award, "is_valid": award.is_valid, "today": timezone.localdate()},
    )


@csrf_exempt
@require_POST
def lms_webhook(request, slug):
    lms = ExternalLMS.objects.filter(slug=slug).first()
    if lms is None:
        return JsonResponse({"error": "unknown"}, status=404)
    try:
        outcome = services.lms_webhook_receive(
            lms=lms,
            timestamp=request.headers.get("X-PRM-Timestamp", ""),
            signature=request.headers.get("X-PRM-Signature", ""),
            body=request.body,
        )
    except services.WebhookRejected as exc:
        return JsonResponse({"error": exc.reason}, status=exc.status)
    return JsonResponse({"status": outcome})
