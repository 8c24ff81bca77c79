"""Demo content: a bilingual library of 64 assets across stages, kinds and collections.

Files (PDF, PNG) are generated with Pillow at seed time, so the repository stays small.
Idempotent: assets are matched on their title; a file is added only when none exists.
"""

import random
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from content import rollups, search, services
from content.models import Asset, AssetEvent, AssetShare, Collection, Tag

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
]  # fmt: skip
TAGS = [
    ("onboarding", "オンボーディング", "Onboarding"), ("pricing", "価格", "Pricing"), ("proposal", "提案", "Proposal"),
    ("security", "セキュリティ", "Security"), ("cloud", "クラウド", "Cloud"), ("migration", "移行", "Migration"),
    ("api", "API", "API"), ("support", "サポート", "Support"), ("certification", "認定", "Certification"),
    ("case-study", "導入事例", "Case study"), ("campaign", "キャンペーン", "Campaign"),
    ("manufacturing", "製造業", "Manufacturing"),
]  # fmt: skip

# title, summary, kind, language, stages, collection, tags, partner types
ASSETS = [
    ("パートナーポータルの使い方ガイド", "ログインからコンテンツ検索、案件登録までポータルの基本操作を画面つきで解説します。", A, "ja", [ON], "portal-basics", ["onboarding"], []),
    ("Partner portal quick start", "Sign in, find content, register your first deal: the portal in ten minutes.", A, "en", [ON], "portal-basics", ["onboarding"], []),
    ("オンボーディング60日プラン解説", "最初の60日で何を終えるべきか、週ごとのチェックリストとともに説明します。", F, "ja", [ON], "getting-started", ["onboarding"], []),
    ("Your first 60 days as a partner", "What to complete in your first 60 days, week by week, with the onboarding checklist.", F, "en", [ON], "getting-started", ["onboarding"], []),
    ("製品概要プレゼンテーション（2026年版）", "お客様への初回訪問で使える製品概要スライドです。最新の機能とロードマップを含みます。", F, "ja", [ON, SELL], "pitch", ["proposal"], ["sales"]),
    ("Product overview deck 2026", "Slides for a first customer meeting: capabilities, roadmap and customer proof points.", F, "en", [ON, SELL], "pitch", ["proposal"], ["sales"]),
    ("営業トークスクリプト：課題ヒアリング編", "お客様の業務課題を引き出すための質問例と切り返しトークをまとめました。", A, "ja", [SELL], "pitch", ["proposal"], ["sales"]),
    ("Discovery call script", "Questions that uncover business pain, and how to answer the usual objections.", A, "en", [SELL], "pitch", ["proposal"], ["sales"]),
    ("価格表とライセンス体系", "エディション別の価格、ボリュームディスカウント、更新時の条件を一覧にしています。", F, "ja", [SELL], "pricing", ["pricing"], []),
    ("Price list and licensing", "Edition prices, volume discounts and renewal terms in one table.", F, "en", [SELL], "pricing", ["pricing"], []),
    ("見積作成ツール", "ユーザー数とオプションを入力するだけで参考見積を作成できるオンラインツールです。", L, "ja", [SELL], "pricing", ["pricing"], ["sales"]),
    ("Quote builder", "Enter users and options to get a reference quote in seconds.", L, "en", [SELL], "pricing", ["pricing"], ["sales"]),
    ("競合比較シート：主要3社", "主要競合3社との機能・価格・サポート体制の比較表です。社外秘。", F, "ja", [SELL], "competitive", ["proposal"], ["sales", "delivery"]),
    ("Competitive battlecard", "How we win against the three main competitors: features, pricing, support.", F, "en", [SELL], "competitive", ["proposal"], ["sales", "delivery"]),
    ("製造業向け導入事例：東海精機株式会社", "生産管理システムとの連携で受注から出荷までのリードタイムを30%短縮した事例です。", A, "ja", [SELL], "sales", ["case-study", "manufacturing"], []),
    ("Case study: Midlands Precision Ltd.", "How a manufacturer cut order-to-ship lead time by 30% with an ERP integration.", A, "en", [SELL], "sales", ["case-study", "manufacturing"], []),
    ("導入プロジェクト標準手順書", "要件定義からカットオーバーまでの標準的な導入手順と成果物のテンプレートです。", F, "ja", [ON, SERV], "delivery", ["migration"], ["delivery"]),
    ("Implementation methodology", "Our standard implementation phases, from requirements to go-live, with templates.", F, "en", [ON, SERV], "delivery", ["migration"], ["delivery"]),
    ("リファレンスアーキテクチャ図", "高可用性構成のリファレンスアーキテクチャ図（クラウド／オンプレミス）です。", F, "ja", [SERV], "architecture", ["cloud", "security"], ["delivery", "solution"]),
    ("Reference architecture diagram", "High-availability reference architecture for cloud and on-premises deployments.", F, "en", [SERV], "architecture", ["cloud", "security"], ["delivery", "solution"]),
    ("API連携入門", "REST APIの認証、ページング、Webhookの受け方をサンプルコードつきで説明します。", A, "ja", [ON, SERV], "architecture", ["api"], ["delivery", "solution"]),
    ("Getting started with the API", "Authentication, paging and webhooks with code samples.", A, "en", [ON, SERV], "architecture", ["api"], ["delivery", "solution"]),
    ("データ移行チェックリスト", "既存システムからのデータ移行で確認すべき項目と、よくある失敗を整理しました。", A, "ja", [SERV], "delivery", ["migration"], ["delivery"]),
    ("Data migration checklist", "What to check before, during and after migrating customer data, and the usual pitfalls.", A, "en", [SERV], "delivery", ["migration"], ["delivery"]),
    ("セキュリティホワイトペーパー", "暗号化、アクセス制御、監査ログ、第三者認証の取得状況をまとめています。", F, "ja", [SELL, SERV], "architecture", ["security"], []),
    ("Security white paper", "Encryption, access control, audit logging and our third-party certifications.", F, "en", [SELL, SERV], "architecture", ["security"], []),
    ("障害対応ランブック", "障害発生時の切り分け手順、エスカレーション先、顧客への連絡テンプレートです。", A, "ja", [SERV], "runbooks", ["support"], ["solution"]),
    ("Incident response runbook", "Triage steps, escalation paths and customer communication templates for incidents.", A, "en", [SERV], "runbooks", ["support"], ["solution"]),
    ("バージョンアップ手順書", "メジャーバージョンアップ時の事前確認、手順、ロールバック方法です。", A, "ja", [SERV], "runbooks", ["support", "migration"], ["solution", "delivery"]),
    ("Upgrade guide", "Pre-checks, steps and rollback for a major version upgrade.", A, "en", [SERV], "runbooks", ["support", "migration"], ["solution", "delivery"]),
    ("サポート窓口の使い方", "問い合わせの起票方法、重要度の決め方、回答目標時間について説明します。", A, "ja", [ON, SERV], "support", ["support"], []),
    ("How to work with partner support", "Opening tickets, choosing severity, and the response times you can expect.", A, "en", [ON, SERV], "support", ["support"], []),
    ("認定資格ガイド：セールス認定", "セールス認定試験の範囲、学習教材、受験方法をご案内します。", A, "ja", [ON], "certification", ["certification"], ["sales"]),
    ("Sales certification guide", "Exam scope, study material and how to book the sales certification.", A, "en", [ON], "certification", ["certification"], ["sales"]),
    ("認定資格ガイド：技術認定", "技術認定（導入エンジニア）の試験範囲とハンズオン課題について説明します。", A, "ja", [ON], "certification", ["certification"], ["delivery", "solution"]),
    ("Technical certification guide", "Scope and hands-on labs of the implementation engineer certification.", A, "en", [ON], "certification", ["certification"], ["delivery", "solution"]),
    ("製品デモ動画（5分）", "主要機能を5分で紹介するデモ動画です。お客様との打ち合わせ冒頭にご活用ください。", V, "ja", [ON, SELL], "pitch", ["proposal"], []),
    ("Five-minute product demo", "The main features in five minutes: a good opener for customer meetings.", V, "en", [ON, SELL], "pitch", ["proposal"], []),
    ("ポータル紹介動画", "パートナーポータルでできることを3分で紹介します。", V, "ja", [ON], "portal-basics", ["onboarding"], []),
    ("Portal overview video", "What the partner portal does for you, in three minutes.", V, "en", [ON], "portal-basics", ["onboarding"], []),
    ("ハンズオントレーニング録画：初期設定", "初期設定ハンズオンの録画です。テナント作成からユーザー登録まで。", V, "ja", [ON], "certification", ["certification"], ["delivery", "solution"]),
    ("Hands-on training recording: setup", "Recording of the setup lab: tenant creation to first users.", V, "en", [ON], "certification", ["certification"], ["delivery", "solution"]),
    ("共同マーケティングキャンペーンキット", "ロゴ、バナー、メール文面、LPテンプレートをまとめたキャンペーン素材です。", F, "ja", [SELL], "marketing", ["campaign"], ["sales"]),
    ("Co-marketing campaign kit", "Logos, banners, e-mail copy and landing page templates for joint campaigns.", F, "en", [SELL], "marketing", ["campaign"], ["sales"]),
    ("展示会ブース用バナー画像", "展示会やセミナーで使えるブース用バナー画像（横長）です。", F, "ja", [SELL], "marketing", ["campaign"], []),
    ("Event booth banner", "Wide banner image for trade show booths and seminars.", F, "en", [SELL], "marketing", ["campaign"], []),
    ("ROI計算シート", "導入効果（工数削減・コスト削減）を試算するスプレッドシートです。", L, "ja", [SELL], "pricing", ["pricing", "proposal"], []),
    ("ROI calculator", "Estimate the customer's savings in hours and cost.", L, "en", [SELL], "pricing", ["pricing", "proposal"], []),
    ("案件登録と案件保護のルール", "案件登録の条件、保護期間、競合登録時の扱いを説明します。", A, "ja", [ON, SELL], "sales", ["proposal"], ["sales", "delivery"]),
    ("Deal registration and protection rules", "When to register a deal, how long it is protected, and what happens on conflicts.", A, "en", [ON, SELL], "sales", ["proposal"], ["sales", "delivery"]),
    ("クラウド移行提案書テンプレート", "オンプレミスからクラウドへの移行提案書のテンプレートと記入例です。", F, "ja", [SELL], "pitch", ["cloud", "migration", "proposal"], ["delivery"]),
    ("Cloud migration proposal template", "A proposal template for on-premises to cloud migrations, with a filled-in example.", F, "en", [SELL], "pitch", ["cloud", "migration", "proposal"], ["delivery"]),
    ("保守契約の更新提案ガイド", "保守契約更新時のアップセル提案と、解約を防ぐためのポイントをまとめました。", A, "ja", [SERV], "support", ["support", "proposal"], ["solution"]),
    ("Maintenance renewal playbook", "Upsell at renewal time and the signals that a customer may churn.", A, "en", [SERV], "support", ["support", "proposal"], ["solution"]),
    ("監視設定のベストプラクティス", "推奨する監視項目、しきい値、アラート通知の設定例です。", A, "ja", [SERV], "runbooks", ["support", "cloud"], ["solution", "delivery"]),
    ("Monitoring best practices", "Recommended metrics, thresholds and alert routing.", A, "en", [SERV], "runbooks", ["support", "cloud"], ["solution", "delivery"]),
    ("業界専門家コラム：製造業DXの進め方", "製造業のDX推進で失敗しないための3つのステップを業界専門家が解説します。", A, "ja", [SELL], "sales", ["manufacturing", "case-study"], []),
    ("Expert column: digital transformation in manufacturing", "Three steps to a manufacturing transformation that sticks, by an industry analyst.", A, "en", [SELL], "sales", ["manufacturing", "case-study"], []),
    ("パートナー寄稿：小売業での導入ノウハウ", "パートナー企業が小売業での導入で得たノウハウを共有します。", A, "ja", [SELL, SERV], "delivery", ["case-study"], []),
    ("Partner story: lessons from retail rollouts", "A partner shares what they learned rolling out in retail chains.", A, "en", [SELL, SERV], "delivery", ["case-study"], []),
    ("ゴールドパートナー限定：年間販売計画テンプレート", "ゴールド以上のパートナー向け、年間の販売計画と共同マーケティング計画のテンプレートです。", F, "ja", [SELL], "sales", ["campaign"], []),
    ("Gold partners: annual business plan template", "For Gold partners and above: annual sales and co-marketing plan template.", F, "en", [SELL], "sales", ["campaign"], []),
    ("画面構成図（管理コンソール）", "管理コンソールの画面構成を1枚にまとめた図です。", F, "ja", [ON, SERV], "portal-basics", ["onboarding"], []),
    ("Admin console map", "One image that maps the screens of the admin console.", F, "en", [ON, SERV], "portal-basics", ["onboarding"], []),
]  # fmt: skip

