# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install compiled run demo test bench bench-engine bench-start bench-reconcile clean postgres chromium loadgen

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# the project's own modules compiled ahead (pip does it for the installed packages; an editable install is not,
# and with PYTHONDONTWRITEBYTECODE set every start compiled them again: issue 15's cold start). Cheap when current.
compiled: $(STAMP)
	@$(BIN)/python -m compileall -q hub pricing adapters providers >/dev/null

run: $(STAMP) compiled
	$(BIN)/hub up --host $(HOST) --port $(PORT)

# `make run` on a controllable clock: POST /_control/clock moves the hub and the sandboxes forward
demo: $(STAMP) compiled
	$(BIN)/hub up --demo --host $(HOST) --port $(PORT)

test: $(STAMP) postgres chromium
	$(BIN)/python -m pytest

# The suite starts its own PostgreSQL server from the machine's binaries; install them when missing.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; else \
	  echo "PostgreSQL is missing: installing it with apt"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

# The browser tests drive Debian's Chromium headless (Playwright points at it); install it when missing.
chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; else \
	  echo "Chromium is missing: installing it with apt"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The hot path under wrk and hey (issue 15); the last line is `quotes/health: X`
bench: $(STAMP) compiled loadgen
	$(BIN)/python bench/http.py

# the engine alone and the API over one Python client (its own speed caps /health: see bench/http.py)
bench-engine: $(STAMP)
	$(BIN)/python bench/quotes.py

# `hub serve` from start to its first 200; the last line is `cold start (s): X`
bench-start: $(STAMP) compiled
	$(BIN)/python bench/cold_start.py

# the C load generator wrk and the fixed-rate hey, with apt when missing
loadgen:
	@if command -v wrk >/dev/null 2>&1 && command -v hey >/dev/null 2>&1; then :; else \
	  echo "wrk or hey is missing: installing them with apt"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk hey >/dev/null; \
	fi

# a 1,000,000-line statement reconciled by the hub and by plain DuckDB; the last line is the ratio
bench-reconcile: $(STAMP)
	$(BIN)/python bench/reconcile.py

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info var
