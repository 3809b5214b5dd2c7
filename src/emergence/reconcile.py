"""Cross-source reconciliation: the same measure in two sources, year by year, with the definitions stated."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from emergence.io import read_table, write_all
from emergence.tables import Column, TableSchema


@dataclass(frozen=True)
class Series:
    """One series of a processed table: which table, sector and variable (and source and scheme for grouped sectors)."""

    table: str
    sector: str
    variable: str
    scheme: str | None = None
    definition: str = ""
    source: str | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    reference: Series
    others: tuple[Series, ...]


ETD_VA = "% of value added at basic prices, current prices, 12 ETD sectors (ISIC Rev. 4)"
ETD_EMP = "% of persons engaged, GGDC harmonised census and survey data"
MEASURES = (
    Measure(
        "manufacturing share of value added",
        "%",
        Series("etd", "manufacturing", "va_current_share", definition=ETD_VA),
        (
            Series(
                "un_ama",
                "manufacturing",
                "va_current_lcu_share",
                definition="% of the sum of 7 UN activity groups (ISIC Rev. 3, D; excludes publishing and recycling)",
            ),
            Series(
                "un_ama", "manufacturing", "va_current_usd_share", definition="as UN dirhams, later release (revised)"
            ),
            Series(
                "ggdc10", "manufacturing", "va_current_share", definition="% of value added, 10 sectors (ISIC Rev. 3.1)"
            ),
            Series(
                "wdi",
                "manufacturing",
                "va_share_gdp",
                definition="% of GDP at purchaser prices, not of value added: lower by the weight of net taxes on products",
            ),
        ),
    ),
    Measure(
        "agriculture share of value added",
        "%",
        Series("etd", "agriculture", "va_current_share", definition=ETD_VA),
        (
            Series(
                "un_ama",
                "agriculture",
                "va_current_lcu_share",
                definition="% of the sum of 7 UN activity groups (ISIC A-B)",
            ),
            Series("ggdc10", "agriculture", "va_current_share", definition="% of value added, 10 sectors"),
            Series("wdi", "agriculture", "va_share_gdp", definition="% of GDP at purchaser prices, not of value added"),
        ),
    ),
    Measure(
        "industry (mining, manufacturing, utilities, construction) share of value added",
        "%",
        Series("sector_groups", "secondary", "va_current_share", scheme="broad3", definition=ETD_VA, source="etd"),
        (
            Series(
                "sector_groups",
                "secondary",
                "va_current_lcu_share",
                scheme="broad3",
                definition="UN activity groups C-F (% of the sum of 7 groups)",
                source="un_ama",
            ),
            Series("wdi", "industry", "va_share_gdp", definition="% of GDP at purchaser prices, not of value added"),
        ),
    ),
    Measure(
        "agriculture share of employment",
        "%",
        Series("etd", "agriculture", "emp_share", definition=ETD_EMP),
        (
            Series(
                "ggdc10",
                "agriculture",
                "emp_share",
                definition="GGDC 10-sector: much lower agricultural employment for Morocco (different benchmark)",
            ),
            Series(
                "wdi",
                "agriculture",
                "emp_share",
                definition="ILO modelled estimate, benchmarked on the labour force survey",
            ),
        ),
    ),
    Measure(
        "industry share of employment",
        "%",
        Series("sector_groups", "secondary", "emp_share", scheme="broad3", definition=ETD_EMP, source="etd"),
        (Series("wdi", "industry", "emp_share", definition="ILO modelled estimate (industry incl. construction)"),),
    ),
    Measure(
        "services share of employment",
        "%",
        Series("sector_groups", "tertiary", "emp_share", scheme="broad3", definition=ETD_EMP, source="etd"),
        (Series("wdi", "services", "emp_share", definition="ILO modelled estimate"),),
    ),
)

SCHEMA = TableSchema(
    name="reconciliation",
    columns=(
        Column("measure", "str"),
        Column("country", "str"),
        Column("year", "int", min=1900, max=2100),
        Column("reference_source", "str"),
        Column("reference_value", "float"),
        Column("source", "str"),
        Column("variable", "str"),
        Column("value", "float"),
        Column("difference", "float"),
        Column("flag", "str", allowed=("agrees", "differs", "differs by definition")),
        Column("definition", "str"),
    ),
    key=("measure", "country", "source", "variable", "year"),
)
SUMMARY_SCHEMA = TableSchema(
    name="reconciliation_summary",
    columns=(
        Column("measure", "str"),
        Column("country", "str"),
        Column("source", "str"),
        Column("variable", "str"),
        Column("first_year", "int"),
        Column("last_year", "int"),
        Column("years", "int", min=1),
        Column("mean_difference", "float"),
        Column("max_abs_difference", "float", min=0),
        Column("years_beyond_tolerance", "int", min=0),
        Column("definition", "str"),
    ),
    key=("measure", "country", "source", "variable"),
)


def _pick(tables: dict[str, pd.DataFrame], series: Series) -> pd.DataFrame:
    table = tables[series.table]
    rows = table[(table["sector"] == series.sector) & (table["variable"] == series.variable)]
    if series.scheme is not None:
        rows = rows[(rows["scheme"] == series.scheme) & (rows["source"] == series.source)]
    return rows[["country", "year", "value", "source"]]


def reconcile(tables: dict[str, pd.DataFrame], tolerance_pp: float) -> pd.DataFrame:
    """Every overlapping year of each measure, the difference from the ETD reference, and a flag.

    A difference beyond the tolerance is 'differs by definition' when the two series measure different things
    (a share of GDP against a share of value added), so that a reader sees why, not just that, they disagree.
    """
    frames = []
    for measure in MEASURES:
        ref = _pick(tables, measure.reference).rename(
            columns={"value": "reference_value", "source": "reference_source"}
        )
        for other in measure.others:
            both = ref.merge(_pick(tables, other), on=["country", "year"], how="inner")
            gap = both["value"] - both["reference_value"]
            definitional = "not of value added" in other.definition
            flag = (
                gap.abs()
                .gt(tolerance_pp)
                .map({False: "agrees", True: "differs by definition" if definitional else "differs"})
            )
            frames.append(
                both.assign(
                    measure=measure.name,
                    variable=other.variable,
                    difference=gap,
                    flag=flag,
                    definition=other.definition,
                )
            )
    return pd.concat(frames, ignore_index=True)


def summarise(rows: pd.DataFrame, tolerance_pp: float) -> pd.DataFrame:
    keys = ["measure", "country", "source", "variable"]
    grouped = rows.groupby(keys, sort=True)
    return pd.DataFrame(
        {
            "first_year": grouped["year"].min(),
            "last_year": grouped["year"].max(),
            "years": grouped["year"].count(),
            "mean_difference": grouped["difference"].mean(),
            "max_abs_difference": grouped["difference"].apply(lambda d: d.abs().max()),
            "years_beyond_tolerance": grouped["difference"].apply(lambda d: int((d.abs() > tolerance_pp).sum())),
            "definition": grouped["definition"].first(),
        }
    ).reset_index()


def write_reconciliation(
    tables: dict[str, str | os.PathLike],
    schemas: dict[str, TableSchema],
    tolerance_pp: float,
    output: str,
    summary: str,
) -> None:
    frames = {name: read_table(path, schemas[name]) for name, path in tables.items()}
    rows = SCHEMA.validate(reconcile(frames, tolerance_pp), where=str(output))  # the summary reads it sorted
    write_all({output: (rows, SCHEMA), summary: (summarise(rows, tolerance_pp), SUMMARY_SCHEMA)})
