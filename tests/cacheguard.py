"""The cache policy, held by every test (prm/cache/pagecache.py; installed by tests/conftest.py).

Two checks, both on real SQL:

- **Writes.** Every INSERT, UPDATE and DELETE the app makes while a test runs (a frame of an
  installed app's code is on the stack: services, jobs, views, the admin; not factories or
  the test's own setup) on a table of `pagecache.KINDS` must go with a bump of that table's
  kind: after it, or before it inside the same transaction (`pagecache.bump` bumps again on
  commit). Writes rolled back are forgiven. What is still unbumped when the test ends fails
  it: a new job that writes rows a cached page shows and forgets to bump cannot pass its own
  test.
- **Reads.** Every table a cached value reads while it is computed must be of a kind of its
  scopes (an exact value), or the value must be one that may lag. A value built from another
  cached value needs that value's scopes too. A table missing from `KINDS` fails: say what
  kind of row it is first.
"""

import re
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import factory
from django.apps import apps
from django.db import connection
from django.db.transaction import Atomic

from prm.cache import pagecache

ROOT = Path(__file__).resolve().parent.parent
WRITE = re.compile(r'\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z0-9_]+)"?', re.IGNORECASE)
READ = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z0-9_]+)"?', re.IGNORECASE)
# Test setup: factory_boy (and everything a factory sets off), the demo and scale seeds
# (seed_demo bumps every scope when it is done).
SETUP_CODE = (str(Path(factory.__file__).parent) + "/",)
SEEDING = ("/demo.py", "/devtools/logins.py", "/devtools/seeding.py", "/devtools/scaleseed.py")
# A model's own save() or manager is the data layer, not a write path: the caller decides.
DATA_LAYER = ("/models.py", "/managers.py", "pagecache.py")
SET_CLAUSE = re.compile(r"\bSET\s+(.*?)\s+(?:FROM|WHERE)\b", re.IGNORECASE | re.DOTALL)
SET_COLUMN = re.compile(r'(?:^|,)\s*"?([a-z_][a-z0-9_]*)"?\s*=', re.IGNORECASE)


def app_dirs() -> tuple[str, ...]:
    """The source folders of the project's own apps (not tests, benchmarks or packages)."""
    dirs = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            dirs.append(f"{path}/")
    return tuple(dirs)


def model_tables() -> set[str]:
    global _tables
    if _tables is None:
        _tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return _tables


_tables = None


def kinds_of(table: str) -> tuple:
    """The kinds of bump a write to `table` may have (`KINDS`: a kind, or a tuple of them; the
    first is the one readers need)."""
    kind = pagecache.KINDS.get(table)
    return kind if isinstance(kind, tuple) else (kind,)


@dataclass
class Write:
    kinds: tuple
    table: str
    where: str
    blocks: tuple


@dataclass
class Computing:
    key: str
    scopes: tuple
    timeout: int
    kinds: set
    tables: set


