"""SudachiPy reads names at least as well as pykakasi did (tests/prm/kana_readings.py)."""

from prm.i18n.kana import suggest_reading
from tests.prm.kana_readings import ROWS


def _right(reading: str, accepted: tuple[str, ...]) -> bool:
    return reading.replace(" ", "") in accepted


def test_the_list_is_big_enough_and_mixes_companies_and_people():
    assert len(ROWS) >= 50
    people = [name for name, _accepted, _old in ROWS if " " in name]
    assert 20 <= len(people) <= len(ROWS) - 30


def test_readings_are_at_least_as_good_as_pykakasis():
    now = [(name, suggest_reading(name), accepted, old) for name, accepted, old in ROWS]
    right_now = sum(_right(reading, accepted) for _name, reading, accepted, _old in now)
    right_before = sum(_right(old, accepted) for _name, _reading, accepted, old in now)
    lost = [
        (name, old, reading)
        for name, reading, accepted, old in now
        if _right(old, accepted) and not _right(reading, accepted)
    ]
    assert right_now >= right_before, f"{right_now} right now, {right_before} with pykakasi; lost: {lost}"
    # Recorded when SudachiPy replaced pykakasi: 78 of 80 right, against 75 of 80.
    assert right_now >= 78, [(n, r) for n, r, a, _o in now if not _right(r, a)]


def test_person_names_keep_the_space_between_family_and_given_name():
    assert suggest_reading("佐藤 美咲") == "サトウ ミサキ"
