#!/usr/bin/env bash
# The whole suite against real PostgreSQL and Redis. Afterwards the embedded servers are
# stopped (no processes left behind), unless a `make run` (or another `make test`) still
# uses them: every session holds a shared lock on var/services.users while it runs.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p var
exec 9>>var/services.users
flock -s 9
# Two processes (pytest-xdist) on the two cores: each its own test database (test_*_gw0,
# gw1), cache database (prm/settings.py) and test IdP ports (tests/sso/idps.py).
$py -m pytest -n "${PRM_TEST_WORKERS:-2}" "$@"
rc=$?
exec 9>&-
$py -m devtools.servers stop-if-unused
exit $rc
