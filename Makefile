# Every target builds its own virtual environment in .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kubesim run scenarios/default.yaml

lint: $(STAMP)
	$(BIN)/ruff check sim runtime_adapters tests benchmarks
	$(BIN)/ruff format --check sim runtime_adapters tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/store_api.py
	$(BIN)/python benchmarks/scheduler.py

clean:
	rm -rf $(VENV)
