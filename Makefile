# Both targets set themselves up on a fresh machine: a virtual environment in .venv
# with the package and its test extras installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parindex validate criteria/*.yaml

test: $(STAMP)
	$(BIN)/ruff check parindex tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/score.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
