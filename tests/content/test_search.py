import pytest
from django.urls import reverse

from content import search
from content.library import search as run_search
from content.models import Asset, SearchLog
from tests.admin_edits import admin_save
from tests.content.factories import AssetFactory

pytestmark = pytest.mark.django_db


def titles(text):
    return [a.title for a in run_search(Asset.objects.published(), text)]


@pytest.fixture
def library():
    return {
        "sales_ja": AssetFactory(
            title="営業資料の作り方", summary="提案書の基本", language="ja", body="お客様への提案"
        ),
        "body_ja": AssetFactory(
            title="導入ガイド",
            summary="",
            language="ja",
            body="この手順書では営業資料の更新方法を説明します。",
        ),
        "apart_ja": AssetFactory(title="営業の基本", summary="資料は別に配布します", language="ja", body=""),
        "katakana": AssetFactory(title="パートナーポータル入門", language="ja", body=""),
        "en": AssetFactory(
            title="Migrating customer data", summary="How partners move data", body="Run the migration tool."
        ),
        "en2": AssetFactory(title="Partner pricing", summary="Price list", body=""),
        "mixed": AssetFactory(title="API連携ガイド", summary="REST API webhooks", language="ja", body=""),
    }


def test_japanese_two_characters_match_title_or_body(library):
    assert set(titles("営業")) == {"営業資料の作り方", "営業の基本", "導入ガイド"}


def test_japanese_phrase_must_appear_contiguously(library):
    # "営業の基本" has 営業 and 資料 but not "営業資料": the substring re-check drops it.
    assert set(titles("営業資料")) == {"営業資料の作り方", "導入ガイド"}


def test_japanese_matches_inside_body_only(library):
    assert titles("手順書") == ["導入ガイド"]


def test_katakana_long_word(library):
    assert titles("ポータル") == ["パートナーポータル入門"]


def test_title_match_ranks_above_body_match(library):
    assert titles("営業資料")[0] == "営業資料の作り方"


def test_single_japanese_character_uses_substring(library):
    assert "導入ガイド" in titles("導")


def test_english_word_forms(library):
    assert titles("migrate") == ["Migrating customer data"]
    assert set(titles("partner")) == {"Migrating customer data", "Partner pricing"}
    assert titles("prices") == ["Partner pricing"]


def test_mixed_japanese_and_english_query(library):
    assert titles("API 連携") == ["API連携ガイド"]
    assert titles("webhook 連携") == ["API連携ガイド"]
    assert titles("webhook 営業") == []


def test_no_match_and_empty_query(library):
    assert titles("存在しない言葉") == []
    assert titles("   ") == []
    assert titles("&|!:*") == []


def test_highlight_escapes_before_marking():
    parsed = search.parse_query("営業 partner")
    pattern = search.highlight_pattern(parsed, search.english_stems(parsed.words))
    html = search.highlight("<b>営業</b> & Partners", pattern)
    assert html == "&lt;b&gt;<mark>営業</mark>&lt;/b&gt; &amp; <mark>Partners</mark>"


def test_highlight_query_with_markup_cannot_inject():
    parsed = search.parse_query("<script>")
    pattern = search.highlight_pattern(parsed, search.english_stems(parsed.words))
    assert "<script>" not in search.highlight("a <script> tag", pattern)


def test_library_page_highlights_and_logs_zero_results(world, client_for, library):
    client = client_for(world.member_a)
    response = client.get(reverse("content:index"), {"q": "営業資料"})
    assert "<mark>営業資料</mark>の作り方" in response.getvalue().decode()
    client.get(reverse("content:index"), {"q": "見つからない"})
    logs = {(s.query, s.result_count) for s in SearchLog.objects.all()}
    assert logs == {("営業資料", 2), ("見つからない", 0)}
    assert SearchLog.objects.get(query="見つからない").partner == world.partner_a


def test_reindex_follows_edits(library):
    asset = library["en2"]
    asset.title = "販売価格の一覧"
    admin_save(asset)  # the admin re-indexes what it saved (content.admin.AssetAdmin.save_related)
    assert titles("価格") == ["販売価格の一覧"]
    assert titles("partner pricing") == []


def test_full_width_and_half_width_queries_find_the_same_assets(library):
    assert titles("ＡＰＩ") == titles("API") == ["API連携ガイド"]
    assert titles("ﾊﾟｰﾄﾅｰﾎﾟｰﾀﾙ") == ["パートナーポータル入門"]
