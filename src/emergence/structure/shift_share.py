"""Shift-share of employment change by sector, each country set against the other countries of the group.

For country r, sector i and the peers' pooled employment N (the other countries, same base and end year):
dE_ri = E_ri0 g_N (national growth) + E_ri0 (g_Ni - g_N) (sector mix) + E_ri0 (g_ri - g_Ni) (differential),
where g are growth rates over the span. The differential is computed as dE_ri - E_ri0 g_Ni, which stays
defined when the country's sector starts from zero.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from emergence.structure.levels import SPAN_KEYS, TOTAL

COMPONENTS = ("actual", "national", "mix", "differential")
MEASURES = ("level", "pct_initial")

log = logging.getLogger(__name__)


def _pooled(left: pd.DataFrame, right: pd.DataFrame, on: list[str], values: list[str]) -> pd.DataFrame:
    """For each row of `left`, the sums of `values` over the rows of `right` from other countries matching `on`."""
    peers = right.rename(columns={"country": "peer"})
    pairs = left.merge(peers, on=on, how="inner")
    pairs = pairs[pairs["country"] != pairs["peer"]]
    return pairs.groupby([*SPAN_KEYS, *[c for c in on if c not in SPAN_KEYS]], sort=True)[values].sum()


def shift_share(changes: pd.DataFrame) -> pd.DataFrame:
    """Components by sector (and 'total'), in persons-units and as % of the country's base-year employment.

    Spans of countries without peers observed over the same years get no rows.
    """
    emp = changes[[*SPAN_KEYS, "sector", "emp0", "emp1"]]
    spans = emp[SPAN_KEYS].drop_duplicates()
    years = ["base_year", "end_year"]
    country_totals = emp.groupby(SPAN_KEYS, sort=True)[["emp0", "emp1"]].sum().reset_index()
    peer_totals = _pooled(spans, country_totals.drop(columns="period").drop_duplicates(), years, ["emp0", "emp1"])
    peer_sectors = _pooled(
        emp[[*SPAN_KEYS, "sector"]], emp.drop(columns="period").drop_duplicates(), [*years, "sector"], ["emp0", "emp1"]
    )
    lonely = spans.set_index(SPAN_KEYS).index.difference(peer_totals.index)
    if len(lonely):
        log.warning("no peers observed over the same years for %d country spans; no shift-share for them", len(lonely))
    rows = emp.join(peer_totals.rename(columns=lambda c: f"peers_{c}"), on=SPAN_KEYS, how="inner")
    rows = rows.join(peer_sectors.rename(columns=lambda c: f"ref_{c}"), on=[*SPAN_KEYS, "sector"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        g_national = rows["peers_emp1"] / rows["peers_emp0"] - 1.0
        g_sector = (rows["ref_emp1"] / rows["ref_emp0"] - 1.0).where(rows["ref_emp0"] > 0)
    actual = rows["emp1"] - rows["emp0"]
    parts = rows[[*SPAN_KEYS, "sector"]].assign(
        actual=actual,
        national=rows["emp0"] * g_national,
        mix=rows["emp0"] * (g_sector - g_national),
        differential=actual - rows["emp0"] * g_sector,
    )
    total = parts.groupby(SPAN_KEYS, sort=True)[list(COMPONENTS)].agg(lambda s: s.sum(skipna=False)).reset_index()
    parts = pd.concat([parts, total.assign(sector=TOTAL)], ignore_index=True)
    long = parts.melt(id_vars=[*SPAN_KEYS, "sector"], value_vars=list(COMPONENTS), var_name="component")
    initial = country_totals.set_index(SPAN_KEYS)["emp0"]
    base_emp = initial.reindex(pd.MultiIndex.from_frame(long[SPAN_KEYS])).to_numpy()
    return pd.concat(
        [long.assign(measure="level"), long.assign(measure="pct_initial", value=100.0 * long["value"] / base_emp)],
        ignore_index=True,
    )
