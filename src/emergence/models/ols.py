"""OLS with Newey-West (HAC) standard errors, small-sample corrected and with t reference distributions,
shared by the trend and break models so both report uncertainty the same way."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from emergence.linear import newey_west_lags
from emergence.settings import ModelSettings


@dataclass(frozen=True)
class Fit:
    """Coefficients, their covariance and the degrees of freedom of their t intervals."""

    params: np.ndarray
    cov: np.ndarray
    df_resid: int
    cov_type: str

    def interval(self, weights: np.ndarray, confidence: float) -> tuple[float, float, float, float]:
        """Estimate, standard error and the t interval of weights @ params (a slope, or a sum of slope changes)."""
        from scipy import stats  # not at the top: table schemas import this module

        estimate = float(weights @ self.params)
        se = float(math.sqrt(max(weights @ self.cov @ weights, 0.0)))
        half = stats.t.ppf(0.5 + confidence / 2, self.df_resid) * se
        return estimate, se, estimate - half, estimate + half


def fit_ols(y: np.ndarray, X: np.ndarray, settings: ModelSettings) -> Fit:
    """OLS; HAC covariance (Bartlett kernel, n/(n-k) correction) once the sample has `hac_min_years`, else the
    classical covariance, since a handful of years cannot estimate autocorrelation."""
    import statsmodels.api as sm

    n = len(y)
    model = sm.OLS(y, X)
    if n >= settings.trend.hac_min_years:
        lags = settings.trend.hac_lags if settings.trend.hac_lags is not None else newey_west_lags(n)
        res = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
        cov_type = f"HAC({lags})"
    else:
        res = model.fit()
        cov_type = "OLS"
    return Fit(np.asarray(res.params), np.asarray(res.cov_params()), int(res.df_resid), cov_type)


def growth_pct(log_slope: float) -> float:
    """A slope of the log level as growth in % a year."""
    return 100.0 * math.expm1(log_slope)
