"""Multiple structural breaks at unknown dates: Bai and Perron (1998, 2003).

A pure structural change model y_t = x_t' b_j + e_t in regime j = 1..m+1 (every coefficient breaks), with the
break dates chosen by global minimisation of the sum of squared residuals (SSR) over all partitions whose
segments have at least h = floor(trimming * n) observations. The minimisation is Bai and Perron's (2003) dynamic
programme over the triangular matrix of segment SSRs, so it is exact, not a search from a starting point. The
models of annual series are the mean shift (x_t = 1) and the broken trend (x_t = (1, t)); any design works.

The number of breaks: sup-F(k) tests of 0 against k breaks, the UDmax and WDmax double maximum tests, the
sequential sup-F(l+1|l) tests, and the information criteria BIC (Yao 1988) and LWZ (Liu, Wu and Zidek 1997).
Critical values are the asymptotic ones of Bai and Perron (2003b) (see CRITICAL_VALUES); they hold for the
trimmings tabulated there, so other trimmings are refused.

Errors: `cov="ols"` assumes serially uncorrelated, homoskedastic errors (the classical F); `cov="hc"` makes the
F tests and the break-date intervals robust to heteroskedasticity (White), `cov="hac"` also to autocorrelation
(Newey-West Bartlett kernel, lags from `newey_west_lags`, no prewhitening: Bai and Perron prewhiten and use the
quadratic spectral kernel with Andrews' bandwidth). The variances are regime-specific, as with Bai and Perron's
`hetvar`/`hetq` options. With about 29 annual points every one of these is an asymptotic approximation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.linear import newey_west_lags, trend_design

MEAN = "mean"  # y_t = mu_j + e_t
TREND = "trend"  # y_t = mu_j + tau_j (year - first year) + e_t
SPECS = (MEAN, TREND)
COV_TYPES = ("ols", "hc", "hac")
ALPHAS = (0.10, 0.05, 0.025, 0.01)
SELECTORS = ("bic", "lwz", "sequential")
LWZ_C0, LWZ_DELTA0 = 0.299, 0.1  # the constants Liu, Wu and Zidek (1997) and Bai and Perron (2003) use

# Asymptotic critical values of Bai and Perron (2003b), "Critical values for multiple structural change tests",
# Econometrics Journal 6(1), 72-78: sup F_T(k) with UDmax and WDmax (their Table 1) and sup F_T(l+1|l) (their
# Table 2), for q = 1..5 breaking regressors and the trimmings 0.10, 0.15, 0.20, 0.25, as the authors' R package
# mbreaks ships them (R/SysData). One line per trimming, size and q: sup F(k) for k = 1..m_max | sup F(l+1|l)
# for l = 1..m_max-1 (the test of 1 against 0 breaks is sup F(1)) | UDmax WDmax. m_max is 8, 5, 3 and 2.
CRITICAL_VALUES = """
0.10 0.10  1 | 7.42 6.93 6.09 5.44 4.85 4.32 3.83 3.22 | 9.05 9.97 10.49 10.91 11.29 11.86 12.26 | 8.05 8.63
0.10 0.10  2 | 10.37 9.43 8.48 7.68 7.02 6.37 5.77 4.98 | 12.19 13.20 13.79 14.37 14.68 15.07 15.42 | 10.86 11.71
0.10 0.10  3 | 12.77 11.61 10.53 9.69 8.94 8.21 7.49 6.57 | 14.54 15.64 16.46 16.94 17.35 17.68 17.93 | 13.26 14.14
0.10 0.10  4 | 14.81 13.56 12.36 11.43 10.61 9.86 9.04 8.01 | 16.70 17.84 18.51 19.13 19.50 19.93 20.15 | 15.23 16.27
0.10 0.10  5 | 16.65 15.32 14.06 13.10 12.20 11.40 10.54 9.40 | 18.61 19.74 20.46 21.04 21.56 21.96 22.46 | 17.06 18.14
0.10 0.05  1 | 9.10 7.92 6.84 6.03 5.37 4.80 4.23 3.58 | 10.55 11.36 12.35 12.97 13.45 13.88 14.12 | 9.52 10.39
0.10 0.05  2 | 12.25 10.58 9.29 8.37 7.62 6.90 6.21 5.41 | 13.83 14.73 15.46 16.13 16.55 16.82 17.07 | 12.59 13.66
0.10 0.05  3 | 14.60 12.82 11.46 10.41 9.59 8.80 8.01 7.03 | 16.53 17.43 17.98 18.61 19.02 19.25 19.61 | 14.85 16.07
0.10 0.05  4 | 16.76 14.72 13.30 12.25 11.29 10.42 9.58 8.46 | 18.56 19.53 20.24 20.72 21.13 21.55 21.83 | 17.00 18.38
0.10 0.05  5 | 18.68 16.50 15.07 13.93 13.00 12.10 11.16 9.96 | 20.57 21.60 22.55 23.00 23.63 24.13 24.48 | 18.91 20.30
0.10 0.025 1 | 10.56 8.90 7.55 6.64 5.88 5.22 4.61 3.90 | 12.37 13.46 14.13 14.51 14.88 15.37 15.47 | 10.83 12.06
0.10 0.025 2 | 13.86 11.63 10.14 9.05 8.17 7.40 6.63 5.73 | 15.51 16.55 17.07 17.58 17.98 18.19 18.55 | 14.15 15.33
0.10 0.025 3 | 16.55 13.90 12.35 11.12 10.19 9.28 8.43 7.40 | 17.99 19.06 19.65 20.35 21.40 21.57 21.76 | 16.64 18.04
0.10 0.025 4 | 18.62 15.88 14.22 12.96 11.94 11.05 10.06 8.93 | 20.30 21.18 21.86 22.40 22.83 23.42 23.63 | 18.75 20.30
0.10 0.025 5 | 20.59 17.71 16.02 14.68 13.67 12.71 11.68 10.42 | 22.57 23.66 24.50 25.14 25.46 25.77 25.87 | 20.68 22.22
0.10 0.01  1 | 13.00 10.14 8.42 7.31 6.48 5.74 5.05 4.28 | 14.51 15.44 15.73 16.39 16.60 16.78 16.90 | 13.07 14.53
0.10 0.01  2 | 16.19 12.90 11.12 9.87 8.84 8.01 7.18 6.18 | 17.58 18.31 18.98 19.63 20.09 20.30 20.87 | 16.19 17.80
0.10 0.01  3 | 18.72 15.38 13.38 11.97 10.93 9.94 8.99 7.85 | 20.35 21.60 22.35 22.96 23.37 23.53 23.71 | 18.75 20.42
0.10 0.01  4 | 20.75 17.24 15.30 13.93 12.78 11.67 10.64 9.47 | 22.40 23.55 24.13 24.54 24.96 25.11 25.50 | 20.75 22.35
0.10 0.01  5 | 23.12 18.93 16.91 15.61 14.42 13.31 12.30 11.00 | 25.14 25.79 26.32 26.60 26.96 27.39 27.51 | 23.16 24.81
0.15 0.10  1 | 7.04 6.28 5.21 4.41 3.47 | 8.51 9.41 10.04 10.58 | 7.46 8.20
0.15 0.10  2 | 9.81 8.63 7.54 6.51 5.27 | 11.40 12.29 12.90 13.47 | 10.16 11.15
0.15 0.10  3 | 12.08 10.75 9.51 8.29 6.90 | 13.91 14.96 15.68 16.35 | 12.40 13.58
0.15 0.10  4 | 14.26 12.60 11.21 9.97 8.37 | 16.11 17.31 18.00 18.45 | 14.58 15.88
0.15 0.10  5 | 16.14 14.37 12.90 11.50 9.79 | 18.14 19.10 19.84 20.50 | 16.49 17.80
0.15 0.05  1 | 8.58 7.22 5.96 4.99 3.91 | 10.13 11.14 11.83 12.25 | 8.88 9.91
0.15 0.05  2 | 11.47 9.75 8.36 7.19 5.85 | 12.95 14.03 14.85 15.29 | 11.70 12.81
0.15 0.05  3 | 13.98 11.99 10.39 9.05 7.46 | 15.72 16.83 17.61 18.14 | 14.23 15.59
0.15 0.05  4 | 16.19 13.77 12.17 10.79 9.09 | 18.11 18.93 19.64 20.19 | 16.37 17.83
0.15 0.05  5 | 18.23 15.62 13.93 12.38 10.52 | 19.91 20.99 21.71 22.37 | 18.42 19.96
0.15 0.025 1 | 10.18 8.14 6.72 5.51 4.34 | 11.86 12.66 13.40 13.89 | 10.39 11.67
0.15 0.025 2 | 12.96 10.75 9.15 7.81 6.38 | 14.92 15.81 16.51 16.84 | 13.18 14.58
0.15 0.025 3 | 15.76 13.13 11.23 9.72 8.03 | 17.70 18.87 19.42 19.77 | 15.87 17.41
0.15 0.025 4 | 18.13 14.99 13.06 11.55 9.66 | 19.70 20.66 21.46 21.97 | 18.24 19.82
0.15 0.025 5 | 19.95 16.92 14.98 13.25 11.21 | 21.72 22.81 23.47 24.42 | 20.10 21.76
0.15 0.01  1 | 12.29 9.36 7.60 6.19 4.91 | 13.89 14.80 15.28 15.76 | 12.37 13.83
0.15 0.01  2 | 15.37 12.15 10.27 8.65 7.00 | 16.84 17.72 18.67 19.17 | 15.41 17.01
0.15 0.01  3 | 18.26 14.45 12.16 10.56 8.71 | 19.77 20.75 21.98 22.46 | 18.26 19.86
0.15 0.01  4 | 20.23 16.55 14.26 12.42 10.53 | 21.97 22.80 23.06 23.76 | 20.39 21.95
0.15 0.01  5 | 22.40 18.37 16.16 14.25 12.14 | 24.42 25.53 26.17 26.53 | 22.49 24.50
0.20 0.10  1 | 6.72 5.59 4.37 | 8.13 9.07 | 6.96 7.67
0.20 0.10  2 | 9.37 7.91 6.43 | 10.92 11.90 | 9.66 10.46
0.20 0.10  3 | 11.59 9.93 8.21 | 13.43 14.43 | 11.84 12.79
0.20 0.10  4 | 13.72 11.70 9.90 | 15.59 16.67 | 13.94 15.05
0.20 0.10  5 | 15.51 13.46 11.50 | 17.59 18.76 | 15.74 16.80
0.20 0.05  1 | 8.22 6.53 5.08 | 9.71 10.66 | 8.43 9.27
0.20 0.05  2 | 10.98 8.98 7.13 | 12.55 13.46 | 11.16 12.15
0.20 0.05  3 | 13.47 11.09 9.12 | 15.25 16.36 | 13.66 14.73
0.20 0.05  4 | 15.67 12.94 10.78 | 17.61 18.54 | 15.79 17.04
0.20 0.05  5 | 17.66 14.69 12.45 | 19.50 20.63 | 17.76 19.11
0.20 0.025 1 | 9.77 7.49 5.73 | 11.34 12.31 | 9.94 10.93
0.20 0.025 2 | 12.59 10.00 7.92 | 14.22 15.39 | 12.68 13.87
0.20 0.025 3 | 15.28 12.25 9.91 | 17.08 18.10 | 15.31 16.65
0.20 0.025 4 | 17.67 14.11 11.66 | 19.22 20.25 | 17.73 19.12
0.20 0.025 5 | 19.51 15.96 13.49 | 21.42 22.28 | 19.59 20.84
0.20 0.01  1 | 11.94 8.77 6.58 | 13.61 14.31 | 12.02 13.16
0.20 0.01  2 | 14.92 11.30 8.95 | 16.69 17.41 | 14.92 16.52
0.20 0.01  3 | 17.60 13.40 10.91 | 19.35 20.02 | 17.60 18.89
0.20 0.01  4 | 19.82 15.74 12.99 | 21.55 22.27 | 19.90 21.27
0.20 0.01  5 | 21.75 17.21 14.60 | 23.67 24.60 | 21.75 23.39
0.25 0.10  1 | 6.35 4.88 | 7.79 | 6.55 7.09
0.25 0.10  2 | 8.96 7.06 | 10.50 | 9.16 9.80
0.25 0.10  3 | 11.17 9.01 | 12.96 | 11.31 12.01
0.25 0.10  4 | 13.22 10.74 | 15.16 | 13.36 14.16
0.25 0.10  5 | 14.98 12.39 | 16.98 | 15.12 15.93
0.25 0.05  1 | 7.86 5.80 | 9.29 | 8.01 8.69
0.25 0.05  2 | 10.55 8.17 | 12.19 | 10.67 11.49
0.25 0.05  3 | 13.04 10.16 | 14.65 | 13.15 13.99
0.25 0.05  4 | 15.19 11.91 | 17.00 | 15.28 16.13
0.25 0.05  5 | 17.12 13.65 | 18.94 | 17.14 18.11
0.25 0.025 1 | 9.32 6.69 | 10.94 | 9.37 10.24
0.25 0.025 2 | 12.21 9.16 | 13.85 | 12.25 13.02
0.25 0.025 3 | 14.66 11.22 | 16.56 | 14.67 15.64
0.25 0.025 4 | 17.04 13.00 | 18.73 | 17.13 18.17
0.25 0.025 5 | 18.96 14.86 | 20.83 | 18.97 19.92
0.25 0.01  1 | 11.44 7.92 | 13.09 | 11.50 12.27
0.25 0.01  2 | 14.34 10.30 | 16.34 | 14.34 15.41
0.25 0.01  3 | 17.08 12.55 | 18.72 | 17.08 18.03
0.25 0.01  4 | 19.22 14.65 | 21.23 | 19.22 20.34
0.25 0.01  5 | 21.51 16.18 | 23.15 | 21.51 22.39"""


@dataclass(frozen=True)
class CriticalValues:
    sup_f: tuple[float, ...]  # k = 1..m_max
    sequential: tuple[float, ...]  # l = 0..m_max-1: the test of l+1 against l breaks
    udmax: float
    wdmax: float


@cache
def critical_values(trimming: float, alpha: float, q: int) -> CriticalValues:
    """The tabulated critical values for one trimming, size and number of breaking regressors."""
    for line in CRITICAL_VALUES.strip().splitlines():
        head, sup_f, sequential, dmax = line.split("|")
        eps, size, k = head.split()
        if math.isclose(float(eps), trimming) and math.isclose(float(size), alpha) and int(k) == q:
            sup = tuple(float(v) for v in sup_f.split())
            udmax, wdmax = (float(v) for v in dmax.split())
            return CriticalValues(sup, (sup[0], *(float(v) for v in sequential.split())), udmax, wdmax)
    raise InputError(
        "Bai-Perron (2003b) tables",
        f"trimming {trimming}, size {alpha}, q = {q}",
        "a tabulated case: trimming in 0.10, 0.15, 0.20, 0.25; size in 0.10, 0.05, 0.025, 0.01; q in 1..5",
    )


def break_design(years: np.ndarray, spec: str) -> np.ndarray:
    """The regressors whose coefficients break: a constant (mean shift) or a constant and a trend."""
    if spec == MEAN:
        return np.ones((len(years), 1))
    if spec == TREND:
        return trend_design(years)
    raise InputError("break model", "spec", f"one of {SPECS}", spec)


def segment_ssr(y: np.ndarray, X: np.ndarray, h: int) -> np.ndarray:
    """SSR[i, j] of the OLS fit of y[i..j] (inclusive) on X[i..j]; inf below the diagonal band j - i + 1 < h.

    Computed length by length on all windows at once (pseudo-inverse, so a rank-deficient window is still its
    exact least-squares fit).
    """
    n = len(y)
    ssr = np.full((n, n), np.inf)
    for length in range(h, n + 1):
        Xw = np.lib.stride_tricks.sliding_window_view(X, length, axis=0).transpose(0, 2, 1)  # (windows, length, q)
        yw = np.lib.stride_tricks.sliding_window_view(y, length)[..., None]
        resid = yw - Xw @ (np.linalg.pinv(Xw) @ yw)
        starts = np.arange(n - length + 1)
        ssr[starts, starts + length - 1] = np.sum(resid[..., 0] ** 2, axis=1)
    return ssr


def optimal_partitions(ssr: np.ndarray, max_breaks: int) -> list[tuple[float, tuple[int, ...]]]:
    """For m = 0..max_breaks, the minimal total SSR and its break positions (last index of each regime).

    opt[k, j] is the least SSR of y[0..j] cut into k+1 segments: opt[k, j] = min_b opt[k-1, b] + SSR[b+1, j].
    Ties go to the earliest date, so the result does not depend on floating-point noise in argmin order.
    """
    n = ssr.shape[0]
    opt = np.full((max_breaks + 1, n), np.inf)
    arg = np.zeros((max_breaks + 1, n), dtype=int)
    opt[0] = ssr[0]
    for k in range(1, max_breaks + 1):
        total = opt[k - 1, :-1, None] + ssr[1:, :]  # [b, j]: first k segments end at b, the last is b+1..j
        arg[k] = np.argmin(total, axis=0)
        opt[k] = total[arg[k], np.arange(n)]
    out = []
    for m in range(max_breaks + 1):
        ends, j = [], n - 1
        for k in range(m, 0, -1):
            j = int(arg[k, j])
            ends.append(j)
        out.append((float(opt[m, n - 1]), tuple(reversed(ends))))
    return out


def partitioned_design(X: np.ndarray, ends: tuple[int, ...]) -> np.ndarray:
    """Bai and Perron's Z-bar: X split into one block of columns per regime (zero outside the regime)."""
    n, q = X.shape
    bounds = [0, *(e + 1 for e in ends), n]
    Z = np.zeros((n, q * (len(ends) + 1)))
    for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        Z[a:b, j * q : (j + 1) * q] = X[a:b]
    return Z


