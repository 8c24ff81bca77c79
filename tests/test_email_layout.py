"""One layout and one naming scheme for every e-mail (docs/CONVENTIONS.md, "E-mail and notifications"):
`<app>/templates/<app>/emails/<name>_subject.txt`, `<name>.txt` and `<name>.html`, the text
and HTML parts extending `emails/base.txt` and `emails/base.html` (templates/emails/)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _email_templates() -> list[Path]:
    found = []
    for top in ROOT.iterdir():
        if not top.is_dir() or top.name.startswith(".") or top.name in {"node_modules", "var", "tests"}:
            continue
        for folder in top.glob("**/templates/**/emails"):
            if folder.relative_to(ROOT).as_posix() != "templates/emails":  # the layout itself
                found.extend(path for path in folder.iterdir() if path.is_file())
    return sorted(found)


def test_every_email_is_a_trio_named_after_it():
    templates = _email_templates()
    assert len(templates) > 60  # the search found the apps' e-mails
    stems = {}
    for path in templates:
        name = path.name.removesuffix("_subject.txt") if path.name.endswith("_subject.txt") else path.stem
        part = "subject" if path.name.endswith("_subject.txt") else path.suffix
        assert NAME.match(name) and not name.endswith("_body"), path
        stems.setdefault(path.parent / name, set()).add(part)
    incomplete = {
        str(s.relative_to(ROOT)): parts for s, parts in stems.items() if parts != {"subject", ".txt", ".html"}
    }
    assert not incomplete


def test_every_email_extends_the_one_layout():
    wrong = []
    for path in _email_templates():
        if path.name.endswith("_subject.txt"):
            continue
        expected = '{% extends "emails/base' + path.suffix + '" %}'
        if not path.read_text().startswith(expected):
            wrong.append(str(path.relative_to(ROOT)))
    assert not wrong, f"start these with the layout's extends tag: {wrong}"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_layout_greets_links_and_signs_in_the_recipients_language(language, settings):
    hostile = 'A & B "<b>x</b>"'
    context = {
        "site_url": settings.SITE_URL,
        "user": SimpleNamespace(get_short_name=lambda: hostile),
        "campaign": SimpleNamespace(name=hostile, ends_on=None),
        "log": SimpleNamespace(kind="kit"),
        "url": f"{settings.SITE_URL}/campaigns/1/",
    }
    with translation.override(language):
        text = render_to_string("promotion/emails/reminder.txt", context)
        html = render_to_string("promotion/emails/reminder.html", context)
    greeting, button = {
        "ja": (f"{hostile} 様", "キャンペーン"),
        "en": (f"Dear {hostile},", "Open the campaign"),
    }[language]
    assert text.startswith(greeting)  # plain text is not escaped
    assert f"{button}" in text and f"\n{context['url']}\n" in text
    assert text.rstrip().endswith(settings.SITE_URL)
    assert hostile not in html and "A &amp; B &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in html
    assert f'<html lang="{language}">' in html and f'href="{context["url"]}"' in html
