# The two set-up commands are `make run` and `make test`; the rest are helpers they use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEV_ENV := DJANGO_DEBUG=1
# The port `make run` serves on: `PORT=8001 make run`.
PORT ?= 8000

.PHONY: run test install install-test assets migrate load-data demo-accounts lint format fixtures benchmark benchmark-national ci worker messages compile-messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Python and npm dependencies, pinned by constraints.txt and package-lock.json. Each install
# runs again only when what it reads has changed (the stamp files), so `make test` and `make run`
# cost nothing extra when nothing changed.
install: $(VENV)/.installed-run node_modules/.installed assets

install-test: $(VENV)/.installed-test node_modules/.installed assets

$(VENV)/.installed-run: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

# The test install is a superset of the run install: it stands for both.
$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

CSS := static/css/main.css static/css/admin.css
assets: $(CSS)

$(CSS) &: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build:css

migrate:
	$(DEV_ENV) $(PY) manage.py migrate --noinput

# Loads the data fixtures/ holds (the Belmarsh 2021 inspection and 2022 review) into an empty
# database only: a database with data in it, edited locally or not, is left as it is.
load-data:
	$(DEV_ENV) $(PY) manage.py load_belmarsh_if_empty

# An inspector and a Belmarsh leader to sign in as, printed with their password: made only on
# the embedded SQLite database with DEBUG on (on a DATABASE_URL this step says so and goes on).
demo-accounts:
	@$(DEV_ENV) $(PY) manage.py create_demo_accounts --site http://127.0.0.1:$(PORT) --elsewhere-say-so

run: install migrate load-data demo-accounts
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on both cores (pytest-xdist, a database per worker). PYTEST_ARGS adds options,
# e.g. `make test PYTEST_ARGS="-k import -n 0"`. Python may cache compiled code (__pycache__/,
# ignored by git) even where the environment says PYTHONDONTWRITEBYTECODE: without it every
# worker and every `manage.py` the tests start compiles the project again (seconds each).
PYTEST_ARGS ?=
test: install-test
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(or $(PYTEST_WORKERS),auto) --dist worksteal $(PYTEST_ARGS)

# Background work (docs/alerts.md): a Celery worker, with Celery beat running the schedules
# (alerts, digests, reminders), on the Redis that REDIS_URL names. Run one beat in all: start
# further workers, here or on other machines, with `make worker BEAT=0`. Without REDIS_URL
# nothing needs to run: tasks run inline in the site's own process.
BEAT ?= 1
CONCURRENCY ?= 2
# Each worker's node name must differ from the others' on one machine (Celery's remote control
# and its duplicate check go by it): the beat's worker, and the others by their shell's process id.
WORKER_NAME ?= $(if $(filter 1,$(BEAT)),worker-beat,worker-$$$$)
worker: install migrate
	@if [ -z "$$REDIS_URL" ]; then echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker; without it tasks run inline and no worker is needed."; exit 2; fi
	@mkdir -p var
	$(DEV_ENV) $(PY) -m celery -A belmarsh_irp worker --loglevel=INFO --concurrency=$(CONCURRENCY) --hostname=$(WORKER_NAME)@%h \
		$(if $(filter 1,$(BEAT)),--beat --schedule=var/celerybeat-schedule,)

# ruff comes with the test install; after `make run` alone it is installed here (pinned).
$(VENV)/bin/ruff: $(VENV)/bin/python constraints.txt
	$(PIP) install --quiet -c constraints.txt ruff
	touch $@

lint: $(VENV)/bin/ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/bin/ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerates fixtures/belmarsh.json from the seed report with the importer.
fixtures:
	$(PY) scripts/make_fixtures.py

benchmark:
	$(PY) benchmarks/run.py

# Every public and leaders' page at national size on PostgreSQL, against a hello view; drops and
# rebuilds the database DATABASE_URL names (e.g. postgres://postgres@127.0.0.1:5432/tracker_national).
benchmark-national:
	$(PY) benchmarks/national_pages.py

ci:
	bash .ci/run

# The Welsh catalogue (docs/translation.md): needs GNU gettext.
messages:
	$(DEV_ENV) $(PY) manage.py makemessages --locale cy --ignore ".venv/*" --ignore "node_modules/*" --ignore "tests/*" --ignore "benchmarks/*" --no-obsolete

compile-messages:
	$(DEV_ENV) $(PY) manage.py compilemessages --locale cy --ignore ".venv/*"
