# Two commands: `make run` and `make test`. Everything they need is installed here.
# Debian's own python3.11 when there is one: it is built with profile-guided optimisation, and the
# batch audit runs about 9 % faster on it than on an unoptimised build (bench/README.md).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMPILED := $(VENV)/jixiao-compiled/manifest.json
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup system-deps test-deps messages run audit-seeds test lint typecheck contracts migrations unit unit-pure unit-postgres bench clean

setup: $(STAMP) $(COMPILED)

# Debian packages, installed with apt-get when root and missing. To run: a CJK font (PDFs show
# Chinese), gettext to compile the translation catalogs, LibreOffice to turn the Word tables
# into PDF. To test, also: headless Chromium for the end-to-end tests and poppler-utils to
# check PDFs.
RUN_DEBS := fonts-noto-cjk gettext libreoffice-writer-nogui
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils
# To set up: venv for Debian's python3.11, and a C compiler with its headers for jixiao.compiled.
BUILD_DEBS := python3.11-venv python3.11-dev gcc

define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "apt-get install$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "缺少系统软件包:$$missing — 请以 root 运行 make，或先 apt-get install$$missing" >&2; exit 1; fi; \
	fi
	mkdir -p $(VENV) && touch $@
endef

system-deps: $(VENV)/.run-deps
test-deps: $(VENV)/.test-deps

$(VENV)/.run-deps:
	$(call install_debs,$(RUN_DEBS))

$(VENV)/.test-deps:
	$(call install_debs,$(TEST_DEBS))

$(VENV)/.build-deps:
	$(call install_debs,$(BUILD_DEBS))

$(STAMP): pyproject.toml | $(VENV)/.build-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,compiled]'
	touch $(STAMP)

# The hot modules compiled with Cython (src/jixiao/compiled.py), again whenever a source changes;
# a copy whose source has changed since is never loaded, so a stale build only costs speed.
$(COMPILED): $(STAMP) src/jixiao/compiled.py src/jixiao/io/grouped_audit.py src/jixiao/io/grouped_audit.pxd \
		src/jixiao/io/cases.py $(wildcard src/jixiao/core/*.py src/jixiao/core/scoring/*.py)
	$(BIN)/jixiao-compile

## messages: compile the translation catalogs (zh-hans is the source language; English is a catalog)
messages: setup system-deps
	cd src/jixiao/web && DEBUG=1 ../../../$(BIN)/jixiao-web compilemessages -v 0

## run: set up, migrate, load the demo data once, serve on http://127.0.0.1:8000 (SQLite in var/)
run: setup messages
	mkdir -p var
	DEBUG=1 $(BIN)/jixiao-web migrate --noinput -v 0
	DEBUG=1 $(BIN)/jixiao-web load_demo
	DEBUG=1 $(BIN)/jixiao-web fail_interrupted_jobs --all
	DEBUG=1 $(BIN)/jixiao-web sync_rulesets -v 0
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录。后台任务（批量审核）由同时启动的 db_worker 处理。"
	DEBUG=1 $(BIN)/jixiao-web db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/jixiao-web runserver 127.0.0.1:8000

## audit-seeds: recompute and audit every seed table with the command line
audit-seeds: setup
	$(BIN)/jixiao score examples/seeds/
	$(BIN)/jixiao audit examples/seeds/ || true

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

contracts: setup
	$(BIN)/lint-imports

## unit: the whole suite on SQLite (DATABASE_URL is unset so a stray one cannot redirect it)
unit: setup test-deps messages
	env -u DATABASE_URL $(BIN)/pytest -n 2

## unit-pure: the core and io tests again on the sources alone, as they run where nothing is compiled
unit-pure: setup
	JIXIAO_PURE=1 env -u DATABASE_URL $(BIN)/pytest -n 2 tests/core tests/io tests/test_compiled.py

## unit-postgres: the same suite on PostgreSQL at $TEST_DATABASE_URL (a role with CREATEDB:
## pytest-django creates test_<name>_gw0, test_<name>_gw1, ... one per xdist worker, and drops them)
unit-postgres: setup test-deps messages
	@test -n "$$TEST_DATABASE_URL" || { echo "unit-postgres: set TEST_DATABASE_URL=postgres://USER:PW@HOST:PORT/DB (CI: .ci/postgres.sh)" >&2; exit 2; }
	DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -n 2

migrations: setup
	mkdir -p var
	DEBUG=1 $(BIN)/jixiao-web makemigrations --check --dry-run -v 1

## test: the checks, the suite on SQLite, and then, only when TEST_DATABASE_URL is set (CI sets it
## in .ci/run after starting its own PostgreSQL), the same suite on PostgreSQL. Locally without
## that variable `make test` runs on SQLite only.
test: lint typecheck contracts migrations unit unit-pure
ifneq ($(strip $(TEST_DATABASE_URL)),)
	$(MAKE) --no-print-directory unit-postgres
else
	@echo "make test: TEST_DATABASE_URL not set, so the PostgreSQL run (unit-postgres) was skipped; SQLite only."
endif

bench: setup
	$(BIN)/python bench/score_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
