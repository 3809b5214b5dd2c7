"""Compound growth over spans of years: the one annualisation that the structure and models stages share."""

from __future__ import annotations

import numpy as np


def compound_rate(start, end, years) -> np.ndarray:
    """Compound annual growth in % from `start` to `end` over `years`; NaN unless both levels are positive."""
    start, end, years = (np.asarray(x, dtype=float) for x in (start, end, years))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 100.0 * np.expm1(np.log(end / start) / years)
    return np.where((start > 0) & (end > 0), rate, np.nan)


def annualising_factor(relative_change, years) -> np.ndarray:
    """((1 + r)^(1/n) - 1) / r: multiplying each part of a relative change r by it turns r into the compound rate.

    So the parts of a change, annualised, still add up to the compound annual growth of the whole. The factor
    tends to 1/n as r tends to 0 and is NaN when 1 + r is not positive.
    """
    r, n = np.asarray(relative_change, dtype=float), np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.expm1(np.log1p(r) / n) / r
    return np.where(r > -1, np.where(r == 0, 1.0 / n, factor), np.nan)
