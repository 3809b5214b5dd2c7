"""The productivity decomposition by country and period, as its figure and table show it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from emergence.errors import InputError
from emergence.settings import SAMPLE_ID

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
    order = [*periods, SAMPLE_ID]
    wide = wide[wide["period"].isin(order)]
    wide = wide.assign(
        _c=wide["country"].map({c: i for i, c in enumerate(countries)}),
        _p=wide["period"].map({p: i for i, p in enumerate(order)}),
    ).sort_values(["_c", "_p"], kind="mergesort")
    return wide[["country", "period", "base_year", "end_year", *DECOMPOSITION_TERMS, "total"]].reset_index(drop=True)


def sector_terms(df: pd.DataFrame, where: str, country: str, periods: Sequence[str]) -> pd.DataFrame:
    """Each sector's part of one country's productivity growth (% a year) in each period: within the sector, and
    from reallocation (the static and dynamic terms together). Columns sector, period, within, reallocation;
    periods in the given order, sectors in the table's order."""
    rows = df[
        (df["method"] == "three_term")
        & (df["measure"] == "annualised")
        & (df["country"] == country)
        & (df["sector"] != "total")
        & df["period"].isin(periods)
    ]
    if rows.empty:
        raise InputError(where, f"rows of {country}, method three_term, measure annualised, by sector", "some rows")
    wide = rows.pivot_table(index=["sector", "period"], columns="term", values="value", aggfunc="first")
    missing = [t for t in DECOMPOSITION_TERMS if t not in wide.columns]
    if missing:
        raise InputError(where, "column term", f"terms {list(DECOMPOSITION_TERMS)}", f"missing {missing}")
    out = pd.DataFrame(
        {"within": wide["within"], "reallocation": wide["static"] + wide["dynamic"]}, index=wide.index
    ).reset_index()
    sectors = list(dict.fromkeys(rows["sector"]))
    out = out.assign(
        _s=out["sector"].map({s: i for i, s in enumerate(sectors)}),
        _p=out["period"].map({p: i for i, p in enumerate(periods)}),
    ).sort_values(["_s", "_p"], kind="mergesort")
    return out.drop(columns=["_s", "_p"]).reset_index(drop=True)