class Guard:
    def __init__(self, app_code: tuple[str, ...]):
        self.app_code = app_code
        self.armed = False
        self.blocks: list[int] = []  # serials of the open atomic blocks, outermost first
        self.serial = 0
        self.base: tuple = ()
        self.pending: list[Write] = []
        self.covered: list[tuple[str, tuple]] = []
        self.computing_stack: list[Computing] = []
        self.problems: list[str] = []
        self.thread = threading.get_ident()  # a live server's threads are not the test's

    def _ours(self) -> bool:
        return threading.get_ident() == self.thread

    # --- pagecache's observer -------------------------------------------------------------
    def bumped(self, scopes) -> None:
        if not self._ours():
            return
        kinds = {pagecache.kind_of(s) for s in scopes}
        self.pending = [w for w in self.pending if not kinds.intersection(w.kinds)]
        blocks = tuple(self.blocks)
        if len(blocks) > len(self.base):  # inside the app's transaction: its later writes too
            self.covered += [(kind, blocks) for kind in kinds]

    def used(self, scopes, timeout) -> None:
        """A cached value is read (hit or miss): the values being computed around it embed it."""
        if not self._ours():
            return
        for outer in self.computing_stack:
            self._check_embedding(outer, scopes, timeout)

    @contextmanager
    def computing(self, key, scopes, timeout):
        if not self._ours():
            yield
            return
        frame = Computing(key, tuple(scopes), timeout, {pagecache.kind_of(s) for s in scopes}, set())
        self.computing_stack.append(frame)
        try:
            yield
        finally:
            self.computing_stack.pop()
        self._check_reads(frame)

    def _check_embedding(self, outer: Computing, scopes, timeout) -> None:
        if not outer.scopes:
            return  # a value that may lag may embed anything
        missing = {pagecache.kind_of(s) for s in scopes} - outer.kinds
        if missing:
            self.problems.append(
                f"{outer.key} embeds a value cached under {tuple(scopes)}: "
                f"it needs a scope of kind {sorted(missing)} too"
            )
        if not scopes and outer.timeout > timeout and outer.timeout > pagecache.MAX_LAG:
            self.problems.append(f"{outer.key} embeds a value that may lag")

    def _check_reads(self, frame: Computing) -> None:
        if not frame.scopes:
            if frame.timeout > pagecache.MAX_LAG:
                self.problems.append(f"{frame.key} may lag but is kept {frame.timeout} s (MAX_LAG)")
            return
        for table in sorted(frame.tables):
            kind = kinds_of(table)[0]
            if kind == pagecache.STATIC:
                continue
            if kind is None:
                self.problems.append(
                    f"{frame.key} reads {table}, which prm.cache.pagecache.KINDS does not classify"
                )
            elif kind == pagecache.LAG:
                if frame.timeout > pagecache.MAX_LAG:
                    self.problems.append(f"{frame.key} reads {table} (lags)")
            elif kind not in frame.kinds:
                self.problems.append(f"{frame.key} reads {table} ({kind} rows): it needs the {kind} scope")

    # --- transactions -------------------------------------------------------------------
    def enter(self) -> None:
        if not self._ours():
            return
        self.serial += 1
        self.blocks.append(self.serial)

    def exit(self, rolled_back: bool) -> None:
        if not self._ours():
            return
        serial = self.blocks.pop() if self.blocks else None
        # The app's rolled-back writes are forgiven; the test's own transaction, rolled back
        # when the test ends (perhaps before this guard reports), forgives nothing.
        if rolled_back and serial is not None and serial not in self.base:
            self.pending = [w for w in self.pending if serial not in w.blocks]

    # --- SQL ----------------------------------------------------------------------------
    def __call__(self, execute, sql, params, many, context):
        if self.computing_stack:
            tables = set(READ.findall(sql)) & model_tables()
            for frame in self.computing_stack:
                frame.tables |= tables
        if self.armed:
            self._record_writes(sql)
        return execute(sql, params, many, context)

    def _record_writes(self, sql: str) -> None:
        for verb, table in WRITE.findall(sql):
            kinds = kinds_of(table)
            if kinds[0] in (None, pagecache.LAG, pagecache.STATIC) or self._unshown(sql, verb, table):
                continue
            blocks = tuple(self.blocks)
            if any(k in kinds and blocks[: len(b)] == b for k, b in self.covered):
                continue
            where = self._app_frame()
            if where is not None:
                self.pending.append(Write(kinds, table, where, blocks))

    @staticmethod
    def _unshown(sql: str, verb: str, table: str) -> bool:
        """A write no exact value shows: an INSERT into pagecache.UNSHOWN_INSERTS, an UPDATE
        of pagecache.UNSHOWN_COLUMNS only."""
        if verb.upper().startswith("INSERT") and table in pagecache.UNSHOWN_INSERTS:
            return True
        unshown = pagecache.UNSHOWN_COLUMNS.get(table)
        if not unshown or not verb.upper().startswith("UPDATE"):
            return False
        found = SET_CLAUSE.search(sql)
        columns = set(SET_COLUMN.findall(found.group(1))) if found else set()
        return bool(columns) and columns <= unshown

    def _app_frame(self) -> str | None:
        """The innermost frame of the app's own write paths (services, jobs, views, the admin),
        or None for a test's setup: the test itself, a factory (and whatever it sets off), the
        demo and scale seeds, or a model's own save() called from any of these."""
        where = None
        frame = sys._getframe(2)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith(SETUP_CODE) or filename.endswith(SEEDING):
                return None
            if where is None and filename.startswith(self.app_code) and not filename.endswith(DATA_LAYER):
                where = f"{Path(filename).relative_to(ROOT)}:{frame.f_lineno} ({frame.f_code.co_name})"
            frame = frame.f_back
        return where

    def report(self) -> list[str]:
        problems = list(dict.fromkeys(self.problems))
        for write in self.pending:
            kind = " or ".join(write.kinds)
            problems.append(
                f"{write.where} wrote {write.table} ({kind} rows) without a bump of the {kind} scope: "
                "go through a service that calls prm.audit.log.audit(), or bump after a set-based job "
                "(prm.cache.pagecache)"
            )
        return problems


@contextmanager
def guarding(guard: Guard):
    """Install `guard`: pagecache's observer, an execute wrapper and the atomic-block tracker."""
    enter, exit_ = Atomic.__enter__, Atomic.__exit__

    def tracked_enter(atomic):
        result = enter(atomic)
        guard.enter()
        return result

    def tracked_exit(atomic, exc_type, exc_value, traceback):
        rolled_back = exc_type is not None or connection.needs_rollback
        try:
            return exit_(atomic, exc_type, exc_value, traceback)
        finally:
            guard.exit(rolled_back)

    Atomic.__enter__, Atomic.__exit__ = tracked_enter, tracked_exit
    outer, pagecache.observer = pagecache.observer, guard
    try:
        with connection.execute_wrapper(guard):
            yield guard
    finally:
        pagecache.observer = outer
        Atomic.__enter__, Atomic.__exit__ = enter, exit_


@contextmanager
def test_data():
    """Test data made with the app's own bulk helpers (`content.search.index_assets` after a
    bulk insert): setup, not the behaviour under test, so the guard does not judge it."""
    guard = pagecache.observer
    armed = getattr(guard, "armed", False)
    if guard is not None:
        guard.armed = False
    try:
        yield
    finally:
        if guard is not None:
            guard.armed = armed
