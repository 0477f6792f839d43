# Brygga: `make demo` runs the app with demo data; `make test` runs lint and every test.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install system-deps format bench clean-embedded

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

system-deps:
	@scripts/system-deps.sh

install: system-deps $(STAMP)

demo: install
	DEBUG=true BRYGGA_REQUIRE_2FA=false $(BIN)/python manage.py demo

# Static checks need no database: placeholder URLs keep them from starting the embedded servers
# (makemigrations only warns that it cannot check the migration history).
LINT_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://lint@127.0.0.1:1/lint} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:1/0}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LINT_ENV) $(BIN)/mypy .
	$(LINT_ENV) DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run

test: lint
	$(BIN)/pytest -n 2 --dist loadgroup

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Page timings on the synthetic data set beside a bare Django view (docs/performance.md).
bench: install
	$(BIN)/python -m bench

clean-embedded: install
	$(BIN)/python -m config.embedded reset