def f_statistic(y: np.ndarray, X: np.ndarray, ends: tuple[int, ...], cov: str) -> float:
    """F (Wald / restrictions) statistic of equal coefficients in all regimes, for the given break positions."""
    import statsmodels.api as sm

    q, k = X.shape[1], len(ends)
    model = sm.OLS(y, partitioned_design(X, ends))
    if cov == "ols":
        res = model.fit()
    elif cov == "hc":
        res = model.fit(cov_type="HC1")
    else:
        res = model.fit(cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(y)), "use_correction": True})
    R = np.kron(np.eye(k, k + 1, 1) - np.eye(k, k + 1), np.eye(q))  # b_{j+1} - b_j = 0 for every break j
    return float(np.squeeze(res.f_test(R).fvalue))


def best_split(ssr: np.ndarray, first: int, last: int, h: int) -> int | None:
    """The position of the single break in y[first..last] that minimises the SSR; None below 2h observations."""
    if last - first + 1 < 2 * h:
        return None
    cuts = np.arange(first + h - 1, last - h + 1)
    return int(cuts[np.argmin(ssr[first, cuts] + ssr[cuts + 1, last])])


def sequential_f(y, X, ssr, ends, h, cov) -> float:
    """sup F(l+1|l): the largest one-break F over the regimes of the l-break global optimum, each regime tested
    on its own sample as in Bai and Perron's (2003) code; NaN when no regime has room for another break."""
    bounds = [-1, *ends, len(y) - 1]
    stats_ = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        cut = best_split(ssr, a + 1, b, h)
        if cut is not None:
            stats_.append(f_statistic(y[a + 1 : b + 1], X[a + 1 : b + 1], (cut - a - 1,), cov))
    return max(stats_) if stats_ else math.nan


