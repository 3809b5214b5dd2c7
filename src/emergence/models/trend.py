"""Trend growth: OLS of the log level on a time trend with HAC intervals, beside endpoint CAGR and mean annual
growth, which answer different questions and differ whenever the first or last year is off trend.

With 29 years the nominal 95 % HAC interval covers the true growth rate in about 88 % of simulated samples even
with independent errors (tests/test_models_trend.py), so read it as somewhat too narrow.
"""

from __future__ import annotations

import math

import numpy as np

from emergence.growth import compound_rate
from emergence.linear import trend_design
from emergence.models.ols import fit_ols, growth_pct
from emergence.models.series import Series
from emergence.settings import SAMPLE_ID, ModelSettings, spans

# Status of a fit, written in every result table so short and undefined cases are visible, not silent.
OK = "ok"  # HAC interval
SHORT = "short"  # fewer years than models.trend.hac_min_years: classical OLS interval, autocorrelation ignored
TOO_SHORT = "too_short"  # fewer years than needed to estimate and test
NO_DATA = "no_data"  # the period lies outside the series
NOT_POSITIVE = "not_positive"  # a zero or negative value: logs undefined
STATUSES = (OK, SHORT, TOO_SHORT, NO_DATA, NOT_POSITIVE)
NAN = math.nan


def mean_growth_pct(values: np.ndarray) -> float:
    """Arithmetic mean of the year-on-year growth rates within the period, in %."""
    return float(100.0 * np.mean(values[1:] / values[:-1] - 1.0))


def segment_growth(years: np.ndarray, values: np.ndarray, settings: ModelSettings) -> dict:
    """Trend growth with its interval, CAGR, mean growth and n for one run of contiguous years."""
    n = len(years)
    row = {
        "first_year": int(years[0]) if n else None,
        "last_year": int(years[-1]) if n else None,
        "n": n,
        "growth_pct": NAN,
        "ci_low_pct": NAN,
        "ci_high_pct": NAN,
        "slope_se": NAN,
        "cov_type": None,
        "df_resid": None,
        "cagr_pct": NAN,
        "mean_growth_pct": NAN,
    }
    if n == 0:
        return {**row, "status": NO_DATA}
    if np.any(values <= 0):
        return {**row, "status": NOT_POSITIVE}
    if n >= 2:
        cagr = float(compound_rate(values[0], values[-1], n - 1))
        row.update(cagr_pct=cagr, mean_growth_pct=mean_growth_pct(values))
    if n < settings.trend.min_years:
        return {**row, "status": TOO_SHORT}
    fit = fit_ols(np.log(values), trend_design(years), settings)
    slope, se, low, high = fit.interval(np.array([0.0, 1.0]), settings.confidence)
    row.update(
        growth_pct=growth_pct(slope),
        ci_low_pct=growth_pct(low),
        ci_high_pct=growth_pct(high),
        ci_level=settings.confidence,
        slope_se=se,
        cov_type=fit.cov_type,
        df_resid=fit.df_resid,
        status=OK if fit.cov_type != "OLS" else SHORT,
    )
    return row


def period_growth(series: Series, settings: ModelSettings) -> list[dict]:
    """One row for each configured policy period and one for the whole sample.

    A period covers the growth of its years, so its fit runs from the year before its start (as in the structure
    stage): consecutive periods share a year and chain into the whole sample. Periods outside the data say so.
    """
    first, last = int(series.years[0]), int(series.years[-1])
    covered = {span.period: span for span in spans(settings.periods, first, last)}
    rows = []
    for period in [p.id for p in settings.periods] + [SAMPLE_ID]:
        span = covered.get(period)
        inside = (series.years >= span.base) & (series.years <= span.end) if span else np.zeros(len(series.years), bool)
        rows.append({"period": period, **segment_growth(series.years[inside], series.values[inside], settings)})
    return rows
