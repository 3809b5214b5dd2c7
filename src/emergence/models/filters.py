"""Trend and cycle of the log level by two filters side by side: Hodrick-Prescott with the annual smoothing value
(6.25, Ravn and Uhlig 2002) and Hamilton's (2018) regression filter, which has no end-of-sample distortion but
loses the first h + p - 1 years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from emergence.models.series import Series
from emergence.settings import ModelSettings

CYCLE_UNIT = "% deviation from trend (100 x log)"


def hp_filter(log_level: np.ndarray, smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Trend and cycle of a log series by the Hodrick-Prescott filter."""
    from statsmodels.tsa.filters.hp_filter import hpfilter

    cycle, trend = hpfilter(log_level, lamb=smoothing)
    return np.asarray(trend), np.asarray(cycle)


def hamilton_filter(log_level: np.ndarray, horizon: int, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Trend and cycle by Hamilton's regression of y[t+h] on a constant and y[t], ..., y[t-p+1].

    The trend at t+h is the fitted value, the cycle the residual; the first h + p - 1 values are NaN.
    """
    n = len(log_level)
    first = horizon + lags - 1
    trend = np.full(n, np.nan)
    cycle = np.full(n, np.nan)
    if n - first < lags + 2:  # too few regression rows to leave a residual degree of freedom
        return trend, cycle
    target = log_level[first:]
    X = np.column_stack([np.ones(n - first)] + [log_level[lags - 1 - j : n - horizon - j] for j in range(lags)])
    beta, *_ = np.linalg.lstsq(X, target, rcond=None)
    trend[first:] = X @ beta
    cycle[first:] = target - trend[first:]
    return trend, cycle


def trend_cycle(series: Series, settings: ModelSettings) -> pd.DataFrame:
    """Tidy rows: trend in the series' unit and cycle in % of trend, for both filters; empty if logs are undefined."""
    if not series.positive:
        return pd.DataFrame()
    y = np.log(series.values)
    parts = []
    for name, (trend, cycle) in (
        ("hp", hp_filter(y, settings.filters.hp_lambda)),
        ("hamilton", hamilton_filter(y, settings.filters.hamilton_horizon, settings.filters.hamilton_lags)),
    ):
        for component, values, unit in (("trend", np.exp(trend), series.unit), ("cycle", 100 * cycle, CYCLE_UNIT)):
            part = {"filter": name, "component": component, "year": series.years, "value": values, "unit": unit}
            parts.append(pd.DataFrame(part))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    return out.assign(country=series.country, sector=series.sector, variable=series.variable, source=series.source)
