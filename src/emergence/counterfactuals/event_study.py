"""Event study and difference-in-differences of treated countries against a small peer group.

Two-way fixed effects (country and year) with event-time dummies for the treated countries around a common
launch year E: a dummy for each k = t - E in the window [first, last] except the reference period k = -1, the
endpoints binned (k <= first and k >= last), so that every treated year is in the window and the fixed effects do
not absorb the far years. The leads (k <= -2) measure pre-trends; their joint test is the pre-trend test. The
window (-1, 0) is the 2x2 difference-in-differences: one post dummy, every pre year in the reference.

Inference. With 4 to 10 countries, cluster-robust standard errors with t(G - 1) references reject true nulls
far too often (Cameron, Gelbach and Miller 2008), so p-values come from the restricted wild cluster bootstrap
(WCR): the null is imposed on the model that generates the bootstrap samples, its residuals are multiplied by one
weight per country, and the cluster-robust t (or Wald) statistic is recomputed. Weights are Webb's six-point
distribution by default, since Rademacher weights give at most 2^G distinct samples (32 with five countries);
when the distribution has no more distinct weight vectors than `draws`, all of them are enumerated and the
p-value is exact for the bootstrap distribution, otherwise `draws` are drawn from a generator seeded by `seed`.
Intervals invert the same test (the set of values not rejected at the level; Roodman et al. 2019), so they agree
with the p-values; they may be unbounded, which is reported as an infinite bound.

Caveat that matters here: with a single treated country the WCR bootstrap is conservative (MacKinnon and
Webb 2017, 2018). The treated country's residuals, which carry its own deviation, are re-drawn in every sample,
so the p-value of a single coefficient can stay above 5% for an effect many standard errors wide, and a
pre-trend test that does not reject says little (one that rejects does say something). The cluster-robust
p-values (t with G - 1 degrees of freedom) are reported beside them; with one treated unit they over-reject.
Neither is reliable with one treated country and a handful of peers, which is why the synthetic-control
placebos exist.

The fits are statsmodels OLS with dummies; the bootstrap uses the same design in closed form (every bootstrap
statistic is a linear function of the G weights), so thousands of draws cost little.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.linear import annihilator

PANEL_COLUMNS = ("unit", "year", "variable", "value")
RADEMACHER = "rademacher"
WEBB = "webb"
WEIGHT_POINTS = {
    RADEMACHER: np.array([-1.0, 1.0]),
    WEBB: np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]),
}
REFERENCE = -1
COEFFICIENT_COLUMNS = ["event_time", "binned", "reference", "estimate", "se_cluster", "p_cluster", "p_bootstrap"]
COEFFICIENT_COLUMNS += ["ci_low", "ci_high"]
MAX_DOUBLINGS = 40  # interval search: steps of se * 2^i outwards before a bound is declared infinite
BISECTIONS = 40


@dataclass(frozen=True)
class EventStudy:
    """Event-time coefficients (the reference period as a zero row) and the joint test of the leads."""

    coefficients: pd.DataFrame
    pretrend: pd.DataFrame


@dataclass(frozen=True)
class _Design:
    y: np.ndarray
    X: np.ndarray
    columns: list[str]
    clusters: np.ndarray  # (n, G) indicator of each observation's country
    pinv: np.ndarray  # (K, n): row j maps y to coefficient j
    annihilator: np.ndarray  # (n, n): y to residuals
    correction: float  # G/(G-1) (n-1)/(n-K), statsmodels' small-sample factor for clustered covariances


def event_time_label(k: int, first: int, last: int) -> str:
    """The design column of event time k; the binned endpoints say so."""
    return f"event_{k}" + ("_or_earlier" if k == first and k < REFERENCE else "_or_later" if k == last else "")


def event_study(
    panel: pd.DataFrame,
    variable: str,
    treated: str | Sequence[str],
    event_year: int,
    *,
    window: tuple[int, int] = (-4, 5),
    draws: int = 9999,
    weights: str = WEBB,
    seed: int = 0,
    level: float = 0.95,
    where: str = "panel",
) -> EventStudy:
    """Event-study coefficients of `variable` for the treated units against all other units of the long panel
    (columns unit, year, variable, value), with cluster-robust and wild-cluster-bootstrap inference."""
    frame = _validated(panel, variable, where)
    treated = [treated] if isinstance(treated, str) else list(treated)
    units = sorted(frame["unit"].unique())
    missing = [u for u in treated if u not in units]
    if missing:
        raise InputError(where, "column 'unit'", f"rows of the treated units {treated}", missing)
    if len(units) - len(treated) < 1:
        raise InputError(where, "column 'unit'", "at least one untreated unit", units)
    first, last = window
    if not first <= REFERENCE < last:
        raise InputError(where, "argument 'window'", "first <= -1 and last >= 0", window)
    if weights not in WEIGHT_POINTS:
        raise InputError(where, "argument 'weights'", f"one of {sorted(WEIGHT_POINTS)}", weights)

    event_times = [k for k in range(first, last + 1) if k != REFERENCE]
    design_frame = _design_frame(frame, treated, event_year, first, last, event_times, where)
    design = _design(frame, design_frame, event_year, where)
    leads = [k for k in event_times if k < REFERENCE]
    if len(leads) >= design.clusters.shape[1]:
        raise InputError(
            where,
            "argument 'window'",
            f"fewer leads than units ({design.clusters.shape[1]}) for the joint test",
            window,
        )

    fit = _statsmodels_fit(design)
    w = _weights(design.clusters.shape[1], draws, weights, seed)
    alpha = 1 - level
    rows = []
    for k in range(first, last + 1):
        base = {"event_time": k, "binned": k in (first, last) and k != REFERENCE, "reference": k == REFERENCE}
        if k == REFERENCE:
            rows.append({**base, "estimate": 0.0})
            continue
        name = event_time_label(k, first, last)
        j = design.columns.index(name)
        test = _WildTest(design, j, w)
        low, high = test.interval(alpha)
        rows.append(
            {
                **base,
                "estimate": float(fit.params[name]),
                "se_cluster": float(fit.bse[name]),
                "p_cluster": float(fit.pvalues[name]),
                "p_bootstrap": test.p_value(0.0),
                "ci_low": low,
                "ci_high": high,
            }
        )
    coefficients = pd.DataFrame(rows, columns=COEFFICIENT_COLUMNS)
    info = {"n_obs": len(design.y), "clusters": design.clusters.shape[1], "draws": w.shape[1], "weights": weights}
    coefficients = coefficients.assign(level=level, **info)
    return EventStudy(coefficients, _pretrend(design, fit, leads, first, last, w, info))


def _validated(panel: pd.DataFrame, variable: str, where: str) -> pd.DataFrame:
    absent = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if absent:
        raise InputError(where, "columns", f"the columns {list(PANEL_COLUMNS)}", absent)
    frame = panel.loc[panel["variable"] == variable, ["unit", "year", "value"]]
    if frame.empty:
        raise InputError(where, "column 'variable'", f"rows of variable {variable!r}")
    values = pd.to_numeric(frame["value"], errors="coerce")
    if values.isna().any():
        row = frame[values.isna()].iloc[0]
        raise InputError(where, f"unit {row['unit']}, year {row['year']}", "a number in column 'value'", row["value"])
    duplicated = frame.duplicated(["unit", "year"])
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise InputError(where, f"unit {row['unit']}, year {row['year']}", "one row per unit and year", "a duplicate")
    frame = frame.assign(value=values, year=frame["year"].astype(int))
    return frame.sort_values(["unit", "year"], kind="mergesort").reset_index(drop=True)


def _design_frame(frame, treated, event_year, first, last, event_times, where) -> pd.DataFrame:
    """Constant, unit and year dummies (first of each dropped), then the treated units' event-time dummies."""
    is_treated = frame["unit"].isin(treated).to_numpy()
    k = np.clip(frame["year"].to_numpy() - event_year, first, last)
    columns = {"const": np.ones(len(frame))}
    for kind in ("unit", "year"):
        levels = sorted(frame[kind].unique())
        columns |= {f"{kind}_{v}": (frame[kind] == v).to_numpy(dtype=float) for v in levels[1:]}
    for e in event_times:
        dummy = (is_treated & (k == e)).astype(float)
        if not dummy.any():
            raise InputError(where, f"event time {e} (year {event_year + e})", "a year of a treated unit", "none")
        columns[event_time_label(e, first, last)] = dummy
    return pd.DataFrame(columns)


