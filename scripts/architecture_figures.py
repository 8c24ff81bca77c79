"""Issue 24's architecture figures, printed in CI with a ceiling each (a ratchet).

    .venv/bin/python scripts/architecture_figures.py

Each figure is counted from the source with `ast` (nothing is imported or run) over the
app packages named in pyproject.toml's import-linter `root_packages` (migrations aside:
they are frozen history). The script exits 1 when a figure rises above its ceiling. When
a change lowers a figure, lower its ceiling in the same commit (the script says so), so the
gain cannot be lost again; the goal of every figure is 0 (the last one: only the shell).
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Today's values; lower them as the figures fall, never raise them.
CEILINGS = {
    "function_local_imports": 89,
    "private_names_across_apps": 0,
    "sql_from_compiled_sql": 1,
    "prm_modules_outside_subpackages": 49,
}

# The shell of `prm/`: the modules that stay at its top when the rest moves into
# sub-packages (issue 24: settings, urls, tenancy, models, ...).
PRM_SHELL = {
    "__init__",
    "admin",
    "apps",
    "celery",
    "models",
    "settings",
    "tenancy",
    "urls",
    "wsgi",
}

# Django's documented API spelled with a leading underscore (the model `_meta` API).
DJANGO_PUBLIC_UNDERSCORED = {"_meta", "_default_manager", "_base_manager"}

# Calls that hand out a queryset's compiled SQL, to be pasted into another statement.
COMPILED_SQL_CALLS = {"sql_with_params", "get_compiler"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"  {self.path}:{self.line}: {self.what}"


def app_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def app_modules(apps: list[str]) -> Iterator[tuple[str, str, ast.Module]]:
    """(app, path relative to the root, parsed module) for every module of the apps."""
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            yield app, relative, ast.parse(path.read_text(), filename=relative)


def imported_module(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _is_allowed_local_import(app: str, path: str, function: str, node: ast.Import | ast.ImportFrom) -> bool:
    """By design: `AppConfig.ready()` connects receivers and registries; a service enqueues
    its own app's tasks (tasks sit above services, docs/CONVENTIONS.md)."""
    if path.endswith("/apps.py") and function == "ready":
        return True
    if path.endswith("/services.py"):
        package = path.removesuffix("/services.py").replace("/", ".")
        return any(name == f"{package}.tasks" for name in imported_module(node))
    return False


def function_local_imports(modules) -> list[Finding]:
    found = []
    for app, path, tree in modules:
        for scope in ast.walk(tree):
            if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in _own_statements(scope):
                if isinstance(node, ast.Import | ast.ImportFrom) and not _is_allowed_local_import(
                    app, path, scope.name, node
                ):
                    found.append(Finding(path, node.lineno, f"in {scope.name}(): {ast.unparse(node)}"))
    return found


def _own_statements(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function, without those of the functions nested in it (each counted once)."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def private_names_across_apps(modules, apps: list[str]) -> list[Finding]:
    """`from other_app.x import _name`, and `_name` read from a module of another app
    (`from other_app import queries` then `queries._name`)."""
    found = []
    for app, path, tree in modules:
        other_modules: dict[str, str] = {}  # local name -> dotted module of another app
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                if top not in apps or top == app:
                    continue
                for alias in node.names:
                    if _is_private(alias.name):
                        found.append(Finding(path, node.lineno, f"imports {node.module}.{alias.name}"))
                    else:
                        other_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    if top in apps and top != app:
                        other_modules[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and _is_private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in other_modules
            ):
                found.append(Finding(path, node.lineno, f"reads {other_modules[node.value.id]}.{node.attr}"))
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC_UNDERSCORED


def sql_from_compiled_sql(modules) -> list[Finding]:
    """A queryset's compiled SQL taken out to be pasted into raw SQL
    (`qs.query.sql_with_params()`, `qs.query.get_compiler(...)`, `str(qs.query)`)."""
    return [
        Finding(path, node.lineno, ast.unparse(node))
        for _app, path, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (_hands_out_compiled_sql(node) or _is_str_of_query(node))
    ]


def _hands_out_compiled_sql(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in COMPILED_SQL_CALLS


def _is_str_of_query(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "str"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Attribute)
        and call.args[0].attr == "query"
    )


def prm_modules_outside_subpackages() -> list[Finding]:
    return [
        Finding(path.relative_to(ROOT).as_posix(), 1, "module at the top of prm/")
        for path in sorted((ROOT / "prm").glob("*.py"))
        if path.stem not in PRM_SHELL
    ]


def figures() -> dict[str, list[Finding]]:
    apps = app_packages()
    modules = list(app_modules(apps))
    return {
        "function_local_imports": function_local_imports(modules),
        "private_names_across_apps": private_names_across_apps(modules, apps),
        "sql_from_compiled_sql": sql_from_compiled_sql(modules),
        "prm_modules_outside_subpackages": prm_modules_outside_subpackages(),
    }


def main(argv: list[str]) -> int:
    verbose = "-v" in argv or "--verbose" in argv
    failed = False
    for name, found in figures().items():
        ceiling = CEILINGS[name]
        figure = len(found)
        if figure > ceiling:
            verdict, failed = "ABOVE THE CEILING", True
        elif figure < ceiling:
            verdict = f"below the ceiling: lower CEILINGS[{name!r}] to {figure}"
        else:
            verdict = "at the ceiling"
        print(f"{name:34} {figure:4}  (ceiling {ceiling}: {verdict})")
        if verbose or figure > ceiling:
            print("\n".join(str(finding) for finding in found))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
