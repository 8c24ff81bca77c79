"""Demo data of the plans app (issue 28, part 3), run by `manage.py seed_demo` after funds
and promotion: さくらシステムズ's approved joint business plan for the current fiscal year,
with goals, activities (one paid from its MDF request and run in a campaign it joined) and
the previous quarter's review, signed by both sides. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from funds.models import FundRequest
from partners.models import Partner
from plans import services
from plans.fiscal import quarter_of, quarter_span, year_span
from plans.models import BusinessPlan, PlanActivity
from prm.models import User
from promotion.models import CampaignParticipation

PARTNER = "sakura-systems"

SUMMARY = (
    "関西の製造業・物流業の中堅企業に、クラウドERPと導入サービスを一体で提案します。"
    "認定エンジニアを増やし、共催セミナーから案件を生み出します。",
    "We bring Cloud ERP with our implementation services to mid-sized manufacturers and "
    "logistics companies in Kansai, grow our certified engineers and turn joint seminars into deals.",
)
FOCUS = (
    "関西の製造業・物流業／クラウドERP、データ分析基盤",
    "Kansai manufacturing and logistics / Cloud ERP, Analytics",
)
GOALS = [
    {
        "kind": "revenue",
        "target": Decimal(40_000_000),
        "q1": 8_000_000,
        "q2": 10_000_000,
        "q3": 10_000_000,
        "q4": 12_000_000,
    },
    {"kind": "deals_won", "target": Decimal(8), "q1": 2, "q2": 2, "q3": 2, "q4": 2},
    {"kind": "certified_people", "target": Decimal(3)},
    {"kind": "campaigns_run", "target": Decimal(2)},
]


def seed(stdout) -> None:
    partner = Partner.objects.filter(slug=PARTNER).first()
    admin = User.objects.filter(email="partner@example.com").first()
    manager = User.objects.filter(email="manager@example.com").first()
    if partner is None or admin is None or manager is None:
        return
    today = timezone.localdate()
    fiscal_year, quarter = quarter_of(today)
    if BusinessPlan.objects.filter(partner=partner, fiscal_year=fiscal_year).exists():
        stdout.write("    plans: the demo plan exists")
        return
    with transaction.atomic():
        plan = services.plan_create(partner=partner, fiscal_year=fiscal_year, actor=admin)
        fields = {
            "summary_ja": SUMMARY[0],
            "summary_en": SUMMARY[1],
            "focus_ja": FOCUS[0],
            "focus_en": FOCUS[1],
        }
        plan = services.plan_update(plan=plan, actor=admin, fields=fields, goal_rows=GOALS)
        plan = services.plan_submit(plan=plan, actor=admin)
        plan = services.plan_approve(plan=plan, actor=manager, comment="目標と活動に合意します。")
        _activities(plan, admin, manager, today)
        reviewed = quarter - 1 if quarter > 1 else 1
        review = services.review_create(
            plan=plan,
            quarter=reviewed,
            actor=manager,
            fields={
                "narrative_ja": "受注は計画どおり。共催セミナーから2件の商談化があり、認定取得が1名遅れています。",
                "narrative_en": "Wins on plan. The joint seminar produced two opportunities; one certification is late.",
                "agreed_actions_ja": "認定試験の受験日を確定する\n次回セミナーの集客を2週間前に開始する",
                "agreed_actions_en": "Book the certification exam\nStart seminar promotion two weeks ahead",
            },
        )
        services.review_sign(review=review, actor=manager)
        services.review_sign(review=review, actor=admin)
    span = quarter_span(fiscal_year, reviewed)
    stdout.write(f"    plans: FY{fiscal_year} plan approved, review of {span.start}–{span.end} signed")


def _activities(plan, admin, manager, today) -> None:
    request = FundRequest.objects.for_partner(plan.partner).order_by("-submitted_at").first()
    joined = CampaignParticipation.objects.for_partner(plan.partner).opted_in().select_related("campaign")
    participation = joined.order_by("-campaign__starts_on").first()
    end = year_span(plan.fiscal_year).end
    rows = [
        ("製造業向け共催セミナー（大阪）", admin, min(today + timedelta(days=30), end), "in_progress", True),
        ("認定エンジニア2名の育成", admin, min(today + timedelta(days=75), end), "planned", False),
        ("四半期パイプラインレビュー", manager, min(today + timedelta(days=20), end), "planned", False),
    ]
    for title, owner, due_on, status, linked in rows:
        if PlanActivity.objects.filter(plan=plan, title=title).exists():
            continue
        fields = {
            "title": title,
            "owner": owner,
            "due_on": due_on,
            "status": status,
            "fund_request": request if linked else None,
            "campaign": participation.campaign if linked and participation else None,
        }
        services.activity_save(plan=plan, actor=admin, fields=fields)
