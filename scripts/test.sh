#!/usr/bin/env bash
# The whole suite against real PostgreSQL and Redis. Afterwards the embedded servers are
# stopped (no processes left behind), unless a `make run` in another terminal uses them.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
$py -m pytest "$@"
rc=$?
if ! { [ -f var/devrun.pid ] && kill -0 "$(cat var/devrun.pid)" 2>/dev/null; }; then
  $py -m prm.devservices stop
fi
exit $rc
