# Two commands for a fresh machine with Python 3.11+ and make:
#   make run    set up, migrate, load the demo and serve http://127.0.0.1:5000/
#   make test   set up and run the whole test suite
#   make lint   ruff, mypy and the import layers, as CI runs them before the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format clean rasa

# Rasa Open Source 3.6 needs Python 3.10, so it gets its own environment, kept outside the
# project folder: a fresh clone (and every CI run) reuses it instead of installing 2.7 GB again.
# The first python3.10 that runs: pyenv's shim is on PATH but fails where 3.10 is not the
# selected version, so the installed interpreter itself is tried as well.
RASA_PYTHON ?= $(shell for p in $$(command -v python3.10) $$(ls $$HOME/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -n 1); do "$$p" -c "" 2>/dev/null && echo "$$p" && break; done)
RASA_VENV ?= $(HOME)/.cache/youthvoice/rasa-3.6.21

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# With Rasa installed (make rasa), the site runs it too, so the demo's web chat works.
run: $(STAMP)
	$(BIN)/youthvoice init-db
	$(BIN)/youthvoice demo
	$(BIN)/youthvoice serve --scheduler $(if $(wildcard $(RASA_VENV)/bin/rasa),--chat $(RASA_VENV)/bin/rasa)

# Three processes (pytest-xdist), each with its own databases: most of a test's time is spent
# waiting on a server, a browser or a process, so three keep two cores busy (the suite took
# half the time it takes in one). Whole files go to one process, so a file's shared server
# (Rasa, the action server, a browser) starts once. PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= -n 3 --dist loadfile

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The gates CI runs before the tests: style, types (mypy, set up in pyproject.toml) and the
# layers the packages keep to (import-linter's contracts, also in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

rasa:
	@test -f $(RASA_VENV)/.installed || { \
	  test -n "$(RASA_PYTHON)" || { echo "Rasa 3.6 needs Python 3.10: install it (e.g. pyenv install 3.10) or set RASA_PYTHON." >&2; exit 1; }; \
	  rm -rf $(RASA_VENV) && $(RASA_PYTHON) -m venv $(RASA_VENV) && \
	  $(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip && \
	  $(RASA_VENV)/bin/python -m pip install --quiet rasa==3.6.21 'python-socketio>=5.8,<5.10' && \
	  touch $(RASA_VENV)/.installed; }
	@echo "RASA_BIN=$(RASA_VENV)/bin/rasa"

clean:
	rm -rf $(VENV) instance *.egg-info
