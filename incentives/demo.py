"""Demo data: tiers, products, deals across stages (with conflicts pending review), programs,
statements, and tier states computed by the recomputation itself. Idempotent."""

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from incentives import demo_dealflow, services
from incentives.models import Deal, IncentiveProgram, Product, RecomputationRun, Statement, Tier
from incentives.normalise import company_key, domain_key
from partners.models import Partner
from privacy.models import ProvisionRecord
from prm.models import User

S = Tier.SupportLevel


class DemoTier(NamedTuple):
    rank: int
    name: str
    name_en: str
    revenue: int
    deals: int
    certified: int
    onboarding: bool
    discount: str
    protection_days: int
    mdf: int
    support: str
    perks: tuple[str, str]


TIERS = [
    DemoTier(
        rank=0,
        name="レジスタード",
        name_en="Registered",
        revenue=0,
        deals=0,
        certified=0,
        onboarding=False,
        discount="5",
        protection_days=30,
        mdf=0,
        support=S.STANDARD,
        perks=("パートナーポータルと営業資料\n基本トレーニング", "Portal and sales kit\nFoundation training"),
    ),
    DemoTier(
        rank=1,
        name="シルバー",
        name_en="Silver",
        revenue=10_000_000,
        deals=3,
        certified=0,
        onboarding=False,
        discount="10",
        protection_days=60,
        mdf=500_000,
        support=S.PRIORITY,
        perks=(
            "共同マーケティング素材\nパートナーディレクトリ掲載\nマーケティング開発資金（MDF）の申請\n"
            "四半期ビジネスレビュー",
            "Co-marketing kit\nPartner directory listing\nMarket development funds (MDF) on request\n"
            "Quarterly business reviews",
        ),
    ),
    DemoTier(
        rank=2,
        name="ゴールド",
        name_en="Gold",
        revenue=30_000_000,
        deals=8,
        certified=2,
        onboarding=True,
        discount="15",
        protection_days=90,
        mdf=2_000_000,
        support=S.DEDICATED,
        perks=(
            "MDF による共同イベント・Web キャンペーンの支援\n当社営業からの見込み客の紹介\n年次カンファレンス招待\nデモ環境の無償提供",
            "MDF for joint events and web campaigns\nLeads passed from our sales team\nAnnual conference passes\nFree demo environment",
        ),
    ),
    DemoTier(
        rank=3,
        name="プラチナ",
        name_en="Platinum",
        revenue=80_000_000,
        deals=15,
        certified=4,
        onboarding=True,
        discount="20",
        protection_days=120,
        mdf=6_000_000,
        support=S.PREMIUM,
        perks=(
            "エグゼクティブスポンサー\n製品ロードマップ説明会\n共同イベント開催支援",
            "Executive sponsor\nRoadmap briefings\nJoint event funding",
        ),
    ),
]

PRODUCTS = [
    ("erp-cloud", "クラウドERP", "Cloud ERP"),
    ("crm-suite", "CRMスイート", "CRM Suite"),
    ("analytics", "データ分析基盤", "Analytics Platform"),
    ("support-plus", "保守サポートプラス", "Support Plus"),
    ("integration", "導入・連携サービス", "Integration Services"),
]

