"""Architecture rules that import-linter cannot express (see pyproject.toml and
docs/CONVENTIONS.md, "Layers")."""

import ast
import subprocess
import sys
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


# `prm/` shows its parts (docs/CONVENTIONS.md, "The shell"): the shell at its top, everything
# else in a sub-package with one job. A new module goes into one of these packages; a new
# package or a new shell module is a decision, written here on purpose.
PRM_SHELL = {
    "__init__",
    "admin",
    "apps",
    "celery",
    "logging",
    "models",
    "settings",
    "tasks",
    "tenancy",
    "translation",
    "urls",
    "views",
    "wsgi",
}
PRM_PACKAGES = {
    # Django's own places in an app
    "management",
    "migrations",
    "templatetags",
    # one job each (their __init__.py says which)
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
