# Skopx — `make run` serves the app on http://localhost:3000; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 3000
VENV := .venv
PY := $(VENV)/bin/python
BUN := .tools/node_modules/bun/bin/bun.exe
BUN_VERSION := 1.4.5
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export DO_NOT_TRACK := 1
export REFLEX_BUN_PATH := $(CURDIR)/$(BUN)
export PORT
export SKOPX_FAKE_LLM

.PHONY: run test setup deps secrets db db-stop migrate seed snapshot lint imports browser unit integration e2e bench clean

run: setup ## Serve the app on http://localhost:$(PORT) (embedded Postgres, migrations, demo data)
	@$(PY) -m backend.cli.run

test: setup browser lint imports ## Lint, import contracts, unit + integration + browser tests
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/unit tests/integration tests/e2e
	$(PY) -m pytest tests/e2e_billing
	$(PY) -m pytest tests/twin

setup: deps $(BUN) secrets

deps: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@scripts/check-python.sh $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt \
		|| { echo "Installing Python packages failed: check that PyPI is reachable and try again."; exit 1; }
	@touch $@

$(BUN):
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm, then run make again."; exit 1; }
	@npm install --prefix .tools --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION) >/dev/null \
		|| { echo "Could not install bun from the npm registry: check that the registry is reachable and try again."; exit 1; }
	@test -x $(BUN) || { echo "bun did not install into $(BUN); delete .tools and run make again."; exit 1; }

secrets: deps
	@$(PY) -m backend.cli.devsecrets 2>/dev/null

db: setup ## Start the embedded Postgres and apply migrations
	@$(PY) -m backend.db.embedded start
	@$(PY) -m backend.db.migrate

db-stop:
	@$(PY) -m backend.db.embedded stop

migrate: setup ## Apply sql/NNNN_*.sql (DATABASE_ADMIN_URL for an external Postgres)
	@$(PY) -m backend.cli.migrate_cmd

seed: setup ## Load the demo workspace (Acme, Globex)
	@$(PY) -m backend.cli.migrate_cmd
	@$(PY) -m backend.cli.seed

snapshot: deps ## Rewrite sql/snapshot/schema.sql (policies, grants, app.* functions) from a freshly migrated database
	@$(PY) -m backend.db.embedded start >/dev/null
	@$(PY) -m backend.db.snapshot

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

imports: deps
	$(VENV)/bin/lint-imports

browser: deps
	@scripts/ensure-chromium.sh $(PY)

unit: setup
	$(PY) -m pytest tests/unit

integration: setup
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/integration

e2e: setup browser
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/e2e
	$(PY) -m pytest tests/e2e_billing

bench: setup browser ## Performance budgets (not tests; the stream bench drives Chromium)
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) bench/crypto.py
	$(PY) bench/rls.py
	$(PY) bench/stream.py
	$(PY) bench/api.py

clean: db-stop
	rm -rf .web .states .data artifacts