def information_criteria(ssr: float, n: int, q: int, m: int) -> tuple[float, float]:
    """BIC (Yao 1988) and LWZ (Liu, Wu and Zidek 1997) of an m-break partition; p* = (m+1) q + m parameters."""
    p = (m + 1) * q + m
    bic = math.log(ssr / n) + p * math.log(n) / n
    lwz = math.log(ssr / (n - p)) + p / n * LWZ_C0 * math.log(n) ** (2 + LWZ_DELTA0)
    return bic, lwz


def argmax_cdf(x: float, xi: float = 1.0, phi: float = 1.0) -> float:
    """P(argmax_s V(s) <= x), V(s) = W1(-s) - |s|/2 for s <= 0 and sqrt(phi) W2(s) - xi |s|/2 for s > 0.

    Bai (1997, Appendix B; Review of Economics and Statistics 79, 551-563): xi = d'Q2 d / d'Q1 d and
    phi = d'Omega2 d / d'Omega1 d compare the regimes after and before the break (d the coefficient change, Q the
    regressors' second moments, Omega the long-run variance of x_t e_t); xi = phi = 1 is the symmetric case whose
    distribution Yao (1987) gave.
    """
    from scipy import stats  # not at the top: table schemas import this module

    a = abs(x)
    if a == 0.0:
        return xi / (xi + phi)
    if x < 0:
        r = xi / phi
        return (
            -math.sqrt(a / (2 * math.pi)) * math.exp(-a / 8)
            - phi
            / xi
            * (phi + 2 * xi)
            / (phi + xi)
            * math.exp(r * (1 + r) * a / 2 + stats.norm.logcdf(-(0.5 + r) * math.sqrt(a)))
            + (a / 2 - 2 + (phi + 2 * xi) ** 2 / ((phi + xi) * xi)) * stats.norm.cdf(-math.sqrt(a) / 2)
        )
    r = xi**2 / phi
    return (
        1
        + math.sqrt(r * a / (2 * math.pi)) * math.exp(-r * a / 8)
        + xi
        / phi
        * (2 * phi + xi)
        / (phi + xi)
        * math.exp((phi + xi) * a / 2 + stats.norm.logcdf(-(phi + xi / 2) * math.sqrt(a / phi)))
        - ((2 * phi + xi) ** 2 / ((phi + xi) * phi) - 2 + r * a / 2) * stats.norm.cdf(-math.sqrt(r * a) / 2)
    )


