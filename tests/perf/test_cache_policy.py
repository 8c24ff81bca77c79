"""The one cache policy (prm/cache/pagecache.py), held: how few places invalidate anything, that
the guard every test runs under (tests/cacheguard.py) really fails a careless write or a
value that reads outside its scopes, and that a real admin edit reaches a cached page."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from prm.cache import pagecache
from tests import cacheguard

MAX_SITES = 10
MODEL_SIGNALS = {"post_save", "post_delete", "m2m_changed", "pre_save", "pre_delete"}
BUMPS = {"bump", "bump_everything", "audited"}
DELETES = {"delete", "delete_many", "delete_pattern", "clear"}
# Model-signal receivers that invalidate nothing: they audit guardian grants as quiet
# actions (pagecache.QUIET_ACTIONS), which bump no scope.
AUDIT_ONLY = {
    ("prm/audit/receivers.py", "object_permission_granted"),
    ("prm/audit/receivers.py", "object_permission_revoked"),
}


def invalidation_sites(root: Path, app_dirs) -> list[str]:
    """Every place in app code that invalidates a cached value: a call of the pagecache bump
    functions, a cache deletion, or a model save/delete/m2m receiver (each one is a place
    that must be remembered). prm/cache/pagecache.py itself is the mechanism, not a place."""
    sites = []
    for folder in app_dirs:
        for path in sorted(Path(folder).rglob("*.py")):
            rel = str(path.relative_to(root))
            if "/migrations/" in rel or rel == "prm/cache/pagecache.py":
                continue
            tree = ast.parse(path.read_text(), filename=rel)
            found = [(node.lineno, _site(node, rel)) for node in ast.walk(tree) if hasattr(node, "lineno")]
            sites += [f"{rel}:{line} {site}" for line, site in sorted(found, key=lambda f: f[0]) if site]
    return sites


def _name(node) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _site(node, rel: str) -> str:
    if isinstance(node, ast.FunctionDef):
        for d in node.decorator_list:
            if (
                isinstance(d, ast.Call)
                and _name(d.func) == "receiver"
                and d.args
                and _name(d.args[0]) in MODEL_SIGNALS
                and (rel, node.name) not in AUDIT_ONLY
            ):
                return f"@receiver({_name(d.args[0])}) {node.name}"
        return ""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    name = _name(func)
    if name in BUMPS:
        return f"{name}()"
    if name in DELETES and isinstance(func, ast.Attribute) and _name(func.value) == "cache":
        return f"cache.{name}()"
    if name == "connect" and isinstance(func, ast.Attribute) and _name(func.value) in MODEL_SIGNALS:
        receiver = _name(node.args[0]) if node.args else ""
        if (rel, receiver) not in AUDIT_ONLY:
            return f"{_name(func.value)}.connect({receiver})"
    return ""


def test_at_most_ten_places_invalidate_anything():
    sites = invalidation_sites(cacheguard.ROOT, cacheguard.app_dirs())
    assert len(sites) <= MAX_SITES, "\n".join(sites)
    # The choke points are among them: the audit call and the admin's change log.
    assert any(s.startswith("prm/audit/log.py:") and "audited()" in s for s in sites), sites
    assert any(s.startswith("prm/audit/receivers.py:") and "_log_entry_saved" in s for s in sites), sites


def test_the_counter_sees_a_new_receiver_or_bump(tmp_path):
    app = tmp_path / "shop"
    app.mkdir()
    (app / "receivers.py").write_text(
        "from django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n"
        "from prm import pagecache\n\n"
        "@receiver(post_save, sender=object)\n"
        "def changed(sender, **kwargs):\n"
        "    pagecache.bump(pagecache.catalogue())\n\n"
        "post_save.connect(changed, sender=int)\n"
    )
    sites = invalidation_sites(tmp_path, [str(app)])
    assert [s.split(" ", 1)[1] for s in sites] == [
        "@receiver(post_save) changed",
        "bump()",
        "post_save.connect(changed)",
    ]


# --- The guard really fails --------------------------------------------------------------
@pytest.fixture
def guard():
    """A guard that takes this test module for app code (so its jobs below are judged)."""
    return cacheguard.Guard(app_code=(str(Path(__file__).resolve().parent) + "/",))


def careless_job(partner):
    """A new job that closes a partner's deals in bulk and forgets the cache."""
    from incentives.models import Deal

    return Deal.objects.filter(partner=partner).update(stage=Deal.Stage.LOST)


def careful_job(partner):
    from incentives.models import Deal

    closed = Deal.objects.filter(partner=partner).update(stage=Deal.Stage.LOST)
    pagecache.bump(pagecache.partner(partner.pk))
    return closed


def run_armed(guard, job, *args):
    with cacheguard.guarding(guard):
        guard.armed, guard.base = True, tuple(guard.blocks)
        job(*args)
        guard.armed = False
    return guard.report()


