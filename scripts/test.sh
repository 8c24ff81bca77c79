#!/usr/bin/env bash
# The whole suite against real PostgreSQL and Redis. Stops the embedded servers afterwards
# if this run started them (a developer's `make run` keeps its own).
set -u
cd "$(dirname "$0")/.."
py=.venv/bin/python
started=0
if ! $py -m prm.devservices status >/dev/null 2>&1; then
  started=1
fi
$py -m pytest "$@"
rc=$?
if [ "$started" = 1 ]; then
  $py -m prm.devservices stop
fi
exit $rc