def _design(frame: pd.DataFrame, X: pd.DataFrame, event_year: int, where: str) -> _Design:
    units = sorted(frame["unit"].unique())
    clusters = (frame["unit"].to_numpy()[:, None] == np.array(units)[None, :]).astype(float)
    Xa = X.to_numpy()
    n, K = Xa.shape
    if np.linalg.matrix_rank(Xa) < K:
        raise InputError(
            where, f"reference year {event_year + REFERENCE}", "treated and untreated years to identify every effect"
        )
    G = len(units)
    return _Design(
        y=frame["value"].to_numpy(dtype=float),
        X=Xa,
        columns=list(X.columns),
        clusters=clusters,
        pinv=np.linalg.pinv(Xa),
        annihilator=annihilator(Xa),
        correction=G / (G - 1) * (n - 1) / (n - K),
    )


def _statsmodels_fit(design: _Design):
    """OLS with cluster-robust covariance by unit and t(G - 1) references."""
    import statsmodels.api as sm

    codes = np.argmax(design.clusters, axis=1)
    exog = pd.DataFrame(design.X, columns=design.columns)
    return sm.OLS(design.y, exog).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)


def _weights(G: int, draws: int, kind: str, seed: int) -> np.ndarray:
    """(G, B) bootstrap weights: every distinct vector when there are at most `draws` of them, else seeded draws."""
    points = WEIGHT_POINTS[kind]
    if len(points) ** G <= draws:
        return np.array(list(itertools.product(points, repeat=G))).T
    return np.random.default_rng(seed).choice(points, size=(G, draws))