IMAGE_TITLES = {
    "展示会ブース用バナー画像",
    "Event booth banner",
    "画面構成図（管理コンソール）",
    "Admin console map",
}
VIDEO_URLS = ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://vimeo.com/76979871"]
SOURCES = {"業界専門家": Asset.Source.EXPERT, "Expert": Asset.Source.EXPERT, "パートナー寄稿": Asset.Source.PARTNER, "Partner story": Asset.Source.PARTNER}  # fmt: skip


def seed(stdout) -> None:
    from incentives.models import Tier

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
            ):
                setattr(asset, field, defaults[field])
            asset.save()
        asset.tags.set([tags[t] for t in tag_slugs])
        if kind == F and asset.current_version_id is None:
            services.asset_version_add(asset=asset, upload=_file(title, i, image=title in IMAGE_TITLES))
        ids.append(asset.pk)
    _link_translations(ids)
    _extras(collections, tags, now)
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
        if ja[3] == "ja" and en[3] == "en" and ja[2] == en[2] and ja[5] == en[5]:
            Asset.objects.filter(pk=ids[i + 1]).update(translation_of_id=ids[i])
            i += 2
        else:
            i += 1


def _extras(collections, tags, now):
    """A draft, a scheduled asset, an archived one and one shared with a named partner."""
    from partners.models import Partner

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


def _events(asset_ids, now):
    """Some opens so "popular" and the analytics page have data (only once)."""
    from partners.models import Membership

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
