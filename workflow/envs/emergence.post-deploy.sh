#!/usr/bin/env bash
# Run by Snakemake inside the new --use-conda environment, from the workflow's working directory (the project
# root): the project's own package, whose dependencies the environment file installed from the hashed lock.
set -euo pipefail
python -m pip install --no-deps --disable-pip-version-check -e .
