"""The API's endpoints: partner side (`/api/v1/...`, a partner user's token) and vendor side
(`/api/v1/vendor/...`, a channel manager's token). Each view loads through the apps'
querysets and `queries`, and writes through their `services`, exactly as the portal's pages
do: the same tenancy (`for_partner`, `prm.access.scoping`), the same forms' validation, the same
review rules."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Max, Prefetch
from django.db.models.functions import Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, permissions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api import representations as reps
from api import serializers as s
from api.base import ApiViewSet, VendorViewSet, domain_errors
from api.errors import ApiError
from api.filters import (
    ApiApplicationFilterSet,
    ApiDealFilterSet,
    ApiLibraryFilterSet,
    ApiStaffDealFilterSet,
    ApiThreadFilterSet,
    FilterBackend,
)
from api.forms import ApiDealForm, validate_with
from api.permissions import Denied, PartnerAdmin
from api.services import audience_of
from content import library
from content import queries as content_queries
from content import services as content_services
from content.models import Asset, AssetEvent
from funds.models import Fund
from incentives import queries as incentive_queries
from incentives import services as incentives
from incentives.forms import DealCloseForm, DealUpdateForm, ReviewForm
from incentives.models import Deal, Earning, IncentiveProgram, Product, Statement, Tier, TierChange
from onboarding import queries as onboarding_queries
from onboarding import services as onboarding
from onboarding.forms import SubmissionForm
from onboarding.models import OnboardingTask
from partners import services as partners
from partners.filters import PartnerFilterSet
from partners.models import Application, Membership, Partner
from prm.access.scoping import scoped, sees_every_partner
from prm.files.serving import serve
from prm.models import User
from prm.tenancy import active_membership
from promotion import queries as promotion_queries
from promotion.models import Campaign
from threads import services as threads
from threads.forms import ReplyForm, ThreadForm
from threads.models import Message, Thread
from training import queries as training_queries
from training.models import UserCertification

ID = r"\d+"


class AnySide(permissions.BasePermission):
    """Catalogue reads (tiers, products): any partner user or channel manager."""

    def has_permission(self, request, view):
        if audience_of(request.user) is None:
            raise Denied(_("This token's user has no access to the API."), "no_api_access")
        return True


# --- who am I ---------------------------------------------------------------------------


class MeViewSet(ApiViewSet):
    """Who the token acts as."""

    schema_tags = ["Token"]
    serializer_class = s.MeSerializer
    pagination_class = None

    def get_permissions(self):
        return [permissions.IsAuthenticated()]

    @extend_schema(summary="The token's user, side and scopes", operation_id="me")
    def retrieve(self, request):
        user = request.user
        membership = active_membership(user)
        audience = audience_of(user)
        role = membership.role if membership else ("channel_manager" if audience == "vendor" else None)
        data = {
            "user": user,
            "audience": audience,
            "role": role,
            "partner": membership.partner if membership else None,
            "token": request.auth,
        }
        return Response(s.MeSerializer(data).data)


# --- catalogue --------------------------------------------------------------------------


class ProductViewSet(mixins.ListModelMixin, ApiViewSet):
    """Products a deal can be registered for (`active=false` ones only show in old deals)."""

    queryset = Product.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Catalogue"]
    audience = AnySide
    serializer_class = s.ProductSerializer
    ordering = ("-updated_at", "-id")

    def get_queryset(self):
        return Product.objects.all()


class TierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The tiers, their thresholds (rolling 12 months) and benefits."""

    queryset = Tier.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Catalogue"]
    audience = AnySide
    serializer_class = s.TierSerializer
    lookup_value_regex = ID
    ordering = ("rank", "id")

    def get_queryset(self):
        return Tier.objects.all()


# --- partner: deals ---------------------------------------------------------------------

DEAL_FIELDS = {
    "customer_company_reading": "customer_company_kana",
    "contact_name_reading": "contact_name_kana",
}


