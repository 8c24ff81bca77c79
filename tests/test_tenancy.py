"""Walks every URL pattern for every role: see tests/tenancy.py."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.tenancy import LOGIN, ROLES, Row

# URL modules that are not ours to test here: the admin has its own permission system,
# allauth's pages are account pages for the signed-in user only.
FOREIGN = ("django.contrib.admin", "allauth", "django.views.static", "django.contrib.staticfiles")


def load_rows(attribute: str = "ROWS") -> list[Row]:
    rows = []
    tests_dir = Path(__file__).parent
    for info in pkgutil.iter_modules([str(tests_dir)]):
        if not (info.ispkg and (tests_dir / info.name / "tenancy_rows.py").exists()):
            continue
        rows.extend(getattr(importlib.import_module(f"tests.{info.name}.tenancy_rows"), attribute, []))
    return rows


def project_url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith(FOREIGN) or pattern.namespace == "admin":
                continue
            ns = pattern.namespace
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= project_url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.callback.__module__.startswith(FOREIGN):
                continue
            names.add(f"{namespace}{pattern.name}")
    return names


ROWS = load_rows()
API_ROWS = load_rows("API_ROWS")  # API routes: requested with a token (tests/tenancy.py)


def test_every_url_has_a_row():
    covered = {row.name for row in [*ROWS, *API_ROWS]}
    missing = sorted(project_url_names() - covered)
    assert not missing, f"URLs without a row in tests/<app>/tenancy_rows.py: {missing}"


def test_every_row_names_a_real_url():
    unknown = sorted({row.name for row in [*ROWS, *API_ROWS]} - project_url_names())
    assert not unknown, f"Rows for URLs that do not exist: {unknown}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.name}{r.query}:{r.method}")
def test_url_for_role(row: Row, role: str, world, client_for):
    client = client_for(world.user(role))
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    response = getattr(client, row.method)(url, data=row.data(world))
    wanted = row.expect[role]
    if wanted == LOGIN:
        assert response.status_code == 302, f"{role} {url}: {response.status_code}"
        assert reverse("account_login") in response["Location"]
        return
    assert response.status_code == wanted, f"{role} {url}: got {response.status_code}, want {wanted}"
    if response.status_code == 200 and role not in row.insiders:
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        for secret in [world.SECRET_A, *row.leaks(world)]:
            assert secret not in text, f"{role} sees partner A's {secret!r} at {url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", API_ROWS, ids=lambda r: f"{r.name}{r.query}:{r.method}")
def test_api_route_for_role(row: Row, role: str, world):
    from django.test.client import MULTIPART_CONTENT

    from tests.api.helpers import ApiClient, make_token

    user = world.user(role)
    client = ApiClient(make_token(user) if user is not None else None)
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    data = row.data(world)
    if row.method == "get":
        response = client.get(url)
    else:
        files = any(hasattr(value, "read") for value in data.values())
        content_type = MULTIPART_CONTENT if files else "application/json"
        response = getattr(client, row.method)(url, data=data, content_type=content_type)
    wanted = row.expect[role]
    assert response.status_code == wanted, f"{role} {url}: got {response.status_code}, want {wanted}"
    if 200 <= response.status_code < 300 and role not in row.insiders:
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        for secret in [world.SECRET_A, *row.leaks(world)]:
            assert secret not in text, f"{role} sees partner A's {secret!r} at {url}"
