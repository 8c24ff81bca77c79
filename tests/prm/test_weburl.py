"""Finding 4 (issue 21): every web address a person writes is http(s) (or a path on the
portal where a field says so), on the model, in forms, in the admin and in the database,
and no template writes an address from data into an href without `|safe_href`."""

import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import CheckConstraint
from django.template import Context, Template
from django.urls import reverse

from prm.text import weburl
from prm.text.weburl import WebURLField, WebURLFormField, clean_web_url, is_web_url, safe_href

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = (
    "prm",
    "partners",
    "training",
    "content",
    "onboarding",
    "incentives",
    "promotion",
    "threads",
    "dashboard",
    "webhooks",
    "api",
)

# Written as an attacker would: schemes that run script or load data, and the characters
# browsers drop before they read the scheme or the host.
HOSTILE = [
    "javascript:window.__xss=1",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x00javascript:alert(1)",
    "javas\x01cript:alert(1)",
    "java\u200bscript:alert(1)",
    "\u3000javascript:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://files.example.com/x",
    "mailto:someone@example.com",
    "//evil.example/x",
    "\\\\evil.example\\x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "\t//evil.example/x",
    "https:evil.example",
    "https:/\\evil.example",
    "https://evil.example\\@good.example/",
    "https://",
    "http:///path",
    "evil.example/<script>",
    "x" * 3000,
]
FINE_ABSOLUTE = [
    "https://www.example.co.jp",
    "http://example.com/path?q=1&r=2#top",
    "HTTPS://EXAMPLE.COM/",
    "https://例え.テスト/パス",
    "https://example.com:8443/x",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_not_web_urls(value):
    assert not is_web_url(value)
    assert not is_web_url(value, relative=True)
    assert safe_href(value) == ""


@pytest.mark.parametrize("value", FINE_ABSOLUTE)
def test_ordinary_addresses_are_web_urls(value):
    assert is_web_url(value) and safe_href(value) == value


def test_paths_only_where_meant():
    for path in ("/campaigns/3/", "/", "/media/x.png?v=2#a", "/?next=/a"):
        assert is_web_url(path, relative=True) and safe_href(path) == path
        assert not is_web_url(path)


def test_cleaning_removes_what_browsers_remove():
    assert clean_web_url(" \u3000https://exa\u200bmple.com/\t\n ") == "https://example.com/"
    assert clean_web_url("https://exa\x00mple.com") == "https://example.com"
    assert clean_web_url(None) == ""


def test_form_field_cleans_assumes_https_and_explains():
    field = WebURLFormField(required=False)
    assert field.clean(" www.example.co.jp ") == "https://www.example.co.jp"
    assert field.clean("\u3000https://example.com\u3000") == "https://example.com"
    for value in HOSTILE[:20]:
        with pytest.raises(ValidationError) as info:
            field.clean(value)
        assert "https://" in str(info.value)
    relative = WebURLFormField(required=False, relative=True)
    assert relative.clean("/campaigns/3/") == "/campaigns/3/"
    for value in ("//evil.example", "/\\evil.example", "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            relative.clean(value)


def _web_url_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, WebURLField):
                yield model, field


URLISH = re.compile(r"url|link|website|homepage|href", re.I)


def test_every_url_column_is_a_web_url_field():
    """A later model cannot add a plain URLField or a CharField called *_url/link/website."""
    plain = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation or not isinstance(field, models.CharField | models.TextField):
                continue
            if (URLISH.search(field.name) or isinstance(field, models.URLField)) and not isinstance(
                field, WebURLField
            ):
                plain.append(f"{model._meta.label}.{field.name}")
    assert plain == []
    assert len(list(_web_url_fields())) >= 10


def test_every_web_url_field_has_its_database_constraint():
    missing = []
    for model, field in _web_url_fields():
        wanted = weburl.web_url_condition(field.name, relative=field.relative)
        if not any(isinstance(c, CheckConstraint) and c.condition == wanted for c in model._meta.constraints):
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def _one_row_of_each(world):
    from prm.models import Notification
    from prm.webhooks.models import Endpoint
    from promotion.models import OverviewVideo
    from tests.content.factories import AssetFactory
    from tests.partners.factories import ApplicationFactory
    from tests.promotion.factories import AnnouncementFactory, CampaignFactory, ParticipationFactory
    from tests.training.factories import CourseFactory, LessonFactory, exercise_submission

    ApplicationFactory()
    AssetFactory()
    LessonFactory(course=CourseFactory())
    ParticipationFactory(campaign=CampaignFactory(), partner=world.partner_a)
    AnnouncementFactory()
    OverviewVideo.objects.create(title="v", external_url="https://youtu.be/abc")
    Notification.objects.create(recipient=world.member_a, kind="x", event_key="x", url="/")
    Endpoint.objects.create(
        owner=world.admin_a,
        partner=world.partner_a,
        url="https://crm.example.co.jp/hooks",
        secret_encrypted="x",
    )
    exercise_submission(world)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "//evil.example/x", "/\\evil", "https://a b", "\tjavascript:x"]
)
def test_the_database_refuses_what_the_model_refuses(value, world):
    """Whatever path writes (a service without full_clean, .update(), raw SQL)."""
    _one_row_of_each(world)
    checked = []
    for model, field in _web_url_fields():
        table, column = model._meta.db_table, field.column
        constraint = next(
            c.name
            for c in model._meta.constraints
            if isinstance(c, CheckConstraint)
            and c.condition == weburl.web_url_condition(field.name, relative=field.relative)
        )
        assert model._default_manager.exists(), model
        with pytest.raises(IntegrityError) as info, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{table}" SET "{column}" = %s', [value])  # noqa: S608
        assert constraint in str(info.value)
        checked.append(constraint)
    assert len(checked) >= 10


