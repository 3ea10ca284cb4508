# firstask — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Development commands run with DEBUG on unless the environment says otherwise.
MANAGE := DEBUG=$${DEBUG:-true} $(PY) manage.py

.PHONY: run test lint format install translations messages demo lock clean bench loaddata-bench loadtest bench-helpdesk

$(VENV)/.installed: requirements/dev.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed .env

# Plain `manage.py` commands work on a laptop: development settings in a git-ignored .env.
.env:
	cp .env.example .env

translations: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

run: install translations
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

demo: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

# The last step: known vulnerabilities in the shipped (hash-pinned) dependencies, by pip-audit
# (scripts/audit_dependencies.py); it fails when they cannot be audited, never passes silently.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m djlint templates --lint
	$(PY) -m djlint templates --check
	$(MANAGE) makemigrations --check --dry-run
	$(PY) scripts/audit_dependencies.py requirements/prod.txt

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(PY) -m djlint templates --reformat

# Update the English message catalogue sources after changing user-facing strings.
messages: install
	$(MANAGE) makemessages --locale zh_Hans --ignore=.venv --ignore=var --no-obsolete

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock:
	"$$(scripts/find-python)" -m venv var/lockenv && var/lockenv/bin/pip install --quiet uv
	var/lockenv/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes --no-header -o requirements/prod.txt
	var/lockenv/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes --no-header -o requirements/dev.txt

# Benchmarks (benchmarks/README.md): a PostgreSQL database of 1,000,000 generated cases, then
# gunicorn with 2 workers and 4 clients per page. loaddata-bench drops and recreates the
# database named in BENCH_DATABASE_URL (about 10 minutes on the 2-core machine: 6.5 for the
# cases, 2.5 for the statistics summary).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/firstask_bench
BENCH_CASES ?= 1000000
BENCH_SECONDS ?= 10

loaddata-bench: install
	$(PY) benchmarks/database.py --recreate "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) migrate --noinput -v 0
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) generate_load --cases $(BENCH_CASES) --staff 2000 --departments 200 --seed 1

bench: install
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) benchmarks/run.py --seconds $(BENCH_SECONDS)

# Side by side with django-helpdesk (benchmarks/README.md): installs it into var/helpdesk-venv,
# loads firstask_bench_helpdesk with as many tickets as BENCH_DATABASE_URL has cases (once),
# then measures its ticket list and dashboard against ours and prints the ratios.
bench-helpdesk: install
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) benchmarks/helpdesk.py --seconds $(BENCH_SECONDS)

# The bounded load test (README "Load test"): recreates firstask_loadtest, 2,000 cases, then 8
# clients for LOADTEST_SECONDS against gunicorn, reloaded and restarted midway; fails on any
# 5xx or a lost, duplicated or doubly accepted write.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/firstask_loadtest
LOADTEST_SECONDS ?= 120

loadtest: install
	LOADTEST_DATABASE_URL="$(LOADTEST_DATABASE_URL)" $(PY) benchmarks/loadtest.py --seconds $(LOADTEST_SECONDS)

clean:
	rm -rf $(VENV) var/lockenv
