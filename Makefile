# The newsroom. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev
export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

system-deps: ## Install ffmpeg, Chromium and nginx from Debian's packages when missing (needs root)
	@missing=""; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install$$missing (Debian: sudo apt-get install$$missing)"; \
	  fi; \
	fi

compilemessages: $(VENV)/.installed ## Compile locale/*.po (and our apps' catalogues) into .mo files
	$(PY) -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-3] + '.mo') for p in glob.glob('locale/*/LC_MESSAGES/*.po')]"

messages: $(VENV)/.installed ## Extract translatable strings into locale/fr
	$(PY) manage.py makemessages -l fr -e html,txt,py --no-location --ignore '.venv/*' --ignore 'var/*' --no-obsolete

setup: $(VENV)/.installed compilemessages ## Virtualenv, dependencies, migrations, missing groups and workflow (reports drift)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_editorial_setup

seed: setup system-deps ## Demo content and demo users (idempotent)
	$(PY) manage.py seed_demo --demo
	$(PY) manage.py rebuild_archive_index

# The site's own 404 and 500 pages, in the person's language, unless a developer asks for
# Django's debug pages with DEBUG=true (`DEBUG=true make run`); --insecure serves static files.
run: seed ## Set everything up and serve on 127.0.0.1:$PORT (embargoes lift every minute)
	$(PY) manage.py publish_scheduled_loop & loop=$$!; trap 'kill $$loop 2>/dev/null' EXIT; \
	DEBUG=$${DEBUG:-false} $(PY) manage.py runserver --insecure 127.0.0.1:$(PORT)

beat: $(VENV)/.installed ## Celery beat (production-like scheduled publishing; needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A cms beat --loglevel=info

worker: $(VENV)/.installed ## Celery worker for the default, media and clips queues (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A cms worker -Q default,media,clips --concurrency 2 --loglevel=info

# pytest-xdist: TEST_WORKERS processes, each with its own test database, Redis database and var
# directory (cms/settings/test.py); a module's tests stay together (its seeded fixtures run once).
TEST_WORKERS ?= 2
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): about
# 25 Python processes start in a run (test processes, Celery workers, gunicorn, manage.py), and
# without it each compiled our modules again, and pytest rewrote the tests and its plugins'
# packages (hypothesis, schemathesis, faker) in each process, every run: about 25 s of CPU.
test: $(VENV)/.installed compilemessages system-deps ## Set up and run the whole test suite (TEST_WORKERS=2 processes)
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m compileall -q $(dir $(wildcard */__init__.py)) manage.py
	env -u PYTHONDONTWRITEBYTECODE DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

test-search-sqlite: $(VENV)/.installed compilemessages ## The archive search's behaviour tests on SQLite's engine
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest tests/search -q -p no:cacheprovider -k "not generated_requests"

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## ruff format and fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup ## Benchmarks (DATABASE_URL should point at PostgreSQL)
	$(PY) bench/pages.py
	$(PY) bench/processing.py
	$(PY) bench/accounts.py
	$(PY) bench/clips.py --master bench/out/master-1080p25-clips.mp4
	$(PY) bench/clips.py --master bench/out/master-1080p2997-clips.mp4 --rate 2997

.PHONY: help system-deps compilemessages messages setup seed run beat worker test lint format bench