def test_a_careless_job_fails_and_a_careful_one_passes(world, guard):
    from tests.incentives.factories import DealFactory

    DealFactory(partner=world.partner_a)
    problems = run_armed(guard, careless_job, world.partner_a)
    assert len(problems) == 1 and "careless_job" in problems[0] and "incentives_deal" in problems[0]
    assert run_armed(cacheguard.Guard(guard.app_code), careful_job, world.partner_a) == []


def test_a_bump_covers_later_writes_of_its_transaction_only(world, guard):
    from incentives.models import Deal
    from tests.incentives.factories import DealFactory

    DealFactory(partner=world.partner_a)

    def bump_then_write_in_one_transaction():
        with transaction.atomic():
            pagecache.bump(pagecache.partner(world.partner_a.pk))  # bumped again on commit
            Deal.objects.filter(partner=world.partner_a).update(stage=Deal.Stage.LOST)

    def bump_then_write_outside():
        pagecache.bump(pagecache.partner(world.partner_a.pk))
        Deal.objects.filter(partner=world.partner_a).update(stage=Deal.Stage.NEGOTIATION)

    assert run_armed(guard, bump_then_write_in_one_transaction) == []
    assert len(run_armed(cacheguard.Guard(guard.app_code), bump_then_write_outside)) == 1


def test_a_rolled_back_write_is_forgiven(world, guard):
    from tests.incentives.factories import DealFactory

    DealFactory(partner=world.partner_a)

    def fails_after_writing():
        try:
            with transaction.atomic():
                careless_job(world.partner_a)
                raise ValueError("nothing is written")
        except ValueError:
            pass

    assert run_armed(guard, fails_after_writing) == []


def test_a_real_job_without_its_bump_fails(world, monkeypatch, request):
    """The tier recomputation writes every partner's state set-based: without its bump the
    guard names it."""
    from incentives import services
    from tests.incentives.factories import make_tiers

    make_tiers()
    request.node._cache_guard.armed = False  # the guard every test runs under: the miss is on purpose
    guard = cacheguard.Guard(cacheguard.app_dirs())
    monkeypatch.setattr(pagecache, "bump", lambda *scopes: None)
    problems = run_armed(guard, lambda: services.tiers_recompute())
    assert any("incentives/services.py" in p and "incentives_partnertierstate" in p for p in problems), (
        problems
    )


def test_a_value_reading_outside_its_scopes_fails(world, guard):
    from content.models import Asset

    with cacheguard.guarding(guard):
        pagecache.cached("t:assets", (pagecache.partner(1),), lambda: Asset.objects.count())
        pagecache.cached(
            "t:outer",
            (pagecache.partner(1),),
            lambda: pagecache.cached("t:inner", (pagecache.catalogue(),), lambda: 1),
        )
        pagecache.lagging("t:lag", lambda: Asset.objects.count(), seconds=60)  # may lag: anything
    problems = guard.report()
    assert len(problems) == 2, problems
    assert "t:assets" in problems[0] and "content_asset" in problems[0] and "catalogue" in problems[0]
    assert "t:outer" in problems[1] and "catalogue" in problems[1]


# --- A real admin edit --------------------------------------------------------------------
class _Form(HTMLParser):
    """The values an admin change form would post as it is (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def test_a_tier_renamed_in_the_admin_change_form_shows_on_the_cached_home(
    world, client_for, django_capture_on_commit_callbacks
):
    from incentives import services
    from incentives.models import Tier
    from tests.incentives.factories import make_tiers

    make_tiers()
    services.tiers_recompute()
    home = client_for(world.member_a)
    assert "シルバー" in home.get("/").content.decode()  # the next tier, now cached
    staff = client_for(world.superuser)
    url = reverse("admin:incentives_tier_change", args=[Tier.objects.get(name_ja="シルバー").pk])
    form = _Form()
    form.feed(staff.get(url).content.decode())
    data = {k: v for k, v in form.data.items() if not k.startswith("_")}
    data["name_ja"] = ["白銀"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode()
    )
    text = home.get("/").content.decode()
    assert "白銀" in text and "シルバー" not in text


def test_every_key_carries_the_release_that_rendered_it(settings):
    """A fragment an older template rendered is never served after a deploy: the release
    (PRM_RELEASE, else a digest of the code, templates and catalogues) is in every key."""
    assert pagecache.RELEASE in pagecache._full_key("pc", "home", [pagecache.catalogue()])
    assert pagecache.RELEASE in pagecache.lagging_key("metrics")
    settings.PRM_RELEASE = "v2026.12.06"
    assert pagecache._release() == "v2026.12.06"
    settings.PRM_RELEASE = ""
    assert pagecache._release() == pagecache.RELEASE  # stable: every node computes the same
