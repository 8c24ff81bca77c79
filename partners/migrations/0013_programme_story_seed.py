"""The programme's story as the public pages showed it before it became data (issue 30):
both languages, word for word, so that a fresh install looks the same."""

from django.db import migrations

HERO = (
    "パートナーとして、私たちと一緒に成長しませんか",
    "Grow with us as a partner",
)
LEAD = (
    "販売代理店、導入コンサルティング会社、ソリューションプロバイダーの皆さまと協力して新しい市場を開拓しています。"
    "パートナーの皆さまには{onboarding_days}日以内にオンボーディングを完了していただき、"
    "トレーニングと認定を経て、成長に応じた特典をご提供します。",
    "Resellers, implementation firms and solution providers work with us to reach new markets. "
    "Partners are onboarded within {onboarding_days} days, trained and certified, and rewarded as they grow.",
)
APPLY_INTRO = (
    "貴社についてお聞かせください。すべてのお申し込みを審査し、通常5営業日以内にメールでご連絡します。",
    "Tell us about your company. We review every application and reply by e-mail, "
    "usually within five business days.",
)
BENEFITS_TITLE = ("パートナーのメリット", "What partners get")
BENEFITS = (
    "専任担当者による{onboarding_days}日以内のオンボーディング\n"
    "トレーニング、認定資格、セルフサービスのコンテンツライブラリ\n"
    "ティア制インセンティブ：高いマージン、案件保護、サポート\n"
    "チーム全員で利用できるパートナーポータル",
    "Onboarding within {onboarding_days} days, with a dedicated onboarding owner\n"
    "Training, certification and a self-service content library\n"
    "Tiered incentives: higher margins, deal protection and support\n"
    "A portal where your whole team works with us",
)
# (type, landing text, who it is for, benefits) in (ja, en)
TYPES = [
    (
        "sales",
        (
            "貴社の市場や業界で当社製品を販売していただけます。案件保護に加え、ティアに応じて利益率が上がります。",
            "Resell our products in your market or industry, with deal protection and margins that grow "
            "with your tier.",
        ),
        (
            "特定の市場で販売を拡大したい、新しい業界に参入したいリセラー向けです。",
            "For resellers who want to grow in a market or enter a new industry.",
        ),
        (
            "ティアに応じて上がるマージン\n案件登録と案件保護\nすぐに使える共同ブランドのキャンペーン",
            "Margins that grow with your tier\nDeal registration and protection\nReady-made co-branded campaigns",
        ),
    ),
    (
        "delivery",
        (
            "当社のお客様へのコンサルティングと導入をお任せします。ハンズオントレーニングと認定資格、継続的な案件をご提供します。",
            "Consult and implement for our customers, with hands-on training, certification and a steady "
            "flow of projects.",
        ),
        (
            "当社のお客様に導入を行うコンサルティング会社・SIer向けです。",
            "For consultancies and system integrators who implement for our customers.",
        ),
        (
            "ハンズオントレーニングと認定資格\n当社からの案件紹介\n技術コンテンツと専門家によるサポート",
            "Hands-on training and certification\nProject referrals from our team\nTechnical content and expert support",
        ),
    ),
    (
        "solution",
        (
            "貴社のソリューションで製品を拡張したり、お客様のサポートと保守を担っていただけます。"
            "技術コンテンツと当社チームへの直通窓口をご用意しています。",
            "Extend the product with your solutions or support and maintain it for customers, with technical "
            "content and a direct line to our team.",
        ),
        (
            "製品を拡張・保守するISVやサポート事業者向けです。",
            "For ISVs and support providers who extend or maintain the product.",
        ),
        (
            "ロードマップとAPIへの早期アクセス\n当社エンジニアへの直通窓口\nパートナー一覧への掲載",
            "Early access to the roadmap and APIs\nA direct line to our engineers\nListing in the partner directory",
        ),
    ),
]


def _both(field, pair):
    ja, en = pair
    return {field: ja, f"{field}_ja": ja, f"{field}_en": en}


def seed(apps, schema_editor):
    ProgrammeStory = apps.get_model("partners", "ProgrammeStory")
    PartnerTypeStory = apps.get_model("partners", "PartnerTypeStory")
    ProgrammeStory.objects.get_or_create(
        pk=1,
        defaults={
            **_both("hero_title", HERO),
            **_both("hero_lead", LEAD),
            **_both("apply_intro", APPLY_INTRO),
            **_both("benefits_title", BENEFITS_TITLE),
            **_both("benefits", BENEFITS),
            "onboarding_days": 60,
            "referral_share_percent": 44,
        },
    )
    for position, (partner_type, landing, audience, benefits) in enumerate(TYPES):
        PartnerTypeStory.objects.get_or_create(
            partner_type=partner_type,
            defaults={
                **_both("landing_text", landing),
                **_both("audience", audience),
                **_both("benefits", benefits),
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0012_programme_story")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
