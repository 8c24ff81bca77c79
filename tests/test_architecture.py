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
