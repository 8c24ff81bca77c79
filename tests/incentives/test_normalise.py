import pytest

from incentives.normalise import company_key, domain_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("さくらシステムズ株式会社", "サクラシステムズ"),
        ("株式会社さくらシステムズ", "サクラシステムズ"),
        ("（株）さくら システムズ", "サクラシステムズ"),
        ("㈱さくらシステムズ", "サクラシステムズ"),
        ("サクラシステムズ", "サクラシステムズ"),  # ひらがな and カタカナ spellings
        ("ｻｸﾗｼｽﾃﾑｽﾞ", "サクラシステムズ"),  # half-width katakana
        ("ＡＣＭＥ　Ｉｎｃ．", "acme"),
        ("Acme, Ltd.", "acme"),
        ("ACME Co., Ltd.", "acme"),
        ("Orion Digital GmbH", "oriondigital"),
        ("Pacific Support Partners Pte. Ltd.", "pacificsupportpartners"),
        ("Incognito Corp", "incognito"),  # "inc" inside a word is not a suffix
    ],
)
def test_company_key_collapses_variants(name, key):
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.Example.co.jp/about", "example.co.jp"),
        ("buyer@Example.com", "example.com"),
        ("WWW.example.com", "example.com"),
        ("example.com", "example.com"),
    ],
)
def test_domain_key(value, domain):
    assert domain_key(value) == domain
