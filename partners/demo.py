"""Demo partners: a realistic, bilingual set across the three types and four statuses."""

import random
from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone
from guardian.shortcuts import assign_perm

from partners import services
from partners.models import (
    Application,
    ApplicationEvent,
    Capability,
    IdealProfile,
    Industry,
    Membership,
    Partner,
    PartnerType,
    Prospect,
    ProspectActivity,
    ReferralLink,
    Source,
)
from prm.models import User

P = PartnerType
S = Partner.Status


class DemoPartner(NamedTuple):
    slug: str
    name: str
    type: str
    status: str
    country: str
    website: str
    description: str


PARTNERS = [
    DemoPartner(
        slug="sakura-systems",
        name="さくらシステムズ株式会社",
        type=P.SALES,
        status=S.ACTIVE,
        country="JP",
        website="https://sakura-systems.example.jp",
        description="関西を中心に中堅企業向けの業務システムを販売するリセラーです。",
    ),
    DemoPartner(
        slug="fuji-integration",
        name="富士インテグレーション株式会社",
        type=P.DELIVERY,
        status=S.ACTIVE,
        country="JP",
        website="https://fuji-integration.example.jp",
        description="導入コンサルティングとシステム構築を手がけるSIerです。",
    ),
    DemoPartner(
        slug="northwind-solutions",
        name="Northwind Solutions Ltd.",
        type=P.SOLUTION,
        status=S.ACTIVE,
        country="GB",
        website="https://northwind.example.com",
        description="Builds add-on modules and provides 24/7 support for enterprise customers.",
    ),
    DemoPartner(
        slug="aozora-trading",
        name="青空トレーディング合同会社",
        type=P.SALES,
        status=S.ONBOARDING,
        country="JP",
        website="https://aozora-trading.example.jp",
        description="製造業向けの販売チャネルを持つ商社です。",
    ),
    DemoPartner(
        slug="kaede-consulting",
        name="かえでコンサルティング株式会社",
        type=P.DELIVERY,
        status=S.ONBOARDING,
        country="JP",
        website="https://kaede.example.jp",
        description="DX推進と業務改革のコンサルティング会社です。",
    ),
    DemoPartner(
        slug="pacific-support",
        name="Pacific Support Partners Pte. Ltd.",
        type=P.SOLUTION,
        status=S.ONBOARDING,
        country="SG",
        website="https://pacific-support.example.sg",
        description="Regional maintenance and help-desk services across South-East Asia.",
    ),
    DemoPartner(
        slug="hokuto-it",
        name="北斗ITサービス株式会社",
        type=P.SOLUTION,
        status=S.ACTIVE,
        country="JP",
        website="https://hokuto-it.example.jp",
        description="保守運用とヘルプデスクを提供するサービス会社です。",
    ),
    DemoPartner(
        slug="contoso-resellers",
        name="Contoso Resellers Inc.",
        type=P.SALES,
        status=S.ACTIVE,
        country="US",
        website="https://contoso-resellers.example.com",
        description="Value-added reseller for mid-market companies in North America.",
    ),
    DemoPartner(
        slug="midori-tech",
        name="みどりテック株式会社",
        type=P.DELIVERY,
        status=S.SUSPENDED,
        country="JP",
        website="https://midori-tech.example.jp",
        description="クラウド移行を専門とするインテグレーターです。",
    ),
    DemoPartner(
        slug="orion-digital",
        name="Orion Digital GmbH",
        type=P.DELIVERY,
        status=S.ACTIVE,
        country="DE",
        website="https://orion-digital.example.de",
        description="Implementation partner for the DACH region.",
    ),
    DemoPartner(
        slug="umi-networks",
        name="海ネットワークス株式会社",
        type=P.SALES,
        status=S.INACTIVE,
        country="JP",
        website="https://umi-networks.example.jp",
        description="通信事業者向けの販売代理店でした。",
    ),
    DemoPartner(
        slug="tsubame-soft",
        name="つばめソフト株式会社",
        type=P.SOLUTION,
        status=S.ACTIVE,
        country="JP",
        website="https://tsubame-soft.example.jp",
        description="業界特化の拡張アプリケーションを開発するISVです。",
    ),
]

# Readings that the automatic suggestion (prm.i18n.kana, SudachiPy) would get wrong; the others are suggested.
READINGS = {"hokuto-it": "ホクトアイティーサービス"}

