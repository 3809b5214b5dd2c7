"""The claims stage, one function per workflow rule: read the inputs, build the tables, write them."""

from __future__ import annotations

import os

import pandas as pd

from emergence import registry
from emergence.claims.clusters import CLUSTER_SCHEMAS, cluster_tables
from emergence.claims.consistency import CONSISTENCY_SCHEMA, consistency_table
from emergence.claims.evaluate import context
from emergence.claims.judging import Tolerance
from emergence.claims.ledger import LEDGER_SCHEMA, SUMMARY_SCHEMA, build_ledger, summarise
from emergence.claims.scope import Scope
from emergence.claims.spec import load_claims
from emergence.claims.targets import TARGETS_SCHEMA, targets_table
from emergence.claims.variants import SOURCES_SCHEMA, sources_table
from emergence.clean import GROUPS_SCHEMA, SCHEMAS
from emergence.io import read_table, write_all
from emergence.paper import PAPER_SCHEMAS

Path = str | os.PathLike
TABLE_SCHEMAS = {**SCHEMAS, "sector_groups": GROUPS_SCHEMA, **PAPER_SCHEMAS}


def read_tables(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The processed tables a recipe may name, each validated against its schema (the regions stage's tables
    against the registry's, so this stage does not import another analysis)."""
    return {
        name: read_table(path, TABLE_SCHEMAS[name]) if name in TABLE_SCHEMAS else registry.read(name, path)
        for name, path in sorted(paths.items())
    }


def write_ledger(
    claims_path: Path,
    schema_path: Path,
    tables: dict[str, Path],
    outputs: dict[str, Path],
    tolerance: dict,
    focus: str,
    countries: list[str],
) -> None:
    """Ledger, summary by status, every claim's values by source and reading, the internal consistency checks and
    the plans' targets against outcomes (outputs: ledger, summary, sources, consistency, targets): one reading of
    the claims and the tables serves them all. `focus` and `countries` are the build's; the claims' own country
    is the claims file's."""
    where = str(claims_path)
    doc = load_claims(claims_path, schema_path)
    claims = doc["claims"]
    frames = read_tables(tables)
    scope = Scope(country=doc["country"], focus=focus, countries=tuple(countries))
    known = context(claims, frames, scope.country)
    tol = Tolerance.from_params(tolerance)
    ledger, variants = build_ledger(claims, frames, tol, scope, where)
    write_all(
        {
            outputs["ledger"]: (ledger, LEDGER_SCHEMA),
            outputs["summary"]: (summarise(ledger), SUMMARY_SCHEMA),
            outputs["sources"]: (sources_table(variants, where), SOURCES_SCHEMA),
            outputs["consistency"]: (consistency_table(doc.get("checks", []), known, tol, where), CONSISTENCY_SCHEMA),
            outputs["targets"]: (targets_table(doc, known, scope, where), TARGETS_SCHEMA),
        }
    )


def write_clusters(clusters_path: Path, companies_path: Path, outputs: dict[str, Path]) -> None:
    """The cluster tables (outputs keyed like CLUSTER_SCHEMAS)."""
    clusters = read_table(clusters_path, PAPER_SCHEMAS["clusters"])
    companies = read_table(companies_path, PAPER_SCHEMAS["cluster_companies"])
    tables = cluster_tables(clusters, companies)
    write_all({outputs[name]: (frame, CLUSTER_SCHEMAS[name]) for name, frame in tables.items()})
