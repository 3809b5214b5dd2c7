"""ADF and KPSS tests with a trend on the log level: their nulls are opposite (unit root vs trend-stationarity),
so read together they say which of the two descriptions the data allow."""

from __future__ import annotations

import math
import warnings

import numpy as np

from emergence.models.series import Series
from emergence.models.trend import NOT_POSITIVE, OK, TOO_SHORT
from emergence.settings import ModelSettings

# The range of p-values statsmodels interpolates the KPSS statistic in; outside it the p-value is a bound.
KPSS_P_RANGE = (0.01, 0.10)
MIN_YEARS = 10
VERDICTS = {
    (True, False): "trend_stationary",
    (False, True): "difference_stationary",
    (True, True): "conflicting",
    (False, False): "inconclusive",
}


def unit_root_tests(series: Series, settings: ModelSettings) -> dict:
    """ADF (null: unit root) and KPSS (null: trend-stationary) on the log level, both with constant and trend."""
    from statsmodels.tsa.stattools import adfuller, kpss

    row = {
        "n": len(series.years),
        "adf_statistic": math.nan,
        "adf_p_value": math.nan,
        "adf_lags": None,
        "kpss_statistic": math.nan,
        "kpss_p_value": math.nan,
        "kpss_p_value_bound": None,
        "kpss_lags": None,
        "verdict": None,
    }
    if not series.positive:
        return {**row, "status": NOT_POSITIVE}
    if len(series.years) < MIN_YEARS:
        return {**row, "status": TOO_SHORT}
    y = np.log(series.values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the KPSS p-value bound is recorded below
        adf = adfuller(y, maxlag=settings.diagnostics.adf_max_lags, regression="ct", autolag="AIC", result_object=True)
        stationarity = kpss(y, regression="ct", nlags="auto", result_object=True)
    low, high = KPSS_P_RANGE
    bound = "below" if stationarity.pvalue <= low else "above" if stationarity.pvalue >= high else None
    adf_rejects = adf.pvalue < settings.diagnostics.significance
    kpss_rejects = stationarity.pvalue < settings.diagnostics.significance
    return {
        **row,
        "adf_statistic": float(adf.statistic),
        "adf_p_value": float(adf.pvalue),
        "adf_lags": int(adf.lags),
        "kpss_statistic": float(stationarity.statistic),
        "kpss_p_value": float(stationarity.pvalue),
        "kpss_p_value_bound": bound,
        "kpss_lags": int(stationarity.lags),
        "verdict": VERDICTS[(bool(adf_rejects), bool(kpss_rejects))],
        "status": OK,
    }
