"""Bilingual records (django-modeltranslation): the reader's language, with a fallback to the other."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from modeltranslation.translator import translator

from incentives.models import Tier
from onboarding.services import plan_build
from tests.factories import PartnerFactory
from tests.onboarding.factories import ChecklistTemplateFactory, TemplateTaskFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Japanese text, a slash, then Latin text (or the other way round): "キックオフ面談 / Kick-off".
MIXED = re.compile(
    r"[\u3040-\u30ff\u4e00-\u9fff][^\"'\n]{0,40}\s/\s[A-Za-z]|[A-Za-z]\s/\s[\u3040-\u30ff\u4e00-\u9fff]"
)


def test_a_record_is_shown_in_the_readers_language_and_falls_back_to_the_other():
    both = Tier.objects.create(
        rank=1, name_ja="シルバー", name_en="Silver", perks_ja="共同マーケティング素材"
    )
    ja_only = Tier.objects.create(rank=2, name_ja="ゴールド")
    en_only = Tier.objects.create(rank=3, name_en="Platinum")

    with translation.override("ja"):
        both.refresh_from_db()
        assert (both.name, both.label) == ("シルバー", "シルバー")
        assert Tier.objects.get(pk=en_only.pk).name == "Platinum"
    with translation.override("en"):
        both = Tier.objects.get(pk=both.pk)
        assert both.name == "Silver"
        assert both.perk_list() == ["共同マーケティング素材"]  # no English perks: the Japanese ones
        assert Tier.objects.get(pk=ja_only.pk).label == "ゴールド"
        assert list(Tier.objects.filter(rank__gte=1).values_list("name", flat=True)) == [
            "Silver",
            "ゴールド",
            "Platinum",
        ]


def test_a_plan_copies_both_languages_of_its_template_tasks():
    template = ChecklistTemplateFactory(
        name_ja="販売パートナー オンボーディング", name_en="Sales partner onboarding"
    )
    TemplateTaskFactory(template=template, title_ja="キックオフ面談", title_en="Kick-off meeting")
    plan = plan_build(partner=PartnerFactory(), template=template, owner=None)
    task = plan.tasks.get()
    assert (task.title_ja, task.title_en) == ("キックオフ面談", "Kick-off meeting")
    with translation.override("en"):
        assert plan.tasks.get().title == "Kick-off meeting"


def test_no_ja_slash_en_concatenations_in_demo_data_or_templates():
    files = [*ROOT.glob("*/demo.py"), *ROOT.glob("*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()[:80]}"
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if MIXED.search(line)
    ]
    assert offenders == []


def test_demo_records_are_complete_in_both_languages():
    call_command("seed_demo", stdout=StringIO())
    missing = []
    for model in translator.get_registered_models(abstract=False):
        for field in translator.get_options_for_model(model).fields:
            for row in model.objects.values("pk", f"{field}_ja", f"{field}_en"):
                ja, en = row[f"{field}_ja"], row[f"{field}_en"]
                if bool(ja) != bool(en):
                    missing.append(f"{model.__name__}.{field} #{row['pk']}: {ja or en}")
    assert missing == []
