"""The programme's story as data: seeded to read exactly as the pages did, edited in the
admin (both languages), rendered on the landing and application pages, with a preview."""

import pytest
from django.urls import reverse

from incentives.models import Tier
from partners.models import FAQ, LandingSection, PartnerTypeStory, ProgrammeStory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What the pages said before the story became data (the msgids and their translations).
LANDING = {
    "ja": [
        "パートナーとして、私たちと一緒に成長しませんか",
        "パートナーの皆さまには60日以内にオンボーディングを完了していただき",
        "貴社の市場や業界で当社製品を販売していただけます。",
        "技術コンテンツと当社チームへの直通窓口をご用意しています。",
    ],
    "en": [
        "Grow with us as a partner",
        "Partners are onboarded within 60 days, trained and certified, and rewarded as they grow.",
        "Resell our products in your market or industry, with deal protection and margins that grow with your tier.",
        "Consult and implement for our customers",
    ],
}
APPLY = {
    "ja": [
        "通常5営業日以内にメールでご連絡します。",
        "特定の市場で販売を拡大したい",
        "当社エンジニアへの直通窓口",
        "専任担当者による60日以内のオンボーディング",
    ],
    "en": [
        "usually within five business days.",
        "For resellers who want to grow",
        "A direct line to our engineers",
        "Onboarding within 60 days, with a dedicated onboarding owner",
    ],
}


def _get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url).getvalue().decode()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_seeded_story_reads_as_the_pages_did(client, language):
    landing = _get(client, "/", language)
    for text in LANDING[language]:
        assert text in landing
    apply = _get(client, "/apply/", language)
    for text in APPLY[language]:
        assert text in apply
    assert "{onboarding_days}" not in landing + apply


def test_edited_records_show_in_each_language_with_their_figures(client, django_assert_max_num_queries):
    story = ProgrammeStory.objects.get()
    story.onboarding_days, story.hero_title_en = 45, "Partner with us"
    story.save()
    PartnerTypeStory.objects.filter(partner_type="sales").update(
        landing_text_ja="販売パートナーの新しい説明", landing_text_en="A new story for resellers"
    )
    LandingSection.objects.create(
        title_ja="紹介が中心",
        title_en="Referrals first",
        body_ja="パートナーの{referral_share}%は紹介から",
        body_en="{referral_share}% came through referrals",
    )
    FAQ.objects.create(
        question_ja="費用はかかりますか？",
        question_en="Does it cost anything?",
        answer_ja="無料です。",
        answer_en="No, it is free.",
    )
    FAQ.objects.create(
        question_ja="非公開", question_en="Hidden question", answer_ja="x", answer_en="x", is_published=False
    )
    with django_assert_max_num_queries(12):
        english = _get(client, "/", "en")
    assert "Partner with us" in english and "within 45 days" in english
    assert "A new story for resellers" in english and "44% came through referrals" in english
    assert "Does it cost anything?" in english and "Hidden question" not in english
    japanese = _get(client, "/", "ja")
    assert (
        "販売パートナーの新しい説明" in japanese
        and "45日以内" in japanese
        and "パートナーの44%は紹介から" in japanese
    )
    assert "Onboarding within 45 days" in _get(client, "/apply/", "en")


def test_tier_benefits_come_from_the_tier_records(client):
    Tier.objects.create(
        rank=0, name_ja="レジスタード", name_en="Registered", protection_days=30, perks_en="Golf day"
    )
    Tier.objects.create(rank=1, name_ja="ゴールド", name_en="Gold", protection_days=90, mdf_budget=2_000_000)
    english = _get(client, "/", "en")
    assert 'data-testid="tier-benefits"' in english and "Gold" in english
    assert "90 days" in english and "¥2,000,000" in english
    assert "Golf day" not in english  # free-text perks are not promised to prospects


def test_the_preview_is_for_staff_who_may_view_the_story(world, client_for):
    url = reverse("admin:partners_programmestory_preview")
    manager = client_for(world.manager_a)
    response = manager.get(url + "?lang=en")
    assert response.status_code == 200
    body = response.getvalue().decode()
    assert 'data-testid="story-preview"' in body and "Grow with us as a partner" in body
    assert "パートナーとして" in manager.get(url + "?lang=ja").getvalue().decode()
    assert client_for(world.support).get(url).status_code == 403  # staff without the story's rights
    assert client_for(world.admin_a).get(url).status_code == 302  # not staff: the admin's login
    assert client_for(None).get(url).status_code == 302
    finance = UserFactory(email="finance-nobody@example.test", is_staff=True)
    assert client_for(finance).get(url).status_code == 403


def test_the_admin_edits_both_languages_and_links_the_preview(world, client_for):
    client = client_for(world.manager_a)
    body = client.get("/admin/partners/faq/add/").getvalue().decode()
    assert 'name="question_ja"' in body and 'name="answer_en"' in body
    response = client.post(
        "/admin/partners/faq/add/",
        {
            "question_ja": "費用は？",
            "question_en": "Cost?",
            "answer_ja": "無料です。",
            "answer_en": "Free.",
            "position": 0,
            "is_published": "on",
        },
    )
    assert response.status_code == 302 and FAQ.objects.get().question_en == "Cost?"
    body = client.get("/admin/partners/programmestory/1/change/").getvalue().decode()
    assert 'name="hero_title_en"' in body and "preview/?lang=en" in body
    assert "within a minute" in body or "1分以内" in body  # the landing page may lag
