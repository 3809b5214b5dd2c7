"""Did trend growth change at the policy dates, or at some other year?

Known dates: segmented log-linear trends with knots at the policy years, continuous (hinge) or with level shifts;
segment slopes with HAC intervals, and Chow-type F tests of "no change" at each date and jointly. Unknown date:
the sup-F (Quandt-Andrews) statistic over a trimmed range, and the OLS-CUSUM test of Ploberger and Kraemer.

Every F statistic gets two p-values: the F distribution's (exact for independent normal errors) and a seeded
AR-sieve bootstrap's, which allows for the serial correlation of annual series. With about 29 years, HAC Wald
tests reject a true null far more often than their nominal level, and Andrews' asymptotic tables assume far
longer samples.
"""

from __future__ import annotations

import math

import numpy as np

from emergence.linear import annihilator, trend_design
from emergence.models.ols import fit_ols, growth_pct
from emergence.models.series import Series, series_rng
from emergence.models.trend import NO_DATA, NOT_POSITIVE, OK, SHORT, TOO_SHORT
from emergence.settings import ModelSettings

HINGE = "hinge"  # slope changes at each knot, no jump in the level
SHIFT = "shift"  # slope and level change at each knot
SPECS = (HINGE, SHIFT)
JOINT = "joint"
BURN_IN = 50
NAN = math.nan


def knot_status(years: np.ndarray, knots: tuple[int, ...], min_years: int) -> dict[int, str]:
    """Which knots can be tested: inside the data and leaving every regime at least `min_years` years.

    A regime starting at knot k runs from k to the year before the next kept knot; knots are kept left to right.
    """
    first, last = int(years[0]), int(years[-1])
    status, previous = {}, first
    for knot in knots:
        if knot <= first or knot > last:
            status[knot] = NO_DATA
        elif knot - previous < min_years or last - knot + 1 < min_years:
            status[knot] = TOO_SHORT
        else:
            status[knot] = OK
            previous = knot
    return status


def segmented_design(years: np.ndarray, knots: list[int], spec: str) -> np.ndarray:
    """Constant, trend, then per knot a hinge max(0, year - knot + 1) (the launch year's growth is the new
    regime's) and, for the shift spec, a step 1(year >= knot)."""
    columns = [trend_design(years)]
    for knot in knots:
        columns.append(np.maximum(0, years - knot + 1)[:, None])
        if spec == SHIFT:
            columns.append((years >= knot).astype(float)[:, None])
    return np.hstack(columns)


def f_stats(y: np.ndarray, null: np.ndarray, alternatives: np.ndarray, q: int, df: int) -> np.ndarray:
    """F statistics of each alternative (stacked annihilators) against the null, for each row of y."""
    y = np.atleast_2d(y)
    rss0 = np.sum((y @ null.T) ** 2, axis=-1)[:, None]
    rss1 = np.sum((y @ alternatives.transpose(0, 2, 1)) ** 2, axis=-1).T  # residuals under each alternative
    return ((rss0 - rss1) / q) / (rss1 / df)


def yule_walker(u: np.ndarray, lags: int) -> np.ndarray:
    """AR coefficients from the sample autocovariances: always a stationary autoregression."""
    from scipy.linalg import solve_toeplitz  # not at the top: table schemas import this module

    if lags == 0:
        return np.zeros(0)
    n = len(u)
    acov = np.array([u[: n - k] @ u[k:] / n for k in range(lags + 1)])
    return solve_toeplitz(acov[:-1], acov[1:])