def argmax_quantile(p: float, xi: float, phi: float) -> float:
    """The p-quantile of Bai's argmax distribution (bracketed outwards until it holds p)."""
    from scipy import optimize

    bound = 8.0
    while argmax_cdf(-bound, xi, phi) > p or argmax_cdf(bound, xi, phi) < p:
        bound *= 2
    return optimize.brentq(lambda x: argmax_cdf(x, xi, phi) - p, -bound, bound, xtol=1e-10)


def regime_bounds(ends: tuple[int, ...], n: int) -> list[tuple[int, int]]:
    """(first, last) index of each regime."""
    starts = [0, *(e + 1 for e in ends)]
    return list(zip(starts, [*ends, n - 1], strict=True))


def _long_run(X: np.ndarray, u: np.ndarray, cov: str) -> np.ndarray:
    """Per-observation long-run variance of x_t u_t within one regime."""
    from statsmodels.stats.sandwich_covariance import S_hac_simple

    n = len(u)
    if cov == "ols":
        return (u @ u / n) * (X.T @ X / n)
    return S_hac_simple(X * u[:, None], nlags=0 if cov == "hc" else newey_west_lags(n)) / n


def break_intervals(y, X, ends, level: float, cov: str) -> list[tuple[int, int]]:
    """Confidence intervals (first, last index) for each break position, from Bai's (1997) limit distribution.

    With d the coefficient change at break i, Q_j = X_j'X_j / n_j and Omega_j the long-run variance of x_t e_t in
    regime j (sigma_j^2 Q_j for cov="ols"), (d'Q_i d)^2 / (d'Omega_i d) (T_i_hat - T_i) converges to argmax V
    (see `argmax_cdf`) with xi = d'Q_{i+1}d / d'Q_i d and phi = d'Omega_{i+1}d / d'Omega_i d. Inverting,
    T_i lies in [T_i_hat - c_hi / s, T_i_hat - c_lo / s] for the quantiles c_lo, c_hi of the level and s that
    scale, as in Bai and Perron's code; the bounds are rounded outwards to whole observations. Regime moments are
    estimated separately (Bai and Perron's hetq and hetomega).
    """
    bounds = regime_bounds(ends, len(y))
    coefs, Q, Omega = [], [], []
    for a, b in bounds:
        Xj, yj = X[a : b + 1], y[a : b + 1]
        beta = np.linalg.lstsq(Xj, yj, rcond=None)[0]
        coefs.append(beta)
        Q.append(Xj.T @ Xj / len(yj))
        Omega.append(_long_run(Xj, yj - Xj @ beta, cov))
    tail = (1 - level) / 2
    out = []
    for i, end in enumerate(ends):
        d = coefs[i + 1] - coefs[i]
        q1, q2 = d @ Q[i] @ d, d @ Q[i + 1] @ d
        o1, o2 = d @ Omega[i] @ d, d @ Omega[i + 1] @ d
        scale = q1**2 / o1
        low = argmax_quantile(tail, q2 / q1, o2 / o1)
        high = argmax_quantile(1 - tail, q2 / q1, o2 / o1)
        out.append((end - math.ceil(high / scale), end - math.floor(low / scale)))
    return out