# Extra members per partner: (e-mail local part, display name, language)
MEMBERS = [
    ("tanaka", "田中 一郎", "ja"),
    ("yamamoto", "山本 由美", "ja"),
    ("smith", "Alex Smith", "en"),
]


def people() -> list[tuple[str, str, str, str, str]]:
    """(e-mail, display name, language, partner slug, role) of every demo partner's people.
    devtools.logins makes their accounts first (verified address, the demo password)."""
    rows = [
        ("partner@example.com", "高橋 健", "ja", "sakura-systems", "admin"),
        ("member@example.com", "伊藤 さくら", "ja", "sakura-systems", "member"),
        # Day ~35 of its 60-day onboarding plan, behind pace, one task overdue (onboarding/demo.py).
        ("onboarding@example.com", "小林 翔太", "ja", "aozora-trading", "admin"),
        ("other@example.com", "Emma Clarke", "en", "northwind-solutions", "admin"),
    ]
    for slug, *_rest in PARTNERS:
        for i, (local, display, language) in enumerate(MEMBERS[: 1 + len(slug) % 3]):
            role = "admin" if i == 0 and slug not in ("sakura-systems", "northwind-solutions") else "member"
            rows.append((f"{local}@{slug}.example.com", display, language, slug, role))
    return rows


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
                **({"name_kana": READINGS[slug]} if slug in READINGS else {}),
            },
        )
        partners[slug] = partner

    rows = people()
    users = User.objects.in_bulk([email for email, *_rest in rows], field_name="email")
    for email, _name, _language, slug, role in rows:
        _member(users[email], partners[slug], role)

    # The second demo manager is assigned to a few partners only (object permission).
    manager2 = User.objects.get(email="manager2@example.com")
    for slug in ("fuji-integration", "kaede-consulting", "orion-digital"):
        assign_perm("partners.manage_partner", manager2, partners[slug])

    industries, capabilities = _lookups()
    _partner_profiles(partners, industries, capabilities)
    _ideal_profiles(industries, capabilities)
    links = _referral_links(partners)
    _applications(links, industries, capabilities)
    _prospects(industries, capabilities)


def _member(user, partner, role):
    Membership.objects.update_or_create(user=user, defaults={"partner": partner, "role": role})


INDUSTRIES = [
    ("manufacturing", "製造", "Manufacturing"),
    ("retail", "小売・流通", "Retail & distribution"),
    ("finance", "金融", "Financial services"),
    ("healthcare", "医療・ヘルスケア", "Healthcare"),
    ("public", "公共・自治体", "Public sector"),
    ("telecom", "通信", "Telecommunications"),
    ("logistics", "物流", "Logistics"),
    ("education", "教育", "Education"),
]
CAPABILITIES = [
    ("resale", "販売・再販", "Resale"),
    ("consulting", "導入コンサルティング", "Implementation consulting"),
    ("integration", "システム連携", "System integration"),
    ("cloud-migration", "クラウド移行", "Cloud migration"),
    ("support-24x7", "24時間サポート", "24/7 support"),
    ("helpdesk", "ヘルプデスク", "Help desk"),
    ("app-development", "アプリケーション開発", "Application development"),
    ("training", "トレーニング提供", "Training delivery"),
]

# slug -> (industries, capabilities, size, regions, listed in the directory)
PARTNER_PROFILES = {
    "sakura-systems": (["manufacturing", "retail"], ["resale", "training"], "3", ["JP"], True),
    "fuji-integration": (
        ["manufacturing", "finance"],
        ["consulting", "integration", "cloud-migration"],
        "4",
        ["JP"],
        True,
    ),
    "northwind-solutions": (
        ["finance", "healthcare"],
        ["app-development", "support-24x7"],
        "3",
        ["GB", "IE"],
        True,
    ),
    "hokuto-it": (["public", "education"], ["helpdesk", "support-24x7"], "2", ["JP"], True),
    "contoso-resellers": (["retail", "logistics"], ["resale"], "4", ["US", "CA"], True),
    "orion-digital": (
        ["manufacturing", "logistics"],
        ["consulting", "integration"],
        "3",
        ["DE", "AT", "CH"],
        False,
    ),
    "tsubame-soft": (["healthcare"], ["app-development"], "2", ["JP"], True),
}


