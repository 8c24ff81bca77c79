"""Demo leads (idempotent): two routing rules, a lead waiting for Sakura Systems' answer, an
accepted lead Sakura is working, and a lead Fuji Integration declined that the rules offered
to the next partner. Everything goes through the services (audited, offers e-mailed)."""

from decimal import Decimal
from typing import NamedTuple

from incentives.models import Product, Tier
from leads import services
from leads.models import Lead, Prefecture, RoutingRule
from partners.models import Partner, PartnerType
from prm.models import User


class DemoLead(NamedTuple):
    company: str
    contact: str
    email: str
    need: str
    region: str
    value: int
    source: str


WAITING = DemoLead(
    "株式会社なにわ精工",
    "山田 太郎",
    "yamada@naniwa-seiko.example.jp",
    "工場3拠点の生産管理システムを刷新したい。来期予算で検討中。",
    Prefecture.OSAKA,
    8_000_000,
    Lead.Source.WEBSITE,
)
WORKING = DemoLead(
    "京都メディカル株式会社",
    "佐藤 花子",
    "sato@kyoto-medical.example.jp",
    "院内の予約管理をクラウド化したい。デモを希望。",
    Prefecture.KYOTO,
    3_500_000,
    Lead.Source.EVENT,
)
DECLINED = DemoLead(
    "横浜ロジスティクス株式会社",
    "鈴木 一郎",
    "suzuki@yokohama-logi.example.jp",
    "倉庫管理と配送計画の連携。既存システムからの移行支援が必要。",
    Prefecture.KANAGAWA,
    12_000_000,
    Lead.Source.CAMPAIGN,
)


def _admin(slug: str):
    return User.objects.filter(
        membership__partner__slug=slug, membership__role="admin", membership__is_active=True
    ).first()


def _create(row: DemoLead, manager) -> Lead:
    return services.lead_create(
        actor=manager,
        data={
            "company": row.company,
            "contact_name": row.contact,
            "contact_email": row.email,
            "contact_phone": "06-0000-0000",
            "need": row.need,
            "region": row.region,
            "product": Product.objects.filter(is_active=True).order_by("pk").first(),
            "value_estimate_jpy": Decimal(row.value),
            "source": row.source,
        },
    )


def seed(stdout) -> None:
    if Lead.objects.exists() or RoutingRule.objects.exists():
        return
    manager = User.objects.filter(email="manager@example.com").first()
    sakura = Partner.objects.filter(slug="sakura-systems").first()
    fuji = Partner.objects.filter(slug="fuji-integration").first()
    if manager is None or sakura is None or fuji is None:
        return
    RoutingRule.objects.create(
        name="関西の販売パートナー（シルバー以上）",
        order=10,
        region=Prefecture.OSAKA,
        partner_type=PartnerType.SALES,
        min_tier=Tier.objects.filter(rank=1).first(),
        max_open_leads=3,
    )
    RoutingRule.objects.create(name="全国（既定）", order=100, max_open_leads=5)

    services.lead_offer(lead=_create(WAITING, manager), partner=sakura, actor=manager)

    working = _create(WORKING, manager)
    services.lead_offer(lead=working, partner=sakura, actor=manager)
    admin = _admin("sakura-systems")
    if admin is not None:
        services.lead_accept(lead=working, user=admin)
        services.lead_status_set(
            lead=working,
            user=admin,
            status=Lead.Status.CONTACTED,
            note="電話で担当者と話し、来週デモの日程を調整中です。",
        )

    declined = _create(DECLINED, manager)
    services.lead_offer(lead=declined, partner=fuji, actor=manager)
    fuji_admin = _admin("fuji-integration")
    if fuji_admin is not None:
        services.lead_decline(
            lead=declined,
            user=fuji_admin,
            reason="今期は首都圏の物流案件に割ける要員がいないため、お受けできません。",
        )
