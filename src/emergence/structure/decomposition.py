"""Decomposition of aggregate labour productivity change into within-sector and reallocation terms.

With sector productivity p_i = Y_i / L_i and employment share s_i = L_i / L, aggregate productivity is
P = sum_i s_i p_i, so between a base year 0 and an end year 1, exactly:

- two terms (McMillan, Rodrik and Verduzco-Gallo 2014):
  dP = sum_i s_i0 dp_i (within) + sum_i p_i1 ds_i (structural change);
- three terms (de Vries, Timmer and de Vries 2015):
  dP = sum_i s_i0 dp_i (within) + sum_i p_i0 ds_i (static reallocation) + sum_i ds_i dp_i (dynamic reallocation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from emergence.growth import annualising_factor
from emergence.structure.levels import SPAN_KEYS, TOTAL

METHODS = {"two_term": ("within", "structural"), "three_term": ("within", "static", "dynamic")}
MEASURES = ("level", "pct_initial", "annualised", "share_of_total")


def sector_terms(changes: pd.DataFrame) -> pd.DataFrame:
    """Each sector's part of each term (in productivity units), one row per span, sector, method and term.

    `changes` has one row per span and sector with va0, emp0, va1, emp1. The sector's part of the total is
    the change in its value added per worker of the whole economy, y_i = Y_i / L.
    """
    by_span = changes.groupby(SPAN_KEYS, sort=False)
    emp0, emp1 = by_span["emp0"].transform("sum"), by_span["emp1"].transform("sum")
    share0, share1 = changes["emp0"] / emp0, changes["emp1"] / emp1
    prod0, prod1 = changes["va0"] / changes["emp0"], changes["va1"] / changes["emp1"]
    d_share, d_prod = share1 - share0, prod1 - prod0
    within = share0 * d_prod
    parts = {
        ("two_term", "within"): within,
        ("two_term", "structural"): prod1 * d_share,
        ("three_term", "within"): within,
        ("three_term", "static"): prod0 * d_share,
        ("three_term", "dynamic"): d_share * d_prod,
    }
    own_total = changes["va1"] / emp1 - changes["va0"] / emp0
    for method in METHODS:
        parts[(method, "total")] = own_total
    keys = changes[[*SPAN_KEYS, "sector"]]
    return pd.concat(
        [keys.assign(method=m, term=t, level=v.to_numpy()) for (m, t), v in parts.items()], ignore_index=True
    )


def aggregate_productivity(changes: pd.DataFrame) -> pd.DataFrame:
    """Aggregate productivity at both ends of each span (p0, p1) and the span's length in years."""
    sums = changes.groupby(SPAN_KEYS, sort=True)[["va0", "emp0", "va1", "emp1"]].sum().reset_index()
    return sums.assign(
        p0=sums["va0"] / sums["emp0"], p1=sums["va1"] / sums["emp1"], years=sums["end_year"] - sums["base_year"]
    )[[*SPAN_KEYS, "p0", "p1", "years"]]


def decompose(changes: pd.DataFrame) -> pd.DataFrame:
    """Terms by sector and for the economy (sector 'total'), in the four measures of MEASURES.

    The economy's total is computed directly as P1 - P0, not as the sum of its terms, so that the identity
    can be checked. Measures: the level; % of base-year aggregate productivity; the annualised rate (each
    part of the relative change times the factor that makes the total the compound annual growth rate);
    the % share of the total change.
    """
    terms = sector_terms(changes)
    keys = [*SPAN_KEYS, "method", "term"]
    economy = terms[terms["term"] != "total"].groupby(keys, sort=True)["level"].sum().reset_index()
    aggregate = aggregate_productivity(changes)
    totals = pd.concat(
        [aggregate.assign(method=m, term="total", level=aggregate["p1"] - aggregate["p0"]) for m in METHODS]
    )[[*keys, "level"]]
    long = pd.concat([terms, pd.concat([economy, totals]).assign(sector=TOTAL)], ignore_index=True)
    long = long.merge(aggregate, on=SPAN_KEYS, how="left", validate="many_to_one")
    change = long["p1"] - long["p0"]
    pct = 100.0 * long["level"] / long["p0"]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(change != 0, 100.0 * long["level"] / change, np.nan)
    measures = {
        "level": long["level"],
        "pct_initial": pct,
        "annualised": pct * annualising_factor(change / long["p0"], long["years"]),
        "share_of_total": share,
    }
    base = long[[*keys, "sector"]]
    return pd.concat(
        [base.assign(measure=name, value=np.asarray(values, dtype=float)) for name, values in measures.items()],
        ignore_index=True,
    )
