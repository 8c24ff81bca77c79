"""Demo content: a bilingual library of 64 assets across stages, kinds and collections.

Files (PDF, PNG) are generated with Pillow at seed time, so the repository stays small.
Idempotent: assets are matched on their title; a file is added only when none exists.
"""

import random
from datetime import timedelta
from io import BytesIO
from typing import NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from content import rollups, search, services
from content.models import Asset, AssetEvent, AssetShare, Collection, Contribution, Tag
from incentives.models import Tier
from partners.models import Membership, Partner
from prm.models import User

ON, SELL, SERV = "onboarding", "selling", "servicing"
A, F, V, L = Asset.Kind.ARTICLE, Asset.Kind.FILE, Asset.Kind.VIDEO, Asset.Kind.LINK

COLLECTIONS = [
    # slug, name (ja), name (en), parent slug
    ("getting-started", "はじめに", "Getting started", None),
    ("portal-basics", "ポータルの使い方", "Using the portal", "getting-started"),
    ("certification", "トレーニングと認定", "Training and certification", "getting-started"),
    ("sales", "営業資料", "Sales", None),
    ("pitch", "提案書とピッチ", "Proposals and pitches", "sales"),
    ("pricing", "価格とライセンス", "Pricing and licensing", "sales"),
    ("competitive", "競合比較", "Competitive", "sales"),
    ("delivery", "導入・実装", "Delivery", None),
    ("architecture", "アーキテクチャ", "Architecture", "delivery"),
    ("support", "サポートと保守", "Support", None),
    ("runbooks", "運用手順書", "Runbooks", "support"),
    ("marketing", "マーケティング", "Marketing", None),
]
TAGS = [
    ("onboarding", "オンボーディング", "Onboarding"),
    ("pricing", "価格", "Pricing"),
    ("proposal", "提案", "Proposal"),
    ("security", "セキュリティ", "Security"),
    ("cloud", "クラウド", "Cloud"),
    ("migration", "移行", "Migration"),
    ("api", "API", "API"),
    ("support", "サポート", "Support"),
    ("certification", "認定", "Certification"),
    ("case-study", "導入事例", "Case study"),
    ("campaign", "キャンペーン", "Campaign"),
    ("manufacturing", "製造業", "Manufacturing"),
]


class DemoAsset(NamedTuple):
    """An asset of the demo library (`kind` an `Asset.Kind`, `stages` partner stages)."""

    title: str
    summary: str
    kind: str
    language: str
    stages: list[str]
    collection: str
    tags: list[str]
    partner_types: list[str]


