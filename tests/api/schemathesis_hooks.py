"""Schemathesis hooks for tests/api/schemathesis_run.py (loaded with SCHEMATHESIS_HOOKS).

- Path ids: besides the generated ones, real ids of the token's partner (or of the partners
  a manager may see: "own") and of another partner ("foreign"), from the seeded data.
- A check: a foreign id must answer exactly as an id that does not exist (404, or the same
  403 that refuses the role before any look-up): another partner's ids are 404.
"""

import json
import os
import random
import re

import schemathesis

IDS = json.loads(os.environ.get("ST_IDS", "{}"))
TOKEN = os.environ.get("ST_TOKEN", "")
MISSING = 2_000_000_000  # no row has this id
ROLE_REFUSALS = {
    "partner_users_only",
    "channel_managers_only",
    "partner_admins_only",
    "partner_suspended",
    "insufficient_scope",
    "no_api_access",
}


def _key(path: str) -> str:
    """/api/v1/deals/{id}/close/ -> the template the seed wrote ids for."""
    return re.sub(
        r"/(close|reply|download-link|approve|reject|activate|suspend|reactivate|offboard|results|submissions)/$",
        "/",
        path,
    )


def _ids(path: str) -> dict:
    return IDS.get(_key(path), {})


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    ids = _ids(context.operation.path)
    if not ids:
        return path_parameters
    for name in path_parameters:
        pick = random.random()
        if pick < 0.4 and ids.get("own"):
            path_parameters[name] = random.choice(ids["own"])
        elif pick < 0.8 and ids.get("foreign"):
            path_parameters[name] = random.choice(ids["foreign"])
    return path_parameters


def _code(response):
    try:
        return response.json().get("code")
    except ValueError:
        return None


@schemathesis.check
def foreign_ids_are_not_found(ctx, response, case):
    """Another partner's id answers as a missing one: 404 (or the role's own 403)."""
    foreign = set(map(str, _ids(case.path).get("foreign", [])))
    used = [name for name, value in case.path_parameters.items() if str(value) in foreign]
    if not used:
        return None
    if response.status_code == 403 and _code(response) in ROLE_REFUSALS:
        return None
    if response.status_code != 404:
        raise AssertionError(
            f"{case.method} {case.formatted_path}: another partner's id answered {response.status_code}, not 404"
        )
    probe = case.derive()
    for name in used:
        probe.path_parameters[name] = MISSING
    missing = probe.call(headers={"Authorization": f"Bearer {TOKEN}"})
    if missing.status_code != response.status_code or _code(missing) != _code(response):
        raise AssertionError(
            f"{case.method} {case.formatted_path}: another partner's id answered {response.status_code} "
            f"{_code(response)}, a missing id {missing.status_code} {_code(missing)}"
        )
    return None
