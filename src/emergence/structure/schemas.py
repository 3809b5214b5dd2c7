"""Schemas of the stage's tables; the decomposition and shift-share schemas also check that their parts add up."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.io import write_all
from emergence.structure import decomposition, elasticity, shift_share
from emergence.tables import Column, TableSchema, tidy_schema

ADDITIVITY_TOLERANCE = 1e-9  # relative to the largest part; the CSV keeps 12 significant digits

SPAN_COLUMNS = (
    Column("country", "str"),
    Column("period", "str"),
    Column("base_year", "int", min=1900, max=2100),
    Column("end_year", "int", min=1900, max=2100),
)
TAIL = (Column("value", "float", nullable=True), Column("unit", "str"), Column("source", "str"))
TERMS = tuple(sorted({t for terms in decomposition.METHODS.values() for t in terms} | {"total"}))


def adds_up(groups: list[str], part: str, total: str, skip: Mapping[str, tuple[str, ...]] | None = None):
    """A table check: within each group, the values of the rows other than `part == total` sum to that row."""

    def check(df: pd.DataFrame, where: str) -> None:
        rows = df
        for column, excluded in (skip or {}).items():
            rows = rows[~rows[column].isin(excluded)]
        rows = rows[rows["value"].notna()]
        if rows.empty:
            return
        is_total = rows[part] == total
        parts = rows[~is_total].assign(size=rows["value"].abs()).groupby(groups, sort=True)
        sums, scale = parts["value"].sum(), parts["size"].max()
        totals = rows[is_total].set_index(groups)["value"]
        joined = pd.concat([sums.rename("sum"), scale.rename("scale"), totals.rename("total")], axis=1, join="inner")
        tolerance = ADDITIVITY_TOLERANCE * np.maximum(joined["scale"], joined["total"].abs()) + 1e-12
        bad = joined[(joined["sum"] - joined["total"]).abs() > tolerance]
        if len(bad):
            label = dict(zip(groups, bad.index[0], strict=True))
            raise InputError(
                where, f"{part} of {label}", f"parts summing to the {total} row", float(bad["sum"].iloc[0])
            )

    return check


DECOMPOSITION = TableSchema(
    name="structure_decomposition",
    columns=(
        *SPAN_COLUMNS,
        Column("method", "str", allowed=tuple(decomposition.METHODS)),
        Column("term", "str", allowed=TERMS),
        Column("sector", "str"),
        Column("measure", "str", allowed=decomposition.MEASURES),
        *TAIL,
    ),
    key=("source", "country", "period", "method", "term", "sector", "measure"),
    checks=(
        adds_up(["source", "country", "period", "method", "sector", "measure"], "term", "total"),
        adds_up(["source", "country", "period", "method", "term", "measure"], "sector", "total"),
    ),
)

DECOMPOSITION_ANNUAL = TableSchema(
    name="structure_decomposition_annual",
    columns=(
        Column("country", "str"),
        Column("method", "str", allowed=tuple(decomposition.METHODS)),
        Column("term", "str", allowed=TERMS),
        Column("measure", "str", allowed=decomposition.MEASURES),
        Column("year", "int", min=1900, max=2100),
        *TAIL,
    ),
    key=("source", "country", "method", "term", "measure", "year"),
    contiguous_years=("source", "country", "method", "term", "measure"),
    checks=(adds_up(["source", "country", "method", "measure", "year"], "term", "total"),),
)

ELASTICITY = TableSchema(
    name="structure_elasticity",
    columns=(*SPAN_COLUMNS, Column("sector", "str"), Column("variable", "str", allowed=elasticity.VARIABLES), *TAIL),
    key=("source", "country", "period", "sector", "variable"),
)

SHIFT_SHARE = TableSchema(
    name="structure_shift_share",
    columns=(
        *SPAN_COLUMNS,
        Column("sector", "str"),
        Column("component", "str", allowed=shift_share.COMPONENTS),
        Column("measure", "str", allowed=shift_share.MEASURES),
        *TAIL,
    ),
    key=("source", "country", "period", "sector", "component", "measure"),
    checks=(
        adds_up(["source", "country", "period", "sector", "measure"], "component", "actual"),
        adds_up(["source", "country", "period", "component", "measure"], "sector", "total"),
    ),
)

PEERS = tidy_schema("structure_peers")

PEAKS = TableSchema(
    name="structure_peaks",
    columns=(
        Column("country", "str"),
        Column("sector", "str"),
        Column("variable", "str"),
        Column("peak_year", "int", min=1900, max=2100),
        Column("peak_value", "float"),
        Column("first_year", "int", min=1900, max=2100),
        Column("first_value", "float"),
        Column("last_year", "int", min=1900, max=2100),
        Column("last_value", "float"),
        Column("unit", "str"),
        Column("source", "str"),
    ),
    key=("source", "country", "sector", "variable"),
)

SCHEMAS = {
    "decomposition": DECOMPOSITION,
    "decomposition_annual": DECOMPOSITION_ANNUAL,
    "elasticity": ELASTICITY,
    "shift_share": SHIFT_SHARE,
    "peers": PEERS,
    "peaks": PEAKS,
}


def write_tables(tables: Mapping[str, pd.DataFrame], paths: Mapping[str, str]) -> None:
    """Write each table to the path given under its name, validated by its schema (all of them, or none)."""
    write_all({path: (tables[name], SCHEMAS[name]) for name, path in paths.items()})