@extend_schema_view(
    list=extend_schema(summary="Your company's deal registrations"),
    retrieve=extend_schema(summary="One deal registration"),
)
class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = Deal.objects.none()  # for the schema; get_queryset() scopes it
    schema_tags = ["Partner: deals"]
    scope_area = "deals"
    serializer_class = s.DealSerializer
    filter_backends = [FilterBackend]
    filterset_class = ApiDealFilterSet
    lookup_value_regex = ID
    idempotent_actions = ("create",)

    def get_queryset(self):
        return Deal.objects.for_partner(self.request.partner).select_related("product", "registered_by")

    def _deal(self, pk) -> Deal:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        summary="Register a deal (the portal's rules: review, conflict check, protection once approved)",
        request=s.DealCreateSerializer,
        responses={201: s.DealSerializer},
        parameters=[
            OpenApiParameter(
                "allow_duplicate",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description="Register even when the same customer and product already has an open registration "
                "of yours (otherwise a 409 duplicate_registration names it).",
            )
        ],
    )
    def create(self, request):
        return self.idempotent(lambda: self._create(request))

    def _create(self, request):
        incoming = s.DealCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        allow_duplicate = str(request.query_params.get("allow_duplicate", "")).lower() in ("1", "true")
        cleaned = validate_with(ApiDealForm, data, names=DEAL_FIELDS, partner=request.partner)
        existing = incentive_queries.open_registration_for(
            partner=request.partner,
            customer_domain=cleaned["customer_domain"],
            customer_company=cleaned["customer_company"],
            product_id=cleaned["product"].pk,
        )
        if existing is not None and not allow_duplicate:
            raise ApiError(
                _(
                    "Your company already has an open registration for this customer and product (%(id)s). "
                    "Update it, or send ?allow_duplicate=true to register another opportunity."
                )
                % {"id": existing.pk},
                code="duplicate_registration",
                details={"existing_deal_id": existing.pk},
            )
        with domain_errors():
            deal = incentives.deal_register(partner=request.partner, user=request.user, data=cleaned)
        return self.created(self.get_queryset().get(pk=deal.pk))

    @extend_schema(
        summary="Change an open registration (stage, amount, close date, contact, notes)",
        request=s.DealUpdateSerializer,
        responses={200: s.DealSerializer},
    )
    def partial_update(self, request, pk=None):
        deal = self._deal(pk)
        patch = s.DealUpdateSerializer(data=request.data, partial=True)
        patch.is_valid(raise_exception=True)
        if not deal.can_update():
            raise ApiError(
                _("This registration can no longer be changed."),
                code="deal_not_editable",
                details={"id": deal.pk},
            )
        current = {f: getattr(deal, f) for f in incentives.EDITABLE_FIELDS}
        if current["stage"] not in Deal.OPEN_STAGES:
            current["stage"] = Deal.Stage.QUALIFYING
        cleaned = validate_with(
            DealUpdateForm, {**current, **patch.validated_data}, instance=Deal.objects.get(pk=deal.pk)
        )
        changes = {f: cleaned[f] for f in patch.validated_data}
        with domain_errors():
            incentives.deal_update(deal=deal, user=request.user, data=changes)
        return Response(s.DealSerializer(self._deal(pk)).data)

    @extend_schema(
        summary="Record the outcome: won (with the contract amount) or lost (with a reason)",
        request=s.DealCloseSerializer,
        responses={200: s.DealSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        deal = self._deal(pk)
        incoming = s.DealCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {k: v for k, v in incoming.validated_data.items() if v is not None}
        cleaned = validate_with(DealCloseForm, data)
        if not deal.can_close():
            raise ApiError(
                _("Only approved, open registrations can be closed."),
                code="deal_not_closable",
                details={"id": deal.pk},
            )
        with domain_errors():
            incentives.deal_close(
                deal=deal,
                user=request.user,
                won=cleaned["outcome"] == "won",
                amount=cleaned.get("amount"),
                reason=cleaned.get("reason", ""),
            )
        return Response(s.DealSerializer(self._deal(pk)).data)


# --- partner: tier, earnings, statements --------------------------------------------------


def tier_state_data(partner) -> dict:
    """The scorecard's figures (incentives.queries), as the API shows them."""
    state = incentive_queries.partner_tier_state(partner)
    tiers = incentive_queries.tiers()
    current = state.tier if state else None
    target = incentive_queries.next_tier(tiers, current)
    metric = {"won_revenue": "won_revenue_jpy"}
    gap = [
        {
            "metric": metric.get(p.key, p.key),
            "current": int(p.current),
            "required": int(p.target),
            "met": p.met,
        }
        for p in (incentive_queries.progress_to(state, target) if target else [])
    ]
    last_run = incentives.RecomputationRun.objects.order_by("-started_at").first()
    downgrade_on = (
        state.downgrade_pending_since + timedelta(days=incentives.grace_days())
        if state and state.downgrade_pending_since
        else None
    )
    return {
        "partner_id": partner.pk,
        "tier": current,
        "qualified_tier": state.qualified_tier if state else None,
        "tier_since": state.tier_since if state else None,
        "downgrade_on": downgrade_on,
        "metrics": {
            "won_revenue_jpy": state.won_revenue if state else 0,
            "won_deals": state.won_deals if state else 0,
            "certified_people": state.certified_people if state else 0,
            "onboarding_completed": state.onboarding_completed if state else False,
        },
        "next_tier": target,
        "gap": gap,
        "earnings": incentive_queries.earnings_to_date(partner),
        "recomputed_at": last_run.started_at if last_run else None,
    }


class TierStateViewSet(ApiViewSet):
    schema_tags = ["Partner: incentives"]
    scope_area = "incentives"
    serializer_class = s.TierStateSerializer
    pagination_class = None

    @extend_schema(
        summary="Your tier and scorecard figures (as of the last recomputation)", operation_id="tier"
    )
    def retrieve(self, request):
        return Response(s.TierStateSerializer(tier_state_data(request.partner)).data)


class TierChangeViewSet(mixins.ListModelMixin, ApiViewSet):
    """Your company's tier movements, recorded by each recomputation."""

    queryset = TierChange.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: incentives"]
    scope_area = "incentives"
    serializer_class = s.PartnerTierChangeSerializer
    sync_ordering = ("created_at", "id")
    sync_fields = ("created_at",)

    def get_queryset(self):
        return TierChange.objects.for_partner(self.request.partner).select_related("from_tier", "to_tier")


class EarningViewSet(mixins.ListModelMixin, ApiViewSet):
    """Earning lines (SPIFF, rebates, tier bonuses) of every statement: portal administrators."""

    queryset = Earning.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: incentives"]
    audience = PartnerAdmin
    scope_area = "incentives"
    serializer_class = s.EarningSerializer
    sync_ordering = ("created_at", "id")
    sync_fields = ("created_at",)

    def get_queryset(self):
        return Earning.objects.for_partner(self.request.partner).select_related("program")


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Monthly statements (draft, approved, paid): portal administrators. A statement's
    `changed_at` moves when it is approved or paid and when its lines are recomputed."""

    queryset = Statement.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: incentives"]
    audience = PartnerAdmin
    scope_area = "incentives"
    lookup_value_regex = ID
    ordering = ("-period", "-id")
    sync_ordering = ("changed_at", "id")
    sync_fields = ("changed_at",)

    def get_serializer_class(self):
        return s.StatementDetailSerializer if self.action == "retrieve" else s.StatementSerializer

    def get_queryset(self):
        qs = Statement.objects.for_partner(self.request.partner).annotate(
            changed_at=Greatest("created_at", "approved_at", "paid_at", Max("earnings__created_at"))
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "earnings", Earning.objects.select_related("program").order_by("id"), to_attr="line_list"
                )
            )
        return qs


# --- partner: market development funds ----------------------------------------------------


class FundViewSet(mixins.ListModelMixin, ApiViewSet):
    """The company's market development funds per period, with what is reserved, approved
    to pay, paid and available: portal administrators."""

    queryset = Fund.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: market development funds"]
    audience = PartnerAdmin
    scope_area = "incentives"
    serializer_class = s.FundSerializer
    ordering = ("-period_start", "-id")

    def get_queryset(self):
        return Fund.objects.for_partner(self.request.partner)


class FundRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """MDF requests and their claims (read-only: requests are sent in the portal)."""

    queryset = reps.fund_requests_queryset().none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: market development funds"]
    audience = PartnerAdmin
    scope_area = "incentives"
    serializer_class = s.FundRequestSerializer
    lookup_value_regex = ID
    ordering = ("-submitted_at", "-id")
    sync_ordering = ("updated_at", "id")
    sync_fields = ("updated_at",)

    def get_queryset(self):
        return reps.fund_requests_queryset().filter(partner=self.request.partner)


# --- partner: certifications --------------------------------------------------------------


class CertificationViewSet(mixins.ListModelMixin, ApiViewSet):
    """Certifications your members earned (valid, expired and revoked)."""

    queryset = UserCertification.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: training"]
    scope_area = "training"
    serializer_class = s.UserCertificationSerializer
    ordering = ("-updated_at", "-id")

    def get_queryset(self):
        return training_queries.partner_certifications(self.request.partner)


# --- partner: content ---------------------------------------------------------------------


class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The content library your company may see (the portal's audience rules), newest first;
    `q` searches it (Japanese and English). Without `language`, each asset once, in the
    request's language where it exists."""

    queryset = Asset.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: content"]
    scope_area = "content"
    lookup_value_regex = ID
    filter_backends = [FilterBackend]
    filterset_class = ApiLibraryFilterSet
    ordering = ("-published_at", "-id")
    sync_fields = ("updated_at", "published_at")

    def filterset_inputs(self):
        return {"collections_by_id": library.collection_tree()[1]}

    def get_serializer_class(self):
        return s.AssetDetailSerializer if self.action == "retrieve" else s.AssetSerializer

    def get_queryset(self):
        qs = content_queries.visible_assets(self.request.partner).select_related("current_version")
        return qs.prefetch_related("tags") if self.action == "retrieve" else qs.defer("body", "search_vector")

    def get_object(self):
        asset = content_queries.asset_for_partner(partner=self.request.partner, pk=self.kwargs["pk"])
        if asset is None:
            raise Http404
        return asset

    @extend_schema(
        summary="A download link for the asset's current file (works without the token for 5 minutes)",
        responses={200: s.DownloadLinkSerializer},
    )
    @action(detail=True, methods=["get"], url_path="download-link")
    def download_link(self, request, pk=None):
        asset = self.get_object()
        if asset.current_version_id is None:
            raise ApiError(_("This asset has no file."), code="no_file", status_code=404)
        value = signing.dumps(
            {"u": request.user.pk, "a": asset.pk, "v": asset.current_version_id}, salt=DOWNLOAD_SALT
        )
        url = settings.SITE_URL + reverse("api:content-download", args=[value])
        return Response({"url": url, "expires_at": timezone.now() + timedelta(seconds=DOWNLOAD_SECONDS)})


DOWNLOAD_SALT = "api.content.download"
DOWNLOAD_SECONDS = 300


def content_download(request, signed: str):
    """The file of a download link: the link's signature and age, then the portal's rules again
    (the user still a member, the asset still visible, the file still current)."""
    try:
        value = signing.loads(signed, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_SECONDS)
    except signing.BadSignature as exc:  # expired links too (SignatureExpired)
        raise Http404 from exc

    user = User.objects.filter(pk=value.get("u"), is_active=True).first()
    membership = active_membership(user) if user else None
    if membership is None:
        raise Http404
    asset = content_queries.asset_for_partner(partner=membership.partner, pk=value.get("a"))
    if asset is None or asset.current_version_id != value.get("v"):
        raise Http404
    content_services.event_record(
        asset=asset, partner=membership.partner, user=user, kind=AssetEvent.Kind.DOWNLOAD
    )
    version = asset.current_version
    return serve(request, version.file, filename=version.original_name, content_type=version.content_type)


# --- partner: questions -------------------------------------------------------------------


class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Your company's questions to the vendor, with the public messages (internal notes of
    staff never appear)."""

    queryset = Thread.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Partner: questions"]
    scope_area = "questions"
    lookup_value_regex = ID
    filter_backends = [FilterBackend]
    filterset_class = ApiThreadFilterSet
    ordering = ("-created_at", "-id")
    idempotent_actions = ("create", "reply")

    def get_serializer_class(self):
        return s.QuestionDetailSerializer if self.action == "retrieve" else s.QuestionSerializer

    def get_queryset(self):
        qs = Thread.objects.for_partner(self.request.partner).select_related("author")
        if self.action == "retrieve":
            public = Message.objects.public().select_related("author").prefetch_related("attachments")
            qs = qs.prefetch_related(
                Prefetch("messages", public.order_by("created_at", "id"), to_attr="public_messages")
            )
        return qs

    @extend_schema(
        summary="Ask a question",
        request=s.QuestionCreateSerializer,
        responses={201: s.QuestionDetailSerializer},
    )
    def create(self, request):
        return self.idempotent(lambda: self._create(request))

    def _create(self, request):
        incoming = s.QuestionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cleaned = validate_with(ThreadForm, dict(incoming.validated_data), partner=request.partner)
        with domain_errors():
            thread = threads.thread_create(
                partner=request.partner,
                author=request.user,
                subject=cleaned["subject"],
                category=cleaned["category"],
                body=cleaned["body"],
            )
        self.action = "retrieve"
        return self.created(self.get_queryset().get(pk=thread.pk), s.QuestionDetailSerializer)

    @extend_schema(
        summary="Reply to one of your questions",
        request=s.ReplySerializer,
        responses={201: s.MessageSerializer},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self.idempotent(lambda: self._reply(request, pk))

    def _reply(self, request, pk):
        thread = get_object_or_404(Thread.objects.for_partner(request.partner), pk=pk)
        incoming = s.ReplySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cleaned = validate_with(ReplyForm, dict(incoming.validated_data))
        with domain_errors():
            message = threads.partner_reply(thread=thread, author=request.user, body=cleaned["body"])
        return self.created(message, s.MessageSerializer)


# --- partner: onboarding ------------------------------------------------------------------


class OnboardingViewSet(ApiViewSet):
    """Your onboarding plan (the running one, else the last completed) and its tasks."""

    schema_tags = ["Partner: onboarding"]
    scope_area = "onboarding"
    serializer_class = s.PlanSerializer
    pagination_class = None
    idempotent_actions = ("submit",)

    @extend_schema(
        summary="Your onboarding plan and its tasks",
        operation_id="onboarding",
        responses={200: s.PlanSerializer},
    )
    def retrieve(self, request):
        plan = onboarding_queries.partner_plan(request.partner)
        if plan is None:
            raise ApiError(_("Your company has no onboarding plan."), code="no_plan", status_code=404)
        return Response(reps.plan_data(plan))

    @extend_schema(
        summary="Send a document for an upload task (the onboarding owner reviews it)",
        request={"multipart/form-data": s.SubmissionCreateSerializer},
        responses={201: s.SubmissionSerializer},
    )
    def submit(self, request, task_pk=None):
        return self.idempotent(lambda: self._submit(request, task_pk))

    def _submit(self, request, task_pk):
        task = get_object_or_404(
            OnboardingTask.objects.for_partner(request.partner).select_related("plan"), pk=task_pk
        )
        cleaned = validate_with(SubmissionForm, {"note": request.data.get("note", "")}, files=request.FILES)
        with domain_errors():
            submission = onboarding.submission_create(
                task=task,
                partner=request.partner,
                user=request.user,
                file=cleaned["file"],
                note=cleaned["note"],
            )
        return self.created(submission, s.SubmissionSerializer)

    parser_classes = [MultiPartParser, FormParser]  # documents are uploaded as multipart


# --- vendor: partners ---------------------------------------------------------------------

LIFECYCLE = {
    "activate": partners.partner_activate,
    "suspend": partners.partner_suspend,
    "reactivate": partners.partner_reactivate,
    "offboard": partners.partner_offboard,
}
TAKES_REASON = {"suspend", "offboard"}


class VendorPartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet):
    """The partners the token's user may see (all, or those assigned to them)."""

    queryset = Partner.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: partners"]
    scope_area = "partners"
    lookup_value_regex = ID
    filter_backends = [FilterBackend]
    filterset_class = PartnerFilterSet
    sync_fields = ("updated_at",)

    def get_serializer_class(self):
        return s.PartnerDetailSerializer if self.action == "retrieve" else s.PartnerSerializer

    def get_queryset(self):
        qs = self.visible_partners().select_related("tier_state__tier")
        if self.action != "list":
            members = Membership.objects.select_related("user").order_by("user__email")
            qs = qs.prefetch_related("industries", "capabilities", Prefetch("memberships", members))
        return qs

    def _lifecycle(self, request, pk, name):
        partner = self.get_object()
        incoming = s.LifecycleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        kwargs = {"reason": incoming.validated_data.get("reason", "")} if name in TAKES_REASON else {}
        with domain_errors():
            LIFECYCLE[name](partner=partner, actor=request.user, **kwargs)
        self.action = "retrieve"
        return Response(s.PartnerDetailSerializer(self.get_queryset().get(pk=partner.pk)).data)

    @extend_schema(
        summary="Activate (onboarding done)",
        request=s.LifecycleSerializer,
        responses={200: s.PartnerDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._lifecycle(request, pk, "activate")

    @extend_schema(
        summary="Suspend (members see the suspended page; data is kept)",
        request=s.LifecycleSerializer,
        responses={200: s.PartnerDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._lifecycle(request, pk, "suspend")

    @extend_schema(
        summary="Reactivate a suspended partner",
        request=s.LifecycleSerializer,
        responses={200: s.PartnerDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._lifecycle(request, pk, "reactivate")

    @extend_schema(
        summary="Offboard (memberships end; deals and history are kept)",
        request=s.LifecycleSerializer,
        responses={200: s.PartnerDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def offboard(self, request, pk=None):
        return self._lifecycle(request, pk, "offboard")


# --- vendor: applications ----------------------------------------------------------------


class VendorApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet):
    """Applications to become a partner (open ones unless `status` says otherwise)."""

    queryset = Application.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: applications"]
    scope_area = "applications"
    serializer_class = s.ApplicationSerializer
    lookup_value_regex = ID
    filter_backends = [FilterBackend]
    filterset_class = ApiApplicationFilterSet

    def get_queryset(self):
        return Application.objects.prefetch_related("industries", "capabilities")

    @extend_schema(
        summary="Approve: the partner is created and its admin invited",
        request=s.ApplicationApproveSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        incoming = s.ApplicationApproveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with domain_errors():
            partners.application_approve(
                application=application, actor=request.user, note=incoming.validated_data.get("note", "")
            )
        return Response(s.ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(
        summary="Reject, with one of the reasons the applicant is told",
        request=s.ApplicationRejectSerializer,
        responses={200: s.ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        incoming = s.ApplicationRejectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with domain_errors():
            partners.application_reject(
                application=application, actor=request.user, reason=data["reason"], note=data.get("note", "")
            )
        return Response(s.ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)


# --- vendor: deals -----------------------------------------------------------------------


class VendorDealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet):
    """Deal registrations of the partners the token's user may see, with the conflict check
    (conflicting registrations only of partners they may see), for review and CRM sync."""

    queryset = Deal.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: deals"]
    scope_area = "vendor_deals"
    serializer_class = s.VendorDealSerializer
    lookup_value_regex = ID
    filter_backends = [FilterBackend]
    filterset_class = ApiStaffDealFilterSet

    def get_queryset(self):
        return scoped(reps.deals_queryset(), self.visible_partners())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self.request, "visible_partners"):
            visible = self.visible_partners()

            context["visible_partner_ids"] = (
                None if sees_every_partner(visible) else set(visible.values_list("pk", flat=True))
            )
        return context

    def _review(self, request, decision):
        deal = self.get_object()
        incoming = s.ReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        cleaned = validate_with(
            ReviewForm, {"decision": decision, "reason": incoming.validated_data.get("reason", "")}
        )
        if not deal.can_review():
            raise ApiError(
                _("Only registrations under review can be approved or rejected."),
                code="deal_not_in_review",
                details={"id": deal.pk, "status": deal.status},
            )
        with domain_errors():
            if decision == "approve":
                incentives.deal_approve(deal=deal, actor=request.user, reason=cleaned["reason"])
            else:
                incentives.deal_reject(deal=deal, actor=request.user, reason=cleaned["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=deal.pk)).data)

    @extend_schema(
        summary="Approve a registration under review (protection starts)",
        request=s.ReviewSerializer,
        responses={200: s.VendorDealSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, "approve")

    @extend_schema(
        summary="Reject a registration under review (the reason is shown to the partner)",
        request=s.ReviewSerializer,
        responses={200: s.VendorDealSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._review(request, "reject")


# --- vendor: programme --------------------------------------------------------------------


class VendorTierChangeViewSet(mixins.ListModelMixin, VendorViewSet):
    """Tier movements of the partners the token's user may see."""

    queryset = TierChange.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: programme"]
    scope_area = "programme"
    serializer_class = s.TierChangeSerializer
    sync_ordering = ("created_at", "id")
    sync_fields = ("created_at",)

    def get_queryset(self):
        qs = TierChange.objects.select_related("partner", "from_tier", "to_tier")
        return scoped(qs, self.visible_partners())


class VendorProgramViewSet(mixins.ListModelMixin, VendorViewSet):
    """Incentive programmes (SPIFF, rebates, tier bonuses)."""

    queryset = IncentiveProgram.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: programme"]
    scope_area = "programme"
    serializer_class = s.ProgramSerializer
    ordering = ("-updated_at", "-id")

    def get_queryset(self):
        return IncentiveProgram.objects.all()


class VendorCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet):
    """Campaigns, and their results among the partners the token's user may see."""

    queryset = Campaign.objects.none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: programme"]
    scope_area = "programme"
    serializer_class = s.CampaignSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        return Campaign.objects.all()

    @extend_schema(
        summary="Results: opt-ins, downloads, clicks, deals, pipeline and won revenue per partner",
        responses={200: s.CampaignResultsSerializer},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        campaign = self.get_object()
        results = promotion_queries.campaign_results(campaign=campaign, partners=self.visible_partners())
        rows = [
            {**row, "partner": {"id": row["partner_id"], "name": row["partner"]}} for row in results["rows"]
        ]
        data = {"campaign_id": campaign.pk, "total": results["total"], "partners": rows}
        return Response(s.CampaignResultsSerializer(data).data)


class VendorFundRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VendorViewSet):
    """MDF requests and claims of the partners the token's user may see (read-only)."""

    queryset = reps.fund_requests_queryset().none()  # for the schema; get_queryset() scopes it

    schema_tags = ["Vendor: programme"]
    scope_area = "programme"
    serializer_class = s.VendorFundRequestSerializer
    lookup_value_regex = ID
    ordering = ("-submitted_at", "-id")
    sync_ordering = ("updated_at", "id")
    sync_fields = ("updated_at",)

    def get_queryset(self):
        return scoped(reps.fund_requests_queryset(), self.visible_partners())


class NotFoundViewSet(ApiViewSet):
    """Any other path under /api/: a JSON 404 in the error shape (in the caller's language)."""

    schema = None

    def get_permissions(self):
        return [permissions.AllowAny()]

    def missing(self, request, *args, **kwargs):
        raise ApiError(_("No such endpoint."), code="not_found", status_code=404)


not_found = NotFoundViewSet.as_view(dict.fromkeys(("get", "post", "put", "patch", "delete"), "missing"))
