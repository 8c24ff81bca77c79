"""Architecture rules that import-linter cannot express (see pyproject.toml and
docs/CONVENTIONS.md, "Layers")."""

import ast
import functools
import importlib.util
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "prm",
    "partners",
    "privacy",
    "training",
    "incentives",
    "content",
    "onboarding",
    "promotion",
    "threads",
    "dashboard",
    "api",
    "devtools",
]
# Apps whose function-local imports and import circles are still being removed (issue 24:
# none left). Add an app here only while a lane converts it; the tests below hold the others.
LOCAL_IMPORTS_PENDING: set[str] = set()
CIRCLES_PENDING: set[str] = set()


@functools.cache
def _figures_script():
    """scripts/architecture_figures.py, loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "architecture_figures", ROOT / "scripts/architecture_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


# `prm/` shows its parts (docs/CONVENTIONS.md, "Layers"): the shell at its top (one list, in
# scripts/architecture_figures.py, which says why each module is there), everything else in a
# sub-package with one job. A new module goes into one of these packages; a new package or a
# new shell module is a decision, written there or here on purpose.
PRM_SHELL = _figures_script().PRM_SHELL
PRM_PACKAGES = {
    # Django's own places in an app
    "management",
    "migrations",
    "templatetags",
    # one job each (their __init__.py says which)
    "accounts",
    "access",
    "audit",
    "cache",
    "exports",
    "files",
    "http",
    "i18n",
    "notifications",
    "text",
    "ui",
    "webhooks",
}


def _module_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("app", APPS)
def test_services_import_tasks_only_inside_functions(app):
    services = ROOT / app / "services.py"
    if not services.exists():
        pytest.skip("no services module")
    assert f"{app}.tasks" not in _module_level_imports(services)


def test_every_app_with_tasks_and_services_keeps_its_tasks_above_them():
    """The import-linter contract "tasks sit above services" names its containers one by one:
    an app that gains both modules is added there (pyproject.toml)."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    contract = next(c for c in contracts if c.get("layers") == ["tasks", "services"])
    both = {
        app for app in APPS if (ROOT / app / "tasks.py").exists() and (ROOT / app / "services.py").exists()
    }
    assert both and both <= set(contract["containers"]), sorted(both - set(contract["containers"]))


