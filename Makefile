# Skopx — `make run` serves the app on http://localhost:3000 (`make run-tls`: https://localhost behind Caddy);
# `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 3000
VENV := .venv
PY := $(VENV)/bin/python
BUN := .tools/node_modules/bun/bin/bun.exe
BUN_VERSION := 1.4.5
OBSERVATORY_VERSION := 1.4.8
OBSERVATORY := .tools/observatory/node_modules/@mdn/mdn-http-observatory
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export DO_NOT_TRACK := 1
export REFLEX_BUN_PATH := $(CURDIR)/$(BUN)
export PORT
export SKOPX_FAKE_LLM

.PHONY: run run-tls test setup deps secrets db db-stop migrate seed snapshot lint imports browser caddy observatory unit integration e2e tls bench clean

run: setup ## Serve the app on http://localhost:$(PORT) (embedded Postgres, migrations, demo data)
	@$(PY) -m backend.cli.run

run-tls: setup caddy ## Serve the app behind Caddy on https://localhost (TLS 1.3, local CA; ports 80 and 443)
	@$(PY) -m backend.cli.run_tls

test: setup browser caddy observatory lint imports ## Lint, import contracts, unit + integration + browser + TLS tests
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/unit tests/integration tests/e2e
	$(PY) -m pytest tests/e2e_billing
	$(PY) -m pytest tests/twin
	$(PY) -m pytest tests/tls -rA

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

caddy:
	@scripts/ensure-caddy.sh

# Mozilla's HTTP Observatory scanner, for tests/tls. Its install scripts would download the HSTS preload
# and TLD lists; the scan needs neither (nothing scanned here is preloaded), so they are skipped.
observatory: $(OBSERVATORY)/conf/hsts-preload.json

$(OBSERVATORY)/conf/hsts-preload.json:
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm, then run make again."; exit 1; }
	@npm install --prefix .tools/observatory --ignore-scripts --no-audit --no-fund --loglevel=error \
		@mdn/mdn-http-observatory@$(OBSERVATORY_VERSION) >/dev/null \
		|| { echo "Could not install the HTTP Observatory from the npm registry: check that it is reachable and try again."; exit 1; }
	@echo '{}' > $@

unit: setup
	$(PY) -m pytest tests/unit

integration: setup
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/integration

e2e: setup browser
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/e2e
	$(PY) -m pytest tests/e2e_billing

tls: setup caddy observatory ## The app behind Caddy, scanned by Mozilla's HTTP Observatory (ports 80 and 443)
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) -m pytest tests/tls -rA

bench: setup browser ## Performance budgets (not tests; the stream bench drives Chromium)
	@$(PY) -m backend.db.embedded start >/dev/null
	$(PY) bench/crypto.py
	$(PY) bench/rls.py
	$(PY) bench/stream.py
	$(PY) bench/api.py
	$(PY) bench/data_query.py

clean: db-stop
	rm -rf .web .states .data artifacts
