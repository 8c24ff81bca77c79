"""How the API represents each object, for its endpoints and for the webhook payloads
(registered with prm.webhooks: an event carries the object as the endpoint's owner would
read it through the API)."""

from django.utils import timezone

from api import serializers as s
from funds.models import Claim, FundRequest
from incentives.models import Deal, TierChange
from leads.models import Lead
from onboarding.models import OnboardingPlan, OnboardingTask, TaskKind
from partners.models import Application, Partner
from payouts.models import Payout
from prm.access.scoping import sees_every_partner
from prm.tenancy import partners_for_staff
from prm.webhooks import registry
from promotion.models import Campaign
from threads.models import Thread
from training.models import UserCertification


def visible_partner_ids(user) -> set | None:
    """The partner ids a staff user sees (None: every partner)."""
    visible = partners_for_staff(user)
    return None if sees_every_partner(visible) else set(visible.values_list("pk", flat=True))


# --- deals ------------------------------------------------------------------------------


def deals_queryset():
    return Deal.objects.select_related("product", "registered_by", "partner", "reviewed_by").prefetch_related(
        "conflicting_deals"
    )


def vendor_deal(deal, user, visible=None):
    visible = visible if visible is not None else visible_partner_ids(user)
    return s.VendorDealSerializer(deal, context={"visible_partner_ids": visible}).data


# --- onboarding -------------------------------------------------------------------------


def plan_tasks(plan) -> list:
    tasks = list(OnboardingTask.objects.filter(plan=plan).order_by("position", "id"))
    today = timezone.localdate()
    for task in tasks:
        task.state_code = task.state(today)
    return tasks


def plan_data(plan, tasks=None) -> dict:
    tasks = plan_tasks(plan) if tasks is None else tasks
    today = timezone.localdate()
    running = plan.status == OnboardingPlan.Status.RUNNING
    rows = []
    for task in tasks:
        rows.append(
            {
                **{
                    f: getattr(task, f)
                    for f in ("id", "title", "title_ja", "title_en", "description", "pillar")
                },
                **{f: getattr(task, f) for f in ("kind", "status", "due_date", "completed_at")},
                "asset_id": task.asset_id,
                "course_id": task.course_id,
                "certification_id": task.certification_id,
                "state": task.state(today),
                "accepts_document": running
                and task.kind == TaskKind.UPLOAD
                and task.status == OnboardingTask.Status.OPEN,
            }
        )
    done = sum(t.status == OnboardingTask.Status.DONE for t in tasks)
    overdue = sum(t.status != OnboardingTask.Status.DONE and t.due_date < today for t in tasks)
    data = {
        "id": plan.pk,
        "partner_id": plan.partner_id,
        "status": plan.status,
        "started_on": plan.started_on,
        "target_days": plan.target_days,
        "target_date": plan.target_date,
        "completed_on": plan.completed_on,
        "owner": plan.owner,
        "last_activity_at": plan.last_activity_at,
        "progress": {"total": len(tasks), "done": done, "overdue": overdue},
        "tasks": rows,
    }
    return s.PlanSerializer(data).data


# --- partners ---------------------------------------------------------------------------


def partners_queryset():
    return Partner.objects.select_related("tier_state__tier")


def fund_requests_queryset():
    return FundRequest.objects.select_related("partner", "claim")


# --- leads ------------------------------------------------------------------------------


def leads_queryset():
    return Lead.objects.select_related("partner", "created_by")


def partner_lead(lead, user):
    """The lead for a partner admin's endpoint while their partner holds it (None once it
    went to another partner or back to the vendor). Whether the owner may hear of the
    partner at all was decided when the event was published (prm.webhooks.outbox)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.partner_id != lead.partner_id:
        return None
    return s.LeadSerializer(lead).data


def vendor_lead(lead, user):
    visible = visible_partner_ids(user)
    if lead.partner_id is not None and visible is not None and lead.partner_id not in visible:
        return None
    return s.VendorLeadSerializer(lead).data


def register() -> None:
    """Tell prm.webhooks how each event's object reads (api.apps.ApiConfig.ready)."""
    registry.register_representation(
        Deal,
        queryset=deals_queryset,
        partner=lambda deal, user: s.DealSerializer(deal).data,
        vendor=vendor_deal,
    )
    registry.register_representation(
        Application,
        queryset=lambda: Application.objects.prefetch_related("industries", "capabilities"),
        vendor=lambda application, user: s.ApplicationSerializer(application).data,
    )
    registry.register_representation(
        Partner,
        queryset=partners_queryset,
        partner=lambda partner, user: s.PartnerStatusSerializer(partner).data,
        vendor=lambda partner, user: s.PartnerSerializer(partner).data,
    )
    registry.register_representation(
        TierChange,
        queryset=lambda: TierChange.objects.select_related("partner", "from_tier", "to_tier"),
        partner=lambda change, user: s.PartnerTierChangeSerializer(change).data,
        vendor=lambda change, user: s.TierChangeSerializer(change).data,
    )
    registry.register_representation(
        OnboardingPlan,
        queryset=lambda: OnboardingPlan.objects.select_related("owner"),
        partner=lambda plan, user: plan_data(plan),
        vendor=lambda plan, user: plan_data(plan),
    )
    registry.register_representation(
        UserCertification,
        queryset=lambda: UserCertification.objects.select_related("certification", "user"),
        partner=lambda award, user: s.UserCertificationSerializer(award).data,
        vendor=lambda award, user: s.UserCertificationSerializer(award).data,
    )
    registry.register_representation(
        Thread,
        queryset=lambda: Thread.objects.select_related("author"),
        partner=lambda thread, user: s.QuestionSerializer(thread).data,
        vendor=lambda thread, user: s.QuestionSerializer(thread).data,
    )
    registry.register_representation(
        FundRequest,
        queryset=fund_requests_queryset,
        partner=lambda request, user: s.FundRequestSerializer(request).data,
        vendor=lambda request, user: s.VendorFundRequestSerializer(request).data,
    )
    registry.register_representation(
        Claim,
        queryset=lambda: Claim.objects.all(),
        partner=lambda claim, user: s.FundClaimSerializer(claim).data,
        vendor=lambda claim, user: s.FundClaimSerializer(claim).data,
    )
    registry.register_representation(
        Payout,
        queryset=lambda: Payout.objects.all(),
        partner=lambda payout, user: s.PayoutSerializer(payout).data,
        vendor=lambda payout, user: s.PayoutSerializer(payout).data,
    )
    registry.register_representation(
        Campaign,
        queryset=Campaign.objects.all,
        partner=lambda campaign, user: s.CampaignSerializer(campaign).data,
        vendor=lambda campaign, user: s.CampaignSerializer(campaign).data,
    )
    registry.register_representation(Lead, queryset=leads_queryset, partner=partner_lead, vendor=vendor_lead)