def sieve_draws(u: np.ndarray, lags: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap residual series: an AR(lags) fitted to u, driven by its resampled, centred innovations."""
    from scipy.signal import lfilter  # not at the top: table schemas import this module

    n = len(u)
    phi = yule_walker(u, lags)
    innovations = u[lags:] - sum(phi[j] * u[lags - 1 - j : n - 1 - j] for j in range(lags)) if lags else u.copy()
    innovations = innovations - innovations.mean()
    shocks = rng.choice(innovations, size=(draws, n + BURN_IN), replace=True)
    out = lfilter([1.0], np.r_[1.0, -phi], shocks, axis=1)  # out[t] = shocks[t] + sum_j phi[j] out[t-1-j], from 0
    return out[:, BURN_IN:]


def sup_f_test(
    y: np.ndarray, null: np.ndarray, alternatives: np.ndarray, q: int, df: int, settings: ModelSettings, rng
) -> tuple[np.ndarray, float]:
    """F statistics of every alternative and the bootstrap p-value of their largest.

    Bootstrap series are the null model's residuals re-drawn by an AR sieve; the F statistics do not depend on the
    null model's coefficients, so the draws need no fitted part added back.
    """
    observed = f_stats(y, null, alternatives, q, df)[0]
    draws = sieve_draws(null @ y, settings.breaks.bootstrap_ar_lags, settings.breaks.bootstrap_draws, rng)
    simulated = f_stats(draws, null, alternatives, q, df).max(axis=1)
    return observed, (1 + int(np.sum(simulated >= observed.max()))) / (1 + settings.breaks.bootstrap_draws)


def _knots(series: Series, settings: ModelSettings) -> tuple[dict[int, str], list[int]]:
    """Each policy year's status for this series, and the years kept as knots."""
    status = knot_status(series.years, settings.policy_years, settings.breaks.min_segment_years)
    return status, [k for k in settings.policy_years if status[k] == OK]


def _fittable(series: Series, settings: ModelSettings) -> bool:
    return series.positive and len(series.years) >= settings.trend.min_years


def segmented_fit(series: Series, settings: ModelSettings) -> list[dict]:
    """The fitted level of each spec's segmented trend in every year (OLS on the log level), for the figures."""
    if not _fittable(series, settings):
        return []
    _, knots = _knots(series, settings)
    y = np.log(series.values)
    rows = []
    for spec in SPECS:
        fitted = np.exp(y - annihilator(segmented_design(series.years, knots, spec)) @ y)
        rows += [{"spec": spec, "year": int(t), "fitted": float(v)} for t, v in zip(series.years, fitted, strict=True)]
    return rows


def policy_breaks(series: Series, settings: ModelSettings) -> tuple[list[dict], list[dict]]:
    """Segment slopes and F tests of each spec; a test row for every policy year, marked when it cannot be run."""
    from scipy import stats  # not at the top: table schemas import this module

    years = series.years
    status, knots = _knots(series, settings)
    tested = [str(k) for k in settings.policy_years] + [JOINT]
    segments, tests = [], []
    for spec in SPECS:
        base = {"spec": spec, "n": len(years)}
        unusable = NOT_POSITIVE if not series.positive else TOO_SHORT if len(years) < settings.trend.min_years else None
        if unusable:
            tests += [{**base, **_tested(t), "status": unusable} for t in tested]
            continue
        y = np.log(series.values)
        X = segmented_design(years, knots, spec)
        segments += [{**base, **row} for row in _segments(y, years, knots, spec, X, settings)]
        restricted = {str(k): segmented_design(years, [j for j in knots if j != k], spec) for k in knots}
        if knots:
            restricted[JOINT] = trend_design(years)
        full = annihilator(X)[None]
        df = len(years) - X.shape[1]
        for t in tested:
            row = {**base, **_tested(t)}
            if t not in restricted:
                tests.append({**row, "status": TOO_SHORT if t == JOINT else status[int(t)]})
                continue
            q = X.shape[1] - restricted[t].shape[1]
            rng = series_rng(settings.seed, (*series.key, spec, t))
            (stat,), boot_p = sup_f_test(y, annihilator(restricted[t]), full, q, df, settings, rng)
            tests.append(
                {
                    **row,
                    "f_stat": float(stat),
                    "df_num": q,
                    "df_den": df,
                    "p_value": float(stats.f.sf(stat, q, df)),
                    "bootstrap_p_value": boot_p,
                    "status": OK,
                }
            )
    return segments, tests


def _segments(y, years, knots, spec, X, settings) -> list[dict]:
    """Growth in each regime: the trend slope plus the slope changes of the knots before it, with HAC intervals."""
    fit = fit_ols(y, X, settings)
    width = 1 if spec == HINGE else 2  # design columns per knot: hinge (and step)
    starts, ends = [int(years[0]), *knots], [k - 1 for k in knots] + [int(years[-1])]
    rows = []
    for j, (start, end) in enumerate(zip(starts, ends, strict=True)):
        weights = np.zeros(X.shape[1])
        weights[1] = 1.0
        weights[[2 + i * width for i in range(j)]] = 1.0
        slope, se, low, high = fit.interval(weights, settings.confidence)
        rows.append(
            {
                "segment": j + 1,
                "first_year": start,
                "last_year": end,
                "years": end - start + 1,
                "growth_pct": growth_pct(slope),
                "ci_low_pct": growth_pct(low),
                "ci_high_pct": growth_pct(high),
                "slope_se": se,
                "cov_type": fit.cov_type,
                "status": OK if fit.cov_type != "OLS" else SHORT,
            }
        )
    return rows


def _tested(tested: str) -> dict:
    return {"tested": tested, "policy_year": None if tested == JOINT else int(tested)}


def candidate_breaks(years: np.ndarray, trimming: float, min_years: int) -> np.ndarray:
    """Break years (first year of the new regime) leaving each regime max(trimming * n, min_years) years."""
    n = len(years)
    edge = max(math.ceil(trimming * n), min_years)
    return years[edge : n - edge + 1]


def unknown_break(series: Series, settings: ModelSettings) -> dict:
    """sup-F over the trimmed candidate years (break in level and slope) with its bootstrap p-value, the OLS-CUSUM
    test, and the policy year nearest to the estimated break."""
    from statsmodels.stats.diagnostic import breaks_cusumolsresid

    years = series.years
    row = {
        "n": len(years),
        "first_candidate": None,
        "last_candidate": None,
        "sup_f": NAN,
        "break_year": None,
        "sup_f_p_value": NAN,
        "draws": settings.breaks.bootstrap_draws,
        "cusum_stat": NAN,
        "cusum_p_value": NAN,
        "nearest_policy_year": None,
        "years_from_policy": None,
    }
    if not series.positive:
        return {**row, "status": NOT_POSITIVE}
    candidates = candidate_breaks(years, settings.breaks.trimming, settings.breaks.min_segment_years)
    if len(candidates) == 0:
        return {**row, "status": TOO_SHORT}
    y = np.log(series.values)
    null = annihilator(trend_design(years))
    broken = np.stack([annihilator(segmented_design(years, [int(b)], SHIFT)) for b in candidates])
    rng = series_rng(settings.seed, series.key)
    observed, p_value = sup_f_test(y, null, broken, 2, len(years) - 4, settings, rng)
    best = int(np.argmax(observed))
    cusum_stat, cusum_p, _ = breaks_cusumolsresid(null @ y, ddof=2)
    break_year = int(candidates[best])
    nearest = min(settings.policy_years, key=lambda k: (abs(k - break_year), k))
    return {
        **row,
        "first_candidate": int(candidates[0]),
        "last_candidate": int(candidates[-1]),
        "sup_f": float(observed[best]),
        "break_year": break_year,
        "sup_f_p_value": p_value,
        "cusum_stat": float(cusum_stat),
        "cusum_p_value": float(cusum_p),
        "nearest_policy_year": nearest,
        "years_from_policy": break_year - nearest,
        "status": OK,
    }