def _lookups():
    industries, capabilities = {}, {}
    for position, (code, ja, en) in enumerate(INDUSTRIES):
        industries[code], _ = Industry.objects.update_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "position": position}
        )
    for position, (code, ja, en) in enumerate(CAPABILITIES):
        capabilities[code], _ = Capability.objects.update_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "position": position}
        )
    return industries, capabilities


def _partner_profiles(partners, industries, capabilities):
    for slug, (inds, caps, size, regions, listed) in PARTNER_PROFILES.items():
        partner = partners[slug]
        partner.company_size, partner.regions, partner.directory_listed = size, regions, listed
        partner.save(update_fields=["company_size", "regions", "directory_listed"])
        partner.industries.set([industries[c] for c in inds])
        partner.capabilities.set([capabilities[c] for c in caps])


class DemoProfile(NamedTuple):
    name: tuple[str, str]
    goal: tuple[str, str]
    type: str
    countries: list[str]
    industries: list[str]
    capabilities: list[str]
    size_min: str
    size_max: str
    weights: dict[str, int]


IDEAL_PROFILES = [
    DemoProfile(
        name=("国内販売チャネルの拡大", "Domestic sales expansion"),
        goal=(
            "製造・小売の中堅企業に強い国内リセラーを増やし、関西・中部での販売力を高める。",
            "More domestic resellers strong with mid-sized manufacturers and retailers, to grow sales in Kansai and Chubu.",
        ),
        type=PartnerType.SALES,
        countries=["JP"],
        industries=["manufacturing", "retail"],
        capabilities=["resale"],
        size_min="2",
        size_max="4",
        weights={
            "weight_type": 30,
            "weight_region": 25,
            "weight_industry": 20,
            "weight_size": 10,
            "weight_capabilities": 15,
        },
    ),
    DemoProfile(
        name=("導入キャパシティの確保", "Implementation capacity"),
        goal=(
            "日本と東南アジアで導入プロジェクトを担える認定導入パートナーを確保する。",
            "Certified implementation partners who can deliver projects in Japan and South-East Asia.",
        ),
        type=PartnerType.DELIVERY,
        countries=["JP", "SG", "TH"],
        industries=["manufacturing", "finance"],
        capabilities=["consulting", "integration"],
        size_min="2",
        size_max="5",
        weights={
            "weight_type": 25,
            "weight_region": 20,
            "weight_industry": 15,
            "weight_size": 10,
            "weight_capabilities": 30,
        },
    ),
    DemoProfile(
        name=("保守・拡張エコシステム", "Support and extension ecosystem"),
        goal=(
            "製品を拡張する ISV と、お客様のシステムを24時間365日支える保守事業者を増やす。",
            "ISVs and support providers that extend the product and keep customers running 24/7.",
        ),
        type=PartnerType.SOLUTION,
        countries=["JP", "US", "GB"],
        industries=["healthcare", "public"],
        capabilities=["support-24x7", "app-development"],
        size_min="1",
        size_max="4",
        weights={
            "weight_type": 30,
            "weight_region": 15,
            "weight_industry": 15,
            "weight_size": 10,
            "weight_capabilities": 30,
        },
    ),
]


def _ideal_profiles(industries, capabilities):
    for name, goal, ptype, countries, inds, caps, size_min, size_max, weights in IDEAL_PROFILES:
        profile, _ = IdealProfile.objects.update_or_create(
            name_ja__startswith=name[0],  # also finds the earlier "ja / en" demo names
            defaults={
                "name_ja": name[0],
                "name_en": name[1],
                "goal_ja": goal[0],
                "goal_en": goal[1],
                "partner_type": ptype,
                "countries": countries,
                "size_min": size_min,
                "size_max": size_max,
                **weights,
            },
        )
        profile.industries.set([industries[c] for c in inds])
        profile.capabilities.set([capabilities[c] for c in caps])


def _referral_links(partners):
    links = []
    for email, code in (
        ("manager@example.com", "sato-misaki"),
        ("manager2@example.com", "kenji-w"),
        ("admin@example.com", "kanri-taro"),
    ):
        user = User.objects.get(email=email)
        link, _ = ReferralLink.objects.update_or_create(user=user, defaults={"code": code})
        links.append(link)
    for slug, partner in partners.items():
        if partner.status == Partner.Status.ACTIVE:
            link, _ = ReferralLink.objects.update_or_create(
                partner=partner, defaults={"code": f"p-{slug}"[:32]}
            )
            links.append(link)
    return links


