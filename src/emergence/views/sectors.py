"""Sector shares and series of the clean tables, as figures, report tables and quoted numbers select them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
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


def relative_productivity(etd: pd.DataFrame, where: str, country: str, base: int, end: int) -> pd.DataFrame:
    """McMillan and Rodrik's view of reallocation: for each sector with people employed in both years, the log
    of its labour productivity relative to the whole economy's in `end`, the change of its share of employment
    from `base` to `end` (points) and its employment in `end`. Columns sector, log_relative_productivity,
    emp_share_change, emp."""
    rows = etd[(etd["country"] == country) & etd["year"].isin((base, end))]
    wide = rows.pivot_table(index=["sector", "year"], columns="variable", values="value", aggfunc="first")
    needed = ["va_constant", "emp", "emp_share"]
    missing = [v for v in needed if v not in wide.columns]
    if missing or ("total", end) not in wide.index:
        raise InputError(where, f"rows of {country} in {base} and {end}", f"variables {needed} and the total")
    total = wide.loc[("total", end)]
    aggregate = total["va_constant"] / total["emp"]
    out = []
    for sector in dict.fromkeys(s for s, _ in wide.index if s != "total"):
        if (sector, base) not in wide.index or (sector, end) not in wide.index:
            continue
        first, last = wide.loc[(sector, base)], wide.loc[(sector, end)]
        if not (first["emp"] > 0 and last["emp"] > 0 and last["va_constant"] > 0):
            continue
        out.append(
            {
                "sector": sector,
                "log_relative_productivity": float(np.log(last["va_constant"] / last["emp"] / aggregate)),
                "emp_share_change": float(last["emp_share"] - first["emp_share"]),
                "emp": float(last["emp"]),
            }
        )
    return pd.DataFrame(out, columns=["sector", "log_relative_productivity", "emp_share_change", "emp"])


def price_bases(etd: pd.DataFrame, where: str, country: str, sector: str = "manufacturing") -> pd.DataFrame:
    """One sector's share of value added at current and at constant prices (columns current, constant) by year:
    their gap is the sector's relative price against the economy's."""
    rows = etd[(etd["country"] == country) & (etd["sector"] == sector)]
    wide = rows.pivot_table(index="year", columns="variable", values="value", aggfunc="first").sort_index()
    missing = [v for v in ("va_current_share", "va_constant_share") if v not in wide.columns]
    if missing:
        raise InputError(where, f"rows of {country}, sector {sector}", "current- and constant-price shares", missing)
    return wide[["va_current_share", "va_constant_share"]].rename(
        columns={"va_current_share": "current", "va_constant_share": "constant"}
    )
