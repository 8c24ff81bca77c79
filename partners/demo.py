"""Demo partners: a realistic, bilingual set across the three types and four statuses."""

from guardian.shortcuts import assign_perm

from partners.models import Membership, Partner, PartnerType
from prm.demo import demo_user
from prm.models import User

P = PartnerType
S = Partner.Status
# slug, name, type, status, country, website, description
PARTNERS = [
    ("sakura-systems", "さくらシステムズ株式会社", P.SALES, S.ACTIVE, "JP", "https://sakura-systems.example.jp",
     "関西を中心に中堅企業向けの業務システムを販売するリセラーです。"),
    ("fuji-integration", "富士インテグレーション株式会社", P.DELIVERY, S.ACTIVE, "JP", "https://fuji-integration.example.jp",
     "導入コンサルティングとシステム構築を手がけるSIerです。"),
    ("northwind-solutions", "Northwind Solutions Ltd.", P.SOLUTION, S.ACTIVE, "GB", "https://northwind.example.com",
     "Builds add-on modules and provides 24/7 support for enterprise customers."),
    ("aozora-trading", "青空トレーディング合同会社", P.SALES, S.ONBOARDING, "JP", "https://aozora-trading.example.jp",
     "製造業向けの販売チャネルを持つ商社です。"),
    ("kaede-consulting", "かえでコンサルティング株式会社", P.DELIVERY, S.ONBOARDING, "JP", "https://kaede.example.jp",
     "DX推進と業務改革のコンサルティング会社です。"),
    ("pacific-support", "Pacific Support Partners Pte. Ltd.", P.SOLUTION, S.ONBOARDING, "SG", "https://pacific-support.example.sg",
     "Regional maintenance and help-desk services across South-East Asia."),
    ("hokuto-it", "北斗ITサービス株式会社", P.SOLUTION, S.ACTIVE, "JP", "https://hokuto-it.example.jp",
     "保守運用とヘルプデスクを提供するサービス会社です。"),
    ("contoso-resellers", "Contoso Resellers Inc.", P.SALES, S.ACTIVE, "US", "https://contoso-resellers.example.com",
     "Value-added reseller for mid-market companies in North America."),
    ("midori-tech", "みどりテック株式会社", P.DELIVERY, S.SUSPENDED, "JP", "https://midori-tech.example.jp",
     "クラウド移行を専門とするインテグレーターです。"),
    ("orion-digital", "Orion Digital GmbH", P.DELIVERY, S.ACTIVE, "DE", "https://orion-digital.example.de",
     "Implementation partner for the DACH region."),
    ("umi-networks", "海ネットワークス株式会社", P.SALES, S.INACTIVE, "JP", "https://umi-networks.example.jp",
     "通信事業者向けの販売代理店でした。"),
    ("tsubame-soft", "つばめソフト株式会社", P.SOLUTION, S.ACTIVE, "JP", "https://tsubame-soft.example.jp",
     "業界特化の拡張アプリケーションを開発するISVです。"),
]  # fmt: skip

# Extra members per partner: (e-mail local part, display name, language)
MEMBERS = [
    ("tanaka", "田中 一郎", "ja"),
    ("yamamoto", "山本 由美", "ja"),
    ("smith", "Alex Smith", "en"),
]


def seed(stdout) -> None:
    partners = {}
    for slug, name, ptype, status, country, website, description in PARTNERS:
        partner, _ = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "partner_type": ptype,
                "status": status,
                "country": country,
                "website": website,
                "description": description,
            },
        )
        partners[slug] = partner

    _member(demo_user("partner@example.com", display_name="高橋 健"), partners["sakura-systems"], "admin")
    _member(demo_user("member@example.com", display_name="伊藤 さくら"), partners["sakura-systems"], "member")
    _member(
        demo_user("other@example.com", display_name="Emma Clarke", language="en"),
        partners["northwind-solutions"],
        "admin",
    )
    for slug, partner in partners.items():
        for i, (local, display, language) in enumerate(MEMBERS[: 1 + len(slug) % 3]):
            user = demo_user(f"{local}@{slug}.example.com", display_name=display, language=language)
            _member(
                user,
                partner,
                "admin" if i == 0 and slug not in ("sakura-systems", "northwind-solutions") else "member",
            )

    # The second demo manager is assigned to a few partners only (object permission).
    manager2 = User.objects.get(email="manager2@example.com")
    for slug in ("fuji-integration", "kaede-consulting", "orion-digital"):
        assign_perm("partners.manage_partner", manager2, partners[slug])


def _member(user, partner, role):
    Membership.objects.update_or_create(user=user, defaults={"partner": partner, "role": role})