class _WildTest:
    """The WCR bootstrap test of H0: b_j = c for any c, in closed form.

    Under H0 the restricted residuals are u(c) = M_r (y - c x_j) = u0 - c r; a bootstrap sample is
    y* = y_r(c) + (E w) * u(c) with E the cluster indicator. Then b*_j - c = v(c)' w with v(c) = E'(a_j * u(c)),
    and the clustered scores of b*_j are S(c) w with S(c) = E' diag(a_j) M diag(u(c)) E: both linear in c, so the
    bootstrap t statistics of every c come from a few vectors over the draws.
    """

    def __init__(self, design: _Design, j: int, w: np.ndarray):
        E, a, M = design.clusters, design.pinv[j], design.annihilator
        r = a / (a @ a)  # x_j net of the other regressors (Frisch-Waugh: a_j = r / r'r)
        u0 = M @ design.y + r * (a @ design.y)  # restricted residuals at c = 0: M_r = M + r r' / r'r
        left = E.T * a  # (G, n) = E' diag(a_j)
        self.num0, self.num1 = (E.T @ (a * u0)) @ w, (E.T @ (a * r)) @ w
        s0, s1 = left @ M @ (u0[:, None] * E) @ w, left @ M @ (r[:, None] * E) @ w
        self.ss00, self.ss01, self.ss11 = np.sum(s0 * s0, axis=0), np.sum(s0 * s1, axis=0), np.sum(s1 * s1, axis=0)
        self.estimate = float(a @ design.y)
        scores = left @ (M @ design.y)
        self.correction = design.correction
        self.se = math.sqrt(design.correction * float(scores @ scores))

    def p_value(self, c: float) -> float:
        """Share of bootstrap |t*| at least the observed |t| for H0: b_j = c."""
        t = (self.estimate - c) / self.se
        variance = self.correction * (self.ss00 - 2 * c * self.ss01 + c * c * self.ss11)
        t_star = (self.num0 - c * self.num1) / np.sqrt(variance)
        return float(np.mean(np.abs(t_star) >= abs(t) * (1 - 1e-12)))

    def interval(self, alpha: float) -> tuple[float, float]:
        """The values c with p(c) > alpha nearest the estimate on each side (infinite if never rejected)."""
        return self._bound(-self.se, alpha), self._bound(self.se, alpha)

    def _bound(self, step: float, alpha: float) -> float:
        inside = self.estimate
        for i in range(MAX_DOUBLINGS):
            outside = self.estimate + step * 2**i
            if self.p_value(outside) <= alpha:
                break
            inside = outside
        else:
            return math.copysign(math.inf, step)
        for _ in range(BISECTIONS):
            middle = (inside + outside) / 2
            if self.p_value(middle) > alpha:
                inside = middle
            else:
                outside = middle
        return inside


def _pretrend(design: _Design, fit, leads: list[int], first: int, last: int, w: np.ndarray, info: dict) -> pd.DataFrame:
    """Joint test that every lead is zero: cluster-robust Wald (F with G - 1 denominator degrees of freedom, from
    statsmodels) and its WCR bootstrap, the leads' coefficients set to zero in the bootstrap model."""
    row = {"leads": " ".join(str(k) for k in leads), "wald": math.nan, "p_bootstrap": math.nan}
    row |= {"f_cluster": math.nan, "p_cluster": math.nan}
    if leads:
        idx = [design.columns.index(event_time_label(k, first, last)) for k in leads]
        E, A, M = design.clusters, design.pinv[idx], design.annihilator
        u = M @ design.y + A.T @ np.linalg.solve(A @ A.T, A @ design.y)  # M_r = M + A_L'(A_L A_L')^-1 A_L
        V = (A * u) @ E  # (L, G): b*_L = V w
        left = A[:, None, :] * E.T[None]  # (L, G, n): E' diag(a_l) for each lead l
        S = left @ (M @ (u[:, None] * E))  # (L, G, G): scores of b*_L are S w
        observed_scores = left @ (M @ design.y)  # (L, G)
        observed = _wald(A @ design.y, observed_scores[..., None], design.correction)[0]
        star = _wald(V @ w, np.einsum("lgh,hb->lgb", S, w), design.correction)
        restriction = np.zeros((len(idx), design.X.shape[1]))
        restriction[np.arange(len(idx)), idx] = 1.0
        f_test = fit.f_test(restriction)
        row |= {
            "wald": float(observed),
            "p_bootstrap": float(np.mean(star >= observed * (1 - 1e-12))),
            "f_cluster": float(np.squeeze(f_test.fvalue)),
            "p_cluster": float(f_test.pvalue),
        }
    return pd.DataFrame([{**row, **info}])


def _wald(b: np.ndarray, scores: np.ndarray, correction: float) -> np.ndarray:
    """b' V^-1 b for each column of b (L, B), V = correction * sum_g s_g s_g' from scores (L, G, B)."""
    b = b.reshape(len(b), -1)
    V = correction * np.einsum("lgb,mgb->blm", scores, scores)
    return np.einsum("bl,bl->b", b.T, np.linalg.solve(V, b.T[..., None])[..., 0])
