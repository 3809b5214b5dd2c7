"""Which years each source holds for each configured country and variable, and which sources lack a country.

A peer added by config is in every snapshot that its publisher covers, and simply absent from the others (the
clean tables leave it out). Without this table that absence shows up only as a missing line or an "n/a"; here it
is one row per country, source and variable, with years present and missing, so the report can say it in words.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import pandas as pd

from emergence import registry
from emergence.io import write_table
from emergence.tables import Column, TableSchema

ANY_VARIABLE = "any"  # the variable of a source whose table holds no country at all

SCHEMA = TableSchema(
    name="coverage",
    columns=(
        Column("country", "str"),
        Column("source", "str"),
        Column("variable", "str"),
        Column("held", "bool"),
        Column("first_year", "int", nullable=True, min=1900, max=2100),
        Column("last_year", "int", nullable=True, min=1900, max=2100),
        Column("years", "int", min=0),
        Column("missing_years", "int", min=0),
        Column("missing", "str", nullable=True),
    ),
    key=("country", "source", "variable"),
)


def year_ranges(years: Sequence[int]) -> str | None:
    """Sorted years as runs, '1991-1993, 2001'; None when there are none."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs) or None


def coverage(tables: Mapping[str, pd.DataFrame], countries: Sequence[str]) -> pd.DataFrame:
    """Per configured country, source and variable of that source: whether the source holds the country, its first
    and last year with a value, the years with a value and the years missing between them (counted and listed).

    A country a source lacks gets one row per variable of the source (held false, no years), so the table says
    which sources lack it rather than leaving it out.
    """
    rows = []
    for source, table in sorted(tables.items()):
        present = table[table["value"].notna() & table["country"].isin(countries)]
        variables = sorted(set(table["variable"])) or [ANY_VARIABLE]
        years = present.groupby(["country", "variable"])["year"].unique().to_dict()
        for country in countries:
            held = bool((present["country"] == country).any())
            for variable in variables:
                found = sorted(int(y) for y in years.get((country, variable), ()))
                gaps = sorted(set(range(found[0], found[-1] + 1)) - set(found)) if found else []
                rows.append(
                    {
                        "country": country,
                        "source": source,
                        "variable": variable,
                        "held": held,
                        "first_year": found[0] if found else None,
                        "last_year": found[-1] if found else None,
                        "years": len(found),
                        "missing_years": len(gaps),
                        "missing": year_ranges(gaps),
                    }
                )
    return SCHEMA.validate(pd.DataFrame(rows, columns=SCHEMA.column_names), "coverage")


def lacking(table: pd.DataFrame, countries: Sequence[str]) -> dict[str, list[str]]:
    """Source -> the `countries` it holds no row for, in their order; sources that lack none are left out."""
    absent = set(zip(table.loc[~table["held"], "source"], table.loc[~table["held"], "country"], strict=True))
    out = {source: [c for c in countries if (source, c) in absent] for source in sorted(set(table["source"]))}
    return {source: found for source, found in out.items() if found}


def write_coverage(
    paths: Mapping[str, str | os.PathLike], countries: Sequence[str], output: str | os.PathLike
) -> pd.DataFrame:
    """Read the clean tables of the sources named in `paths`, validated, and write their coverage."""
    tables = {name: registry.read(name, path) for name, path in paths.items()}
    return write_table(coverage(tables, list(countries)), output, SCHEMA)