@pytest.mark.django_db
def test_model_validation_cleans_and_refuses():
    from promotion.models import Announcement

    announcement = Announcement(title="x", link_url=" /campaigns/1/\t")
    announcement.full_clean()
    assert announcement.link_url == "/campaigns/1/"
    for value in HOSTILE[:25]:
        announcement.link_url = value[:300]
        with pytest.raises(ValidationError) as info:
            announcement.full_clean()
        assert "link_url" in info.value.message_dict


# --- The attack of finding 4, end to end ---------------------------------------------------


@pytest.mark.django_db
def test_manager_cannot_save_a_javascript_link_and_partners_never_get_one(world, client_for):
    from promotion.models import Announcement

    client = client_for(world.manager_a)
    data = {
        "title_ja": "お知らせ",
        "title_en": "News",
        "body_ja": "",
        "body_en": "",
        "link_url": "javascript:window.__xss=1",
        "starts_at_0": "2026-01-01",
        "starts_at_1": "00:00:00",
        "is_published": "on",
    }
    response = client.post(reverse("admin:promotion_announcement_add"), data)
    assert response.status_code == 200, response.get("Location")
    assert "link_url" in response.context["adminform"].form.errors
    assert not Announcement.objects.exists()

    data["link_url"] = "https://example.com/news"
    assert client.post(reverse("admin:promotion_announcement_add"), data).status_code == 302
    home = client_for(world.member_a).get("/").content.decode()
    assert 'href="https://example.com/news"' in home
    assert "javascript:" not in home


def test_safe_href_filter_in_templates():
    template = Template('{% load prm_tags %}<a href="{{ url|safe_href }}">x</a>')
    assert template.render(Context({"url": "java\tscript:alert(1)"})) == '<a href="">x</a>'
    out = template.render(Context({"url": "https://example.com/?a=1&b=2"}))
    assert out == '<a href="https://example.com/?a=1&amp;b=2">x</a>'


# --- Templates: no address from data reaches an href without the filter ------------------

URL_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(href|src|action|formaction|poster|data-embed-url|hx-(?:get|post|put|patch|delete))"""
    r"""\s*=\s*["']?\s*\{\{(.*?)\}\}""",
    re.S,
)