ASSETS = [
    DemoAsset(
        title="パートナーポータルの使い方ガイド",
        summary="ログインからコンテンツ検索、案件登録までポータルの基本操作を画面つきで解説します。",
        kind=A,
        language="ja",
        stages=[ON],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="Partner portal quick start",
        summary="Sign in, find content, register your first deal: the portal in ten minutes.",
        kind=A,
        language="en",
        stages=[ON],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="オンボーディング60日プラン解説",
        summary="最初の60日で何を終えるべきか、週ごとのチェックリストとともに説明します。",
        kind=F,
        language="ja",
        stages=[ON],
        collection="getting-started",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="Your first 60 days as a partner",
        summary="What to complete in your first 60 days, week by week, with the onboarding checklist.",
        kind=F,
        language="en",
        stages=[ON],
        collection="getting-started",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="製品概要プレゼンテーション（2026年版）",
        summary="お客様への初回訪問で使える製品概要スライドです。最新の機能とロードマップを含みます。",
        kind=F,
        language="ja",
        stages=[ON, SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="Product overview deck 2026",
        summary="Slides for a first customer meeting: capabilities, roadmap and customer proof points.",
        kind=F,
        language="en",
        stages=[ON, SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="営業トークスクリプト：課題ヒアリング編",
        summary="お客様の業務課題を引き出すための質問例と切り返しトークをまとめました。",
        kind=A,
        language="ja",
        stages=[SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="Discovery call script",
        summary="Questions that uncover business pain, and how to answer the usual objections.",
        kind=A,
        language="en",
        stages=[SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="価格表とライセンス体系",
        summary="エディション別の価格、ボリュームディスカウント、更新時の条件を一覧にしています。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="pricing",
        tags=["pricing"],
        partner_types=[],
    ),
    DemoAsset(
        title="Price list and licensing",
        summary="Edition prices, volume discounts and renewal terms in one table.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="pricing",
        tags=["pricing"],
        partner_types=[],
    ),
    DemoAsset(
        title="見積作成ツール",
        summary="ユーザー数とオプションを入力するだけで参考見積を作成できるオンラインツールです。",
        kind=L,
        language="ja",
        stages=[SELL],
        collection="pricing",
        tags=["pricing"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="Quote builder",
        summary="Enter users and options to get a reference quote in seconds.",
        kind=L,
        language="en",
        stages=[SELL],
        collection="pricing",
        tags=["pricing"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="競合比較シート：主要3社",
        summary="主要競合3社との機能・価格・サポート体制の比較表です。社外秘。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="competitive",
        tags=["proposal"],
        partner_types=["sales", "delivery"],
    ),
    DemoAsset(
        title="Competitive battlecard",
        summary="How we win against the three main competitors: features, pricing, support.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="competitive",
        tags=["proposal"],
        partner_types=["sales", "delivery"],
    ),
    DemoAsset(
        title="製造業向け導入事例：東海精機株式会社",
        summary="生産管理システムとの連携で受注から出荷までのリードタイムを30%短縮した事例です。",
        kind=A,
        language="ja",
        stages=[SELL],
        collection="sales",
        tags=["case-study", "manufacturing"],
        partner_types=[],
    ),
    DemoAsset(
        title="Case study: Midlands Precision Ltd.",
        summary="How a manufacturer cut order-to-ship lead time by 30% with an ERP integration.",
        kind=A,
        language="en",
        stages=[SELL],
        collection="sales",
        tags=["case-study", "manufacturing"],
        partner_types=[],
    ),
    DemoAsset(
        title="導入プロジェクト標準手順書",
        summary="要件定義からカットオーバーまでの標準的な導入手順と成果物のテンプレートです。",
        kind=F,
        language="ja",
        stages=[ON, SERV],
        collection="delivery",
        tags=["migration"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="Implementation methodology",
        summary="Our standard implementation phases, from requirements to go-live, with templates.",
        kind=F,
        language="en",
        stages=[ON, SERV],
        collection="delivery",
        tags=["migration"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="リファレンスアーキテクチャ図",
        summary="高可用性構成のリファレンスアーキテクチャ図（クラウド／オンプレミス）です。",
        kind=F,
        language="ja",
        stages=[SERV],
        collection="architecture",
        tags=["cloud", "security"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="Reference architecture diagram",
        summary="High-availability reference architecture for cloud and on-premises deployments.",
        kind=F,
        language="en",
        stages=[SERV],
        collection="architecture",
        tags=["cloud", "security"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="API連携入門",
        summary="REST APIの認証、ページング、Webhookの受け方をサンプルコードつきで説明します。",
        kind=A,
        language="ja",
        stages=[ON, SERV],
        collection="architecture",
        tags=["api"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="Getting started with the API",
        summary="Authentication, paging and webhooks with code samples.",
        kind=A,
        language="en",
        stages=[ON, SERV],
        collection="architecture",
        tags=["api"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="データ移行チェックリスト",
        summary="既存システムからのデータ移行で確認すべき項目と、よくある失敗を整理しました。",
        kind=A,
        language="ja",
        stages=[SERV],
        collection="delivery",
        tags=["migration"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="Data migration checklist",
        summary="What to check before, during and after migrating customer data, and the usual pitfalls.",
        kind=A,
        language="en",
        stages=[SERV],
        collection="delivery",
        tags=["migration"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="セキュリティホワイトペーパー",
        summary="暗号化、アクセス制御、監査ログ、第三者認証の取得状況をまとめています。",
        kind=F,
        language="ja",
        stages=[SELL, SERV],
        collection="architecture",
        tags=["security"],
        partner_types=[],
    ),
    DemoAsset(
        title="Security white paper",
        summary="Encryption, access control, audit logging and our third-party certifications.",
        kind=F,
        language="en",
        stages=[SELL, SERV],
        collection="architecture",
        tags=["security"],
        partner_types=[],
    ),
    DemoAsset(
        title="障害対応ランブック",
        summary="障害発生時の切り分け手順、エスカレーション先、顧客への連絡テンプレートです。",
        kind=A,
        language="ja",
        stages=[SERV],
        collection="runbooks",
        tags=["support"],
        partner_types=["solution"],
    ),
    DemoAsset(
        title="Incident response runbook",
        summary="Triage steps, escalation paths and customer communication templates for incidents.",
        kind=A,
        language="en",
        stages=[SERV],
        collection="runbooks",
        tags=["support"],
        partner_types=["solution"],
    ),
    DemoAsset(
        title="バージョンアップ手順書",
        summary="メジャーバージョンアップ時の事前確認、手順、ロールバック方法です。",
        kind=A,
        language="ja",
        stages=[SERV],
        collection="runbooks",
        tags=["support", "migration"],
        partner_types=["solution", "delivery"],
    ),
    DemoAsset(
        title="Upgrade guide",
        summary="Pre-checks, steps and rollback for a major version upgrade.",
        kind=A,
        language="en",
        stages=[SERV],
        collection="runbooks",
        tags=["support", "migration"],
        partner_types=["solution", "delivery"],
    ),
    DemoAsset(
        title="サポート窓口の使い方",
        summary="問い合わせの起票方法、重要度の決め方、回答目標時間について説明します。",
        kind=A,
        language="ja",
        stages=[ON, SERV],
        collection="support",
        tags=["support"],
        partner_types=[],
    ),
    DemoAsset(
        title="How to work with partner support",
        summary="Opening tickets, choosing severity, and the response times you can expect.",
        kind=A,
        language="en",
        stages=[ON, SERV],
        collection="support",
        tags=["support"],
        partner_types=[],
    ),
    DemoAsset(
        title="認定資格ガイド：セールス認定",
        summary="セールス認定試験の範囲、学習教材、受験方法をご案内します。",
        kind=A,
        language="ja",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="Sales certification guide",
        summary="Exam scope, study material and how to book the sales certification.",
        kind=A,
        language="en",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="認定資格ガイド：技術認定",
        summary="技術認定（導入エンジニア）の試験範囲とハンズオン課題について説明します。",
        kind=A,
        language="ja",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="Technical certification guide",
        summary="Scope and hands-on labs of the implementation engineer certification.",
        kind=A,
        language="en",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="製品デモ動画（5分）",
        summary="主要機能を5分で紹介するデモ動画です。お客様との打ち合わせ冒頭にご活用ください。",
        kind=V,
        language="ja",
        stages=[ON, SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=[],
    ),
    DemoAsset(
        title="Five-minute product demo",
        summary="The main features in five minutes: a good opener for customer meetings.",
        kind=V,
        language="en",
        stages=[ON, SELL],
        collection="pitch",
        tags=["proposal"],
        partner_types=[],
    ),
    DemoAsset(
        title="ポータル紹介動画",
        summary="パートナーポータルでできることを3分で紹介します。",
        kind=V,
        language="ja",
        stages=[ON],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="Portal overview video",
        summary="What the partner portal does for you, in three minutes.",
        kind=V,
        language="en",
        stages=[ON],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="ハンズオントレーニング録画：初期設定",
        summary="初期設定ハンズオンの録画です。テナント作成からユーザー登録まで。",
        kind=V,
        language="ja",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="Hands-on training recording: setup",
        summary="Recording of the setup lab: tenant creation to first users.",
        kind=V,
        language="en",
        stages=[ON],
        collection="certification",
        tags=["certification"],
        partner_types=["delivery", "solution"],
    ),
    DemoAsset(
        title="共同マーケティングキャンペーンキット",
        summary="ロゴ、バナー、メール文面、LPテンプレートをまとめたキャンペーン素材です。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="marketing",
        tags=["campaign"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="Co-marketing campaign kit",
        summary="Logos, banners, e-mail copy and landing page templates for joint campaigns.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="marketing",
        tags=["campaign"],
        partner_types=["sales"],
    ),
    DemoAsset(
        title="展示会ブース用バナー画像",
        summary="展示会やセミナーで使えるブース用バナー画像（横長）です。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="marketing",
        tags=["campaign"],
        partner_types=[],
    ),
    DemoAsset(
        title="Event booth banner",
        summary="Wide banner image for trade show booths and seminars.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="marketing",
        tags=["campaign"],
        partner_types=[],
    ),
    DemoAsset(
        title="ROI計算シート",
        summary="導入効果（工数削減・コスト削減）を試算するスプレッドシートです。",
        kind=L,
        language="ja",
        stages=[SELL],
        collection="pricing",
        tags=["pricing", "proposal"],
        partner_types=[],
    ),
    DemoAsset(
        title="ROI calculator",
        summary="Estimate the customer's savings in hours and cost.",
        kind=L,
        language="en",
        stages=[SELL],
        collection="pricing",
        tags=["pricing", "proposal"],
        partner_types=[],
    ),
    DemoAsset(
        title="案件登録と案件保護のルール",
        summary="案件登録の条件、保護期間、競合登録時の扱いを説明します。",
        kind=A,
        language="ja",
        stages=[ON, SELL],
        collection="sales",
        tags=["proposal"],
        partner_types=["sales", "delivery"],
    ),
    DemoAsset(
        title="Deal registration and protection rules",
        summary="When to register a deal, how long it is protected, and what happens on conflicts.",
        kind=A,
        language="en",
        stages=[ON, SELL],
        collection="sales",
        tags=["proposal"],
        partner_types=["sales", "delivery"],
    ),
    DemoAsset(
        title="クラウド移行提案書テンプレート",
        summary="オンプレミスからクラウドへの移行提案書のテンプレートと記入例です。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="pitch",
        tags=["cloud", "migration", "proposal"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="Cloud migration proposal template",
        summary="A proposal template for on-premises to cloud migrations, with a filled-in example.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="pitch",
        tags=["cloud", "migration", "proposal"],
        partner_types=["delivery"],
    ),
    DemoAsset(
        title="保守契約の更新提案ガイド",
        summary="保守契約更新時のアップセル提案と、解約を防ぐためのポイントをまとめました。",
        kind=A,
        language="ja",
        stages=[SERV],
        collection="support",
        tags=["support", "proposal"],
        partner_types=["solution"],
    ),
    DemoAsset(
        title="Maintenance renewal playbook",
        summary="Upsell at renewal time and the signals that a customer may churn.",
        kind=A,
        language="en",
        stages=[SERV],
        collection="support",
        tags=["support", "proposal"],
        partner_types=["solution"],
    ),
    DemoAsset(
        title="監視設定のベストプラクティス",
        summary="推奨する監視項目、しきい値、アラート通知の設定例です。",
        kind=A,
        language="ja",
        stages=[SERV],
        collection="runbooks",
        tags=["support", "cloud"],
        partner_types=["solution", "delivery"],
    ),
    DemoAsset(
        title="Monitoring best practices",
        summary="Recommended metrics, thresholds and alert routing.",
        kind=A,
        language="en",
        stages=[SERV],
        collection="runbooks",
        tags=["support", "cloud"],
        partner_types=["solution", "delivery"],
    ),
    DemoAsset(
        title="業界専門家コラム：製造業DXの進め方",
        summary="製造業のDX推進で失敗しないための3つのステップを業界専門家が解説します。",
        kind=A,
        language="ja",
        stages=[SELL],
        collection="sales",
        tags=["manufacturing", "case-study"],
        partner_types=[],
    ),
    DemoAsset(
        title="Expert column: digital transformation in manufacturing",
        summary="Three steps to a manufacturing transformation that sticks, by an industry analyst.",
        kind=A,
        language="en",
        stages=[SELL],
        collection="sales",
        tags=["manufacturing", "case-study"],
        partner_types=[],
    ),
    DemoAsset(
        title="パートナー寄稿：小売業での導入ノウハウ",
        summary="パートナー企業が小売業での導入で得たノウハウを共有します。",
        kind=A,
        language="ja",
        stages=[SELL, SERV],
        collection="delivery",
        tags=["case-study"],
        partner_types=[],
    ),
    DemoAsset(
        title="Partner story: lessons from retail rollouts",
        summary="A partner shares what they learned rolling out in retail chains.",
        kind=A,
        language="en",
        stages=[SELL, SERV],
        collection="delivery",
        tags=["case-study"],
        partner_types=[],
    ),
    DemoAsset(
        title="ゴールドパートナー限定：年間販売計画テンプレート",
        summary="ゴールド以上のパートナー向け、年間の販売計画と共同マーケティング計画のテンプレートです。",
        kind=F,
        language="ja",
        stages=[SELL],
        collection="sales",
        tags=["campaign"],
        partner_types=[],
    ),
    DemoAsset(
        title="Gold partners: annual business plan template",
        summary="For Gold partners and above: annual sales and co-marketing plan template.",
        kind=F,
        language="en",
        stages=[SELL],
        collection="sales",
        tags=["campaign"],
        partner_types=[],
    ),
    DemoAsset(
        title="画面構成図（管理コンソール）",
        summary="管理コンソールの画面構成を1枚にまとめた図です。",
        kind=F,
        language="ja",
        stages=[ON, SERV],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
    DemoAsset(
        title="Admin console map",
        summary="One image that maps the screens of the admin console.",
        kind=F,
        language="en",
        stages=[ON, SERV],
        collection="portal-basics",
        tags=["onboarding"],
        partner_types=[],
    ),
]

IMAGE_TITLES = {
    "展示会ブース用バナー画像",
    "Event booth banner",
    "画面構成図（管理コンソール）",
    "Admin console map",
}
VIDEO_URLS = ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://vimeo.com/76979871"]
SOURCES = {
    "業界専門家": Asset.Source.EXPERT,
    "Expert": Asset.Source.EXPERT,
    "パートナー寄稿": Asset.Source.PARTNER,
    "Partner story": Asset.Source.PARTNER,
}


# Shown to prospects on the public resources page and the landing page.
PUBLIC_TITLES = {
    "製品概要プレゼンテーション（2026年版）",
    "Product overview deck 2026",
    "製造業向け導入事例：東海精機株式会社",
    "Case study: Midlands Precision Ltd.",
}


def seed(stdout) -> None:
    collections = {}
    for position, (slug, name, name_en, parent) in enumerate(COLLECTIONS):
        collections[slug], _ = Collection.objects.update_or_create(
            parent=collections.get(parent),
            slug=slug,
            defaults={"name_ja": name, "name_en": name_en, "position": position},
        )
    tags = {}
    for slug, name, name_en in TAGS:
        tags[slug], _ = Tag.objects.update_or_create(
            slug=slug, defaults={"name_ja": name, "name_en": name_en}
        )
    gold = Tier.objects.filter(rank__gte=2).order_by("rank").first()
    now = timezone.now()
    ids = []
    for i, (title, summary, kind, lang, stages, coll, tag_slugs, types) in enumerate(ASSETS):
        source = next((s for prefix, s in SOURCES.items() if title.startswith(prefix)), Asset.Source.COMPANY)
        published = now - timedelta(days=(i * 5) % 120, hours=i)
        defaults = {
            "summary": summary,
            "kind": kind,
            "language": lang,
            "stages": stages,
            "partner_types": types,
            "collection": collections[coll],
            "source": source,
            "status": Asset.Status.PUBLISHED,
            "published_at": published,
            "body": _body(title, summary, lang) if kind == A else "",
            "url": _url(kind, i),
            "min_tier": gold if "Gold" in title or "ゴールド" in title else None,
            "is_public": title in PUBLIC_TITLES,
        }
        asset = Asset.objects.filter(title=title).first()
        if asset is None:
            asset = Asset.objects.create(title=title, **defaults)
        else:
            for field in (
                "summary",
                "kind",
                "language",
                "stages",
                "partner_types",
                "collection",
                "source",
                "body",
                "url",
                "is_public",
            ):
                setattr(asset, field, defaults[field])
            asset.save()
        asset.tags.set([tags[t] for t in tag_slugs])
        if kind == F and asset.current_version_id is None:
            services.asset_version_add(asset=asset, upload=_file(title, i, image=title in IMAGE_TITLES))
        ids.append(asset.pk)
    _link_translations(ids)
    _extras(collections, tags, now)
    _contributions()
    search.index_assets(Asset.objects.values_list("pk", flat=True))
    _events(ids, now)
    rollups.engagement_recount()
    rollups.popularity_refresh()
    stdout.write(f"    content: {Asset.objects.count()} assets")


def _link_translations(ids):
    """A Japanese asset followed by its English version (same kind and collection) are one
    asset in two languages; the rest exist in one language only."""
    i = 0
    while i < len(ASSETS) - 1:
        ja, en = ASSETS[i], ASSETS[i + 1]
        same_asset = ja.kind == en.kind and ja.collection == en.collection
        if ja.language == "ja" and en.language == "en" and same_asset:
            Asset.objects.filter(pk=ids[i + 1]).update(translation_of_id=ids[i])
            i += 2
        else:
            i += 1


def _extras(collections, tags, now):
    """A draft, a scheduled asset, an archived one and one shared with a named partner."""
    extras = [
        ("【下書き】2027年度パートナープログラム改定のお知らせ", Asset.Status.DRAFT, None),
        ("Coming soon: partner program 2027", Asset.Status.SCHEDULED, now + timedelta(days=3)),
        ("旧価格表（2024年版）", Asset.Status.ARCHIVED, None),
    ]
    for title, status, publish_at in extras:
        Asset.objects.update_or_create(
            title=title,
            defaults={
                "summary": title,
                "kind": A,
                "language": "en" if title.isascii() else "ja",
                "stages": [SELL],
                "collection": collections["sales"],
                "status": status,
                "publish_at": publish_at,
                "published_at": now - timedelta(days=400) if status == Asset.Status.ARCHIVED else None,
                "body": f"# {title}\n\n{title}",
            },
        )
    partner = Partner.objects.filter(slug="sakura-systems").first()
    shared, _ = Asset.objects.update_or_create(
        title="さくらシステムズ様向け：共同提案資料（関西製造業）",
        defaults={
            "summary": "さくらシステムズ様との関西製造業向け共同提案の資料です。",
            "kind": A,
            "language": "ja",
            "stages": [SELL],
            "collection": collections["pitch"],
            "status": Asset.Status.PUBLISHED,
            "published_at": now - timedelta(days=2),
            "shared_only": True,
            "body": "## 共同提案の概要\n\n関西の製造業のお客様向けに、共同で提案を進めるための資料です。",
        },
    )
    shared.tags.set([tags["proposal"], tags["manufacturing"]])
    if partner:
        AssetShare.objects.get_or_create(asset=shared, partner=partner)


CONTRIBUTIONS = [
    # (contributor, kind, title, summary, body, approved by: None = waiting for review)
    (
        "member@example.com",
        Contribution.Kind.CASE_STUDY,
        "導入事例：関西の部品メーカーで在庫管理を刷新",
        "さくらシステムズが 3 か月で在庫管理を刷新した事例です。",
        "## 背景\n\n在庫の二重管理で欠品が続いていました。\n\n## 結果\n\n棚卸しの工数が半分になりました。",
        None,
    ),
    (
        "partner@example.com",
        Contribution.Kind.IMPLEMENTATION_NOTE,
        "導入ノウハウ：既存の生産管理システムからのデータ移行",
        "移行の手順と、つまずきやすい点をまとめました。",
        "## 手順\n\n1. 品目マスタを先に移行します。\n2. 在庫残高は月末で締めて移します。",
        "manager@example.com",
    ),
]


def _contributions():
    """One partner contribution waiting for review and one approved (credited to its
    contributor in the library), through the services (matched on the title)."""
    for email, kind, title, summary, body, reviewer_email in CONTRIBUTIONS:
        membership = Membership.objects.select_related("partner", "user").filter(user__email=email).first()
        if membership is None or Contribution.objects.filter(asset__title=title).exists():
            continue
        upload = _file(title, len(title), image=False) if reviewer_email is None else None
        contribution = services.contribution_submit(
            partner=membership.partner,
            actor=membership.user,
            kind=kind,
            fields={"title": title, "summary": summary, "body": body, "language": "ja"},
            upload=upload,
        )
        reviewer = User.objects.filter(email=reviewer_email).first() if reviewer_email else None
        if reviewer is not None:
            services.contribution_approve(
                contribution=contribution,
                actor=reviewer,
                fields={"title": title, "summary": summary, "body": body, "language": "ja"},
                audience={"stages": [SERV], "partner_types": []},
            )


def _events(asset_ids, now):
    """Some opens so "popular" and the analytics page have data (only once)."""
    if AssetEvent.objects.exists():
        return
    rng = random.Random(5)
    memberships = list(Membership.objects.select_related("partner").filter(is_active=True))
    events = []
    for m in memberships:
        for asset_id in rng.sample(asset_ids, k=min(len(asset_ids), rng.randint(3, 15))):
            for _ in range(rng.randint(1, 3)):
                events.append(
                    AssetEvent(
                        asset_id=asset_id,
                        partner=m.partner,
                        user=m.user,
                        kind=rng.choice([AssetEvent.Kind.VIEW] * 3 + [AssetEvent.Kind.DOWNLOAD]),
                        created_at=now - timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 1000)),
                    )
                )
    AssetEvent.objects.bulk_create(events)


def _body(title, summary, lang):
    if lang == "ja":
        return (
            f"## 概要\n\n{summary}\n\n## ポイント\n\n- 事前にお客様の業務課題を確認しましょう。\n"
            "- 不明点はポータルの「質問」からお気軽にお問い合わせください。\n\n"
            f"## 詳細\n\n本資料「{title}」は、パートナーの皆様が現場ですぐ使えるようにまとめたものです。"
        )
    return (
        f"## Overview\n\n{summary}\n\n## Key points\n\n- Confirm the customer's business problem first.\n"
        "- Ask us anything through Questions in the portal.\n\n"
        f'## Details\n\n"{title}" is written so partners can use it in the field straight away.'
    )


def _url(kind, i):
    if kind == V:
        return VIDEO_URLS[i % 2]
    if kind == L:
        return f"https://tools.example.com/{['quote', 'roi'][i % 2]}"
    return ""


def _file(title, i, *, image: bool):
    colours = [(31, 78, 121), (46, 125, 50), (198, 40, 40), (106, 27, 154), (239, 108, 0)]
    img = Image.new("RGB", (800, 450) if image else (595, 842), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, img.width, 90], fill=colours[i % len(colours)])
    draw.text((24, 34), f"Partner Portal - asset {i + 1}", fill="white")
    for n in range(6):
        y = 130 + n * 50
        draw.rectangle([24, y, img.width - 24 - (n * 37) % 200, y + 20], fill=(225, 230, 238))
    out = BytesIO()
    if image:
        img.save(out, format="PNG")
        return SimpleUploadedFile(f"asset-{i + 1}.png", out.getvalue(), content_type="image/png")
    img.save(out, format="PDF")
    return SimpleUploadedFile(f"asset-{i + 1}.pdf", out.getvalue(), content_type="application/pdf")
