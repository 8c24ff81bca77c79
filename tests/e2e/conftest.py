"""Real-browser journeys: Playwright drives Debian's Chromium against pytest-django's
live_server. Without Chromium they skip (saying how to install it); CI sets
PRM_REQUIRE_E2E=1 so that a missing browser fails instead of skipping."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    if os.environ.get("PRM_REQUIRE_E2E"):
        raise pytest.UsageError("Chromium is required for the e2e tests: apt-get install -y chromium")
    skip = pytest.mark.skip(
        reason="Chromium not installed: run `apt-get install -y chromium` to run e2e tests"
    )
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def login(page, live_server):
    """login(email, password) signs in through the real login form."""

    def do(email: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("form:has(input[name=login]) button[type=submit]")
        page.wait_for_load_state()

    return do


@pytest.fixture(autouse=True)
def _staff_groups(transactional_db):
    """Browser tests need committed data, so they flush the database after each test, and
    with it the staff groups that `migrate` created: put the groups and their permissions back."""
    from prm.access.roles import apply_roles

    apply_roles()  # the groups of prm.access.roles with their permissions (finance needs them)
    _programme_story()


def _programme_story():
    """The programme's story that partners' data migration seeds (the landing and apply
    pages' texts), flushed with the rest: seeded again, so pages look as on a fresh install."""
    import importlib

    from django.apps import apps

    importlib.import_module("partners.migrations.0013_programme_story_seed").seed(apps, None)


def pytest_terminal_summary(terminalreporter):
    """The accessibility tables (tests/e2e/test_accessibility.py), after the run."""
    from tests.e2e.axe import REPORTS, ROOT

    if REPORTS:
        out = ROOT / "test-results" / "accessibility.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            "\n\n".join(r.table() + "\n" + r.page_table() + "\n" + "\n".join(r.details) for r in REPORTS)
        )
    for report in REPORTS:
        terminalreporter.write_sep("-", report.title)
        terminalreporter.write_line(report.table())
        if report.details:
            terminalreporter.write_line(f"  first violations ({len(report.details)} nodes; all in {out}):")
            for line in report.details[:40]:
                terminalreporter.write_line("  " + line)
