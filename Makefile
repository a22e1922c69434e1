# Two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup run audit-seeds test lint typecheck contracts migrations unit bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

## run: set up, migrate, load the demo data once, serve on http://127.0.0.1:8000 (SQLite in var/)
run: setup
	mkdir -p var
	DEBUG=1 $(BIN)/jixiao-web migrate --noinput -v 0
	DEBUG=1 $(BIN)/jixiao-web load_demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录。"
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

unit: setup
	$(BIN)/pytest -n 2

migrations: setup
	mkdir -p var
	DEBUG=1 $(BIN)/jixiao-web makemigrations --check --dry-run -v 1

test: lint typecheck contracts migrations unit

bench: setup
	$(BIN)/python bench/score_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
