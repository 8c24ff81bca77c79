"""Every webhook event type, raised through the services that cause it (as the portal's
pages, the admin and the daily jobs do)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from funds import services as funds
from incentives import services as incentives
from incentives.models import Deal
from leads import services as lead_services
from leads.models import Lead
from onboarding import services as onboarding
from onboarding.models import OnboardingTask
from partners import services as partners
from partners.models import Application
from payouts import services as payouts
from payouts.models import Payout
from promotion import services as promotion
from tests.funds import factories as fund_factories
from tests.incentives.factories import DealFactory, ProductFactory, make_tiers
from tests.leads.helpers import new_lead
from tests.onboarding.factories import PlanFactory, TaskFactory
from tests.partners.factories import ApplicationFactory, IndustryFactory
from tests.payouts.helpers import finance_user, payee
from tests.promotion.factories import CampaignFactory
from tests.training.factories import CertificationFactory, CourseFactory, LessonFactory
from threads import services as threads
from training import services as training


def deal_data(**overrides) -> dict:
    data = {
        "customer_company": "Kiyomizu Trading KK",
        "customer_domain": "kiyomizu.example.jp",
        "contact_name": "清水 花子",
        "product": ProductFactory(),
        "amount": Decimal(2_000_000),
        "currency": "JPY",
        "expected_close_date": timezone.localdate() + timedelta(days=30),
    }
    return {**data, **overrides}


def application(**kwargs) -> Application:
    app = ApplicationFactory(consent_at=timezone.now(), **kwargs)
    app.industries.set([IndustryFactory()])
    return app


def raise_every_event(world) -> dict:
    """Raise each event type once (some more than once); returns the objects involved."""
    make_tiers()
    admin, member, manager = world.admin_a, world.member_a, world.superuser
    # Applications: submitted (the public form's service), approved, rejected.
    submitted = partners.application_submit(
        data={
            "company_name": "Hoshizora Systems KK",
            "website": "https://hoshizora.example.jp",
            "country": "JP",
            "company_size": "2",
            "partner_type": "sales",
            "contact_name": "星空 太郎",
            "contact_email": "taro@hoshizora.example.jp",
            "source": "referral",
        },
        industries=[IndustryFactory()],
        capabilities=[],
        language="ja",
    )
    partners.application_approve(application=submitted, actor=manager)
    new_partner = Application.objects.get(pk=submitted.pk).partner
    partners.application_reject(application=application(), actor=manager, reason="fit")
    # Partner lifecycle (the new partner: onboarding -> active -> suspended -> offboarded).
    partners.partner_activate(partner=new_partner, actor=manager)
    partners.partner_suspend(partner=new_partner, actor=manager, reason="payment overdue")
    partners.partner_offboard(partner=new_partner, actor=manager, reason="contract ended")
    # Deals of partner A: submitted, approved, won; another rejected; another lost.
    deal = incentives.deal_register(partner=world.partner_a, user=member, data=deal_data())
    incentives.deal_approve(deal=deal, actor=manager, reason="ok")
    incentives.deal_close(deal=deal, user=member, won=True)
    rejected = incentives.deal_register(
        partner=world.partner_a,
        user=member,
        data=deal_data(customer_company="Other KK", customer_domain="other.jp"),
    )
    incentives.deal_reject(deal=rejected, actor=manager, reason="duplicate of an existing opportunity")
    lost = DealFactory(partner=world.partner_a, approved=True)
    incentives.deal_close(deal=lost, user=member, won=False, reason="budget cut")
    # Protection ending in a few business days: the daily sweep.
    ending = DealFactory(
        partner=world.partner_a, approved=True, protected_until=timezone.localdate() + timedelta(days=2)
    )
    incentives.deals_protection_sweep()
    # Protection extensions (issue 28): one extended, one declined; a partner credited on a deal.
    for extended in (True, False):
        asked = DealFactory(partner=world.partner_a, approved=True)
        request = incentives.extension_request(
            deal=asked,
            user=admin,
            reason="board meets next month",
            expected_close_date=date.today() + timedelta(days=40),
        )
        if extended:
            incentives.extension_approve(extension=request, actor=manager)
        else:
            incentives.extension_decline(extension=request, actor=manager, reason="not this quarter")
    incentives.deal_credit_add(deal=deal, partner=world.partner_b, role="influenced", actor=admin)
    # Tier changed: the nightly recomputation sees the won deal.
    incentives.tiers_recompute()
    # Onboarding: a plan completed by its last sign-off; another plan past its target (at risk).
    done_plan = PlanFactory(partner=world.partner_a)
    task = TaskFactory(plan=done_plan)
    onboarding.task_sign_off(task=OnboardingTask.objects.get(pk=task.pk), actor=manager)
    late = PlanFactory(partner=world.partner_a, started_on=date.today() - timedelta(days=80))
    TaskFactory(plan=late)
    # Certifications: earned by finishing a course; one expiring within 30 days.
    course = CourseFactory(is_published=True)
    lesson = LessonFactory(course=course)
    cert = CertificationFactory()
    cert.courses.set([course])
    enrollment = training.enrollment_get_or_create(course=course, user=member, partner=world.partner_a)
    training.lesson_complete(enrollment=enrollment, lesson=lesson)
    award = cert.awards.get(user=member)
    award.valid_until = timezone.localdate() + timedelta(days=10)
    award.save()
    onboarding.reminders_run()  # the plan at risk and the certification expiring
    # Questions: asked by a member, answered by support.
    thread = threads.thread_create(
        partner=world.partner_a, author=member, subject="How do I register?", category="deals", body="Hello"
    )
    threads.staff_reply(thread=thread, author=world.support, body="Like this.")
    # Campaigns: partner A's admin opts in.
    campaign = CampaignFactory()
    promotion.participation_opt_in(campaign=campaign, partner=world.partner_a, user=admin)
    # Market development funds: a request approved, its claim approved, then paid.
    fund_factories.fund_with(world.partner_a, 500_000, actor=manager)
    fund_request = funds.request_approve(
        fund_request=fund_factories.submitted(world.partner_a, admin), actor=manager
    )
    funds.claim_approve(claim=fund_factories.claimed(fund_request, admin), actor=manager)
    withdrawn = fund_factories.submitted(world.partner_a, admin, requested_amount=Decimal(10_000))
    funds.request_withdraw(fund_request=withdrawn, actor=admin)
    # Payouts: the claim on partner A's payment statement, issued, transferred and paid.
    finance = finance_user("finance-scenario@example.test")
    payee(world.partner_a)
    payouts.payouts_build(period=timezone.localdate(), actor=finance, partner_ids=[world.partner_a.pk])
    payout = payouts.payout_approve(payout=Payout.objects.get(partner=world.partner_a), actor=finance)
    batch = payouts.transfer_batch_create(
        payouts=Payout.objects.filter(pk=payout.pk), transfer_date=timezone.localdate(), actor=finance
    )
    payouts.transfer_batch_paid(batch=batch, paid_on=timezone.localdate(), actor=finance)
    # Leads passed to partner A: one accepted, worked and converted; one declined (no rule
    # offers it to anyone else: unrouted); one whose offer runs out.
    lead = new_lead(manager)
    lead_services.lead_offer(lead=lead, partner=world.partner_a, actor=manager)
    lead_services.lead_accept(lead=lead, user=admin)
    lead_services.lead_status_set(lead=lead, user=admin, status="contacted")
    lead_services.lead_convert(
        lead=lead,
        user=admin,
        customer_domain="test-shoji.example.jp",
        product=ProductFactory(),
        amount=Decimal(3_000_000),
        expected_close_date=timezone.localdate() + timedelta(days=60),
    )
    declined = new_lead(manager, company="辞退商事株式会社")
    lead_services.lead_offer(lead=declined, partner=world.partner_a, actor=manager)
    lead_services.lead_decline(lead=declined, user=admin, reason="対応地域外です")
    expiring = new_lead(manager, company="期限商事株式会社")
    lead_services.lead_offer(lead=expiring, partner=world.partner_a, actor=manager)
    lead_services.offers_expire(now=timezone.now() + timedelta(days=30))
    # Partner A's own lifecycle, last (offboarding ends its memberships).
    partners.partner_suspend(partner=world.partner_a, actor=manager)
    partners.partner_reactivate(partner=world.partner_a, actor=manager)
    partners.partner_offboard(partner=world.partner_a, actor=manager)
    return {
        "deal": Deal.objects.get(pk=deal.pk),
        "lead": Lead.objects.get(pk=lead.pk),
        "declined_lead": declined,
        "ending": ending,
        "new_partner": new_partner,
        "thread": thread,
        "campaign": campaign,
        "late_plan": late,
    }
