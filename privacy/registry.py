"""What each app holds about a partner and about a person, registered in `AppConfig.ready()`.

`privacy` sits below the apps that hold most of the data (training, incentives, content,
onboarding, threads, promotion), so it cannot import them; they register here instead (the
pattern of `prm.ui.registry`):

    from privacy import registry

    registry.register_partner_export(
        "deals", label=_("Deal registrations"), columns=tables.DEAL_EXPORT_COLUMNS,
        rows=queries.deals_for_export, count=queries.deal_count, order=40,
    )
    registry.register_subject_finder(
        "deals", label=_("Deal registrations"), find=queries.deals_about, erase=services.deal_contacts_erase,
    )

- A partner export section is one CSV file of the offboarding export: `rows(partner)` yields
  the rows `columns` (prm.exports.columns) read; `count(partner)` says how many (the export runs in
  the background above `PRM_PARTNER_EXPORT_INLINE_ROWS`).
- A subject finder answers "what do we hold about this person?" for a request from them:
  `find(email=, name=, partner_ids=)` returns `Found` rows limited to the staff user's
  partners (`partner_ids` None: every partner). `erase(ids=, actor=, reason=)`, if given,
  anonymises what was found (a deletion or cessation request) and returns how many.

Registering the same key twice replaces the entry (a `ready()` that runs again is harmless).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExportSection:
    key: str
    label: object
    columns: list
    rows: Callable
    count: Callable
    order: int = 100


@dataclass(frozen=True)
class SubjectFinder:
    key: str
    label: object
    find: Callable
    erase: Callable | None = None
    order: int = 100


@dataclass
class Found:
    """One record about a person: what it is, where staff can see it, whose partner it is."""

    finder: str
    pk: int
    label: str
    detail: str = ""
    url: str = ""
    partner_id: int | None = None
    erasable: bool = False
    extra: dict = field(default_factory=dict)


_sections: dict[str, ExportSection] = {}
_finders: dict[str, SubjectFinder] = {}


def register_partner_export(key: str, *, label, columns, rows, count, order: int = 100) -> None:
    _sections[key] = ExportSection(key, label, columns, rows, count, order)


def register_subject_finder(key: str, *, label, find, erase=None, order: int = 100) -> None:
    _finders[key] = SubjectFinder(key, label, find, erase, order)


def export_sections() -> list[ExportSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def subject_finders() -> list[SubjectFinder]:
    return sorted(_finders.values(), key=lambda f: (f.order, f.key))


def subject_finder(key: str) -> SubjectFinder | None:
    return _finders.get(key)