@dataclass(frozen=True)
class BaiPerron:
    """Partitions for 0..max_breaks breaks, the tests, the chosen number of breaks and that partition's breaks
    (with intervals) and regimes. Dates follow Bai and Perron (and strucchange): a break's date is the last year
    of the regime it ends; `new_regime_from` is the year after, the convention of `emergence.models.breaks`.
    Interval bounds are years too, and may lie outside the sample when a break is poorly determined."""

    partitions: pd.DataFrame
    tests: pd.DataFrame
    selected: dict[str, int]
    n_breaks: int
    breaks: pd.DataFrame
    regimes: pd.DataFrame


def bai_perron(
    series: pd.Series,
    spec: str = MEAN,
    *,
    trimming: float = 0.15,
    max_breaks: int | None = None,
    cov: str = "ols",
    alpha: float = 0.05,
    level: float = 0.95,
    select: str = "bic",
    where: str = "series",
) -> BaiPerron:
    """Estimate and test multiple breaks in an annual series indexed by consecutive years.

    `select` picks the number of breaks whose dates and intervals are reported: BIC, LWZ, or the sequential
    procedure (sup F(1) at `alpha`, then sup F(l+1|l) until one does not reject). Every criterion's choice is kept
    in `selected`.
    """
    y, years = _validated(series, where)
    for name, value, allowed in (("spec", spec, SPECS), ("cov", cov, COV_TYPES), ("select", select, SELECTORS)):
        if value not in allowed:
            raise InputError(where, f"argument {name!r}", f"one of {allowed}", value)
    X = break_design(years, spec)
    n, q = X.shape
    h = math.floor(trimming * n)
    cv = {a: critical_values(trimming, a, q) for a in ALPHAS}
    if alpha not in cv:
        raise InputError(where, "argument 'alpha'", f"one of {ALPHAS}", alpha)
    largest = min(len(cv[alpha].sup_f), n // h - 1) if h >= q else 0
    if largest < 1:
        raise InputError(
            where, f"{n} observations", f"room for two segments of at least {max(h, q)} (trimming {trimming})"
        )
    max_breaks = largest if max_breaks is None else max_breaks
    if not 1 <= max_breaks <= largest:
        raise InputError(
            where, "argument 'max_breaks'", f"1..{largest} for {n} observations and trimming {trimming}", max_breaks
        )

    ssr = segment_ssr(y, X, h)
    partitions = optimal_partitions(ssr, max_breaks)
    crit = [information_criteria(total, n, q, m) for m, (total, _) in enumerate(partitions)]
    f_k = [f_statistic(y, X, ends, cov) for _, ends in partitions[1:]]
    f_seq = [sequential_f(y, X, ssr, partitions[null][1], h, cov) for null in range(1, max_breaks)]
    c = cv[alpha]
    sequential = 0
    if f_k[0] > c.sup_f[0]:
        sequential = 1
        while sequential < max_breaks and f_seq[sequential - 1] > c.sequential[sequential]:
            sequential += 1
    double = f_k[:5]  # the tables' UDmax and WDmax take at most 5 breaks (fewer for the wider trimmings)
    tests = [("sup_f", k + 1, f, c.sup_f[k]) for k, f in enumerate(f_k)]
    tests += [("sup_f_sequential", k + 1, f, c.sequential[k]) for k, f in enumerate(f_seq, start=1)]
    tests.append(("udmax", len(double), max(double), c.udmax))
    tests.append(("wdmax", len(double), max(c.sup_f[0] / c.sup_f[k] * f for k, f in enumerate(double)), c.wdmax))
    selected = {
        "bic": int(np.argmin([b for b, _ in crit])),
        "lwz": int(np.argmin([w for _, w in crit])),
        "sequential": sequential,
    }
    chosen = selected[select]
    ends = partitions[chosen][1]
    first = int(years[0])
    return BaiPerron(
        partitions=pd.DataFrame(
            {
                "breaks": range(max_breaks + 1),
                "dates": [" ".join(str(first + e) for e in e_) for _, e_ in partitions],
                "ssr": [total for total, _ in partitions],
                "bic": [b for b, _ in crit],
                "lwz": [w for _, w in crit],
            }
        ),
        tests=pd.DataFrame(
            [
                {"test": t, "breaks": k, "statistic": f, "critical_value": v, "alpha": alpha, "reject": bool(f > v)}
                for t, k, f, v in tests
            ]
        ),
        selected=selected,
        n_breaks=chosen,
        breaks=pd.DataFrame(
            [
                {
                    "break": i + 1,
                    "date": first + e,
                    "new_regime_from": first + e + 1,
                    "ci_low": first + low,
                    "ci_high": first + high,
                    "level": level,
                }
                for i, (e, (low, high)) in enumerate(zip(ends, break_intervals(y, X, ends, level, cov), strict=True))
            ],
            columns=["break", "date", "new_regime_from", "ci_low", "ci_high", "level"],
        ),
        regimes=_regimes(y, X, ends, first, spec),
    )


def _regimes(y, X, ends, first, spec) -> pd.DataFrame:
    """Each regime's years and coefficients (for the trend, the intercept is at the series' first year)."""
    names = ["mean"] if spec == MEAN else ["intercept", "slope"]
    rows = []
    for j, (a, b) in enumerate(regime_bounds(ends, len(y))):
        beta = np.linalg.lstsq(X[a : b + 1], y[a : b + 1], rcond=None)[0]
        rows.append(
            {"regime": j + 1, "first_year": first + a, "last_year": first + b, **dict(zip(names, beta, strict=True))}
        )
    return pd.DataFrame(rows)


def _validated(series: pd.Series, where: str) -> tuple[np.ndarray, np.ndarray]:
    """The values and integer years of a series whose index runs through consecutive years, with no gaps."""
    values = pd.to_numeric(series, errors="coerce")
    bad = series.index[values.isna()]
    if len(bad):
        raise InputError(where, f"year {bad[0]}", "a number", series.loc[bad[0]])
    years = np.asarray(series.index)
    if not np.issubdtype(years.dtype, np.number) or np.any(years != np.round(years)) or np.any(np.diff(years) != 1):
        raise InputError(where, "index", "consecutive years with no gaps", list(series.index[:5]))
    return values.to_numpy(dtype=float), years.astype(int)