# Realistic shares of 100 applications: referrals lead (the domain source: 44%).
SOURCE_MIX = [
    (Source.REFERRAL, 44),
    (Source.RFP, 14),
    (Source.PAST_WORK, 12),
    (Source.EVENT, 10),
    (Source.FRIENDS, 7),
    (Source.WEB, 7),
    (Source.SOCIAL, 4),
    (Source.OTHER, 2),
]
JA_COMPANIES = [
    "あおば",
    "いろは",
    "うずしお",
    "えにし",
    "おおぞら",
    "かすみ",
    "きらら",
    "くすのき",
    "けやき",
    "こはく",
    "さつき",
    "しらかば",
    "すずらん",
    "せせらぎ",
    "そよかぜ",
    "たちばな",
    "ちとせ",
    "つむぎ",
    "ときわ",
    "なぎさ",
]
JA_SUFFIX = [
    "システム株式会社",
    "テクノロジー株式会社",
    "ソリューションズ合同会社",
    "商事株式会社",
    "ITサービス株式会社",
]
EN_COMPANIES = [
    "Blue Harbor",
    "Summit Peak",
    "Clearwater",
    "Redwood",
    "Silverline",
    "Brightpath",
    "Ironbridge",
    "Lighthouse",
    "Meridian",
    "Northstar",
]
EN_SUFFIX = ["Solutions Ltd.", "Consulting Inc.", "Systems Pte. Ltd.", "Partners LLC"]
COUNTRIES = ["JP"] * 7 + ["SG", "US", "GB", "TH", "DE"]
# Referred applicants fit better and are approved more often (why referrals matter most).
STATUS_MIX = ["approved"] * 3 + ["rejected"] * 3 + ["submitted"] * 2 + ["in_review"] * 2 + ["withdrawn"]
REFERRAL_STATUS_MIX = (
    ["approved"] * 6 + ["rejected"] * 2 + ["submitted"] * 2 + ["in_review"] * 2 + ["withdrawn"]
)


def _applications(links, industries, capabilities):
    rng = random.Random(20261127)  # fixed seed: the same demo set on every run
    now = timezone.now()
    manager = User.objects.get(email="manager@example.com")
    profiles = list(services.active_profiles())
    sources = [source for source, share in SOURCE_MIX for _ in range(share)]
    rng.shuffle(sources)
    for n, source in enumerate(sources):
        japanese = rng.random() < 0.7
        if japanese:
            name = f"{JA_COMPANIES[n % 20]}{JA_SUFFIX[n % 5]}"
            contact, language, country = ("中村 真一", "ja", "JP")
        else:
            name = f"{EN_COMPANIES[n % 10]} {EN_SUFFIX[n % 4]}"
            contact, language, country = ("Jordan Lee", "en", rng.choice(COUNTRIES[7:]))
        domain = f"demo-applicant-{n:03d}.example.com"
        created = now - timedelta(days=rng.randint(1, 170), hours=rng.randint(0, 23))
        mix = REFERRAL_STATUS_MIX if source == Source.REFERRAL else STATUS_MIX
        status = (
            rng.choice(mix) if created < now - timedelta(days=10) else rng.choice(["submitted", "in_review"])
        )
        decided = created + timedelta(days=rng.randint(2, 21)) if status in ("approved", "rejected") else None
        application, _ = Application.objects.update_or_create(
            contact_email=f"contact@{domain}",
            defaults={
                "company_name": name,
                "website": f"https://www.{domain}",
                "domain": domain,
                "country": country,
                "company_size": rng.choice("12345"),
                "partner_type": rng.choice(PartnerType.values),
                "contact_name": contact,
                "source": source,
                "referral_link": rng.choice(links) if source == Source.REFERRAL else None,
                "language": language,
                "consent_at": created,
                "created_at": created,
                "status": status,
                "reviewer": manager if status != "submitted" else None,
                "decided_at": decided,
                "decided_by": manager if decided else None,
                "rejection_reason": Application.RejectionReason.FIT if status == "rejected" else "",
            },
        )
        application.industries.set(rng.sample(list(industries.values()), k=rng.randint(1, 2)))
        application.capabilities.set(rng.sample(list(capabilities.values()), k=rng.randint(0, 3)))
        services.application_score(application=application, profiles=profiles)
        ApplicationEvent.objects.update_or_create(
            application=application,
            kind=ApplicationEvent.Kind.STATUS,
            from_status="",
            defaults={"to_status": "submitted", "created_at": created},
        )
        if status != "submitted":
            ApplicationEvent.objects.update_or_create(
                application=application,
                kind=ApplicationEvent.Kind.STATUS,
                from_status="submitted",
                defaults={
                    "to_status": status,
                    "actor": manager,
                    "created_at": decided or created + timedelta(days=1),
                },
            )
    for link in links:
        # Clicks: a few per application that came through the link, plus idle visits.
        clicks = link.applications.count() * 4 + rng.randint(3, 15)
        ReferralLink.objects.filter(pk=link.pk).update(clicks=clicks)


