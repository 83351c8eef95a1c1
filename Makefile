# The two commands a newcomer needs: `make run` and `make test`. README explains both.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint format bench-hosts bench-offers bench-clicks bench-postbacks bench-payouts bench-reports clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# This checkout's development settings, read by manage.py and honcho (the environment wins
# over them; git ignores the file). A production host has no .env: DEBUG stays off there.
.env:
	printf '%s\n' '# Development settings of this checkout, made by make (git ignores it).' \
	  '# The environment wins over them; delete the file for the production defaults.' \
	  'DEBUG=1' > $@

run: export DEBUG ?= 1
# Honcho reads the processes' output through pipes: unbuffered, each line shows as it is said.
run: export PYTHONUNBUFFERED ?= 1
# Honcho gives each process its own PORT (web's, then +100 each): links follow the web's.
run: export PLATFORM_PORT ?= $(PORT)
run: $(VENV)/.runtime | .env
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Portal:   http://demo.localhost:$(PORT)/   (platform host: http://localhost:$(PORT)/)"
	@echo "Web server, Celery worker and beat, click drainer and conversion sweeper start now (Procfile); Ctrl-C stops them all."
	$(BIN)/python -m lib.run_procfile start --procfile Procfile

test: $(VENV)/.dev | .env
	$(BIN)/pytest $(PYTEST_ARGS)

# CI: fail when a test module in git is not collected (e.g. its folder missing from testpaths).
.PHONY: check-collected
check-collected: $(VENV)/.dev
	$(BIN)/python .ci/check_collected.py

# The apps' layers (import-linter, the contract in pyproject.toml) and the types of lib/ and of
# the modules that change state (mypy with django-stubs and djangorestframework-stubs).
TYPED := lib audit/__init__.py network/audit_hook.py $(wildcard */services*.py) payouts/runs.py decisions/bulk.py \
	decisions/validation.py publishers/payment_details.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy $(TYPED)

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench-hosts: $(VENV)/.dev
	$(BIN)/python bench/host_resolution.py

bench-offers: $(VENV)/.dev
	$(BIN)/python bench/marketplace.py

bench-clicks: $(VENV)/.dev
	@command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/clicks.py

bench-postbacks: $(VENV)/.dev
	@command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/postbacks.py

bench-payouts: $(VENV)/.dev
	$(BIN)/python bench/payouts.py

bench-reports: $(VENV)/.dev
	$(BIN)/python bench/reports.py

clean:
	rm -rf var/broker var/celerybeat-schedule*
