"""The API's representations, shared by the endpoints and the webhook payloads.

Amounts in yen are integers (fields ending in `_jpy`, and `currency` says "JPY" where a
figure stands alone); a deal's registered `amount` keeps its own currency as a decimal
string. Catalogue names come in both languages (`name_ja`, `name_en`) besides `name` in the
request's language. Writes are validated by the portal's own forms (api.forms_bridge), so
the API and the pages refuse the same things with the same messages."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import scopes
from incentives.models import Currency, Deal
from partners.models import Application
from privacy.models import ProvisionRecord
from threads.models import Category

# --- small pieces -----------------------------------------------------------------------


class YenField(serializers.IntegerField):
    """A Decimal amount in yen, as an integer."""

    def to_representation(self, value):
        return int(value) if value is not None else None


class Slugs(serializers.ListField):
    """A related manager as a list of one field of its rows (tags by name, industries by code)."""

    def __init__(self, slug: str, **kwargs):
        self.slug = slug
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)

    def to_representation(self, manager):
        return [getattr(row, self.slug) for row in manager.all()]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class StaffAwarePersonSerializer(PersonSerializer):
    staff = serializers.BooleanField(source="is_staff")


def bilingual(field: str, *, required=True):
    """`<field>_ja` and `<field>_en` of a django-modeltranslation field."""
    return {
        f"{field}_ja": serializers.CharField(allow_blank=True, allow_null=not required),
        f"{field}_en": serializers.CharField(allow_blank=True, allow_null=True),
    }


class CatalogueSerializer(serializers.Serializer):
    """A record channel managers define, with its name in both languages."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    name_ja = serializers.CharField(allow_blank=True, allow_null=True)
    name_en = serializers.CharField(allow_blank=True, allow_null=True)


class ProductSerializer(CatalogueSerializer):
    code = serializers.CharField()
    is_active = serializers.BooleanField()


class TierSerializer(CatalogueSerializer):
    rank = serializers.IntegerField()
    min_won_revenue_jpy = YenField(source="min_won_revenue")
    min_won_deals = serializers.IntegerField()
    min_certified_people = serializers.IntegerField()
    requires_onboarding = serializers.BooleanField()
    requires_approved_plan = serializers.BooleanField()
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    protection_days = serializers.IntegerField()
    mdf_budget_jpy = YenField(source="mdf_budget")
    support_level = serializers.CharField()
    perks = serializers.ListField(child=serializers.CharField(), source="perk_list")
    updated_at = serializers.DateTimeField()


class TierRefSerializer(CatalogueSerializer):
    rank = serializers.IntegerField()


class PartnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- deals ------------------------------------------------------------------------------


