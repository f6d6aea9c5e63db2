# Casa Map: `make run` serves the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
LOCAL_DB ?= casa_map
HOST ?= 127.0.0.1
PORT ?= 8000

# With DATABASE_URL configured we use that database; otherwise a local PostGIS reached through
# the Unix socket as the current OS user (installed, started and created when missing).
ifeq ($(strip $(DATABASE_URL)),)
ENSURE_DB := scripts/ensure_local_postgis.sh $(LOCAL_DB)
export DATABASE_URL := postgis:///$(LOCAL_DB)
else
ENSURE_DB := true
endif

.PHONY: help run serve replica worker beat backup restore test setup system system-browser db messages migrate seed lint audit format bench bench-replica bench-data bench-mobile bench-alerts bench-blur mutate vendor clean

help:
	@echo "make run    install what is missing, set up and seed the database, serve on http://$(HOST):$(PORT)"
	@echo "make serve  the production stack locally: nginx, gunicorn (DEBUG=false), PgBouncer, Redis, worker, beat"
	@echo "make replica  a streaming replica of the local PostgreSQL (port 5433), used by make serve"
	@echo "make backup / make restore FILE=backups/<stamp>  database (pg_dump) and media archive"
	@echo "make worker a Celery worker on CELERY_BROKER_URL (default: the local Redis) for make run"
	@echo "make test   install what is missing (Chromium too) and run the whole test suite on PostGIS"
	@echo "make bench  load, fault and fuzz benchmarks on the production stack (RELIABILITY.md)"
	@echo "make bench-data  the data-volume benchmarks on a million complaints (BENCHMARKS.md)"
	@echo "make lint   ruff check + format check"
	@echo "make mutate mutation testing of the rules' modules (mutmut; not in CI)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.env:
	scripts/write_dotenv.sh

system:
	scripts/install_system_packages.sh

system-browser:
	scripts/install_system_packages.sh --with-browser

db:
	$(ENSURE_DB)

messages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv -v 0

migrate: $(VENV)/.installed .env db
	$(MANAGE) migrate --no-input -v 0

seed: migrate
	$(MANAGE) seed_city
	$(MANAGE) seed_demo_complaints

setup: system $(VENV)/.installed .env db messages seed

run: setup
	$(MANAGE) runserver $(HOST):$(PORT)

serve: setup
	scripts/serve.sh

# A streaming replica of the local PostgreSQL (a second cluster on port 5433, pg_basebackup -R);
# `make serve` reads from it when it runs. `scripts/replica.sh stop|drop|status` manage it.
replica: db
	scripts/replica.sh start

BACKUP_DIR ?= backups
backup: $(VENV)/.installed .env db
	scripts/backup.sh $(BACKUP_DIR)

restore: $(VENV)/.installed .env db
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/<stamp>" >&2; exit 2)
	scripts/restore.sh $(FILE)

# Without a broker, `make run` sends e-mails in process after each commit; with one, start this
# beside it: CELERY_BROKER_URL=redis://127.0.0.1:6379/1 make run  +  make worker  (+ make beat).
BROKER ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/1)
worker: $(VENV)/.installed .env db
	CELERY_BROKER_URL=$(BROKER) $(VENV)/bin/celery -A casa_map worker -Q celery,heavy --concurrency 2 --loglevel INFO

beat: $(VENV)/.installed .env db
	CELERY_BROKER_URL=$(BROKER) $(VENV)/bin/celery -A casa_map beat --loglevel INFO \
		--schedule $(VENV)/celerybeat-schedule

test: system-browser $(VENV)/.installed .env db messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

BENCH_DB ?= casa_map_bench
LOAD_DB ?= casa_map_load

# A benchmark's own database: created if missing, migrated, the city loaded.
define bench_database
	scripts/ensure_local_postgis.sh $(1)
	DATABASE_URL=postgis:///$(1) $(MANAGE) migrate --no-input -v 0
	DATABASE_URL=postgis:///$(1) $(MANAGE) seed_city
endef

# Production under load, faults and bad input (issue #11; RELIABILITY.md): the stack of
# `make serve` on its own database of 100,000 open complaints. bench.faults restarts this
# machine's PostgreSQL and Redis: nothing else should run meanwhile. About 14 minutes here.
bench: system $(VENV)/.installed .env messages
	$(call bench_database,$(LOAD_DB))
	DATABASE_URL=postgis:///$(LOAD_DB) $(PY) -m bench.load
	DATABASE_URL=postgis:///$(LOAD_DB) $(PY) -m bench.faults
	DATABASE_URL=postgis:///$(LOAD_DB) $(PY) -m bench.fuzz

# The streaming replica under a filing load (issue #26; BENCHMARKS.md › Replica): read-your-writes
# with the replay paused, public reads from the replica vs the primary, a replica stopped.
bench-replica: system $(VENV)/.installed .env messages
	$(call bench_database,$(LOAD_DB))
	scripts/replica.sh start
	DATABASE_URL=postgis:///$(LOAD_DB) $(PY) -m bench.replica

# Data-volume benchmarks (BENCHMARKS.md): routing, place search, the staff queue, the maps and the
# open API on a million complaints (loading them takes a quarter of an hour the first time).
bench-data: system $(VENV)/.installed .env messages
	$(call bench_database,$(BENCH_DB))
	DATABASE_URL=postgis:///$(BENCH_DB) $(PY) -m bench.routing
	DATABASE_URL=postgis:///$(BENCH_DB) $(PY) -m bench.places
	DATABASE_URL=postgis:///$(BENCH_DB) $(PY) -m bench.queue
	DATABASE_URL=postgis:///$(BENCH_DB) $(PY) -m bench.heatmap
	DATABASE_URL=postgis:///$(BENCH_DB) $(PY) -m bench.api

MOBILE_DB ?= casa_map_mobile

# A phone on Slow 3G (issue #14): the report page's weight, time until usable, time to send a
# report with a 12-megapixel photo, in Chromium against the `make serve` stack. About 5 minutes.
bench-mobile: system-browser $(VENV)/.installed .env messages
	$(call bench_database,$(MOBILE_DB))
	DATABASE_URL=postgis:///$(MOBILE_DB) $(PY) -m bench.mobile

ALERTS_DB ?= casa_map_alerts

# send_alerts at city scale (issue #13): 100,000 alerts, 5,000 new reports, next to the bare SQL
# of the match. About 5 minutes the first time (loading), 2 minutes after.
bench-alerts: system $(VENV)/.installed .env messages
	$(call bench_database,$(ALERTS_DB))
	DATABASE_URL=postgis:///$(ALERTS_DB) $(PY) -m bench.alerts

# What blurring faces and plates adds to receiving a photo (issue #13). Under a minute.
bench-blur: $(VENV)/.installed .env
	$(PY) -m bench.blur

# Known vulnerabilities of the pinned packages (PyPI's and OSV's advisories). Needs the open
# internet: from the project's build machines (PyPI mirror only) the advisory source cannot be
# reached, so this is not part of `make lint`.
audit: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(VENV)/bin/pip-audit -r requirements.txt -r requirements-dev.txt

# Mutation testing of the rules' modules (issue #22; not in CI, ~10-30 minutes): see
# scripts/mutate.sh. MODULES="issues/policy.py" for one module.
MUTATE_DB ?= casa_map_mutate
mutate: system $(VENV)/.installed .env messages
	scripts/ensure_local_postgis.sh $(MUTATE_DB)
	MUTATE_DATABASE_URL=postgis:///$(MUTATE_DB) scripts/mutate.sh $(MODULES)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

vendor:
	scripts/vendor_static.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
