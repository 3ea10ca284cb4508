# firstask — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install translations messages demo bench lock clean

$(VENV)/.installed: requirements/dev.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

translations: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0

run: install translations
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: install
	$(PY) manage.py seed_demo

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m djlint templates --lint
	$(PY) -m djlint templates --check
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(PY) -m djlint templates --reformat

# Update the English message catalogue sources after changing user-facing strings.
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore=.venv --ignore=var --no-obsolete

# Re-resolve the pinned dependencies after editing pyproject.toml.
lock:
	"$$(scripts/find-python)" -m venv var/lockenv && var/lockenv/bin/pip install --quiet uv
	var/lockenv/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes --no-header -o requirements/prod.txt
	var/lockenv/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes --no-header -o requirements/dev.txt

clean:
	rm -rf $(VENV) var/lockenv
