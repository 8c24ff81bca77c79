"""Audit action codes are shown as readable, translated labels (prm/audit/labels.py) on the
staff audit page and on partner 360."""

import re
from pathlib import Path

from django.urls import reverse
from django.utils import translation

from partners.models import Application
from prm.audit.labels import ACTION_LABELS, action_label
from prm.audit.log import audit

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "prm",
    "partners",
    "privacy",
    "training",
    "incentives",
    "content",
    "onboarding",
    "threads",
    "promotion",
    "leads",
    "funds",
    "payouts",
    "plans",
    "marketplace",
    "imports",
    "sso",
    "dashboard",
]
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]+)"(?: if .+? else "([a-z_]+\.[a-z_]+)")?')
TUPLE = re.compile(r"""\(\w+(?:\.\w+)*, "([a-z]+\.[a-z_]+)"\)""")  # (signal, "mfa.added") pairs


def _codes_in_source() -> set[str]:
    codes = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            for match in LITERAL.finditer(text):
                codes.update(code for code in match.groups() if code)
            if path.relative_to(ROOT).as_posix() == "prm/audit/receivers.py":
                codes.update(TUPLE.findall(text))
                codes.update(re.findall(r'"(admin\.[a-z]+|guardian\.[a-z]+)"', text))
    return codes


def test_every_action_the_apps_write_has_a_label():
    codes = _codes_in_source()
    assert {"partner.suspended", "deal.won", "deal.lost", "mfa.added", "guardian.granted"} <= codes
    codes |= {f"application.{s}" for s in Application.Status.values if s != Application.Status.SUBMITTED}
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_labels_are_translated_and_unknown_codes_show_as_themselves():
    with translation.override("ja"):
        assert action_label("partner.suspended") == "パートナーを一時停止"
    with translation.override("en"):
        assert action_label("partner.suspended") == "Partner suspended"
    assert action_label("something.new") == "something.new"


def test_audit_page_and_partner_360_show_labels(world, client_for):
    audit(actor=world.manager_a, action="partner.suspended", target=world.partner_a)
    urls = [reverse("staff_audit"), reverse("dashboard:partner", args=[world.partner_a.pk])]
    for language, label in [("en", "Partner suspended"), ("ja", "パートナーを一時停止")]:
        world.manager_a.language = language
        world.manager_a.save(update_fields=["language"])
        client = client_for(world.manager_a)
        for url in urls:
            page = client.get(url).getvalue().decode()
            assert label in page, (language, url)
            assert ">partner.suspended<" not in page