# partner slug -> list of (customer, domain, product, amount, currency, stage, status, days: closed ago / created ago)
WON, OPEN, LOST = Deal.Stage.WON, Deal.Stage.PROPOSAL, Deal.Stage.LOST
QUAL, NEG = Deal.Stage.QUALIFYING, Deal.Stage.NEGOTIATION
A, SUB, REJ = Deal.Status.APPROVED, Deal.Status.SUBMITTED, Deal.Status.REJECTED
DEALS = {
    "sakura-systems": [
        ("株式会社みなと物流", "minato-logistics.example.jp", "erp-cloud", 6_800_000, "JPY", WON, A, 300),
        ("関西フーズ株式会社", "kansai-foods.example.jp", "crm-suite", 4_200_000, "JPY", WON, A, 210),
        ("株式会社なにわ精工", "naniwa-seiko.example.jp", "erp-cloud", 9_500_000, "JPY", WON, A, 120),
        ("京都テキスタイル株式会社", "kyoto-textile.example.jp", "analytics", 3_300_000, "JPY", WON, A, 45),
        ("神戸マリン商事株式会社", "kobe-marine.example.jp", "support-plus", 2_400_000, "JPY", WON, A, 12),
        ("株式会社びわこ電機", "biwako-denki.example.jp", "erp-cloud", 12_000_000, "JPY", NEG, A, 20),
        ("奈良ヘルスケア株式会社", "nara-healthcare.example.jp", "crm-suite", 5_600_000, "JPY", OPEN, A, 8),
        (
            "和歌山ロジスティクス株式会社",
            "wakayama-logi.example.jp",
            "erp-cloud",
            7_000_000,
            "JPY",
            QUAL,
            SUB,
            3,
        ),
        ("大阪リテール株式会社", "osaka-retail.example.jp", "analytics", 2_000_000, "JPY", LOST, A, 60),
        ("株式会社堺メタル", "sakai-metal.example.jp", "crm-suite", 1_500_000, "JPY", QUAL, REJ, 30),
        # Won above the approved 4,000,000: back in review, counted only once a manager decides.
        ("滋賀精密株式会社", "shiga-seimitsu.example.jp", "erp-cloud", 4_800_000, "JPY", WON, SUB, 2),
    ],
    "northwind-solutions": [
        ("Thames Manufacturing Ltd.", "thames-mfg.example.co.uk", "analytics", 60_000, "GBP", WON, A, 150),
        ("Brighton Health plc", "brighton-health.example.co.uk", "support-plus", 25_000, "GBP", WON, A, 40),
        (
            "Northern Rail Services Ltd.",
            "northern-rail.example.co.uk",
            "integration",
            90_000,
            "GBP",
            OPEN,
            A,
            15,
        ),
        # Conflicts with sakura-systems' protected registrations: pending review.
        ("（株）びわこ電機", "biwako-denki.example.jp", "erp-cloud", 80_000, "USD", QUAL, None, 2),
        ("奈良ヘルスケア（株）", "nara-hc.example.com", "crm-suite", 30_000, "USD", QUAL, None, 1),
    ],
    "fuji-integration": [
        ("株式会社ふじ建設", "fuji-kensetsu.example.jp", "integration", 15_000_000, "JPY", WON, A, 200),
        ("静岡茶業株式会社", "shizuoka-cha.example.jp", "erp-cloud", 11_000_000, "JPY", WON, A, 150),
        ("株式会社富士山観光", "fujisan-kanko.example.jp", "crm-suite", 8_000_000, "JPY", WON, A, 90),
        ("沼津水産株式会社", "numazu-suisan.example.jp", "integration", 6_500_000, "JPY", WON, A, 30),
        ("株式会社三島製作所", "mishima-ss.example.jp", "analytics", 4_000_000, "JPY", OPEN, A, 10),
        (
            "神戸マリン商事株式会社",
            "kobe-marine-trading.example.jp",
            "integration",
            3_000_000,
            "JPY",
            QUAL,
            None,
            4,
        ),
    ],
    "hokuto-it": [
        ("北海道ミルク株式会社", "hokkaido-milk.example.jp", "support-plus", 3_500_000, "JPY", WON, A, 100),
        ("札幌システム株式会社", "sapporo-sys.example.jp", "support-plus", 2_200_000, "JPY", OPEN, A, 5),
    ],
    "contoso-resellers": [
        ("Fabrikam Inc.", "fabrikam.example.com", "crm-suite", 120_000, "USD", WON, A, 80),
        ("Litware, Inc.", "litware.example.com", "erp-cloud", 45_000, "USD", QUAL, SUB, 6),
    ],
    "orion-digital": [
        ("Adatum GmbH", "adatum.example.de", "integration", 70_000, "EUR", WON, A, 70),
    ],
    "tsubame-soft": [
        ("株式会社つくば研究所", "tsukuba-lab.example.jp", "analytics", 5_000_000, "JPY", WON, A, 160),
        ("仙台ホールディングス株式会社", "sendai-hd.example.jp", "analytics", 9_000_000, "JPY", WON, A, 75),
    ],
}


