# Ko'mak: `make run` starts everything on a fresh machine; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist, one test file at a time each); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
export PORT

.PHONY: run test lint bench audit install install-dev messages setup clean scale-up scale-down load backup restore screens

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: install
	$(BIN)/python manage.py cyrillic_catalog --verbosity 0
	$(BIN)/python manage.py compilemessages --ignore ".venv" --ignore "node_modules" --verbosity 0

setup: install messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py schedule_tasks

# Links in reminders name the address the site really answers on, and a demo talk
# stays joinable while it runs (demo/talk.py); both reach `setup` too.
run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
run: export KOMAK_DEMO_KEEP_TALK = true
run: setup
	@$(BIN)/python manage.py demo_logins
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile

# The scale-out profile on one machine: PostgreSQL, Redis, two Daphne workers and the
# task cluster behind Debian's nginx on http://127.0.0.1:8080 (deploy/scaleout.py,
# docs/deployment.md). In the foreground until Ctrl-C; `make scale-down` stops it.
scale-up: install messages
	$(BIN)/python -m deploy.scaleout up

scale-down:
	$(BIN)/python -m deploy.scaleout down

# Two passes: most tests in TEST_WORKERS processes, then the `solo` ones alone
# (tests/conftest.py says which and why); both always run, and either failing fails.
test: install-dev messages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not solo"; \
	parallel=$$?; \
	$(BIN)/python -m pytest -m solo; \
	alone=$$?; \
	test $$parallel -eq 0 && test $$alone -eq 0

lint: install-dev
	$(BIN)/ruff check .

# Known vulnerabilities in the pinned requirements; needs OSV or PyPI's per-release
# JSON, which the CI machines cannot reach (docs/security.md).
audit: install-dev
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off

bench: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python -m bench.compare_learner_pages

# The page of screenshots (docs/screens/README.md): every main screen at 360 × 740,
# made again from a fresh demo of its own (docs/screens/make_screens.py). Commit them.
screens: install-dev messages
	$(BIN)/python -m docs.screens.make_screens --out docs/screens

# Load: locust's learners and call rooms against `make scale-up` (LOAD_HOST, default
# http://127.0.0.1:8080) for LOAD_SECONDS (60); prints req/s, p50/p95/p99 and errors
# per scenario. The rooms are written into DATABASE_URL's database (default: the one
# of scale-up). bench/load/run.py, docs/benchmarks.md.
load: install-dev
	$(BIN)/python -m bench.load.run

# Backups (cms/backups.py, docs/deployment.md): the database, the media root and the
# audit checkpoints to a dated folder under BACKUP_DIR (default var/backups/); and
# back, after checking every file: `make restore BACKUP=var/backups/<folder>`.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup folder: make restore BACKUP=var/backups/<folder>"; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 var/audit-checkpoints