# Prospects a manager is recruiting: (name, domain, type, size, industries, capabilities,
# stage, days until the next step (negative: overdue), next step, notes).
PROSPECTS = [
    (
        "株式会社さくらネットワークス",
        "sakura-networks.example.jp",
        "sales",
        "3",
        ["telecom"],
        ["resale"],
        "identified",
        7,
        "展示会のリストから担当者を特定",
        "Japan IT Week のブースで名刺交換",
    ),
    (
        "北斗システムズ株式会社",
        "hokuto-systems.example.jp",
        "delivery",
        "3",
        ["manufacturing", "logistics"],
        ["integration", "cloud-migration"],
        "contacted",
        -2,
        "導入事例の資料を送る",
        "製造業向けの SI 実績が豊富",
    ),
    (
        "Blue Harbor Consulting Ltd.",
        "blueharbor.example.com",
        "solution",
        "2",
        ["finance"],
        ["consulting", "support-24x7"],
        "interested",
        3,
        "Partner programme call with their CEO",
        "",
    ),
    (
        "株式会社みなと情報サービス",
        "minato-joho.example.jp",
        "solution",
        "2",
        ["public"],
        ["helpdesk", "support-24x7"],
        "invited",
        10,
        "申請が届いたか確認する",
        "自治体向けヘルプデスクの実績あり",
    ),
    (
        "有限会社つばさソフト",
        "tsubasa-soft.example.jp",
        "sales",
        "1",
        ["retail"],
        ["resale"],
        "declined",
        None,
        "",
        "現時点では自社製品に専念したいとのこと",
    ),
]


def _prospects(industries, capabilities):
    manager = User.objects.get(email="manager@example.com")
    manager2 = User.objects.get(email="manager2@example.com")
    profiles = list(services.active_profiles())
    today = timezone.localdate()
    for n, (name, domain, ptype, size, inds, caps, stage, days, step, notes) in enumerate(PROSPECTS):
        owner = manager2 if domain.endswith(".com") else manager
        invited = stage == Prospect.Stage.INVITED
        prospect, _ = Prospect.objects.update_or_create(
            domain=domain,
            defaults={
                "name": name,
                "partner_type": ptype,
                "country": "JP",
                "company_size": size,
                "owner": owner,
                "stage": stage,
                "next_step": step,
                "next_step_on": today + timedelta(days=days) if days is not None else None,
                "notes": notes,
                "contact_name": "高橋 直子" if invited else "",
                "contact_email": f"naoko.takahashi@{domain}" if invited else "",
                "invited_at": timezone.now() - timedelta(days=2) if invited else None,
                "invited_by": owner if invited else None,
                "invitation_message": "先日はお時間をいただきありがとうございました。" if invited else "",
                "created_at": timezone.now() - timedelta(days=20 + 5 * n),
            },
        )
        prospect.industries.set([industries[code] for code in inds])
        prospect.capabilities.set([capabilities[code] for code in caps])
        services.prospect_score(prospect=prospect, profiles=profiles)
        ProspectActivity.objects.update_or_create(
            prospect=prospect,
            kind=ProspectActivity.Kind.STAGE,
            from_stage="",
            defaults={"to_stage": "identified", "actor": owner, "on": today - timedelta(days=20 + 5 * n)},
        )
        if stage != "identified":
            ProspectActivity.objects.update_or_create(
                prospect=prospect,
                kind=ProspectActivity.Kind.STAGE,
                from_stage="identified",
                defaults={"to_stage": stage, "actor": owner, "on": today - timedelta(days=2), "note": notes},
            )
