"""The regions stage's tables built from the real HCP census snapshot and the paper's Table 2 with the package's own
functions, as the workflow builds them, for the tests of the stages that read them (claims, figures)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from emergence import registry
from emergence.config import load_config
from emergence.io import write_table
from emergence.paper import CLUSTERS_SCHEMA, clean_paper
from emergence.regions import structure, tidy
from emergence.settings import from_config

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PAPER = RAW / "paper"


def build_regions(folder: Path) -> dict[str, Path]:
    """Every table of the regions stage written under `folder`, by registry name (regions_summary, ...)."""
    release = RAW / "hcp_census" / load_config(ROOT / "config" / "config.yaml")["releases"]["hcp_census"]
    clean = {name: folder / f"{name}.csv" for name in ("census", "units", "fields")}
    tidy.write_census(release, clean)
    clusters = folder / "clusters.csv"
    write_table(
        clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")["clusters"],
        clusters,
        CLUSTERS_SCHEMA,
    )
    settings = from_config(load_config(ROOT / "config" / "config.yaml")).regions
    outputs = {name: folder / f"regions_{name}.csv" for name in structure.SCHEMAS}
    structure.write_regions(
        {"census": clean["census"], "fields": clean["fields"], "clusters": clusters}, settings, outputs
    )
    return {f"regions_{name}": path for name, path in outputs.items()}


def read_regions(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The tables read back as a later stage reads them, validated against the registry's schemas."""
    return {name: registry.read(name, path) for name, path in paths.items()}
