"""Constant-price value added and employment by sector, in complete years, and their values at span ends."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from emergence.errors import InputError
from emergence.sources.common import select_countries

VA = "va_constant"
EMP = "emp"
TOTAL = "total"
SPAN_KEYS = ["country", "period", "base_year", "end_year"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Levels:
    """Sector levels (columns country, sector, year, va, emp) and what they are measured in."""

    frame: pd.DataFrame
    va_unit: str
    emp_unit: str
    source: str


def sector_levels(
    table: pd.DataFrame, countries: tuple[str, ...], merges: tuple[tuple[str, str], ...], where: str
) -> Levels:
    """Value added at constant prices and employment for each sector (not the total), in complete years.

    A sector listed in `merges` whose employment is missing or zero in some year is added to its partner
    (the publishers count those workers there), since its productivity is undefined. Years in which any
    sector lacks a value are dropped; employment that is still zero or negative is an error.
    """
    missing_cols = [c for c in ("country", "sector", "variable", "year", "value", "unit", "source") if c not in table]
    if missing_cols:
        raise InputError(
            where, "columns", "a tidy table (country, sector, variable, year, value, unit, source)", missing_cols
        )
    select_countries(set(table["country"]), list(countries), where)
    rows = table[table["country"].isin(countries) & table["variable"].isin([VA, EMP]) & (table["sector"] != TOTAL)]
    for country in countries:
        present = set(rows.loc[rows["country"] == country, "variable"])
        if present != {VA, EMP}:
            raise InputError(where, f"country {country}", f"rows of variables {VA} and {EMP}", sorted(present))
    units = {v: _unit(rows, v, where) for v in (VA, EMP)}
    wide = rows.pivot_table(index=["country", "sector", "year"], columns="variable", values="value", aggfunc="first")
    wide = wide.reindex(columns=[VA, EMP]).rename(columns={VA: "va", EMP: "emp"}).reset_index()
    wide = _merge_sectors(wide, dict(merges), where)
    wide = _complete_years(wide, where)
    bad = wide[wide["emp"] <= 0]
    if len(bad):
        first = bad.iloc[0]
        raise InputError(
            where,
            f"country {first['country']}, sector {first['sector']}, year {first['year']}, variable {EMP}",
            "positive employment (or the sector listed in structure.merge_without_employment)",
            float(first["emp"]),
        )
    frame = wide.sort_values(["country", "sector", "year"]).reset_index(drop=True)
    return Levels(frame, units[VA], units[EMP], _single(rows["source"], where, "column 'source'"))


def _unit(rows: pd.DataFrame, variable: str, where: str) -> str:
    return _single(rows.loc[rows["variable"] == variable, "unit"], where, f"unit of variable {variable}")


def _single(values: pd.Series, where: str, location: str) -> str:
    distinct = sorted(values.dropna().unique())
    if len(distinct) != 1:
        raise InputError(where, location, "one value", distinct)
    return str(distinct[0])


def _merge_sectors(wide: pd.DataFrame, merges: dict[str, str], where: str) -> pd.DataFrame:
    parts = []
    for country, group in wide.groupby("country", sort=True):
        sectors = set(group["sector"])
        lacking = group.loc[group["emp"].isna() | (group["emp"] == 0), "sector"]
        relabel = {s: merges[s] for s in sorted(set(lacking)) if s in merges}
        for sector, partner in relabel.items():
            if partner not in sectors:
                raise InputError(
                    "config/config.yaml",
                    f"structure.merge_without_employment.{sector}",
                    "a sector of the table",
                    partner,
                )
            log.info("%s: %s has no employment in some years; merged into %s (%s)", country, sector, partner, where)
        parts.append(group.assign(sector=group["sector"].replace(relabel)))
    merged = pd.concat(parts, ignore_index=True)
    return merged.groupby(["country", "sector", "year"], as_index=False, sort=True)[["va", "emp"]].sum(min_count=1)


def _complete_years(wide: pd.DataFrame, where: str) -> pd.DataFrame:
    sectors = wide.groupby("country")["sector"].transform("nunique")
    complete = wide[["va", "emp"]].notna().all(axis=1)
    counts = complete.groupby([wide["country"], wide["year"]]).transform("sum")
    kept = wide[counts == sectors]
    for country in sorted(set(wide["country"])):
        years = kept.loc[kept["country"] == country, "year"].nunique()
        if years < 2:
            raise InputError(
                where, f"country {country}", f"two or more years with {VA} and {EMP} for every sector", years
            )
        dropped = wide.loc[wide["country"] == country, "year"].nunique() - years
        if dropped:
            log.info("%s: %d years lack a sector's value added or employment and are left out", country, dropped)
    return kept


def country_spans(levels: Levels, make_spans) -> pd.DataFrame:
    """One row per country and span (columns SPAN_KEYS); `make_spans(years)` lists a country's spans."""
    records = [
        (country, span.period, span.base, span.end)
        for country, years in levels.frame.groupby("country", sort=True)["year"]
        for span in make_spans(sorted(set(years)))
    ]
    return pd.DataFrame.from_records(records, columns=SPAN_KEYS)


def at_spans(levels: Levels, spans: pd.DataFrame) -> pd.DataFrame:
    """Sector levels at the base and end year of each span: columns SPAN_KEYS, sector, va0, emp0, va1, emp1."""
    frame = levels.frame
    start = spans.merge(frame, left_on=["country", "base_year"], right_on=["country", "year"]).drop(columns="year")
    end = spans.merge(frame, left_on=["country", "end_year"], right_on=["country", "year"]).drop(columns="year")
    keys = [*SPAN_KEYS, "sector"]
    out = start.merge(end, on=keys, how="inner", suffixes=("0", "1"), validate="one_to_one")
    return out.sort_values(keys).reset_index(drop=True)
