# Two commands do all the set-up: `make report` builds the default outputs, `make test` runs every check.
# Each creates the virtual environment from the lock file when it is missing or out of date.

PYTHON ?= python3
VENV ?= .venv
CORES ?= 2
export PATH := $(abspath $(VENV))/bin:$(PATH)
STAMP := $(VENV)/.installed

.PHONY: report build test lint unit clean-outputs

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

report: $(STAMP)
	snakemake --cores $(CORES)

build: report

lint: $(STAMP)
	ruff check .
	ruff format --check .
	snakefmt --check Snakefile workflow/rules
	snakemake --lint

unit: $(STAMP)
	python -m pytest

test: lint unit

clean-outputs:
	rm -rf data/processed/* reports/* logs .snakemake
	touch data/processed/.gitkeep reports/.gitkeep
