"""Roll-ups have one shape (issue 24): models in `models.py`, refresh functions in
`<app>/rollups.py`, thin tasks in `<app>/tasks.py`, and one list of them
(`prm.ui.registry.rollups()`) that beat, `manage.py refresh_rollups` and the scale seed read.
Each is compared with its raw aggregate in a test (listed here, so a new roll-up without
one fails)."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from prm.celery import app as celery_app
from prm.ui import registry

ROOT = Path(__file__).resolve().parents[1]

# Each roll-up's comparison with the raw aggregate it stands for.
COMPARED_IN = {
    "incentives-program-cost": (
        "tests/incentives/test_program_cost_rollup.py",
        "test_the_rollup_equals_the_earnings",
    ),
    "onboarding-refresh-metrics": (
        "tests/onboarding/test_metrics.py",
        "test_the_task_lateness_rollup_equals_the_tasks",
    ),
    "incentives-activation": (
        "tests/incentives/test_activation.py",
        "test_the_rollup_equals_the_raw_aggregate",
    ),
    "incentives-deal-rollup": (
        "tests/dashboard/test_deal_rollup.py",
        "test_rollup_matches_the_raw_aggregate",
    ),
    "content-engagement-rollup": (
        "tests/content/test_engagement_rollup.py",
        "test_rollup_plus_fresh_events_match_the_raw_aggregate",
    ),
    "content-recount-engagement": ("tests/content/test_rollups.py", "test_the_recount_equals_the_events"),
    "content-refresh-popularity": (
        "tests/content/test_rollups.py",
        "test_partners_like_you_equals_the_views_of_the_last_90_days",
    ),
    "content-refresh-analytics": (
        "tests/content/test_analytics_rollup.py",
        "test_rollups_equal_the_raw_aggregates",
    ),
}


def test_every_rollup_is_compared_with_its_raw_aggregate():
    assert set(COMPARED_IN) == {r.name for r in registry.rollups()}
    for path, test in COMPARED_IN.values():
        tree = ast.parse((ROOT / path).read_text())
        assert test in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}, (path, test)


def test_refresh_functions_live_in_rollups_and_tasks_in_tasks():
    for rollup in registry.rollups():
        app, module = rollup.refresh.__module__.split(".")
        assert apps.is_installed(app) and module == "rollups", rollup
        if rollup.task is not None:
            assert rollup.task.name == f"{app}.tasks.{rollup.task.__name__}", rollup


def test_no_rollup_modules_of_another_shape():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents:
            continue
        odd = [p.name for p in path.glob("*.py") if "rollup" in p.name and p.name != "rollups.py"]
        odd += [p.name for p in path.glob("*program_cost*.py")]
        assert not odd, (config.name, odd)


def test_beat_schedules_the_rollups_from_the_one_list():
    celery_app.finalize()  # what beat and the worker do once Django is set up
    schedule = celery_app.conf.beat_schedule
    for rollup in registry.rollups():
        if rollup.task is None:
            assert rollup.name not in schedule
            continue
        assert schedule[rollup.name]["task"] == rollup.task.name
        assert schedule[rollup.name]["schedule"] == rollup.schedule
    # ... and only from there: prm/settings.py names no roll-up task.
    written = (ROOT / "prm" / "settings.py").read_text()
    assert not [r.task.name for r in registry.rollups() if r.task and r.task.name in written]
    assert settings.CELERY_BEAT_SCHEDULE  # the other periodic tasks stay written out there


def test_the_scale_seed_and_refresh_rollups_read_the_one_list():
    for path in ("devtools/scaleseed.py", "dashboard/management/commands/refresh_rollups.py"):
        text = (ROOT / path).read_text()
        assert "registry.rollups_refresh(" in text, path
        assert not [r.refresh.__name__ for r in registry.rollups() if r.refresh.__name__ in text], path
