"""Architecture rules that import-linter cannot express (see pyproject.toml and
docs/CONVENTIONS.md, "Layers")."""

import ast
import functools
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "prm",
    "partners",
    "privacy",
    "incentives",
    "content",
    "onboarding",
    "promotion",
    "threads",
    "dashboard",
]


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
    `.iterator()` reads the whole result into memory; `prm.exports.stream_rows` keeps its
    cursor in a transaction and fetches in chunks either way. Migrations run in a
    transaction already and may use `.iterator()`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # Data-migration helpers (move_public_files_to_private, repair_stored_urls): migrations only.
    allowed = {"prm/storage.py", "prm/weburl.py"}
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
    assert not found, f"use prm.exports.stream_rows(qs) instead of .iterator(): {found}"


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
    )
    found = figures.function_local_imports(modules)
    assert sorted((f.path, f.line) for f in found) == [
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
