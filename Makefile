# Sunlight: `make demo` runs the portal on the embedded default; `make test` runs every test.
# requirements.txt is what production runs (setup, demo, prod-demo install only that);
# requirements-test.txt adds the test and benchmark tools (installed by `make test`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo prod-demo test translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# A stamp of its own, so `make test` after `make demo` still installs the tools, and a change
# to either file installs again (requirements-test.txt includes requirements.txt).
$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py compile_translations

demo: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_market --if-empty
	$(BIN)/python manage.py collusion report --if-none
	$(BIN)/python manage.py opendata_publish --new-only
	$(BIN)/python manage.py demo_logins
	@echo "Sunlight is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@# Pages only read the checkpoints; this watcher moves them (and logs it) as time passes, signs audit
	@# checkpoints and sends notifications; the opening watchdog raises alarms with no hall page open.
	$(BIN)/python manage.py checkpoint_watch --loop 60 & WATCHER=$$!; \
	$(BIN)/python manage.py opening_watchdog --loop 15 >/dev/null & WATCHDOG=$$!; \
	trap 'kill $$WATCHER $$WATCHDOG 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m trading.realtime.server -b $(HOST) -p $(PORT) trading.asgi:application

prod-demo: setup
	bash scripts/prod_demo.sh

test: setup $(VENV)/.installed-test
	bash scripts/test.sh

translations: setup
	$(BIN)/python scripts/update_translations.py

clean:
	rm -rf var .pytest_cache