def _templates():
    names = subprocess.run(
        ["git", "ls-files", "*.html", "*.txt"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / n for n in names if "/templates/" in f"/{n}"]


def test_every_url_attribute_from_data_goes_through_safe_href():
    found, bad = 0, []
    for path in _templates():
        for match in URL_ATTRIBUTE.finditer(path.read_text()):
            found += 1
            if "safe_href" not in match.group(2):
                bad.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert found >= 40
    assert bad == []


def test_the_scan_catches_an_unfiltered_href():
    assert URL_ATTRIBUTE.search('<a class="x" href="{{ a.link_url }}">')
    assert URL_ATTRIBUTE.search("<iframe src={{ video }}>")
    assert not URL_ATTRIBUTE.search('<span data-action="{{ event.action }}">')


# --- Existing rows: what the data migrations do --------------------------------------------


@pytest.mark.django_db
def test_migration_cleans_blanks_and_audits_stored_values(world):
    """Rows saved before the rule: cleaned when a browser would read them as a web address,
    otherwise blanked with an audit event that keeps the old value for staff to re-enter."""
    from prm.models import AuditEvent
    from promotion.models import Announcement, CampaignParticipation
    from tests.promotion.factories import AnnouncementFactory, CampaignFactory, ParticipationFactory

    bad = AnnouncementFactory(title="bad")
    padded = AnnouncementFactory(title="padded")
    path = AnnouncementFactory(title="path")
    fine = AnnouncementFactory(title="fine", link_url="https://example.com/")
    participation = ParticipationFactory(campaign=CampaignFactory(), partner=world.partner_a)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name in (
            ("promotion_announcement", "announcement_link_url_web_url"),
            ("promotion_campaignparticipation", "participation_landing_url_web_url"),
        ):
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    Announcement.objects.filter(pk=bad.pk).update(link_url="javascript:window.__xss=1")
    Announcement.objects.filter(pk=padded.pk).update(link_url=" https://example.com/news\t")
    Announcement.objects.filter(pk=path.pk).update(link_url="/campaigns/1/")
    CampaignParticipation.objects.filter(pk=participation.pk).update(landing_url="//evil.example/")

    removed = weburl.repair_stored_urls(apps, "promotion.Announcement", "link_url", relative=True)
    removed += weburl.repair_stored_urls(apps, "promotion.CampaignParticipation", "landing_url")

    assert [(r["pk"], r["value"]) for r in removed] == [
        (bad.pk, "javascript:window.__xss=1"),
        (participation.pk, "//evil.example/"),
    ]
    links = dict(Announcement.objects.values_list("pk", "link_url"))
    assert links == {
        bad.pk: "",
        padded.pk: "https://example.com/news",
        path.pk: "/campaigns/1/",
        fine.pk: "https://example.com/",
    }
    assert CampaignParticipation.objects.get().landing_url == ""
    events = AuditEvent.objects.filter(action="security.url_removed").order_by("id")
    assert [(e.target_id, e.data["value"], e.partner_id) for e in events] == [
        (str(bad.pk), "javascript:window.__xss=1", None),
        (str(participation.pk), "//evil.example/", world.partner_a.pk),
    ]


def test_each_url_migration_repairs_its_fields():
    """The data step of every app's migration names each WebURLField of that app, unless the
    table was created with its constraint (no row was ever stored without the rule)."""
    migrations = {
        app: list((Path(apps.get_app_config(app).path) / "migrations").glob("*.py")) for app in PROJECT_APPS
    }
    for model, field in _web_url_fields():
        label = f'"{model._meta.app_label}.{model.__name__}", "{field.name}"'
        sources = [p.read_text() for p in migrations[model._meta.app_label]]
        constraint = next(
            c.name
            for c in model._meta.constraints
            if isinstance(c, CheckConstraint)
            and c.condition == weburl.web_url_condition(field.name, relative=field.relative)
        )
        created = re.compile(rf"CreateModel\(\s*name=['\"]{model.__name__}['\"]")
        born_with_the_rule = any(created.search(text) and f"name='{constraint}'" in text for text in sources)
        assert born_with_the_rule or any(label in text for text in sources), label