def seed(stdout) -> None:
    today = timezone.localdate()
    for rank, name, en, rev, deals, people, onb, disc, days, mdf, support, perks in TIERS:
        Tier.objects.update_or_create(
            rank=rank,
            defaults={
                "name_ja": name,
                "name_en": en,
                "min_won_revenue": Decimal(rev),
                "min_won_deals": deals,
                "min_certified_people": people,
                "requires_onboarding": onb,
                "discount_percent": Decimal(disc),
                "protection_days": days,
                "mdf_budget": Decimal(mdf),
                "support_level": support,
                "perks_ja": perks[0],
                "perks_en": perks[1],
            },
        )
    products = {}
    for code, name, en in PRODUCTS:
        products[code], _ = Product.objects.update_or_create(
            code=code, defaults={"name_ja": name, "name_en": en}
        )

    partners = {p.slug: p for p in Partner.objects.filter(slug__in=DEALS)}
    manager = User.objects.filter(email="manager@example.com").first()
    first_run = not RecomputationRun.objects.exists()
    if first_run:
        # Tier history for the staff charts: evaluate as of earlier dates before today.
        _seed_deals(partners, products, today, only_before=today - timedelta(days=150))
        services.tiers_recompute(as_of=today - timedelta(days=150))
    _seed_deals(partners, products, today)
    _seed_conflicts(partners, products, today)
    _seed_provisions()
    demo_dealflow.seed(today)  # extensions, credited partners, activation (issue 28)
    run = services.tiers_recompute(as_of=today)
    _seed_programs(products, today)
    _seed_statements(today, manager)
    stdout.write(f"    incentives: {Deal.objects.count()} deals, tiers recomputed ({run.changes} changes)")


def _admin_of(partner):
    membership = partner.memberships.filter(role="admin", is_active=True).select_related("user").first()
    return membership.user if membership else None


def _seed_deals(partners, products, today, *, only_before=None):
    for slug, rows in DEALS.items():
        partner = partners.get(slug)
        if partner is None:
            continue
        user = _admin_of(partner)
        for company, domain, code, amount, currency, stage, status, days in rows:
            if status is None:
                continue  # registered through the service (conflict check) below
            closed_on = today - timedelta(days=days) if stage in (WON, LOST) else None
            if only_before and (closed_on is None or closed_on > only_before):
                continue
            created = today - timedelta(days=days + 30 if closed_on else days)
            protection = services.protection_days_for(partner)
            amount_jpy = services.to_jpy(Decimal(amount), currency)
            # What a reviewer approved: the amount, or (a win above it, back in review) 5/6 of it.
            approved = Decimal(amount) if status == A else (Decimal(amount) * 5 / 6).quantize(Decimal(1))
            if status not in (A, SUB) or (status == SUB and stage != WON):
                approved = None
            Deal.objects.update_or_create(
                partner=partner,
                customer_domain=domain_key(domain),
                defaults={
                    "registered_by": user,
                    "customer_company": company,
                    "company_key": company_key(company),
                    "contact_name": "ご担当者様" if currency == "JPY" else "Procurement team",
                    "contact_email": f"sales@{domain}",
                    "product": products[code],
                    "amount": Decimal(amount),
                    "currency": currency,
                    "amount_jpy": amount_jpy,
                    "approved_amount": approved,
                    "approved_currency": currency if approved else "",
                    "approved_amount_jpy": services.to_jpy(approved, currency) if approved else None,
                    "counted_amount_jpy": amount_jpy if stage == WON and status == A else None,
                    "expected_close_date": closed_on or today + timedelta(days=45),
                    "status": status,
                    "stage": stage,
                    "closed_on": closed_on,
                    "protected_until": (created + timedelta(days=protection)) if status == A else None,
                    "review_reason": "他社の既存顧客のため登録を承認できません。" if status == REJ else "",
                    "lost_reason": "価格面で競合製品が選ばれました。" if stage == LOST else "",
                },
            )
            Deal.objects.filter(partner=partner, customer_domain=domain_key(domain)).update(
                created_at=timezone.now() - timedelta(days=days + 30 if closed_on else days)
            )
    # Keep demo protection current: open approved deals stay protected for a while.
    Deal.objects.filter(
        status=A, stage__in=Deal.OPEN_STAGES, protected_until__lt=today + timedelta(days=5)
    ).update(protected_until=today + timedelta(days=25))


