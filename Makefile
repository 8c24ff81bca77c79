# The two commands: `make run` and `make test`. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test setup install lint types format messages bench clean stop

# devtools.run migrates, collects static files and seeds itself, after making sure it is the
# only `make run` of this checkout (a second one says where the first serves and exits 1).
run: install .env
	$(PY) -m devtools.run

test: setup
	@bash scripts/test.sh

setup: install .env node_modules/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0

install: $(VENV)/.installed

# Development and tests: runtime (requirements.txt) plus tests, lint and the embedded
# servers (requirements-dev.txt). Production installs requirements.txt only. Both are
# compiled from the .in files: .venv/bin/pip-compile --strip-extras requirements.in, then
# requirements-dev.in.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

# Browser-test tooling from npm (axe-core for tests/e2e/test_accessibility.py), pinned in
# package-lock.json. Nothing from node_modules is served. Without npm the check skips
# locally; .ci/run installs npm and requires it.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility check (tests/e2e/test_accessibility.py) will skip"; fi

# Development defaults only; never used where a real environment sets DJANGO_DEBUG.
.env:
	printf 'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

lint: types
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/architecture_figures.py
	$(PY) manage.py makemigrations --check --dry-run

# mypy's Django plugin imports the settings, which require the two URLs (nothing connects).
types:
	DATABASE_URL=postgres://typecheck@db.invalid/prm REDIS_URL=redis://redis.invalid/0 $(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages:
	$(PY) manage.py makemessages -l ja --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Ends a serving `make run`, then the embedded servers unless a `make test` still uses them.
stop:
	$(PY) -m devtools.run stop

clean: stop
	$(PY) -m devtools.servers stop
	rm -rf var
