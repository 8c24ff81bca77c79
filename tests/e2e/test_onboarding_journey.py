"""A partner member opens onboarding, takes a course, passes its quiz, and sees the linked
task done and the progress bar move."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email):
    # The shared `login` fixture clicks the first submit button on the page, which is the
    # navbar's language switch at desktop width; submit the sign-in form itself.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def test_member_passes_course_and_sees_onboarding_progress(page, live_server):
    from onboarding.models import Pillar, TaskKind
    from onboarding.services import plan_start
    from partners.models import Partner
    from tests.factories import MembershipFactory
    from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory
    from tests.training.factories import ChoiceFactory, CourseFactory, LessonFactory, QuestionFactory

    course = CourseFactory(title="製品の基礎", slug="product-basics", pass_mark=100)
    LessonFactory(course=course, title="製品の全体像", body="## 全体像\n\n3つのモジュールがあります。")
    question = QuestionFactory(course=course, text="モジュールはいくつありますか？")
    ChoiceFactory(question=question, text="2つ", position=0)
    right = ChoiceFactory(question=question, text="3つ", is_correct=True, position=1)
    template = ChecklistTemplateFactory(partner_type="sales")
    TemplateTaskFactory(template=template, pillar=Pillar.GOALS, title="キックオフ面談", kind=TaskKind.SIGNOFF)
    TemplateTaskFactory(
        template=template,
        pillar=Pillar.TRAINING,
        title="製品の基礎を受講",
        kind=TaskKind.COURSE,
        course=course,
    )
    membership = MembershipFactory(partner__status=Partner.Status.ONBOARDING, partner__partner_type="sales")
    plan = plan_start(partner=membership.partner)
    course_task = plan.tasks.get(kind=TaskKind.COURSE)

    sign_in(page, live_server, membership.user.email)
    # The partner home shows the onboarding panel; from there to the plan.
    panel = page.get_by_test_id("onboarding-panel")
    assert panel.get_by_test_id("onboarding-progress").get_attribute("data-percent") == "0"
    panel.locator("a.btn-primary").click()
    page.wait_for_url(f"{live_server.url}/onboarding/")
    progress = page.get_by_test_id("onboarding-progress")
    assert progress.get_attribute("data-percent") == "0"
    task_item = page.locator(f"[data-task='{course_task.pk}']")
    assert task_item.get_attribute("data-state") != "done"

    # The next best step leads to the course.
    task_item.locator("a.btn-outline-primary").click()
    page.wait_for_load_state()
    assert "/training/courses/product-basics/" in page.url
    page.locator("form input[name=action][value=enroll] + button").click()
    page.wait_for_load_state()
    assert "製品の全体像" in page.locator("h1").inner_text()
    page.locator("main form button[type=submit]").click()  # lesson done -> quiz
    page.wait_for_load_state()
    assert page.url.endswith("/quiz/")
    page.get_by_label("3つ").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("course-passed").is_visible()

    page.goto(f"{live_server.url}/onboarding/")
    assert page.locator(f"[data-task='{course_task.pk}']").get_attribute("data-state") == "done"
    assert page.get_by_test_id("onboarding-progress").get_attribute("data-percent") == "50"
    assert right.is_correct
