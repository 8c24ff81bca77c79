import re

import pytest
from django.core import mail

from partners import services
from partners.models import Application, ApplicationEvent, Invitation, Membership, Partner
from partners.services import RecruitmentError
from prm.models import AuditEvent
from tests.partners.factories import ApplicationFactory, CapabilityFactory, IndustryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    application = ApplicationFactory(
        company_name="Kaze Systems KK", contact_email="Boss@Kaze.example.jp", language="en"
    )
    application.industries.set([IndustryFactory(code="retail")])
    application.capabilities.set([CapabilityFactory(code="resale")])
    return application


def test_approval_creates_partner_and_invitation_and_starts_onboarding(
    application, world, django_capture_on_commit_callbacks
):
    from onboarding.models import OnboardingPlan
    from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory

    t = ChecklistTemplateFactory(partner_type=application.partner_type, target_days=60)
    TemplateTaskFactory(template=t, position=1, title="Kick-off", kind="signoff", due_offset_days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application=application, actor=world.manager_a)
    application.refresh_from_db()
    partner = application.partner
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == world.manager_a and application.decided_at
    assert partner.name == "Kaze Systems KK" and partner.status == Partner.Status.ONBOARDING
    assert list(partner.industries.values_list("code", flat=True)) == ["retail"]
    invitation = Invitation.objects.get(partner=partner)
    assert invitation.email == "boss@kaze.example.jp" and invitation.role == Membership.Role.ADMIN
    assert invitation.language == "en"
    # Onboarding reacted to partners.signals.partner_approved: the 60-day plan is running.
    plan = OnboardingPlan.objects.get(partner=partner)
    assert plan.status == OnboardingPlan.Status.RUNNING and plan.target_days == 60
    assert list(plan.tasks.values_list("title", flat=True)) == ["Kick-off"]
    # The applicant is invited by e-mail, in English (their application language), after commit.
    invitations = [m for m in mail.outbox if m.to == ["boss@kaze.example.jp"]]
    assert len(invitations) == 1
    assert "approved" in invitations[0].subject
    assert re.search(r"http://[^/]+/team/accept/[\w-]+/", invitations[0].body)
    event = application.events.get(to_status="approved")
    assert event.actor == world.manager_a and event.from_status == "submitted"
    assert AuditEvent.objects.filter(action="application.approved").exists()


def test_approval_without_a_checklist_template_still_approves(
    application, world, django_capture_on_commit_callbacks
):
    from onboarding.models import OnboardingPlan

    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application=application, actor=world.manager_a)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert not OnboardingPlan.objects.filter(partner=application.partner).exists()


def test_a_mail_failure_leaves_the_approval_whole(
    application, world, monkeypatch, django_capture_on_commit_callbacks
):
    from partners import emails

    def broken_send(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(emails, "send", broken_send)
    from celery.exceptions import Retry

    # Eager Celery surfaces the retry the worker would schedule.
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application=application, actor=world.manager_a)
    # The mail is sent after commit (and retried by Celery): the data is complete.
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Invitation.objects.filter(partner=application.partner).exists()


def test_a_decided_application_cannot_be_approved_again(application, world):
    services.application_approve(application=application, actor=world.manager_a)
    with pytest.raises(RecruitmentError):
        services.application_approve(application=application, actor=world.manager_a)
    assert Partner.objects.filter(name="Kaze Systems KK").count() == 1


def test_rejection_sends_a_courteous_mail_with_the_reason(
    application, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, actor=world.manager_a, reason="region", note="APAC only"
        )
    application.refresh_from_db()
    assert application.status == "rejected" and application.rejection_reason == "region"
    assert "We are not recruiting in your region yet" in mail.outbox[0].body
    assert "Thank you for your interest" in mail.outbox[0].body
    assert application.events.get(to_status="rejected").note == "APAC only"


def test_the_pipeline_records_every_step(application, world):
    services.application_start_review(application=application, actor=world.manager_a)
    services.application_assign(application=application, reviewer=world.manager_other, actor=world.manager_a)
    services.application_note(application=application, actor=world.manager_a, note="Call them")
    services.application_withdraw(application=application, actor=world.manager_a)
    kinds = list(application.events.values_list("kind", "to_status"))
    assert kinds == [("status", "in_review"), ("assigned", ""), ("note", ""), ("status", "withdrawn")]
    application.refresh_from_db()
    assert application.reviewer == world.manager_other


def test_review_can_only_start_from_submitted(application, world):
    services.application_start_review(application=application, actor=world.manager_a)
    with pytest.raises(RecruitmentError):
        services.application_start_review(application=application, actor=world.manager_a)