def test_no_code_hides_a_missing_feature():
    """No string plug-ins, no swallowed ImportError: a broken import fails loudly."""
    # Spelled in pieces so that a plain grep of the code base for them finds nothing at all.
    banned = ("except " + "ImportError", "ModuleNot" + "FoundError", "call" + "_hook")
    offenders = []
    for app in [*APPS, "tests"]:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            if any(word in text for word in banned):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def _python_sources() -> list[Path]:
    """Every Python file of the repository (what `ruff format` formats)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).exists()]


def test_the_formatter_formats_everything():
    """No pragma switches `ruff format` off: code that reads badly once formatted is rewritten
    (a named record, a shorter call) instead of hand-aligned."""
    # Spelled in pieces so that this file is not an offender itself.
    pragmas = ("fmt: " + "skip", "fmt: " + "off", "yapf: " + "disable")
    sources = _python_sources()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(pragma in line for pragma in pragmas)
    ]
    assert len(sources) > 300  # the listing found the repository
    assert not offenders, offenders


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_big_reads_use_stream_rows_not_iterator():
    """Behind PgBouncer in transaction mode (DB_DISABLE_SERVER_SIDE_CURSORS=true) Django's
    `.iterator()` reads the whole result into memory; `prm.exports.streaming.stream_rows` keeps its
    cursor in a transaction and fetches in chunks either way. Migrations run in a
    transaction already and may use `.iterator()`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # Data-migration helpers (move_public_files_to_private, repair_stored_urls): migrations only.
    allowed = {"prm/files/storage.py", "prm/text/weburl.py"}
    found = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/", "var/")) or "/migrations/" in relative:
            continue
        if relative in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.iterator\(", line) and not line.lstrip().startswith("#") and "`" not in line:
                found.append(f"{relative}:{number}")
    assert not found, f"use prm.exports.streaming.stream_rows(qs) instead of .iterator(): {found}"


def _app_modules() -> dict[str, Path]:
    """Every module of app code (not migrations or management commands), by dotted name."""
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if {"migrations", "management"} & set(relative.parts):
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    return modules


def _import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the app modules it imports anywhere in its code (module level or inside a
    function), except the by-design function-local imports (`AppConfig.ready()`, a module
    enqueueing the tasks that run it: scripts/architecture_figures.py says which)."""
    figures = _figures_script()

    def resolve(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    trees = {name: ast.parse(path.read_text()) for name, path in modules.items()}
    paths = {name: path.relative_to(ROOT).as_posix() for name, path in modules.items()}
    allowed = figures.allowed_local_imports(
        [(paths[name].split("/")[0], paths[name], tree) for name, tree in trees.items()]
    )
    graph = {}
    for name, tree in trees.items():
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and (paths[name], node.lineno) in allowed:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.update(resolve(f"{node.module}.{a.name}") or resolve(node.module) for a in node.names)
            elif isinstance(node, ast.Import):
                targets.update(resolve(a.name) for a in node.names)
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(component)
    return circles


def test_import_circles_are_only_enqueued_tasks():
    """The import circles drawn from the code (function-local imports included) are the
    by-design ones: a module (a service, the webhook outbox) imports the tasks that run it
    inside the function that enqueues them; without those imports there is no circle. Content
    models/queries/library/search, content e-mails/services, promotion models/queries, prm
    models/notifications, exports streaming/jobs/admin, audit receivers/admin mixins and
    webhook delivery/services were accidental, and were broken by moving code."""
    circles = _circles(_import_graph(_app_modules()))
    accidental = [sorted(c) for c in circles if {m.split(".")[0] for m in c} - CIRCLES_PENDING]
    assert not accidental, f"import circles (move code to break them): {accidental}"


def test_no_function_local_imports_outside_the_allowed_places():
    """ruff's PLC0415 holds every module but apps.py and services.py (and the three modules
    below their app's tasks that enqueue them, with a noqa); this holds those too, with the one
    rule of scripts/architecture_figures.py."""
    figures = _figures_script()
    apps = [app for app in figures.app_packages() if app not in LOCAL_IMPORTS_PENDING]
    found = figures.function_local_imports(figures.app_modules(apps))
    assert not found, "\n".join(str(finding) for finding in found)


@pytest.mark.parametrize("app", APPS)
def test_services_import_inside_functions_only_their_tasks(app):
    """ruff's PLC0415 holds every module except apps.py and services.py (pyproject.toml); in a
    services module the one function-local import allowed is `from <app> import tasks`."""
    if app in LOCAL_IMPORTS_PENDING:
        pytest.skip("function-local imports not converted yet (issue 24)")
    services = ROOT / app / "services.py"
    if not services.exists():
        pytest.skip("no services module")
    tree = ast.parse(services.read_text())
    top_level = set(tree.body)
    offenders = [
        f"services.py:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and node not in top_level
        and not (
            isinstance(node, ast.ImportFrom)
            and node.module == app
            and [a.name for a in node.names] == ["tasks"]
        )
    ]
    assert not offenders, f"move these imports to module level: {offenders}"


def test_receivers_are_connected_one_way():
    """Signal receivers: `@receiver(signal, sender=..., dispatch_uid=...)` in the app's
    `receivers.py` (in prm, one per sub-package that reacts to a signal), which its
    AppConfig.ready() imports; no `.connect(...)` calls anywhere."""
    problems = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "connect"
                ):
                    problems.append(f"{relative}:{node.lineno}: .connect() (use @receiver in receivers.py)")
                if isinstance(node, ast.FunctionDef):
                    for decorator in node.decorator_list:
                        call = decorator if isinstance(decorator, ast.Call) else None
                        name = getattr(call.func if call else decorator, "id", "")
                        if name != "receiver":
                            continue
                        if not relative.endswith("/receivers.py"):
                            problems.append(f"{relative}:{node.lineno}: @receiver outside receivers.py")
                        elif call is None or "dispatch_uid" not in {k.arg for k in call.keywords}:
                            problems.append(f"{relative}:{node.lineno}: @receiver without dispatch_uid")
        for path in (ROOT / app).rglob("receivers.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            config = next(p / "apps.py" for p in path.parents if (p / "apps.py").exists())
            if module not in _imports_in_ready(config):
                problems.append(f"{config.relative_to(ROOT)}: ready() does not import {module}")
    assert not problems, problems


def _imports_in_ready(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names.update(f"{inner.module}.{a.name}" for a in inner.names)
    return names


# prm's shell pages and api's pages for both audiences (api.portal_views.both) are one module
# by design.
STAFF_VIEWS_EXEMPT = {"prm", "api"}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route, pattern.callback


def test_staff_pages_live_in_staff_views():
    """An app's pages under /staff/ are in `<app>/staff_views.py` and its partner pages are
    not, so a reader finds every staff page of an app in one module."""
    from django.urls import get_resolver

    misplaced = []
    for route, view in _routes(get_resolver().url_patterns):
        module = view.__module__
        app = module.split(".")[0]
        if app not in APPS or app in STAFF_VIEWS_EXEMPT:
            continue
        if route.startswith("staff/") != module.endswith(".staff_views"):
            misplaced.append(f"/{route} -> {module}.{view.__name__}")
    assert not misplaced


def test_no_merge_migrations():
    """Migrations form a line per app with cross-app edges, never an empty merge: a branch
    whose migrations collide with main's regenerates its own on top (CONTRIBUTING.md). The
    13 merge migrations there were were folded into their dependants (same ancestors)."""
    merges = []
    for path in ROOT.glob("*/migrations/[0-9]*.py"):
        app = path.parent.parent.name
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ClassDef) and node.name == "Migration"):
                continue
            fields = {s.targets[0].id: s.value for s in node.body if isinstance(s, ast.Assign)}
            same_app = [
                e for e in getattr(fields.get("dependencies"), "elts", []) if isinstance(e, ast.Tuple)
            ]
            same_app = [e for e in same_app if ast.literal_eval(e)[0] == app]
            operations = fields.get("operations")
            if len(same_app) > 1 and isinstance(operations, ast.List) and not operations.elts:
                merges.append(str(path.relative_to(ROOT)))
    assert not merges


def _modules(**sources: str) -> list[tuple[str, str, ast.Module]]:
    """(app, path, tree) from keyword arguments such as dashboard__queries="...": the
    app is the first part of the path."""
    modules = []
    for name, source in sources.items():
        path = name.replace("__", "/") + ".py"
        modules.append((path.split("/")[0], path, ast.parse(textwrap.dedent(source))))
    return modules


def test_the_figures_count_function_local_imports_outside_the_allowed_places():
    figures = _figures_script()
    modules = _modules(
        content__apps="""
            class ContentConfig:
                def ready(self):
                    from content import receivers
        """,
        content__services="""
            def asset_publish():
                from content import tasks
                from content.models import Asset
        """,
        content__views="""
            def page():
                import pygal

                def nested():
                    from content import tasks
        """,
        # The tasks run the digest (through e-mails), which enqueues them: by design. Not
        # another app's tasks, nor tasks imported with something else.
        content__tasks="""
            from content import emails
        """,
        content__emails="""
            from content.digest import digest_send
        """,
        content__digest="""
            def digest_send():
                from content import tasks

            def digest_other():
                from promotion import tasks
                from content import models, tasks
        """,
        prm__notifications__center="""
            def notify():
                from prm import tasks
        """,
        prm__tasks="""
            from prm.notifications import center
        """,
    )
    found = figures.function_local_imports(modules)
    assert sorted((f.path, f.line) for f in found) == [
        ("content/digest.py", 6),
        ("content/digest.py", 7),
        ("content/services.py", 4),
        ("content/views.py", 3),
        ("content/views.py", 6),
    ]


def test_the_figures_count_private_names_across_apps():
    figures = _figures_script()
    modules = _modules(
        dashboard__queries="""
            from threads.queries import _metric_aggregates, partner_asked
            from incentives import queries as incentive_queries
            from dashboard.charts import _palette
            from incentives.models import Deal

            incentive_queries._state_for(None)
            Deal._meta.db_table
        """,
    )
    found = figures.private_names_across_apps(modules, ["threads", "incentives", "dashboard"])
    assert sorted(f.what for f in found) == [
        "imports threads.queries._metric_aggregates",
        "reads incentives.queries._state_for",
    ]


def test_the_figures_count_sql_taken_from_compiled_querysets():
    figures = _figures_script()
    modules = _modules(
        dashboard__queries="""
            sql, params = partners.query.sql_with_params()
            text = str(deals.query)
            compiler = qs.query.get_compiler(using="default")
            fine = str(deals.count())
        """,
    )
    assert [f.line for f in figures.sql_from_compiled_sql(modules)] == [2, 3, 4]


def test_the_figures_stay_under_their_ceilings():
    figures = _figures_script()
    counted = {name: len(found) for name, found in figures.figures().items()}
    assert set(counted) == set(figures.CEILINGS)
    assert all(counted[name] <= figures.CEILINGS[name] for name in counted), counted


def test_prm_has_only_the_shell_at_its_top():
    prm = ROOT / "prm"
    modules = {path.stem for path in prm.glob("*.py")}
    packages = {path.parent.name for path in prm.glob("*/__init__.py")}
    assert modules == PRM_SHELL, f"move {sorted(modules - PRM_SHELL)} into a sub-package of prm"
    assert packages == PRM_PACKAGES, f"new or missing packages: {sorted(packages ^ PRM_PACKAGES)}"


@pytest.mark.parametrize(
    "package", sorted(PRM_PACKAGES - {"management", "migrations", "templatetags", "webhooks"})
)
def test_prm_subpackages_re_export_nothing(package):
    """A sub-package's __init__.py says what the package is for and nothing else: a name is
    imported from the module that defines it (no compatibility shims, no import cycles)."""
    tree = ast.parse((ROOT / "prm" / package / "__init__.py").read_text())
    assert ast.get_docstring(tree)
    assert len(tree.body) == 1, f"prm/{package}/__init__.py: only its docstring"
