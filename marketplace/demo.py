"""Demo data of the marketplace (issue 30, part 4), run by `manage.py seed_demo` after
partners and incentives: 富士インテグレーション's published listing (with its badges shown)
and 北斗ITサービス's listing awaiting the manager's review. Idempotent: a partner that
already has a listing keeps it."""

from incentives.models import Product
from marketplace import services
from marketplace.models import Listing
from partners.models import Industry, Membership, Partner
from prm.models import User

LISTINGS = {
    "fuji-integration": {
        "fields": {
            "name_ja": "製造業向けクラウドERP 90日導入パッケージ",
            "name_en": "Cloud ERP for manufacturers: 90-day rollout package",
            "description_ja": (
                "中堅製造業向けに、クラウドERPの要件整理からデータ移行、現場トレーニングまでを"
                "90日で行う定額パッケージです。生産管理と在庫管理のテンプレートを含みます。"
            ),
            "description_en": (
                "A fixed-price package that takes mid-sized manufacturers from requirements to data "
                "migration and on-site training on Cloud ERP in 90 days, with production and "
                "inventory templates."
            ),
            "pricing_model": "fixed_package",
            "pricing_note": "480万円から（税別）",
            "contact_name": "富士インテグレーション 営業部",
            "contact_email": "erp@fuji-integration.example.jp",
            "contact_url": "https://fuji-integration.example.jp/erp-90",
        },
        "products": ["erp-cloud", "integration"],
        "industries": ["manufacturing"],
        "publish": True,
    },
    "hokuto-it": {
        "fields": {
            "name_ja": "自治体・学校向け 24時間ヘルプデスク",
            "name_en": "24/7 help desk for local government and schools",
            "description_ja": (
                "保守サポートプラスの一次窓口を24時間365日で代行します。"
                "問い合わせの傾向を毎月レポートします。"
            ),
            "description_en": (
                "We run the first line of Support Plus around the clock, every day of the year, "
                "with a monthly report on what customers asked."
            ),
            "pricing_model": "subscription",
            "pricing_note": "月額30万円から",
            "contact_name": "北斗ITサービス サポート窓口",
            "contact_email": "helpdesk@hokuto-it.example.jp",
            "contact_url": "",
        },
        "products": ["support-plus"],
        "industries": ["public", "education"],
        "publish": False,
    },
}


def seed(stdout) -> None:
    manager = User.objects.filter(email="manager@example.com").first()
    for slug, spec in LISTINGS.items():
        partner = Partner.objects.filter(slug=slug).first()
        admin = (
            Membership.objects.filter(partner=partner, role=Membership.Role.ADMIN, is_active=True)
            .select_related("user")
            .first()
        )
        if partner is None or admin is None or manager is None:
            continue
        if Listing.objects.filter(partner=partner).exists():
            continue
        listing = services.listing_create(
            partner=partner,
            actor=admin.user,
            fields=spec["fields"],
            products=Product.objects.filter(code__in=spec["products"]),
            industries=Industry.objects.filter(code__in=spec["industries"]),
        )
        listing = services.listing_submit(listing=listing, actor=admin.user)
        if spec["publish"]:
            services.listing_publish(listing=listing, actor=manager, comment="公開しました。")
        services.badges_set(partner=partner, actor=admin.user, show=True)
    stdout.write("    marketplace: one listing published, one awaiting review")
