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
