# FastAPI-Playground. Every target bootstraps .venv from the pinned set (uv.lock) first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv itself, from PyPI with pip when .venv has none; the same version as uv.lock's (a test checks).
UV_VERSION := 0.13.9
UV := $(BIN)/uv
# `make lab`'s set (the learner's) and `make test`'s (learner + maintainer), each installed once
# per change of the lock: a current venv costs a file-date check, not a resolver run.
LEARNER_STAMP := $(VENV)/.learner
STAMP := $(VENV)/.installed
PORT ?= 8000
LAB_ARGS ?=
NB ?= notebooks/*.ipynb
# nbval's sanitize file and its IPC-kernel plugin live in the harness: notebooks/ holds lessons only.
# A cell still running after 120 s is hung: it fails instead of stalling the run.
NBVAL := --nbval --nbval-sanitize-with course/maintain/nbval_sanitize.cfg --nbval-current-env \
	--nbval-cell-timeout 120 \
	-p course.maintain.nbval_ipc

.PHONY: help install install-learner lab update reset progress test-stress test requirements-files test-learner-set test-rerun test-postgres postgres-checks test-scale scale-checks redis-server bench lint typecheck pytest serve worker notebooks migration migrate requirements clean site site-check chromium test-latest

help:
	@echo "make lab        the learner's set, then JupyterLab on workspace/, your copies of the lessons (LAB_ARGS=...)"
	@echo "make update     bring course changes into workspace/, keeping your answers"
	@echo "make reset n=03 a fresh copy of one lesson (the old one kept in workspace/.course/backup/)"
	@echo "make progress   your exercise checks, lesson by lesson"
	@echo "make test-stress  the lessons that time things, 10 runs each beside two CPU hogs"
	@echo "make test       both sets, lint, type check, tests + every notebook under strict nbval"
	@echo "make test-rerun  every notebook: each code cell run twice in a row, then Run All again"
	@echo "make test-postgres  migrations and tests/ on a throwaway PostgreSQL cluster"
	@echo "make test-scale  two apps and two queue workers on PostgreSQL + Redis, a worker killed and Redis restarted under load"
	@echo "make test-learner-set  every notebook under strict nbval with the learner's set alone"
	@echo "make serve      migrate, \`fastapi run\` the API (PORT=$(PORT)) beside a local S3; DEV=1: fastapi dev"
	@echo "make worker     the queue's worker (huey: emails, attachments' clean-up), beside make serve"
	@echo "make notebooks  re-execute notebooks in place to refresh outputs (NB=...)"
	@echo "make bench      measure notebooks, throughput under wrk (SQLite, PostgreSQL), SQL/JWT counts, pings -> BENCHMARKS.md"
	@echo "make site       the course as static HTML from the committed outputs -> build/site/html"
	@echo "make site-check open the site in headless Chromium, screenshots -> build/site/screenshots"
	@echo "make test-latest  the suite on the newest releases (pins untouched) -> build/latest-report.md"
	@echo "make migration m=<slug>  autogenerate a migration"
	@echo "make requirements        uv lock, then requirements/*.txt and environment.yml from uv.lock"

# uv from PyPI, with pip, into the venv it then fills (no installer script, no other host).
$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The learner's set: the app and every lesson's tools, nothing a lesson does not run. Inexact:
# a maintainer's tools already in .venv stay. No bytecode compiled (JupyterLab answers sooner;
# Python writes it on first import).
$(LEARNER_STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --inexact --quiet
	$(NO_NEWS)
	touch $@

# No news pop-up in this project's JupyterLab: what `jupyter labextension disable
# --level=sys_prefix` writes (the setting lives in .venv, not in ~), without starting Jupyter.
NO_NEWS := $(BIN)/python -c "import json, pathlib, sys; p = pathlib.Path(sys.prefix, 'etc/jupyter/labconfig/page_config.json'); p.parent.mkdir(parents=True, exist_ok=True); p.write_text(json.dumps({'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}, indent=2))"

# This checkout on the path of a venv's every interpreter (kernels import `course` anywhere).
COURSE_PTH := -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'fastapi_playground_course.pth').write_text('$(CURDIR)\\n')"

# Both sets, exactly the lock (anything else is removed), compiled to bytecode: the test run's
# many kernels and workers import from .pyc. The harness (course/) is no part of the app's
# wheel: this checkout goes on the venv's path.
$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --group maintainer --compile-bytecode --quiet
	$(BIN)/python $(COURSE_PTH)
	$(NO_NEWS)
	touch $(LEARNER_STAMP) $@

install-learner: $(LEARNER_STAMP)

# nbdime's git integration: `git diff` / `git merge` of a notebook go cell by cell. Written to
# this clone's .git/config only, with the drivers' full paths (git finds them without an
# activated venv); a linked worktree (.git is a file) shares its config with the main checkout,
# so it is left alone there, as is a folder that is no git checkout.
NBDIFF := $(CURDIR)/$(BIN)/git-nbdiffdriver diff
install: $(STAMP)
	@if [ -d .git ]; then \
	  [ "$$(git config --get diff.jupyternotebook.command)" = "$(NBDIFF)" ] || { \
	    $(BIN)/nbdime config-git --enable >/dev/null && \
	    git config diff.jupyternotebook.command "$(NBDIFF)" && \
	    git config merge.jupyternotebook.driver \
	      "$(CURDIR)/$(BIN)/git-nbmergedriver merge %O %A %B %L %P"; }; \
	elif [ -f .git ]; then \
	  echo "install: a linked git worktree: nbdime's git integration left to the main checkout"; \
	fi

migrate: install-learner
	$(BIN)/alembic upgrade head

# The learner's JupyterLab opens on workspace/ (git-ignored copies of notebooks/, brought up to
# date first). The learner's own commands, as the README gives them without make
# (`uv run python -m course lab`), after the learner's sync.
COURSE := $(UV) run --frozen python -m course
lab: install-learner
	$(COURSE) lab $(LAB_ARGS)

update: install-learner
	$(COURSE) update

reset: install-learner
	@test -n "$(n)" || (echo 'usage: make reset n=<lesson number>' && exit 2)
	$(COURSE) reset $(n)

progress: install-learner
	$(COURSE) progress

# The lessons that time things, 10 runs each beside two CPU hogs (not part of make test).
test-stress: install
	$(BIN)/python -m course.maintain.stress --runs 10 --hogs 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy --strict playground course tests

pytest: install chromium
	rm -f .coverage .coverage.*
	COVERAGE_PROCESS_START=$(CURDIR)/pyproject.toml $(BIN)/coverage run -m pytest \
		-n auto --dist loadfile $(NBVAL) tests notebooks
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

test: lint typecheck pytest test-rerun

# A learner's Shift+Enter twice, and Run All twice without a restart: nothing may raise.
test-rerun: install
	printf '%s\n' $(NB) | xargs -P 2 -n 1 $(BIN)/python -m course.maintain.rerun

# The proof that the learner's set is enough: every notebook under strict nbval in a venv that
# holds the learner's set alone (build/learner-venv; one process, no xdist: that is the
# maintainer's). Not part of `make test` (some three minutes more); tests/test_project.py checks
# on every run that what the lessons import is in that set.
LEARNER_VENV := build/learner-venv
test-learner-set: $(UV)
	UV_PROJECT_ENVIRONMENT=$(LEARNER_VENV) $(UV) sync --frozen --quiet
	$(LEARNER_VENV)/bin/python $(COURSE_PTH)
	$(LEARNER_VENV)/bin/python -m pytest $(NBVAL) notebooks

# The same migrations and tests on PostgreSQL (a throwaway cluster on loopback).
test-postgres: install
	.ci/with-postgres $(MAKE) --no-print-directory postgres-checks

postgres-checks:
	@test -n "$$PLAYGROUND_TEST_DATABASE_URL" || (echo "run through: make test-postgres" && exit 2)
	$(BIN)/alembic upgrade head
	$(BIN)/alembic downgrade base
	$(BIN)/alembic upgrade head
	$(BIN)/alembic check
	$(BIN)/python -m pytest -n auto --dist loadfile tests

# The scale-out configuration under faults (tests/scale.py): PostgreSQL (a throwaway cluster) and
# Redis on loopback, two app processes and two queue workers, 1,000 email requests while a
# worker is killed and Redis restarted; then every accepted email must be sent. Some three
# minutes. Debian's redis-server is installed when missing and running as root.
test-scale: install redis-server
	.ci/with-postgres $(MAKE) --no-print-directory scale-checks

scale-checks:
	@test -n "$$PLAYGROUND_TEST_DATABASE_URL" || (echo "run through: make test-scale" && exit 2)
	PLAYGROUND_SCALE_TEST=1 PLAYGROUND_TEST_HANG_SECONDS=600 \
		$(BIN)/python -m pytest tests/test_scale.py -s -q

redis-server:
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "test-scale: installing Redis (Debian package redis-server)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq redis-server >/dev/null 2>&1 \
	      || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }; \
	  fi; \
	  command -v redis-server >/dev/null || { \
	    echo "test-scale: redis-server not found. Install it (sudo apt-get install redis-server)," >&2; \
	    echo "or run as root so that make test-scale can install it." >&2; exit 2; }; }

# A local S3-compatible server (moto) on S3_PORT for attachments, stopped with the app.
S3_PORT ?= 9000
# FastAPI's CLI finds the app through [tool.fastapi] entrypoint in pyproject.toml: `fastapi run`
# (production settings: no reload), or `fastapi dev` (reload on save) with DEV=1. uvicorn picks
# uvloop and httptools, the learner's set has them as the prod extra does (tests/test_serving.py).
DEV ?=
serve: migrate
	$(BIN)/moto_server -H 127.0.0.1 -p $(S3_PORT) >/dev/null 2>&1 & S3=$$!; \
	trap 'kill $$S3 2>/dev/null' EXIT INT TERM; \
	PLAYGROUND_AWS_ENDPOINT_URL=http://127.0.0.1:$(S3_PORT) PLAYGROUND_AWS_CREATE_BUCKET=true \
	$(BIN)/fastapi $(if $(DEV),dev,run) --host 127.0.0.1 --port $(PORT)

# The queue's consumer, beside `make serve` (with PLAYGROUND_NOTIFICATIONS_DELIVERY=queue): it sends
# the emails, purges deleted posts' files and sweeps abandoned uploads every few minutes; huey's,
# logging JSON lines through logging.ini.
worker: migrate
	$(BIN)/python -m playground.worker -w 2 -k thread --log-config logging.ini

# A benchmark, not a test: writes BENCHMARKS.md from one run, on SQLite and on a throwaway
# PostgreSQL cluster started as test-postgres starts it. The load generator is wrk (Debian
# package wrk), installed when missing and running as root. uvicorn runs as make serve's does,
# on uvloop and httptools.
bench: install
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "bench: installing the load generator (Debian package wrk)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq wrk >/dev/null 2>&1 \
	      || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  fi; \
	  command -v wrk >/dev/null || { \
	    echo "bench: wrk not found. Install it (sudo apt-get install wrk)," >&2; \
	    echo "or run as root so that make bench can install it." >&2; exit 2; }; }
	.ci/with-postgres $(BIN)/python -m tests.bench

notebooks: install
	$(BIN)/python -m course.maintain.refresh $(NB)

# The course site: Sphinx + myst-nb + sphinx-book-theme, from the committed outputs (nothing
# is executed), warnings as errors.
site: install
	$(BIN)/python -m course.maintain.site --out build/site

# Headless Chromium (Debian's chromium, with fonts-noto-cjk for the Korean text) opens the
# home page and two lessons; installed when missing and running as root.
site-check: site chromium
	@command -v chromium >/dev/null || { \
	  echo "site-check: chromium not found. Install it (sudo apt-get install chromium" >&2; \
	  echo "fonts-noto-cjk), or run as root so that make site-check can install it." >&2; \
	  exit 2; }
	$(BIN)/python -m course.maintain.site_check --html build/site/html \
		--screenshots build/site/screenshots

# Debian's chromium and a Hangul font, when missing and running as root (else: nothing; the
# Chromium test of `make test` then says why it skips).
chromium:
	@{ command -v chromium >/dev/null && fc-list :lang=ko family | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium and fonts-noto-cjk (the site's browser check)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 \
	      || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }; \
	  fi; }

# A canary for new releases: the whole suite in a throwaway venv on the newest release of every
# dependency, pins untouched; writes build/latest-report.md and fails loudly on any change.
test-latest: install
	$(BIN)/python -m course.maintain.latest --python $(PYTHON)

migration: install
	@test -n "$(m)" || (echo 'usage: make migration m=<slug>' && exit 2)
	$(BIN)/alembic revision --autogenerate -m "$(m)"

# Re-pin: uv.lock from pyproject.toml (keeping every version it can), then the files for pip
# and conda users from the lock. Never edit requirements/*.txt or environment.yml by hand;
# each file's header is the command that wrote it (a test re-runs it and compares).
EXPORT := $(UV) export --frozen --no-hashes --no-emit-project --quiet
requirements: $(UV)
	$(UV) lock
	$(MAKE) --no-print-directory requirements-files

requirements-files: $(UV)
	$(EXPORT) --no-default-groups -o requirements/base.txt
	$(EXPORT) -o requirements/learner.txt
	$(EXPORT) --group maintainer -o requirements/maintainer.txt
	$(EXPORT) --no-default-groups --extra prod -o requirements/prod.txt
	$(PYTHON) -c "import pathlib; pins=[l for l in pathlib.Path('requirements/learner.txt').read_text().splitlines() if l[:1].isalnum()]; pathlib.Path('environment.yml').write_text('# Generated by \`make requirements\` from uv.lock (requirements/learner.txt): do not edit.\n# The learner\'s set; a maintainer adds: pip install -r requirements/maintainer.txt\n# conda env create -f environment.yml && conda activate fastapi-playground\n# python -m course lab\nname: fastapi-playground\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n' + ''.join(f'      - \"{p}\"\\n' for p in pins))"

clean:
	rm -rf $(VENV) .coverage .coverage.* .mypy_cache .ruff_cache playground.db*
