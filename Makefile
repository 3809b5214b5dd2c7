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

.PHONY: report test lint unit corpus builds slurm chromium clean-outputs package

# The environment: `python -m venv`, then requirements.lock (exact versions, each with the sha256 of its files)
# installed with uv, in half pip's time or less on a fresh machine (`benchmarks/run.py --setup-only`): the uv on
# PATH, else uv installed into the new environment from requirements-uv.lock (pinned and hashed too).
# Without uv, or when uv fails, pip installs the same lock. Both check every hash and compile the bytecode.
# EMERGENCE_INSTALLER=pip skips uv; EMERGENCE_INSTALLER=uv stops with an error instead of falling back to pip.
EMERGENCE_INSTALLER ?= auto
ifeq ($(filter auto uv pip,$(EMERGENCE_INSTALLER)),)
$(error EMERGENCE_INSTALLER is '$(EMERGENCE_INSTALLER)'; expected auto, uv or pip)
endif
PIP := $(VENV)/bin/pip --quiet --disable-pip-version-check
UV_INSTALL = "$$uv" pip install --quiet --python $(VENV)/bin/python --compile-bytecode
PIP_INSTALL = $(PIP) install --require-hashes -r requirements.lock && $(PIP) install --no-deps -e .

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@mode=$(EMERGENCE_INSTALLER); uv=; \
	if [ $$mode != pip ]; then \
	  uv=$$(command -v uv) || { $(PIP) install --require-hashes --only-binary :all: -r requirements-uv.lock && \
	    uv=$(VENV)/bin/uv; } || uv=; \
	fi; \
	if [ -n "$$uv" ]; then \
	  echo "installing requirements.lock with $$uv"; \
	  $(UV_INSTALL) --require-hashes -r requirements.lock && $(UV_INSTALL) --no-deps -e . && exit 0; \
	  echo "warning: uv could not install requirements.lock" >&2; \
	elif [ $$mode != pip ]; then echo "warning: uv is not on PATH and could not be installed" >&2; fi; \
	[ $$mode != uv ] || { echo "error: EMERGENCE_INSTALLER=uv, and uv did not install the environment" >&2; exit 1; }; \
	echo "installing requirements.lock with pip"; $(PIP_INSTALL)
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

# The browser check of the HTML report needs Debian's chromium; installed here when missing (as root, from apt).
chromium:
	@command -v chromium >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "warning: could not install chromium; tests/test_report_html.py will fail"

unit: $(BYTECODE) chromium
	python -m pytest -m "not build and not corpus" -n 2

# The bad-input corpus at the package level: each mutation of a real extract stops its reader with the error it names.
corpus: $(BYTECODE)
	python -m pytest -m "corpus and not build" -n 2

# Whole builds in temporary copies: byte-identical rebuilds, interrupted builds, rerun triggers, SLURM.
builds: $(BYTECODE) slurm chromium
	python -m pytest -m build

# The CI gates, in order: lint, unit tests, the corpus, the full build, then the tests that build it again and compare.
test: lint unit corpus report builds

# The replication package dist/emergence-<version>.zip: the source, data/raw, the built tables and report, the
# generated README and codebook, LICENSE, CITATION.cff and PROVENANCE.json (the commit); same tree, same bytes.
package: report
	python -m emergence.package

# JupyterLab on the project's environment: the notebooks run on a kernel of .venv, with the package and its data.
# JupyterLab itself lives in its own environment, installed on first use from this pin: in .venv it would slow
# every `import jsonschema` (Snakemake's validate(), nbformat) by about a second. `make lab LAB_ARGS=--no-browser`.
JUPYTERLAB := jupyterlab==4.6.6
LAB_VENV := .venv-lab
LAB_ARGS ?=

.PHONY: lab
$(LAB_VENV)/.installed:
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/pip install --quiet --disable-pip-version-check $(JUPYTERLAB)
	touch $@

lab: $(BYTECODE) $(LAB_VENV)/.installed
	$(VENV)/bin/python -m ipykernel install --prefix $(LAB_VENV) --name python3 --display-name "Python 3 (emergence)"
	$(LAB_VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) --FileContentsManager.preferred_dir=notebooks \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean-outputs:
	rm -rf data/processed/* reports/* logs .snakemake
	touch data/processed/.gitkeep reports/.gitkeep
