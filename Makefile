# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test setup data ci clean bench

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

# The linter first: a bug it finds in seconds should not wait for the suite.
test: $(VENV)/.dev
	$(BIN)/ruff check .
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache

# Demo databases of 1,000, 10,000 and 100,000 commitments served by gunicorn and loaded by wrk;
# see docs/benchmarks.md. BENCH_ARGS="--sizes 1000 --seconds 3" for a quick run.
bench: $(VENV)/.runtime
	$(PY) bench/run.py $(BENCH_ARGS)