class DealSerializer(serializers.Serializer):
    """A deal registration as its partner sees it (the conflict check is for reviewers)."""

    id = serializers.IntegerField()
    customer_company = serializers.CharField()
    customer_company_reading = serializers.CharField(source="customer_company_kana", allow_blank=True)
    customer_domain = serializers.CharField()
    contact_name = serializers.CharField(
        allow_blank=True, help_text="Empty once the contact was anonymised (`contacts_anonymised_at`)."
    )
    contact_name_reading = serializers.CharField(source="contact_name_kana", allow_blank=True)
    contact_email = serializers.EmailField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    product = ProductSerializer()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="In `currency`, as registered."
    )
    currency = serializers.ChoiceField(choices=Currency.choices)
    amount_jpy = YenField(
        help_text="The amount converted to yen at the programme's fixed rates: what the partner "
        "claims, not yet reviewed while `status` is `submitted`."
    )
    approved_amount_jpy = YenField(
        allow_null=True, help_text="What a reviewer approved, in yen; null until the first approval."
    )
    counted_amount_jpy = YenField(
        allow_null=True,
        help_text="The reviewed won amount in yen that tiers, incentives and reports count; null "
        "unless the deal is a reviewed win (a win above the approved amount counts nothing until "
        "it is approved).",
    )
    expected_close_date = serializers.DateField()
    campaign_id = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Deal.Status.choices)
    stage = serializers.ChoiceField(choices=Deal.Stage.choices)
    review_reason = serializers.CharField(allow_blank=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    protected_until = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    lost_reason = serializers.CharField(allow_blank=True)
    contacts_anonymised_at = serializers.DateTimeField(
        allow_null=True, help_text="When the contact and notes were erased (retention period or a request)."
    )
    registered_by = PersonSerializer(allow_null=True)
    editable = serializers.BooleanField(
        source="can_update", help_text="PATCH is accepted (an open registration)."
    )
    closable = serializers.BooleanField(
        source="can_close", help_text="POST …/close/ is accepted (approved, open)."
    )
    portal_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal_url(self, deal) -> str:
        return settings.SITE_URL + reverse("incentives:deal_detail", args=[deal.pk])


class VendorDealSerializer(DealSerializer):
    """A deal registration as a reviewer sees it: the partner, the conflict check (only the
    conflicting registrations of partners the token's user may see) and the approval."""

    partner = PartnerRefSerializer()
    possible_conflict = serializers.BooleanField(source="has_conflict")
    conflicting_deal_ids = serializers.SerializerMethodField()
    approved_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    approved_currency = serializers.CharField(allow_blank=True)
    reviewed_by = PersonSerializer(allow_null=True)
    portal_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_conflicting_deal_ids(self, deal) -> list[int]:
        visible = self.context.get("visible_partner_ids")
        rows = [(d.pk, d.partner_id) for d in deal.conflicting_deals.all()]
        return [pk for pk, partner_id in rows if visible is None or partner_id in visible]

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal_url(self, deal) -> str:
        return settings.SITE_URL + reverse("incentives:staff_deal_detail", args=[deal.pk])


class DealCreateSerializer(serializers.Serializer):
    customer_company = serializers.CharField(max_length=200)
    customer_company_reading = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer_domain = serializers.CharField(max_length=200, help_text="e.g. example.co.jp")
    contact_name = serializers.CharField(max_length=120)
    contact_name_reading = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    product = serializers.IntegerField(help_text="A product id from GET /api/v1/products/.")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.JPY)
    expected_close_date = serializers.DateField()
    campaign = serializers.IntegerField(
        required=False, allow_null=True, help_text="A campaign your company joined."
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    # Japan's APPI: passing a named contact to the vendor is a provision of personal data to a
    # third party, recorded with the registration (the portal's form asks the same).
    contact_source = serializers.ChoiceField(
        choices=ProvisionRecord.Acquisition.choices,
        help_text="How your company obtained the contact's details.",
    )
    contact_consent = serializers.BooleanField(
        help_text="`true`: the contact agreed that their name and details are passed on to the vendor "
        "(required: a registration without it is refused)."
    )


OPEN_STAGE_CHOICES = [(stage.value, stage.label) for stage in Deal.OPEN_STAGES]


class DealUpdateSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=OPEN_STAGE_CHOICES, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    expected_close_date = serializers.DateField(required=False)
    contact_name = serializers.CharField(max_length=120, required=False)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_consent = serializers.BooleanField(
        required=False,
        help_text="Required as `true` with a changed contact name, e-mail or phone: the person agreed "
        "that their details are passed on to the vendor.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class DealCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["won", "lost"])
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Won: the contract amount.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Lost: why (required).")


class ReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required to reject; the partner sees it.",
    )


# --- tier, earnings, statements ---------------------------------------------------------


class TierGapSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(
        choices=["won_revenue_jpy", "won_deals", "certified_people", "onboarding"]
    )
    current = serializers.IntegerField()
    required = serializers.IntegerField()
    met = serializers.BooleanField()


class TierMetricsSerializer(serializers.Serializer):
    won_revenue_jpy = YenField(help_text="Reviewed won revenue over the last 12 months.")
    won_deals = serializers.IntegerField()
    certified_people = serializers.IntegerField()
    onboarding_completed = serializers.BooleanField()


class EarningsTotalsSerializer(serializers.Serializer):
    draft_jpy = YenField(source="draft")
    approved_jpy = YenField(source="approved")
    paid_jpy = YenField(source="paid")
    total_jpy = YenField(source="total")
    currency = serializers.CharField(default="JPY")


class TierStateSerializer(serializers.Serializer):
    """The partner's tier and scorecard figures, as of the last recomputation."""

    partner_id = serializers.IntegerField()
    tier = TierRefSerializer(allow_null=True)
    qualified_tier = TierRefSerializer(allow_null=True)
    tier_since = serializers.DateField(allow_null=True)
    downgrade_on = serializers.DateField(allow_null=True, help_text="Set while a downgrade is pending.")
    metrics = TierMetricsSerializer()
    next_tier = TierRefSerializer(allow_null=True)
    gap = TierGapSerializer(many=True, help_text="What the next tier needs, metric by metric.")
    earnings = EarningsTotalsSerializer()
    recomputed_at = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField(default="JPY")


class TierChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner = PartnerRefSerializer()
    kind = serializers.CharField()
    from_tier = TierRefSerializer(allow_null=True)
    to_tier = TierRefSerializer(allow_null=True)
    effective_on = serializers.DateField()
    downgrade_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class PartnerTierChangeSerializer(TierChangeSerializer):
    partner = None
    partner_id = serializers.IntegerField()


class EarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement_id = serializers.IntegerField()
    program = CatalogueSerializer()
    deal_id = serializers.IntegerField(allow_null=True)
    tier_change_id = serializers.IntegerField(allow_null=True)
    amount_jpy = YenField(source="amount")
    basis_jpy = YenField(source="basis")
    created_at = serializers.DateTimeField()


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.DateField(help_text="The first day of the month.")
    status = serializers.CharField()
    total_jpy = YenField(source="total")
    currency = serializers.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    changed_at = serializers.DateTimeField(help_text="The last change to the statement or its lines.")


class StatementDetailSerializer(StatementSerializer):
    lines = EarningSerializer(many=True, source="line_list")


class ProgramSerializer(CatalogueSerializer):
    kind = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    amount_jpy = YenField(source="amount")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    bonus_tier_id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


# --- people and training ----------------------------------------------------------------


class CertificationRefSerializer(CatalogueSerializer):
    slug = serializers.CharField()


class UserCertificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    certification = CertificationRefSerializer()
    person = PersonSerializer(source="user")
    partner_id = serializers.IntegerField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    revoked = serializers.BooleanField()
    valid = serializers.BooleanField(source="is_valid")
    verification_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_verification_url(self, award) -> str:
        return settings.SITE_URL + reverse("training:certificate", args=[award.code])


# --- the token ---------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    starts_with = serializers.CharField(source="key_prefix")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[s for a in ("partner", "vendor") for s in scopes.all_scopes(a)]
        )
    )
    expires_at = serializers.DateTimeField()


class MePartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """Who the token acts as, on which side of the API, with which scopes."""

    user_id = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.get_full_name")
    language = serializers.CharField(source="user.language")
    audience = serializers.ChoiceField(choices=["partner", "vendor"], allow_null=True)
    role = serializers.ChoiceField(choices=["admin", "member", "channel_manager"], allow_null=True)
    partner = MePartnerSerializer(allow_null=True)
    token = TokenSerializer()


# --- content ----------------------------------------------------------------------------


class AssetFileSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    kind = serializers.CharField(source="file_type")
    content_type = serializers.CharField()
    version = serializers.IntegerField(source="number")


class AssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    language = serializers.CharField()
    stages = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(allow_blank=True, help_text="Links and videos: where they point.")
    file = AssetFileSerializer(source="current_version", allow_null=True)
    translation_of_id = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    portal_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal_url(self, asset) -> str:
        return settings.SITE_URL + reverse("content:detail", args=[asset.pk])


class AssetDetailSerializer(AssetSerializer):
    body = serializers.CharField(allow_blank=True, help_text="Knowledge articles: Markdown.")
    tags = Slugs("name")


class DownloadLinkSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text="Works without the token until `expires_at`, for this file version only."
    )
    expires_at = serializers.DateTimeField()


# --- questions --------------------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = StaffAwarePersonSerializer(allow_null=True)
    body = serializers.CharField(help_text="Markdown.")
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    created_at = serializers.DateTimeField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner_id = serializers.IntegerField()
    subject = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    author = StaffAwarePersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField(source="last_public_at")
    first_response_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class QuestionDetailSerializer(QuestionSerializer):
    messages = MessageSerializer(many=True, source="public_messages")


class QuestionCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=[])
    body = serializers.CharField(max_length=20000, help_text="Markdown.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, help_text="Markdown.")


# --- onboarding -------------------------------------------------------------------------


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_ja = serializers.CharField(allow_blank=True, allow_null=True)
    title_en = serializers.CharField(allow_blank=True, allow_null=True)
    description = serializers.CharField(allow_blank=True)
    pillar = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    state = serializers.ChoiceField(choices=["open", "due_soon", "overdue", "submitted", "done"])
    due_date = serializers.DateField()
    completed_at = serializers.DateTimeField(allow_null=True)
    asset_id = serializers.IntegerField(allow_null=True)
    course_id = serializers.IntegerField(allow_null=True)
    certification_id = serializers.IntegerField(allow_null=True)
    accepts_document = serializers.BooleanField(
        help_text="POST …/submissions/ with a document is accepted (an open upload task of a running plan)."
    )


class PlanProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner_id = serializers.IntegerField()
    status = serializers.CharField()
    started_on = serializers.DateField()
    target_days = serializers.IntegerField()
    target_date = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    owner = PersonSerializer(allow_null=True)
    last_activity_at = serializers.DateTimeField()
    progress = PlanProgressSerializer()
    tasks = TaskSerializer(many=True)


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_id = serializers.IntegerField()
    status = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    filename = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class SubmissionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, Office documents, images, text or ZIP; at most 20 MB.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# --- vendor: partners and applications --------------------------------------------------


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_reading = serializers.CharField(source="name_kana", allow_blank=True)
    slug = serializers.CharField()
    partner_type = serializers.CharField()
    status = serializers.CharField()
    stage = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    company_size = serializers.CharField(allow_blank=True)
    directory_listed = serializers.BooleanField()
    tier = serializers.SerializerMethodField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    first_deal_won_at = serializers.DateField(allow_null=True)
    profile_completed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(TierRefSerializer(allow_null=True))
    def get_tier(self, partner):
        state = getattr(partner, "tier_state", None) if _has_state(partner) else None
        return TierRefSerializer(state.tier).data if state is not None and state.tier is not None else None


def _has_state(partner) -> bool:
    try:
        partner.tier_state  # noqa: B018 - selected with the partner (select_related)
    except ObjectDoesNotExist:
        return False
    return True


class PartnerStatusSerializer(serializers.Serializer):
    """A partner as its own users see it in an event (its lifecycle)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    stage = serializers.CharField()
    status_changed_at = serializers.DateTimeField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()


class PartnerDetailSerializer(PartnerSerializer):
    description = serializers.CharField(allow_blank=True)
    status_reason = serializers.CharField(allow_blank=True)
    regions = serializers.SerializerMethodField()
    industries = Slugs("code")
    capabilities = Slugs("code")
    members = serializers.SerializerMethodField()

    def get_regions(self, partner) -> list[str]:
        return [str(country.code) for country in partner.regions]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, partner):
        active = [m for m in partner.memberships.all() if m.is_active]
        return MemberSerializer(active, many=True).data


class LifecycleSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company_name = serializers.CharField()
    company_name_reading = serializers.CharField(source="company_name_kana", allow_blank=True)
    website = serializers.CharField()
    domain = serializers.CharField()
    country = serializers.CharField()
    company_size = serializers.CharField()
    partner_type = serializers.CharField()
    industries = Slugs("code")
    capabilities = Slugs("code")
    contact_name = serializers.CharField()
    contact_name_reading = serializers.CharField(source="contact_name_kana", allow_blank=True)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    source_detail = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    status = serializers.CharField()
    fit_score = serializers.IntegerField()
    rejection_reason = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    partner_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ApplicationApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ApplicationRejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=[])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Application.RejectionReason.choices


# --- vendor: campaigns ------------------------------------------------------------------


class CampaignSerializer(CatalogueSerializer):
    kind = serializers.CharField()
    status = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    budget_jpy = YenField(source="budget")
    partner_types = serializers.ListField(child=serializers.CharField())
    min_tier_id = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()


class CampaignFiguresSerializer(serializers.Serializer):
    """The figures a campaign's results show per partner and in total."""

    opt_ins = serializers.IntegerField()
    downloads = serializers.IntegerField()
    clicks = serializers.IntegerField()
    deals = serializers.IntegerField()
    pipeline_jpy = YenField(source="pipeline")
    won_deals = serializers.IntegerField()
    won_revenue_jpy = YenField(source="won_revenue")


class CampaignResultRowSerializer(CampaignFiguresSerializer):
    partner = PartnerRefSerializer()


class CampaignTotalsSerializer(CampaignFiguresSerializer):
    budget_jpy = YenField(source="budget")
    cost_per_won_deal_jpy = YenField(source="cost_per_won_deal", allow_null=True)


class CampaignResultsSerializer(serializers.Serializer):
    """Results limited to the partners the token's user may see."""

    campaign_id = serializers.IntegerField()
    currency = serializers.CharField(default="JPY")
    total = CampaignTotalsSerializer()
    partners = CampaignResultRowSerializer(many=True)


class VendorPlanSerializer(PlanSerializer):
    risk = serializers.ListField(child=serializers.CharField(), required=False)


# --- leads ------------------------------------------------------------------------------

LEAD_CONTACT_FIELDS = ("contact_name", "contact_name_reading", "contact_email", "contact_phone")


class LeadSerializer(serializers.Serializer):
    """A lead as the partner holding it reads it (webhook payloads): its contact only once
    the partner accepted it, as on the lead's page."""

    id = serializers.IntegerField()
    company = serializers.CharField()
    company_reading = serializers.CharField(source="company_kana", allow_blank=True)
    contact_name = serializers.CharField(allow_blank=True)
    contact_name_reading = serializers.CharField(source="contact_name_kana", allow_blank=True)
    contact_email = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    need = serializers.CharField()
    region = serializers.CharField(help_text="JIS prefecture code, 01-47.")
    product_id = serializers.IntegerField(allow_null=True)
    value_estimate_jpy = YenField()
    source = serializers.CharField()
    status = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    disqualify_reason = serializers.CharField(allow_blank=True)
    deal_id = serializers.IntegerField(allow_null=True)
    contacts_anonymised_at = serializers.DateTimeField(allow_null=True)
    portal_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal_url(self, lead) -> str:
        return settings.SITE_URL + reverse("leads:detail", args=[lead.pk])

    contact_before_acceptance = False  # the partner's lead page does not show it either

    def to_representation(self, lead):
        data = super().to_representation(lead)
        if lead.status == "offered" and not self.contact_before_acceptance:
            data.update(dict.fromkeys(LEAD_CONTACT_FIELDS, ""))
        return data


class VendorLeadSerializer(LeadSerializer):
    """A lead as its channel manager reads it: the partner holding it and the contact."""

    partner = PartnerRefSerializer(allow_null=True)
    created_by = PersonSerializer(allow_null=True)
    external_id = serializers.CharField(allow_blank=True)

    contact_before_acceptance = True

    def get_portal_url(self, lead) -> str:
        return settings.SITE_URL + reverse("leads:staff_detail", args=[lead.pk])


# --- market development funds (funds) ------------------------------------------------------


class FundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    allocated_jpy = YenField(source="allocated")
    reserved_jpy = YenField(source="reserved", help_text="Reserved for approved requests.")
    committed_jpy = YenField(source="committed", help_text="Approved claims not yet paid.")
    paid_jpy = YenField(source="paid")
    available_jpy = YenField(source="available")


class FundClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request_id = serializers.IntegerField()
    status = serializers.CharField()
    actual_cost_jpy = YenField(source="actual_cost", help_text="Excluding consumption tax.")
    leads = serializers.IntegerField()
    attendees = serializers.IntegerField()
    approved_amount_jpy = YenField(source="approved_amount", allow_null=True, help_text="Excluding tax.")
    approved_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    decision_comment = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PayoutSerializer(serializers.Serializer):
    """A payment statement (payouts): per-rate totals, tax once per rate, whole yen."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    period = serializers.DateField(help_text="The first day of the month.")
    status = serializers.CharField()
    registration_number = serializers.CharField(help_text="The partner's, as issued; empty: not registered.")
    standard_rate_amount_jpy = YenField(source="net_standard", help_text="10% items, excluding tax.")
    standard_rate_tax_jpy = YenField(source="tax_standard")
    reduced_rate_amount_jpy = YenField(source="net_reduced", help_text="8% items, excluding tax.")
    reduced_rate_tax_jpy = YenField(source="tax_reduced")
    total_jpy = YenField(source="total", help_text="The amount paid, including tax.")
    approved_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class FundRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    activity_type = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    expected_leads = serializers.IntegerField()
    expected_attendees = serializers.IntegerField()
    expected_pipeline_jpy = YenField(source="expected_pipeline")
    requested_amount_jpy = YenField(source="requested_amount")
    approved_amount_jpy = YenField(source="approved_amount", allow_null=True)
    campaign_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    decision_comment = serializers.CharField()
    decision_due_on = serializers.DateField(allow_null=True)
    claim_due_on = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    claim = serializers.SerializerMethodField()

    @extend_schema_field(FundClaimSerializer(allow_null=True))
    def get_claim(self, obj):
        claim = getattr(obj, "claim", None)
        return FundClaimSerializer(claim).data if claim is not None else None


class VendorFundRequestSerializer(FundRequestSerializer):
    partner = PartnerRefSerializer()
