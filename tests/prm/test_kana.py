"""Readings (フリガナ) and あいうえお order of company and people's names."""

import pytest
from django.urls import reverse

from incentives.normalise import company_key
from partners.models import Partner
from prm.i18n.kana import kana_order, sort_key, strip_legal_words, suggest_reading, to_katakana
from tests.factories import PartnerFactory

MIXED = [
    "青葉商事株式会社",  # 漢字: アオバショウジ
    "株式会社あおば",  # ひらがな: アオバ
    "さくらシステムズ株式会社",  # サクラシステムズ
    "（株）カエデ",  # カタカナ: カエデ
    "Acme Co., Ltd.",
    "有限会社いろは",  # イロハ
    "zeta Inc.",  # lower-case Latin
    "東海精機",  # トウカイセイキ
    "Beta Holdings",
]
EXPECTED = [
    "Acme Co., Ltd.",
    "Beta Holdings",
    "zeta Inc.",
    "株式会社あおば",
    "青葉商事株式会社",
    "有限会社いろは",
    "（株）カエデ",
    "さくらシステムズ株式会社",
    "東海精機",
]


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("青葉商事株式会社", "アオバショウジ"),
        ("株式会社あおば", "アオバ"),
        ("（株）カエデ", "カエデ"),
        ("㈱いろは", "イロハ"),
        ("合同会社ミナト", "ミナト"),
        ("Acme Co., Ltd.", "Acme"),
        ("Pacific Support Partners Pte. Ltd.", "Pacific Support Partners"),
        ("港 一郎", "ミナト イチロウ"),
        ("", ""),
    ],
)
def test_a_reading_is_suggested_without_legal_entity_words(name, reading):
    assert suggest_reading(name) == reading


def test_entered_readings_are_kept_in_katakana():
    assert to_katakana("あおば") == "アオバ"
    assert to_katakana("ｱｵﾊﾞ") == "アオバ"
    assert strip_legal_words("ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．") == "ACME"


def test_python_sort_key_puts_latin_first_then_kana_in_aiueo_order():
    assert sorted(MIXED, key=lambda n: sort_key(suggest_reading(n))) == EXPECTED


@pytest.mark.django_db
def test_partners_sort_by_reading_mixing_kanji_hiragana_katakana_and_latin():
    for name in MIXED:
        PartnerFactory(name=name)
    edited = Partner.objects.get(name="東海精機")
    assert edited.name_kana == "トウカイセイキ"
    edited.name_kana = "とうかいせいき"  # editable; kept in katakana
    edited.save()
    assert Partner.objects.get(pk=edited.pk).name_kana == "トウカイセイキ"

    ordered = list(Partner.objects.order_by(*kana_order("name_kana", "name")).values_list("name", flat=True))
    assert ordered == EXPECTED
    # The model's default order agrees for these (Latin names start with capitals).
    assert [n for n in Partner.objects.values_list("name", flat=True) if n != "zeta Inc."] == [
        n for n in EXPECTED if n != "zeta Inc."
    ]


@pytest.mark.django_db
def test_the_directory_lists_partners_in_aiueo_order(client):
    for name in ["青葉商事株式会社", "さくらシステムズ株式会社", "株式会社あおば", "Acme Co., Ltd."]:
        PartnerFactory(name=name, status="active", directory_listed=True)
    html = client.get(reverse("marketplace:directory")).getvalue().decode()
    positions = [html.find(n) for n in ["Acme", "株式会社あおば", "青葉商事", "さくらシステムズ"]]
    assert -1 not in positions and positions == sorted(positions)


def test_company_keys_match_across_kana_and_width():
    assert (
        company_key("さくらシステムズ株式会社")
        == company_key("ｻｸﾗｼｽﾃﾑｽﾞ")
        == company_key("(株)サクラ システムズ")
    )