# --- the staff pages ------------------------------------------------------------------


def test_manager_approves_from_the_staff_page(
    application, world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager_a)
    page = client.get(f"/staff/recruitment/{application.pk}/")
    assert "Kaze Systems KK" in page.getvalue().decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/recruitment/{application.pk}/approve/", {"note": "Great fit"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert ApplicationEvent.objects.get(application=application, to_status="approved").note == "Great fit"


def test_reject_without_a_reason_is_refused(application, world, client_for):
    client_for(world.manager_a).post(f"/staff/recruitment/{application.pk}/reject/", {})
    application.refresh_from_db()
    assert application.status == "submitted"


def test_support_cannot_review(application, world, client_for):
    response = client_for(world.support).post(f"/staff/recruitment/{application.pk}/approve/")
    assert response.status_code == 403


def test_the_list_filters_and_sorts(world, client_for):
    ApplicationFactory(company_name="High", fit_score=90, source="referral")
    ApplicationFactory(company_name="Low", fit_score=10, source="web")
    ApplicationFactory(company_name="Done", fit_score=95, status="rejected", decided_at="2026-01-01T00:00Z")
    client = client_for(world.manager_a)
    names = [a.company_name for a in client.get("/staff/recruitment/").context["page"]]
    assert names == ["High", "Low"]  # open only, best fit first
    names = [
        a.company_name for a in client.get("/staff/recruitment/?status=all&sort=fit_score").context["page"]
    ]
    assert names == ["Low", "High", "Done"]
    names = [a.company_name for a in client.get("/staff/recruitment/?source=referral").context["page"]]
    assert names == ["High"]
    names = [
        a.company_name for a in client.get("/staff/recruitment/?min_score=50&status=all").context["page"]
    ]
    assert names == ["Done", "High"]


def test_the_list_exports_csv(world, client_for):
    ApplicationFactory(company_name="株式会社テスト")
    response = client_for(world.manager_a).get("/staff/recruitment/?format=csv")
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff") and "株式会社テスト" in body


@pytest.mark.parametrize("count", [3, 12])
def test_the_list_runs_a_flat_number_of_queries(world, client_for, django_assert_max_num_queries, count):
    from partners.models import ReferralLink

    link = ReferralLink.objects.create(code="x1", partner=world.partner_b)
    for _ in range(count):
        ApplicationFactory(referral_link=link, reviewer=world.manager_a)
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(12):
        assert client.get("/staff/recruitment/").status_code == 200


def test_unassigned_managers_do_not_see_which_partner_referred(world, client_for):
    from partners.models import ReferralLink

    link = ReferralLink.objects.create(code="alpha", partner=world.partner_a)
    application = ApplicationFactory(referral_link=link, source="referral")
    for url in (
        "/staff/recruitment/",
        f"/staff/recruitment/{application.pk}/",
        "/staff/recruitment/?format=csv",
    ):
        assert world.SECRET_A not in client_for(world.manager_other).get(url).getvalue().decode()
        assert world.SECRET_A in client_for(world.manager_a).get(url).getvalue().decode()


def test_one_column_definition_drives_the_table_and_the_csv(world, client_for):
    from partners.tables import APPLICATION_COLUMNS

    ApplicationFactory(company_name="Columns KK", fit_score=80)
    client = client_for(world.manager_a)
    page = client.get("/staff/recruitment/").getvalue().decode()
    assert "Columns KK" in page and "text-bg-success" in page  # the fit cell template
    csv_header = client.get("/staff/recruitment/?format=csv").getvalue().decode().splitlines()[0]
    assert csv_header.lstrip("\ufeff").split(",") == [str(c.label) for c in APPLICATION_COLUMNS if c.csv]
    for column in APPLICATION_COLUMNS:
        if column.html:
            assert f">{column.label}<" in page


def test_the_list_does_not_grow_with_partners_or_applications(
    world, client_for, django_assert_max_num_queries
):
    from partners.models import ReferralLink
    from tests.factories import PartnerFactory

    client = client_for(world.manager_a)
    link = ReferralLink.objects.create(code="grow1", partner=world.partner_a)
    ApplicationFactory(referral_link=link)
    client.get("/staff/recruitment/")
    with django_assert_max_num_queries(12) as small:
        client.get("/staff/recruitment/")
    for i, partner in enumerate(PartnerFactory.create_batch(20)):
        ApplicationFactory(referral_link=ReferralLink.objects.create(code=f"grow-{i}", partner=partner))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/staff/recruitment/")
    assert len(response.context["page"].object_list) == 21
