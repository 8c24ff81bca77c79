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
    "function_local_imports": 0,
    "private_names_across_apps": 0,
    "sql_from_compiled_sql": 0,
    "prm_modules_outside_subpackages": 0,
}

# The shell of `prm/`: the modules at its top; everything else lives in a sub-package with one
# job (docs/CONVENTIONS.md, "Layers"). tests/test_architecture.py reads this set. Besides
# Django's and Celery's entry points (settings, urls, wsgi, celery, apps, models, admin) and
# the tenancy choke point, four modules stay here on purpose, each named by a convention of a
# tool that looks for it at the top of the app or by a dotted path kept outside the code:
# `tasks` (Celery's autodiscovery; its task names `prm.tasks.*` are in the beat schedule and in
# messages already queued), `translation` (django-modeltranslation's autodiscovery), `views`
# (the shell's own pages: home, language, health probes and the error handlers that
# `handler404 = "prm.views.error_404"` names) and `logging` (`prm.logging.JSONFormatter`, named
# in LOGGING, which the process reads before any app is loaded).
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


def _is_allowed_local_import(
    path: str, function: str, node: ast.Import | ast.ImportFrom, below_tasks
) -> bool:
    """The by-design function-local imports, the one place that says which they are
    (docs/CONVENTIONS.md, "Imports and circles"):
    - in `AppConfig.ready()`: connecting receivers and filling the registries once the apps
      are loaded;
    - `from <app> import tasks` in a function of a module of that app (the package that holds
      the tasks module and encloses this one) whose functions those tasks run: tasks sit above
      the code that enqueues them, so a module-level import would be a circle. That is every
      `services.py` (tasks call the app's services) and any module that the tasks module
      imports, directly or through others (`below_tasks`: `prm.webhooks.outbox` enqueues
      `prm.webhooks.tasks`, `prm.notifications.center` and `prm.exports.jobs` enqueue
      `prm.tasks`). Nothing else: a view imports its app's tasks at module level."""
    if path.endswith("/apps.py") and function == "ready":
        return True
    if not (
        isinstance(node, ast.ImportFrom) and node.level == 0 and [a.name for a in node.names] == ["tasks"]
    ):
        return False
    package = node.module or ""
    if not path.startswith(package.replace(".", "/") + "/"):
        return False  # another app's (or another package's) tasks
    return path.endswith("/services.py") or path in below_tasks.get(f"{package}.tasks", ())


def below_tasks(modules) -> dict[str, set[str]]:
    """{dotted tasks module: the paths of the modules it imports at module level, directly or
    through other modules of the apps}: the code those tasks run."""
    paths = {_dotted(path): path for _app, path, _tree in modules}
    imports = {path: _module_level_imports(tree, paths) for _app, path, tree in modules}
    found = {}
    for dotted, path in paths.items():
        if dotted.rpartition(".")[2] != "tasks":
            continue
        seen, stack = set(), [path]
        while stack:
            for target in imports.get(stack.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        found[dotted] = seen
    return found


def _dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _module_level_imports(tree: ast.Module, paths: dict[str, str]) -> set[str]:
    """The paths of the app modules a module imports when it is imported (not in functions)."""
    found = set()
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom) and getattr(node, "level", 0) == 0:
            found.update(paths[name] for name in imported_module(node) if name in paths)
        stack.extend(ast.iter_child_nodes(node))
    return found


def local_imports(tree: ast.Module) -> Iterator[tuple[str, ast.Import | ast.ImportFrom]]:
    """(function name, import statement) for every import inside a function."""
    for scope in ast.walk(tree):
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in _own_statements(scope):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield scope.name, node


def allowed_local_imports(modules) -> set[tuple[str, int]]:
    """(path, line) of every by-design function-local import of these modules."""
    below = below_tasks(modules)
    return {
        (path, node.lineno)
        for _app, path, tree in modules
        for function, node in local_imports(tree)
        if _is_allowed_local_import(path, function, node, below)
    }


def function_local_imports(modules) -> list[Finding]:
    modules = list(modules)
    allowed = allowed_local_imports(modules)
    return [
        Finding(path, node.lineno, f"in {function}(): {ast.unparse(node)}")
        for _app, path, tree in modules
        for function, node in local_imports(tree)
        if (path, node.lineno) not in allowed
    ]


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
