"""Peer comparison: a sector's share of value added (current and constant prices) and of employment, and its peak."""

from __future__ import annotations

import pandas as pd

from emergence.errors import InputError
from emergence.sources.common import select_countries

SHARE_VARIABLES = ("va_current_share", "va_constant_share", "emp_share")
PEAK_KEYS = ["source", "country", "sector", "variable"]


def peer_shares(table: pd.DataFrame, countries: tuple[str, ...], sectors: tuple[str, ...], where: str) -> pd.DataFrame:
    """The share series of `sectors` for every country, as published in the clean table (tidy rows)."""
    select_countries(set(table["country"]), list(countries), where)
    rows = table[
        table["country"].isin(countries) & table["sector"].isin(sectors) & table["variable"].isin(SHARE_VARIABLES)
    ]
    rows = rows[rows["value"].notna()]
    found = set(zip(rows["country"], rows["sector"], rows["variable"], strict=True))
    for country in countries:
        for sector in sectors:
            absent = [v for v in SHARE_VARIABLES if (country, sector, v) not in found]
            if absent:
                raise InputError(
                    where,
                    f"country {country}, sector {sector}",
                    f"rows of {list(SHARE_VARIABLES)}",
                    f"none of {absent}",
                )
    return rows[["country", "sector", "variable", "year", "value", "unit", "source"]].reset_index(drop=True)


def peaks(shares: pd.DataFrame) -> pd.DataFrame:
    """Per series: the highest share and its (first) year, and the shares of the first and last years."""
    ordered = shares.sort_values([*PEAK_KEYS, "year"], kind="mergesort")
    groups = ordered.groupby(PEAK_KEYS, sort=True)
    top = ordered.loc[groups["value"].idxmax()].set_index(PEAK_KEYS)
    first, last = groups.first(), groups.last()
    return pd.DataFrame(
        {
            "peak_year": top["year"],
            "peak_value": top["value"],
            "first_year": first["year"],
            "first_value": first["value"],
            "last_year": last["year"],
            "last_value": last["value"],
            "unit": top["unit"],
        }
    ).reset_index()
