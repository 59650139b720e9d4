# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test test-deps setup data ci clean bench collectstatic serve backup restore load

# Reinstall only when the requirements change, so a second `make run` is quick.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py setup_roles

data: setup
	$(PY) manage.py load_conference

run: data
	$(PY) manage.py ensure_local_admin
	@echo "打开 http://127.0.0.1:$(PORT)/ （管理后台 /admin/）"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Chromium and CJK fonts from Debian: installed when missing as root, else one line says what to run.
test-deps:
	@bin/ensure-test-deps

# The linter first: a bug it finds in seconds should not wait for the suite.
test: test-deps $(VENV)/.dev
	$(BIN)/ruff check .
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

# Production static files: hashed names, compressed copies and the manifest that DEBUG off reads.
# Collected with DEBUG off, whatever the shell says, or no manifest is written (and every page 500s).
collectstatic: $(VENV)/.runtime
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-collectstatic-needs-no-secret}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-localhost}" \
	$(PY) manage.py collectstatic --no-input --clear -v0

# Production serving (README, "Deploying"): needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL.
serve: collectstatic
	DJANGO_DEBUG=0 $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=0 $(PY) manage.py setup_roles
	DJANGO_DEBUG=0 $(BIN)/gunicorn -c deploy/gunicorn.conf.py tracker.wsgi

# Every row and its history, exactly (README, "Backups"). `make restore FILE=var/backups/....json.gz`
# empties the database first.
backup: $(VENV)/.runtime
	$(PY) manage.py backup $(FILE)

restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "make restore FILE=<backup file>"; exit 1; }
	$(PY) manage.py restore --replace $(FILE)

# 64 connections for 30 s on public pages and the API while a reviewer approves updates; asserts zero
# errors and no lost update (bench/load.py, docs/benchmarks.md).
load: $(VENV)/.runtime
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache

# Demo databases of 1,000, 10,000 and 100,000 commitments served by gunicorn and loaded by wrk;
# see docs/benchmarks.md. BENCH_ARGS="--sizes 1000 --seconds 3" for a quick run.
bench: $(VENV)/.runtime
	$(PY) bench/run.py $(BENCH_ARGS)
