"""Selections of the clean tables that the figures, the report tables and the quoted numbers all share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from emergence.errors import InputError

# The current-price value-added share each source publishes, in the order sources are shown.
CURRENT_VA_SHARE = {"ggdc10": "va_current_share", "etd": "va_current_share", "un_ama": "va_current_usd_share"}


def share_matrix(df: pd.DataFrame, where: str, country: str, variable: str, **match: str) -> pd.DataFrame:
    """Years (rows) by sector (columns) of one country's variable, total excluded; other columns must equal `match`."""
    rows = df[(df["country"] == country) & (df["variable"] == variable) & (df["sector"] != "total")]
    for column, value in match.items():
        rows = rows[rows[column] == value]
    if rows.empty:
        wanted = {"country": country, "variable": variable, **match}
        raise InputError(where, f"rows {wanted}", "at least one row")
    return rows.pivot(index="year", columns="sector", values="value").sort_index()


def sector_series(df: pd.DataFrame, where: str, sector: str, variable: str, countries: Sequence[str]) -> pd.DataFrame:
    """Years (rows) by country (columns, in the given order, absent ones left out) of one sector's variable."""
    rows = df[(df["sector"] == sector) & (df["variable"] == variable) & df["country"].isin(countries)]
    if rows.empty:
        raise InputError(where, f"rows of sector {sector}, variable {variable}", f"rows for any of {list(countries)}")
    wide = rows.pivot(index="year", columns="country", values="value").sort_index()
    return wide[[c for c in countries if c in wide.columns]]


def ordered(columns: Iterable[str], order: Sequence[str]) -> list[str]:
    """Columns in the given order first, any others after them alphabetically."""
    columns = list(columns)
    known = [c for c in order if c in columns]
    return known + sorted(c for c in columns if c not in known)


def milestone_years(years: Iterable[int], events: Sequence[tuple[int, str]]) -> list[int]:
    """The first and last year of the data and every policy launch year strictly between them."""
    years = sorted(int(y) for y in years)
    if not years:
        raise InputError("report", "years", "at least one year of data")
    first, last = years[0], years[-1]
    return sorted({first, last} | {int(y) for y, _ in events if first < y < last and y in years})


def unit_of(df: pd.DataFrame, variable: str) -> str:
    return "; ".join(sorted(set(df.loc[df["variable"] == variable, "unit"])))


WHOLE_SAMPLE = "whole_sample"  # the structure stage's period spanning all years
DECOMPOSITION_TERMS = ("within", "static", "dynamic")  # the three-term shift-share of labour productivity growth


def decomposition_terms(df: pd.DataFrame, where: str, countries: Sequence[str], periods: Sequence[str]) -> pd.DataFrame:
    """Aggregate labour productivity growth (% a year) and its three terms, by country and period.

    Columns country, period, base_year, end_year, within, static, dynamic, total; countries and periods in the
    given order (the whole sample last), those absent from `df` left out.
    """
    rows = df[
        (df["method"] == "three_term")
        & (df["measure"] == "annualised")
        & (df["sector"] == "total")
        & df["country"].isin(countries)
    ]
    if rows.empty:
        raise InputError(where, "rows of method three_term, measure annualised, sector total", "at least one row")
    wide = rows.pivot_table(
        index=["country", "period", "base_year", "end_year"], columns="term", values="value", aggfunc="first"
    ).reset_index()
    missing = [t for t in (*DECOMPOSITION_TERMS, "total") if t not in wide.columns]
    if missing:
        raise InputError(where, "column term", f"terms {[*DECOMPOSITION_TERMS, 'total']}", f"missing {missing}")
    order = [*periods, WHOLE_SAMPLE]
    wide = wide[wide["period"].isin(order)]
    wide = wide.assign(
        _c=wide["country"].map({c: i for i, c in enumerate(countries)}),
        _p=wide["period"].map({p: i for i, p in enumerate(order)}),
    ).sort_values(["_c", "_p"], kind="mergesort")
    return wide[["country", "period", "base_year", "end_year", *DECOMPOSITION_TERMS, "total"]].reset_index(drop=True)


STATUS_LABELS = {
    "reproduced": "Reproduced",
    "close": "Close",
    "differs": "Differs",
    "inconsistent": "Inconsistent",
    "not_recomputable": "Not recomputable",
}
BASIS_LABELS = {"data": "Against our data", "paper": "Against the paper's own figures", "none": "No basis"}


def status_counts(ledger: pd.DataFrame) -> pd.DataFrame:
    """Claims by status (rows, in verdict order, unknown ones last) and basis (columns)."""
    counts = ledger.groupby(["status", "basis"]).size().unstack("basis", fill_value=0)
    order = [s for s in STATUS_LABELS if s in counts.index] + sorted(set(counts.index) - set(STATUS_LABELS))
    columns = [b for b in BASIS_LABELS if b in counts.columns] + sorted(set(counts.columns) - set(BASIS_LABELS))
    return counts.loc[order, columns]
