# Quick start: `make demo` then `make test`. Both create .venv and install the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-fast lint clean notebooks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## demo: run the two archetypes (default scenarios, one year) and write charts to results/demo/
demo: setup
	$(BIN)/python experiments/demo.py --out results/demo

## notebooks: execute the teaching notebooks (notebooks/*.py, Jupytext) in fresh kernels; writes results/notebooks/*.ipynb
## (QUICK=1: a tiny firm and a short run, a smoke test)
notebooks: setup
	$(BIN)/python notebooks/execute.py --out results/notebooks $(if $(filter 1 yes true,$(QUICK)),--quick,)

## test: lint, then the whole test suite (statistical and calibration checks included)
test: setup
	$(BIN)/ruff check simulation tests experiments
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

## test-fast: skip the slow statistical and calibration tests
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check simulation tests experiments
	$(BIN)/ruff format --check simulation tests experiments
	$(BIN)/mypy

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
