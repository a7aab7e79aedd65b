# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Two processes: the suite is large and the machine it is sized for has two cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test install messages migrate demo lint fmt ci clean

run: install messages migrate demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install messages
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP) node_modules/.package-lock.json

# axe-core, pinned in package-lock.json, for the accessibility check of the browser tests;
# skipped where Node is not installed (those checks then fail with a hint).
node_modules/.package-lock.json: package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; fi

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Babel compiles the catalogues, so gettext need not be installed to run the app.
messages: install
	$(BIN)/pybabel compile --domain django --directory locale --statistics

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py loaddemo

# Regenerate the catalogue after adding strings (needs gettext), then translate locale/id.
makemessages: install
	$(PY) manage.py makemessages --all --ignore ".venv/*" --ignore "staticfiles/*" --no-obsolete

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
