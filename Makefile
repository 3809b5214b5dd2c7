# Two commands do all the set-up: `make report` builds the default outputs, `make test` runs every check.
# Each creates the virtual environment from the lock file when it is missing or out of date.

PYTHON ?= python3
VENV ?= .venv
CORES ?= 2
export PATH := $(abspath $(VENV))/bin:$(PATH)
STAMP := $(VENV)/.installed
# Bytecode of the package, compiled ahead: these machines set PYTHONDONTWRITEBYTECODE, so without it every job
# would compile the modules it imports again.
BYTECODE := $(VENV)/.bytecode
SOURCES := $(shell find src -name '*.py')

.PHONY: report test lint unit builds slurm clean-outputs

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(BYTECODE): $(STAMP) $(SOURCES)
	$(VENV)/bin/python -m compileall -q src
	touch $@

report: $(BYTECODE)
	snakemake --cores $(CORES)

lint: $(STAMP)
	ruff check .
	ruff format --check .
	snakefmt --check Snakefile workflow/rules
	snakemake --lint

# The SLURM test needs Debian's munge and slurm daemons; installed here when missing (as root, from apt).
slurm:
	@command -v slurmctld >/dev/null && command -v munged >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq munge slurmctld slurmd slurm-client >/dev/null; } || \
	  echo "warning: could not install SLURM; tests/test_slurm.py will fail"

unit: $(BYTECODE)
	python -m pytest -m "not build"

# Whole builds in temporary copies: byte-identical rebuilds, interrupted builds, rerun triggers, SLURM.
builds: $(BYTECODE) slurm
	python -m pytest -m build

# The CI gates, in order: lint, unit tests, the full build, then the tests that build it again and compare.
test: lint unit report builds

clean-outputs:
	rm -rf data/processed/* reports/* logs .snakemake
	touch data/processed/.gitkeep reports/.gitkeep
