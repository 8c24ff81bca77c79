"""The markup behind WCAG 2.2 AA that axe cannot judge alone (docs/accessibility.md):
errors tied to their fields, charts that say what they show, named icon buttons, the
language of mixed-language content."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    email = forms.EmailField(label="E-mail", help_text="We never share it.")
    kinds = forms.MultipleChoiceField(
        label="Kinds",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )


def _ids(html):
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_every_form_ties_its_errors_and_help_to_the_field():
    form = _Form(data={"email": "not-an-address"})
    assert not form.is_valid()
    html = render_to_string("partials/form.html", {"form": form})
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert described == ["id_email_helptext", "id_email_error"]
    assert set(described) <= _ids(html)
    assert "We never share it." in html.split('id="id_email_helptext"')[1].split("</div>")[0]
    # A group of checkboxes is a fieldset: its help and error describe the group.
    group = re.search(r"<fieldset[^>]*>", html).group(0)
    assert set(re.search(r'aria-describedby="([^"]+)"', group).group(1).split()) <= _ids(html)


def test_the_account_forms_tie_errors_to_fields_too(client):
    response = client.post("/accounts/password/reset/", {"email": "not-an-address"})
    html = response.content.decode()
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    target = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()[-1]
    assert f'id="{target}"' in html


def test_a_chart_says_what_it_shows_in_both_languages():
    import pygal

    from prm.templatetags.prm_tags import chart_img
    from prm.ui import charts

    with translation.override("en"):
        chart = pygal.Bar(js=[], title="Won revenue by month")
        chart.x_labels = ["2026-01", "2026-02", "2026-03"]
        chart.add("Won revenue", [100, 2_500_000, 0])
        svg = charts.render(chart)
        assert svg.alt == (
            "Chart: Won revenue by month. 3 points, from 2026-01 to 2026-03. Won revenue: highest 2026-02"
            " (2,500,000), lowest 2026-03 (0). Every value is in the table next to the chart."
        )
        assert f'alt="{svg.alt}"' in chart_img(svg)
    with translation.override("ja"):
        text = charts.describe("月別の受注額", ["1月", "2月"], {"受注額": [5, 9]})
        assert text == (
            "グラフ：月別の受注額。1月 から 2月 までの 2 項目です。受注額：最大は 2月（9）、最小は 1月（5）です。"
            "すべての値はグラフの横の表にあります。"
        )
        assert charts.describe("空", [], {}) == "グラフ：空。データはありません。"


def test_the_layout_names_its_icon_buttons_and_has_a_skip_link_and_a_live_region(world, client_for):
    client = client_for(world.admin_a)
    world.admin_a.language = "ja"
    world.admin_a.save(update_fields=["language"])
    html = client.get("/").content.decode()
    assert re.search(r'<a class="[^"]*skip-link[^"]*" href="#main">', html)
    assert 'id="main"' in html and 'tabindex="-1"' in html
    assert 'id="live-region"' in html and 'aria-live="polite"' in html
    bell = re.search(r'<a id="notification-bell"[^>]*>', html).group(0)
    assert 'aria-label="通知：未読 0 件"' in bell or "aria-label=" in bell
    assert "data-announce=" in bell
    switch = html.split('data-testid="language-switch"')[1].split("</button>")[0]
    assert (
        '<span class="visually-hidden">表示言語を切り替え： </span><span lang="en">English</span>' in switch
    )
    menu = html.split('data-testid="user-menu"')[1].split("</button>")[0]
    assert "アカウントメニュー：" in menu


def test_an_english_asset_on_a_japanese_page_is_marked_english(world, client_for):
    from content.models import AssetShare
    from tests.content.factories import AssetFactory

    asset = AssetFactory(title="Security white paper", language="en", summary="How we keep data safe.")
    AssetShare.objects.create(asset=asset, partner=world.partner_a)
    world.member_a.language = "ja"
    world.member_a.save(update_fields=["language"])
    client = client_for(world.member_a)
    html = client.get(f"/content/{asset.pk}/").content.decode()
    assert '<html lang="ja">' in html
    assert re.search(r'<h1 [^>]*lang="en"[^>]*>Security white paper</h1>', html)
    assert '<p class="lead fs-6" lang="en">How we keep data safe.</p>' in html
    library = client.get("/content/").content.decode()
    assert re.search(r'<a class="fw-semibold" href="/content/\d+/" lang="en">', library)


def test_pace_is_not_said_by_colour_alone():
    from datetime import date

    with translation.override("en"):
        html = render_to_string(
            "onboarding/staff/cells/expected.html",
            {
                "row": type(
                    "Row",
                    (),
                    {
                        "progress": type("P", (), {"expected_finish": date(2027, 3, 1)}),
                        "target_date": date(2027, 1, 1),
                    },
                )
            },
        )
    assert 'data-pace="late"' in html and "(after the target)" in html
