# FastAPI-Playground. Every target bootstraps .venv from the pinned set first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
LAB_ARGS ?=
NB ?= notebooks/*.ipynb
# nbval's sanitize file and its IPC-kernel plugin live in the harness: notebooks/ holds lessons only.
# A cell still running after 120 s is hung: it fails instead of stalling the run.
NBVAL := --nbval --nbval-sanitize-with course/maintain/nbval_sanitize.cfg --nbval-current-env \
	--nbval-cell-timeout 120 \
	-p course.maintain.nbval_ipc

.PHONY: help install lab update reset progress test-stress test test-rerun test-postgres postgres-checks bench lint typecheck pytest serve worker notebooks migration migrate requirements clean site site-check chromium test-latest

help:
	@echo "make lab        install, open JupyterLab on workspace/, your copies of the lessons (LAB_ARGS=...)"
	@echo "make update     bring course changes into workspace/, keeping your answers"
	@echo "make reset n=03 a fresh copy of one lesson (the old one kept in workspace/.course/backup/)"
	@echo "make progress   your exercise checks, lesson by lesson"
	@echo "make test-stress  the lessons that time things, 10 runs each beside two CPU hogs"
	@echo "make test       install, lint, type check, tests + every notebook under strict nbval"
	@echo "make test-rerun  every notebook: each code cell run twice in a row, then Run All again"
	@echo "make test-postgres  migrations and tests/ on a throwaway PostgreSQL cluster"
	@echo "make serve      install, migrate, run the API under uvicorn (PORT=$(PORT)) and a local S3"
	@echo "make worker     the email queue's worker (huey), beside make serve"
	@echo "make notebooks  re-execute notebooks in place to refresh outputs (NB=...)"
	@echo "make bench      measure notebooks, throughput under wrk, SQL/JWT counts, pings -> BENCHMARKS.md"
	@echo "make site       the course as static HTML from the committed outputs -> build/site/html"
	@echo "make site-check open the site in headless Chromium, screenshots -> build/site/screenshots"
	@echo "make test-latest  the suite on the newest releases (pins untouched) -> build/latest-report.md"
	@echo "make migration m=<slug>  autogenerate a migration"
	@echo "make requirements        re-pin requirements/*.txt from pyproject.toml"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install whenever a pinned set or the project metadata changes.
$(STAMP): $(BIN)/python requirements/base.txt requirements/dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# The harness (course/) is no part of the app's wheel: this checkout goes on the venv's path.
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_path('purelib'), 'fastapi_playground_course.pth').write_text('$(CURDIR)\\n')"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# No news pop-up in this project's JupyterLab (the setting lives in .venv, not in ~).
	$(BIN)/jupyter labextension disable --level=sys_prefix \
		"@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1
	touch $(STAMP)

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

migrate: install
	$(BIN)/alembic upgrade head

# The learner's JupyterLab opens on workspace/ (git-ignored copies of notebooks/, brought up to
# date first); the same command without make: python -m course lab (README).
lab: install
	$(BIN)/python -m course lab $(LAB_ARGS)

update: install
	$(BIN)/python -m course update

reset: install
	@test -n "$(n)" || (echo 'usage: make reset n=<lesson number>' && exit 2)
	$(BIN)/python -m course reset $(n)

progress: install
	$(BIN)/python -m course progress

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

# A local S3-compatible server (moto) on S3_PORT for attachments, stopped with the app.
S3_PORT ?= 9000
serve: migrate
	$(BIN)/moto_server -H 127.0.0.1 -p $(S3_PORT) >/dev/null 2>&1 & S3=$$!; \
	trap 'kill $$S3' EXIT INT TERM; \
	PLAYGROUND_AWS_ENDPOINT_URL=http://127.0.0.1:$(S3_PORT) PLAYGROUND_AWS_CREATE_BUCKET=true \
	$(BIN)/uvicorn playground.main:app --host 127.0.0.1 --port $(PORT) --log-config logging.ini

# The email queue's consumer, beside `make serve` (with PLAYGROUND_NOTIFICATIONS_DELIVERY=queue).
worker: migrate
	$(BIN)/huey_consumer playground.domains.notifications.tasks.queue -w 2 -k thread

# A benchmark, not a test: writes BENCHMARKS.md from one run. The load generator is wrk
# (Debian package wrk), installed when missing and running as root.
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
	$(BIN)/python -m tests.bench

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

# Needs only uv (installed with the dev set). Never edit requirements/*.txt by hand.
requirements: install
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q --no-header -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q --no-header --extra dev \
		-c requirements/base.txt -o requirements/dev.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q --no-header --extra prod \
		-c requirements/base.txt -o requirements/prod.txt
	$(MAKE) environment.yml

clean:
	rm -rf $(VENV) .coverage .coverage.* .mypy_cache .ruff_cache playground.db*

# environment.yml: the same pins, for conda users (regenerated with the requirements).
environment.yml: requirements/dev.txt
	$(PYTHON) -c "import re,pathlib; pins=[l.strip() for l in pathlib.Path('requirements/dev.txt').read_text().splitlines() if re.match(r'^[A-Za-z0-9]', l)]; pathlib.Path('environment.yml').write_text('# Generated by \`make requirements\` from requirements/dev.txt: do not edit.\n# conda env create -f environment.yml && conda activate fastapi-playground && pip install --no-deps -e .\nname: fastapi-playground\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n' + ''.join(f'      - {p}\n' for p in pins))"
