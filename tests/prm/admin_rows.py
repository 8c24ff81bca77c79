"""One row per model registered in the admin: how to make an object of it for the matrix.

`owned=True`: the object belongs to partner A (a manager not assigned to A gets a 404).
tests/prm/test_admin_tenancy.py fails for a registered model without a row here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile


@dataclass
class AdminRow:
    make: Callable
    owned: bool


def _tier(w):
    from incentives.models import Tier

    return Tier.objects.get_or_create(rank=0, defaults={"name": "Registered"})[0]


def _thread(w):
    from tests.threads.factories import make_thread

    return make_thread(w.partner_a, w.member_a, subject="Matrix question")


def _attachment(w):
    from tests.threads.factories import make_thread, pdf_upload

    thread = make_thread(w.partner_a, w.member_a, files=[(pdf_upload(), "application/pdf")])
    return thread.messages.first().attachments.first()


def _listing(w):
    from marketplace.models import Listing
    from tests.marketplace.factories import draft

    return Listing.objects.filter(partner=w.partner_a).first() or draft(w.partner_a, w.admin_a)


def _prospect(w):
    from partners.models import Prospect

    return Prospect.objects.create(
        name="Matrix Prospect", domain="matrix-prospect.example.jp", partner_type="sales", owner=w.manager_a
    )


def _programme_story(w):
    from partners.models import ProgrammeStory

    return ProgrammeStory.objects.get(pk=1)  # seeded by partners' migration 0013


def _partner_type_story(w):
    from partners.models import PartnerTypeStory

    return PartnerTypeStory.objects.get(partner_type="sales")


def _landing_section(w):
    from partners.models import LandingSection

    return LandingSection.objects.create(
        title_ja="導入事例", title_en="Customer stories", body_ja="本文", body_en="Text"
    )


def _faq(w):
    from partners.models import FAQ

    return FAQ.objects.create(
        question_ja="費用は？", question_en="What does it cost?", answer_ja="無料です。", answer_en="Free."
    )


def _plan(w):
    from onboarding.models import OnboardingPlan
    from tests.onboarding.factories import PlanFactory

    # One plan per partner: rows that need a plan share it when they run in one world.
    return OnboardingPlan.objects.filter(partner=w.partner_a).first() or PlanFactory(partner=w.partner_a)


def _task(w):
    from tests.onboarding.factories import TaskFactory

    return TaskFactory(plan=_plan(w))


def _submission(w):
    from onboarding.models import TaskSubmission

    return TaskSubmission.objects.create(
        task=_task(w), file=SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n"), submitted_by=w.member_a
    )


def _reminder(w):
    from onboarding.models import ReminderLog

    return ReminderLog.objects.create(kind=ReminderLog.Kind.choices[0][0], key="matrix", plan=_plan(w))


def _user_certification(w):
    from tests.training.factories import UserCertificationFactory

    return UserCertificationFactory(partner=w.partner_a, user=w.member_a)


def _lms(w):
    from training.models import ExternalLMS

    return ExternalLMS.objects.get_or_create(slug="matrix-lms", defaults={"name": "Matrix LMS"})[0]


def _lms_event(w):
    from training.models import LmsEvent

    return LmsEvent.objects.create(lms=_lms(w), event_id="evt-1")


def _state(w):
    from incentives.models import PartnerTierState

    return PartnerTierState.objects.get_or_create(partner=w.partner_a, defaults={"tier": _tier(w)})[0]


def _extension(w):
    from incentives.models import ProtectionExtension
    from tests.incentives.factories import DealFactory

    deal = DealFactory(partner=w.partner_a, approved=True)
    return ProtectionExtension.objects.create(
        deal=deal,
        partner=w.partner_a,
        reason="Matrix extension",
        expected_close_date=date(2027, 1, 1),
        protected_until_before=deal.protected_until,
    )


def _tier_change(w):
    from incentives.models import TierChange

    return TierChange.objects.create(
        partner=w.partner_a,
        kind=TierChange.Kind.choices[0][0],
        to_tier=_tier(w),
        effective_on=date(2026, 1, 1),
    )


def _run(w):
    from incentives.models import RecomputationRun

    return RecomputationRun.objects.create(as_of=date(2026, 1, 1))


def _statement(w):
    from incentives.models import Statement

    return Statement.objects.create(partner=w.partner_a, period=date(2026, 1, 1))


def _search_log(w):
    from content.models import SearchLog

    return SearchLog.objects.create(query="matrix", partner=w.partner_a, user=w.member_a, result_count=0)


def _audit_event(w):
    from prm.audit.log import audit

    return audit(actor=w.admin_a, action="matrix.test", target=w.partner_a)


def _email_address(w):
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.get_or_create(user=w.member_a, email=w.member_a.email)[0]


def _authenticator(w):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(user=w.member_a, type=Authenticator.Type.RECOVERY_CODES, data={})


def _membership(w):
    from partners.models import Membership

    return Membership.objects.get(user=w.member_a)


def _group(w):
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Matrix group")


def _cobranded_file(w):
    from promotion.models import CobrandedFile
    from tests.promotion.factories import asset_with_file

    version = asset_with_file().current_version
    return CobrandedFile.objects.create(partner=w.partner_a, asset_version=version)


def _campaign_event(w):
    from promotion.models import CampaignEvent
    from tests.promotion.factories import CampaignFactory

    return CampaignEvent.objects.create(campaign=CampaignFactory(), partner=w.partner_a, kind="click")


def _overview_video(w):
    from promotion.models import OverviewVideo

    return OverviewVideo.objects.create(title="Overview", external_url="https://vimeo.com/1")


def _channel_link(w):
    from promotion.models import ChannelLink

    return ChannelLink.objects.create(name="Launch post", channel="social", utm_source="linkedin")


def _closure_day(w):
    import datetime

    from prm.models import ClosureDay

    return ClosureDay.objects.create(
        name="年末年始", first_day=datetime.date(2026, 12, 29), last_day=datetime.date(2027, 1, 3)
    )


def _f(path, **kwargs):
    def make(w):
        module, name = path.rsplit(".", 1)
        factory = getattr(__import__(module, fromlist=[name]), name)
        return factory(**{k: (v(w) if callable(v) else v) for k, v in kwargs.items()})

    return make


def _provision(w):
    from tests.privacy.factories import provision_a

    return provision_a(w)


def _data_request(w):
    from tests.privacy.factories import request_a

    return request_a(w)


def _partner_export(w):
    from tests.privacy.factories import export_a

    return export_a(w)


def _legal_identity(w):
    from privacy.models import PartnerLegalIdentity

    return PartnerLegalIdentity.objects.create(
        partner=w.partner_a,
        legal_name="Alpha Legal KK",
        address="東京都千代田区1-1",
        representative="代表 太郎",
    )


def _fund(w):
    from tests.funds.factories import fund_with

    return fund_with(w.partner_a, 500_000)


def _fund_request(w):
    from tests.funds.factories import submitted

    _fund(w)
    return submitted(w.partner_a, w.admin_a)


def _fund_claim(w):
    from funds import services
    from tests.funds.factories import claimed

    request = services.request_approve(fund_request=_fund_request(w), actor=w.manager_a)
    return claimed(request, w.admin_a)


def _ledger_entry(w):
    return _fund(w).entries.first()


def _business_plan(w):
    from plans.queries import current_fiscal_year
    from tests.plans.factories import approved

    # Next year's: the review row makes this year's plan for the same partner (the
    # accessibility check makes every row in one world).
    return approved(w, fiscal_year=current_fiscal_year() + 1)


def _plan_review(w):
    from tests.plans.factories import reviewed

    return reviewed(w)


def _payout(w):
    from payouts.models import Payout

    return Payout.objects.create(partner=w.partner_a, period=date(2026, 11, 1))


def _payout_line(w):
    from payouts import services
    from tests.payouts.helpers import approved_statement

    approved_statement(w.partner_a, period=date(2026, 10, 1))
    services.payouts_build(period=date(2026, 10, 1), actor=w.superuser)
    return _model("payouts.PayoutLine").objects.get(payout__partner=w.partner_a)


def _payee_profile(w):
    from tests.payouts.helpers import payee

    return payee(w.partner_a)


def _transfer_batch(w):
    return _model("payouts.TransferBatch").objects.create(
        transfer_date=date(2026, 12, 25), content=b"", count=0, total=0
    )


def _lead(w):
    from leads import services
    from leads.models import Prefecture

    lead = services.lead_create(
        actor=w.superuser,
        data={
            "company": "Matrix lead",
            "contact_name": "Matrix Contact",
            "need": "ERP",
            "region": Prefecture.TOKYO,
        },
    )
    services.lead_offer(lead=lead, partner=w.partner_a, actor=w.superuser)
    return lead


def _social_app(w):
    from tests.sso.tenancy_rows import routed_apps

    return routed_apps(w)["oidc"]


def _sso_route(w):
    from sso.models import SSORoute

    return SSORoute.objects.get_or_create(
        domain="matrix-route.example", app=_social_app(w), partner=w.partner_a
    )[0]


def _social_account(w):
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.get_or_create(user=w.member_a, provider="matrix-oidc", uid="matrix-uid")[0]


def _social_token(w):
    from allauth.socialaccount.models import SocialToken

    return SocialToken.objects.get_or_create(
        app=_social_app(w), account=_social_account(w), token="matrix-token"
    )[0]


def _import_job(w):
    """Manager A's upload: another manager's job is a 404 (`owned`), as on /staff/imports/."""
    from imports.models import ImportJob

    job = ImportJob(user=w.manager_a, kind="partners", filename="alpha.csv", language="en", total=1)
    job.file.save("alpha.csv", SimpleUploadedFile("alpha.csv", b"x"), save=False)
    job.save()
    return job


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


ROWS: dict[str, AdminRow] = {
    "auth.group": AdminRow(_group, owned=False),
    "account.emailaddress": AdminRow(_email_address, owned=False),
    "mfa.authenticator": AdminRow(_authenticator, owned=False),
    "socialaccount.socialapp": AdminRow(_social_app, owned=False),
    "socialaccount.socialaccount": AdminRow(_social_account, owned=False),
    "socialaccount.socialtoken": AdminRow(_social_token, owned=False),
    "sso.ssoroute": AdminRow(_sso_route, owned=False),
    "prm.user": AdminRow(lambda w: w.member_a, owned=True),
    "prm.auditevent": AdminRow(_audit_event, owned=True),
    "prm.closureday": AdminRow(_closure_day, owned=False),
    "partners.partner": AdminRow(lambda w: w.partner_a, owned=True),
    "partners.membership": AdminRow(_membership, owned=True),
    "partners.industry": AdminRow(_f("tests.partners.factories.IndustryFactory"), owned=False),
    "partners.capability": AdminRow(_f("tests.partners.factories.CapabilityFactory"), owned=False),
    "partners.idealprofile": AdminRow(_f("tests.partners.factories.IdealProfileFactory"), owned=False),
    "partners.application": AdminRow(_f("tests.partners.factories.ApplicationFactory"), owned=False),
    "partners.prospect": AdminRow(_prospect, owned=False),
    "partners.programmestory": AdminRow(_programme_story, owned=False),
    "partners.partnertypestory": AdminRow(_partner_type_story, owned=False),
    "partners.landingsection": AdminRow(_landing_section, owned=False),
    "partners.faq": AdminRow(_faq, owned=False),
    "partners.referrallink": AdminRow(
        _f("tests.partners.factories.ReferralLinkFactory", partner=lambda w: w.partner_a, user=None),
        owned=True,
    ),
    "partners.invitation": AdminRow(
        _f("tests.partners.factories.InvitationFactory", partner=lambda w: w.partner_a), owned=True
    ),
    "content.collection": AdminRow(_f("tests.content.factories.CollectionFactory"), owned=False),
    "content.tag": AdminRow(_f("tests.content.factories.TagFactory"), owned=False),
    "content.asset": AdminRow(_f("tests.content.factories.AssetFactory"), owned=False),
    "content.searchlog": AdminRow(_search_log, owned=True),
    "onboarding.checklisttemplate": AdminRow(
        _f("tests.onboarding.factories.ChecklistTemplateFactory"), owned=False
    ),
    "onboarding.onboardingplan": AdminRow(_plan, owned=True),
    "training.course": AdminRow(_f("tests.training.factories.CourseFactory"), owned=False),
    "training.question": AdminRow(_f("tests.training.factories.QuestionFactory"), owned=False),
    "training.certification": AdminRow(_f("tests.training.factories.CertificationFactory"), owned=False),
    "training.usercertification": AdminRow(_user_certification, owned=True),
    "training.externallms": AdminRow(_lms, owned=False),
    "training.lmsevent": AdminRow(_lms_event, owned=False),
    "onboarding.onboardingtask": AdminRow(_task, owned=True),
    "onboarding.tasksubmission": AdminRow(_submission, owned=True),
    "onboarding.reminderlog": AdminRow(_reminder, owned=True),
    "incentives.tier": AdminRow(_tier, owned=False),
    "incentives.product": AdminRow(_f("tests.incentives.factories.ProductFactory"), owned=False),
    "incentives.deal": AdminRow(
        _f(
            "tests.incentives.factories.DealFactory",
            partner=lambda w: w.partner_a,
            registered_by=lambda w: w.admin_a,
        ),
        owned=True,
    ),
    "incentives.partnertierstate": AdminRow(_state, owned=True),
    "incentives.tierchange": AdminRow(_tier_change, owned=True),
    "incentives.protectionextension": AdminRow(_extension, owned=True),
    "incentives.recomputationrun": AdminRow(_run, owned=False),
    "incentives.incentiveprogram": AdminRow(_f("tests.incentives.factories.ProgramFactory"), owned=False),
    "incentives.statement": AdminRow(_statement, owned=True),
    "threads.thread": AdminRow(_thread, owned=True),
    "threads.attachment": AdminRow(_attachment, owned=True),
    "promotion.campaign": AdminRow(_f("tests.promotion.factories.CampaignFactory"), owned=False),
    "promotion.announcement": AdminRow(_f("tests.promotion.factories.AnnouncementFactory"), owned=False),
    "promotion.overviewvideo": AdminRow(_overview_video, owned=False),
    "promotion.channellink": AdminRow(_channel_link, owned=False),
    "promotion.cobrandedfile": AdminRow(_cobranded_file, owned=True),
    "promotion.campaignevent": AdminRow(_campaign_event, owned=True),
    "privacy.provisionrecord": AdminRow(_provision, owned=True),
    "privacy.partnerlegalidentity": AdminRow(_legal_identity, owned=True),
    "privacy.datarequest": AdminRow(_data_request, owned=True),
    "privacy.partnerexport": AdminRow(_partner_export, owned=True),
    "funds.fund": AdminRow(_fund, owned=True),
    "funds.fundrequest": AdminRow(_fund_request, owned=True),
    "funds.claim": AdminRow(_fund_claim, owned=True),
    "funds.ledgerentry": AdminRow(_ledger_entry, owned=True),
    "plans.businessplan": AdminRow(_business_plan, owned=True),
    "plans.planreview": AdminRow(_plan_review, owned=True),
    "marketplace.listing": AdminRow(_listing, owned=True),
    "payouts.payeeprofile": AdminRow(_payee_profile, owned=True),
    "payouts.payout": AdminRow(_payout, owned=True),
    "payouts.payoutline": AdminRow(_payout_line, owned=True),
    "payouts.transferbatch": AdminRow(_transfer_batch, owned=False),
    "leads.lead": AdminRow(_lead, owned=True),
    "imports.importjob": AdminRow(_import_job, owned=True),
    "leads.routingrule": AdminRow(
        lambda w: _model("leads.RoutingRule").objects.create(name="Matrix rule"), owned=False
    ),
}
