from tests.tenancy import LOGIN, MANAGERS, PARTNER, PARTNER_OBJECT, STAFF, Row, expect

# Staff pages about one of partner A's objects: A's manager and support see it, others 404.
STAFF_OBJECT_A = expect(404, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, manager_a=200, support=200)
A_TASK = "Alpha kick-off with the owner 5d1c"


def a_data(w):
    """Partner A's onboarding plan, an uploaded document, a course and a certificate (once per
    world; training's rows use them too: tests/training/tenancy_rows.py)."""
    if getattr(w, "_onboarding", None):
        return w._onboarding
    from django.core.files.base import ContentFile

    from onboarding.models import TaskSubmission
    from tests.onboarding.factories import PlanFactory, TaskFactory
    from tests.training.factories import UserCertificationFactory, quiz
    from training.models import Certification, Course, Lesson

    plan = PlanFactory(partner=w.partner_a, owner=w.manager_a)
    TaskFactory(plan=plan, title=A_TASK, kind="signoff")
    upload = TaskFactory(plan=plan, title="Alpha business plan", kind="upload", status="submitted")
    submission = TaskSubmission(task=upload, submitted_by=w.member_a, note="Alpha note")
    submission.file.save("alpha-plan.pdf", ContentFile(b"%PDF-1.4 alpha"), save=False)
    submission.save()
    course = Course.objects.create(title="Shared course", slug="shared-course", is_published=True)
    lesson = Lesson.objects.create(course=course, title="Lesson one", body="Hello")
    quiz(course, n=1)
    cert = Certification.objects.create(name="Shared certification", slug="shared-cert")
    award = UserCertificationFactory(user=w.member_a, partner=w.partner_a, certification=cert)
    w._onboarding = {
        "plan": plan,
        "upload": upload,
        "submission": submission,
        "course": course,
        "lesson": lesson,
        "award": award,
    }
    return w._onboarding


def setup(w):
    a_data(w)
    return {}


def a_leaks(w):
    return [A_TASK, w.member_a.get_full_name()]


ROWS = [
    Row("onboarding:index", PARTNER, kwargs=setup, leaks=a_leaks),
    Row("onboarding:task", PARTNER_OBJECT, kwargs=lambda w: {"pk": a_data(w)["upload"].pk}, leaks=a_leaks),
    Row("onboarding:preferences", PARTNER),
    Row("onboarding:staff_plans", STAFF, kwargs=setup, leaks=a_leaks),
    Row("onboarding:staff_plans", STAFF, kwargs=setup, leaks=a_leaks, query="?format=csv"),
    Row("onboarding:staff_plans", STAFF, kwargs=setup, leaks=a_leaks, query="?risk=any&status=running"),
    Row("onboarding:staff_start", MANAGERS, kwargs=setup),
    Row("onboarding:staff_plan", STAFF_OBJECT_A, kwargs=lambda w: {"pk": a_data(w)["plan"].pk}),
    Row("onboarding:staff_reviews", STAFF, kwargs=setup, leaks=lambda w: ["Alpha business plan"]),
    Row("onboarding:staff_review", STAFF_OBJECT_A, kwargs=lambda w: {"pk": a_data(w)["submission"].pk}),
    Row(
        "onboarding:staff_submission_file",
        {**STAFF_OBJECT_A, "anon": 404},
        kwargs=lambda w: {"pk": a_data(w)["submission"].pk},
    ),
    Row("onboarding:staff_metrics", STAFF, kwargs=setup, leaks=lambda w: ["Alpha business plan"]),
    Row("onboarding:staff_metrics", STAFF, kwargs=setup, query="?export=overdue"),
    Row("onboarding:staff_metrics", STAFF, kwargs=setup, query="?export=cohorts"),
    Row("onboarding:staff_metrics", STAFF, kwargs=setup, query="?export=certifications"),
]
