"""The build's processed tables by name, validated, for exploratory notebooks (notebooks/explore/).

`load("etd")` reads data/processed/clean/etd.csv of this project, wherever the notebook's kernel was started, and
checks it against the table's schema (column types, ranges, unique keys) as the build's own jobs do; `names()`
lists every table the registry knows. Build the tables first with `make report` (or `snakemake TABLE`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from emergence import registry
from emergence.config import ROOT
from emergence.errors import InputError


def names() -> list[str]:
    """Every processed table, by the name `load` takes."""
    return sorted(table.name for table in registry.TABLES)


def load(name: str, root: str | Path = ROOT) -> pd.DataFrame:
    """The processed table `name` of the project at `root`, validated against its schema."""
    path = Path(root) / registry.table(name).path
    if not path.is_file():
        hint = f"built by `make report` (or `snakemake {registry.table(name).path}`)"
        raise InputError(path, "file", f"table '{name}' {hint}")
    return registry.read(name, root=root)
