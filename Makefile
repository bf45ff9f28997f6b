# Stadhuis: two commands for a newcomer. Needs only python3 and make.
#   make demo   build .venv, migrate var/stadhuis.sqlite3, load the demo city, serve :8000
#   make test   the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test venv venv-dev lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base: $(BIN)/python requirements/base.txt pyproject.toml
	$(PIP) install --require-hashes -r requirements/base.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PIP) install --require-hashes -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.base
venv-dev: $(VENV)/.dev

demo: $(VENV)/.base
	STADHUIS_DEMO=1 $(BIN)/stadhuis migrate --noinput -v 0
	STADHUIS_DEMO=1 $(BIN)/stadhuis demo
	@echo ""
	@echo "Stadhuis demo: http://127.0.0.1:8000  (stop with Ctrl-C)"
	STADHUIS_DEMO=1 $(BIN)/stadhuis serve --bind 127.0.0.1:8000 --with-worker

test: $(VENV)/.dev
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) var