def _seed_provisions():
    """A third-party provision record for every demo deal that has none (the seeded deals do
    not go through the registration service)."""
    recorded = set(
        ProvisionRecord.objects.filter(
            source_type__app_label="incentives", source_type__model="deal"
        ).values_list("source_id", flat=True)
    )
    for deal in Deal.objects.select_related("partner", "registered_by").order_by("pk"):
        if str(deal.pk) not in recorded and deal.contact_name:
            services.deal_provision_record(
                deal=deal,
                user=deal.registered_by,
                source=ProvisionRecord.Source.DEAL_REGISTRATION,
                acquisition=ProvisionRecord.Acquisition.MEETING,
            )


def _seed_conflicts(partners, products, today):
    for slug, rows in DEALS.items():
        partner = partners.get(slug)
        if partner is None:
            continue
        for company, domain, code, amount, currency, stage, status, days in rows:
            if (
                status is not None
                or Deal.objects.filter(partner=partner, customer_domain=domain_key(domain)).exists()
            ):
                continue
            deal = services.deal_register(
                partner=partner,
                user=_admin_of(partner),
                data={
                    "customer_company": company,
                    "customer_domain": domain,
                    "contact_name": "Purchasing",
                    "contact_email": f"buyer@{domain}",
                    "product": products[code],
                    "amount": Decimal(amount),
                    "currency": currency,
                    "expected_close_date": today + timedelta(days=60),
                    "stage": stage,
                    "notes": "展示会で名刺交換した案件です。",
                },
            )
            Deal.objects.filter(pk=deal.pk).update(created_at=timezone.now() - timedelta(days=days))


def _seed_programs(products, today):
    year_start, year_end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    spiff, _ = IncentiveProgram.objects.update_or_create(
        name_ja="クラウドERP 受注SPIFF",
        defaults={
            "name_en": "Cloud ERP win SPIFF",
            "kind": IncentiveProgram.Kind.SPIFF,
            "amount": Decimal(50_000),
            "starts_on": year_start - timedelta(days=365),
            "ends_on": year_end,
            "description_ja": "クラウドERPの受注1件ごとに5万円を支給します。",
            "description_en": "JPY 50,000 for every Cloud ERP deal won.",
        },
    )
    spiff.eligible_products.set([products["erp-cloud"]])
    rebate, _ = IncentiveProgram.objects.update_or_create(
        name_ja="販売リベート",
        defaults={
            "name_en": "Sales rebate",
            "kind": IncentiveProgram.Kind.REBATE,
            "percent": Decimal("2.00"),
            "amount": Decimal(0),
            "starts_on": year_start - timedelta(days=365),
            "ends_on": year_end,
            "description_ja": "シルバー以上のパートナーに受注金額の2%をリベートとして支給します。",
            "description_en": "Silver partners and above receive 2% of won revenue as a rebate.",
        },
    )
    rebate.eligible_tiers.set(Tier.objects.filter(rank__gte=1))
    IncentiveProgram.objects.update_or_create(
        name_ja="ゴールド到達ボーナス",
        defaults={
            "name_en": "Gold tier bonus",
            "kind": IncentiveProgram.Kind.TIER_BONUS,
            "amount": Decimal(300_000),
            "bonus_tier": Tier.objects.get(rank=2),
            "starts_on": year_start,
            "ends_on": year_end,
            "description_ja": "ゴールド以上に到達したパートナーに一度だけ30万円を支給します。",
            "description_en": "JPY 300,000, once, when a partner reaches Gold or above.",
        },
    )


def _seed_statements(today, manager):
    month = today.replace(day=1)
    periods = []
    for _i in range(12):
        periods.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    for period in reversed(periods):
        services.earnings_compute(period=period)
    if manager is None:
        return
    # Past months are approved (older ones paid); the current month stays a draft.
    for statement in Statement.objects.filter(period__lt=periods[0], status=Statement.Status.DRAFT):
        services.statement_approve(statement=statement, actor=manager)
    for statement in Statement.objects.filter(period__lt=periods[1], status=Statement.Status.APPROVED):
        services.statement_mark_paid(statement=statement, actor=manager)
