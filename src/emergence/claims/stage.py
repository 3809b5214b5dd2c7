"""The claims stage, one function per workflow rule: read the inputs, build the tables, write them."""

from __future__ import annotations

import os

import pandas as pd

from emergence.claims.clusters import CLUSTER_SCHEMAS, cluster_tables
from emergence.claims.consistency import CONSISTENCY_SCHEMA, consistency_table
from emergence.claims.ledger import (
    LEDGER_SCHEMA,
    SUMMARY_SCHEMA,
    Tolerance,
    build_ledger,
    check_claims,
    context,
    summarise,
)
from emergence.claims.targets import TARGETS_SCHEMA, targets_table
from emergence.clean import GROUPS_SCHEMA, SCHEMAS
from emergence.config import read_yaml
from emergence.io import read_table, write_table
from emergence.paper import PAPER_SCHEMAS

Path = str | os.PathLike
TABLE_SCHEMAS = {**SCHEMAS, "sector_groups": GROUPS_SCHEMA, **PAPER_SCHEMAS}


def read_tables(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The processed tables a recipe may name, each validated against its schema."""
    return {name: read_table(path, TABLE_SCHEMAS[name]) for name, path in sorted(paths.items())}


def write_ledger(claims_path: Path, tables: dict[str, Path], outputs: dict[str, Path], tolerance: dict) -> None:
    """Ledger, summary by status, the internal consistency checks and the plans' targets against outcomes
    (outputs: ledger, summary, consistency, targets): one reading of the claims and the tables serves them all."""
    where = str(claims_path)
    doc = read_yaml(claims_path)
    claims = check_claims(doc, where)
    frames = read_tables(tables)
    known = context(claims, frames)
    tol = Tolerance.from_params(tolerance)
    ledger = write_table(build_ledger(claims, frames, tol, where), outputs["ledger"], LEDGER_SCHEMA)
    write_table(summarise(ledger), outputs["summary"], SUMMARY_SCHEMA)
    write_table(consistency_table(doc.get("checks", []), known, tol, where), outputs["consistency"], CONSISTENCY_SCHEMA)
    write_table(targets_table(claims, known, where), outputs["targets"], TARGETS_SCHEMA)


def write_clusters(clusters_path: Path, companies_path: Path, outputs: dict[str, Path]) -> None:
    """The cluster tables (outputs keyed like CLUSTER_SCHEMAS)."""
    clusters = read_table(clusters_path, PAPER_SCHEMAS["clusters"])
    companies = read_table(companies_path, PAPER_SCHEMAS["cluster_companies"])
    for name, frame in cluster_tables(clusters, companies).items():
        write_table(frame, outputs[name], CLUSTER_SCHEMAS[name])
