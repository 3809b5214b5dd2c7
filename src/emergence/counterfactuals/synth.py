"""Synthetic control (Abadie and Gardeazabal 2003; Abadie, Diamond and Hainmueller 2010, 2015): the treated unit's
path without treatment, estimated as a convex combination of donor units chosen to match its predictors, with
predictor weights chosen so that the combination also matches its pre-treatment outcome.

The conventions are those of the R package Synth, whose published answers the tests reproduce: each predictor is
divided by its standard deviation across the treated unit and the donors; the predictor weights V are
parametrised as |x| / sum|x| and searched by Nelder-Mead from equal weights and from Synth's regression-based
weights; the outer loss is the mean squared outcome gap over the optimisation years. Two departures, both
because the outer loss has many local minima and flat stretches: the search also starts from a few fixed
quasi-random points (`SynthSpec.starts`; 0 gives Synth's two starts, which is how the Basque weights of
Abadie and Gardeazabal are reproduced, while the West German ones of ADH 2015 need the wider search), and among
the V that give the same donor weights, all equally good, the centre of their set is reported (see
`centre_of_equivalent_v`). The inner problem (W for a given V) is least squares on the simplex, solved exactly
by an active-set method, so a fit is fast and its result does not hang on solver tolerances.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.linalg.lapack import dgesv
from scipy.optimize import linprog, minimize
from scipy.stats import qmc

from emergence.errors import InputError

PANEL_COLUMNS = ("unit", "year", "variable", "value")

# The outer search: scipy's Nelder-Mead (adaptive coefficients, which suit more than a few dimensions) from
# N_STARTS + 2 fixed start points, each run restarted from its own end point until a restart no longer improves
# the loss by RESTART_GAIN (the simplex collapses early in many dimensions). The loss is relative to the mean
# square of the outcome, so the tolerances are relative too.
NELDER_MEAD = {"xatol": 1e-4, "fatol": 1e-7, "adaptive": True}
NELDER_MEAD_FEV_PER_PREDICTOR = 200
MAX_RESTARTS = 2
RESTART_GAIN = 1e-9
N_STARTS = 4
# Lagrange multipliers above -QP_TOL count as non-negative in the inner problem (its entries are of order one,
# since predictors are standardised and V sums to one), or above -QP_ROUNDING times the largest entry of the
# problem where that is larger: a multiplier is a difference of gradient entries, whose rounding error is a few
# units in the last place of the largest term. Predictors that vary little across units relative to their level
# make the entries large (1e4 where units differ by a few percent), and a multiplier that is rounding error would
# then bring a donor in and out of the support for ever. Below entries of about 70 the first bound rules.
QP_TOL = 1e-12
QP_ROUNDING = 64 * np.finfo(float).eps


@dataclass(frozen=True)
class Predictor:
    """One row of the predictor matrix: `variable` averaged over `years` (missing years skipped, as in Synth);
    a lagged outcome is the outcome variable with a single year."""

    variable: str
    years: tuple[int, ...]

    @property
    def label(self) -> str:
        years = self.years
        if len(years) == 1:
            span = str(years[0])
        elif list(years) == list(range(years[0], years[-1] + 1)):
            span = f"{years[0]}-{years[-1]}"
        else:
            span = ",".join(str(y) for y in years)
        return f"{self.variable} {span}"

    def shifted(self, offset: int) -> Predictor:
        return Predictor(self.variable, tuple(y + offset for y in self.years))


@dataclass(frozen=True)
class Validation:
    """The cross-validation of V of Abadie, Diamond and Hainmueller (2015): V is the one for which donor weights
    fitted on `predictors` (measured in a training period) best predict the outcome over `years` (a later
    validation period, still before treatment); the main predictors then get this V."""

    predictors: tuple[Predictor, ...]
    years: tuple[int, ...]

    def shifted(self, offset: int) -> Validation:
        return Validation(tuple(p.shifted(offset) for p in self.predictors), tuple(y + offset for y in self.years))


@dataclass(frozen=True)
class SynthSpec:
    """What one synthetic control needs besides the units: the outcome, the first treated year, the predictors,
    the years whose outcome gap V minimises, optionally a cross-validation of V or a fixed V (one weight per
    predictor, as Synth's `custom.v`), and the number of quasi-random starts of the search for V beyond the
    equal and regression-based ones."""

    outcome: str
    treatment_year: int
    predictors: tuple[Predictor, ...]
    fit_years: tuple[int, ...]
    validation: Validation | None = None
    v: tuple[float, ...] | None = None
    starts: int = N_STARTS

    def shifted(self, offset: int) -> SynthSpec:
        """The same design moved `offset` years in time (an in-time placebo moves it back)."""
        return replace(
            self,
            treatment_year=self.treatment_year + offset,
            predictors=tuple(p.shifted(offset) for p in self.predictors),
            fit_years=tuple(y + offset for y in self.fit_years),
            validation=None if self.validation is None else self.validation.shifted(offset),
        )


@dataclass(frozen=True)
class SynthFit:
    """One synthetic control: donor weights, predictor weights, the predictor balance, the actual, synthetic
    and gap paths, and the fit summaries (RMSPE before and after treatment, the mean gap after it)."""

    treated: str
    treatment_year: int
    weights: pd.Series
    v: pd.Series
    balance: pd.DataFrame
    path: pd.DataFrame
    loss: float
    pre_rmspe: float
    post_rmspe: float
    post_gap: float

    @property
    def rmspe_ratio(self) -> float:
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 else float("inf")


class Panel:
    """A long panel (unit, year, variable, value) held as one year-by-unit table per variable, so that the many
    fits of a placebo run read it without reshaping it again."""

    def __init__(self, long: pd.DataFrame, source: str = "panel"):
        missing = [c for c in PANEL_COLUMNS if c not in long.columns]
        if missing:
            raise InputError(source, "columns", f"the columns {list(PANEL_COLUMNS)}", missing)
        duplicated = long.duplicated(["unit", "year", "variable"])
        if duplicated.any():
            row = long.loc[duplicated].iloc[0]
            raise InputError(
                source, f"row {long.index[duplicated][0]}", "one value per unit, year and variable", tuple(row[:3])
            )
        values = pd.to_numeric(long["value"], errors="coerce")
        bad = values.isna() & long["value"].notna()
        if bad.any():
            raise InputError(
                source, f"row {long.index[bad][0]}, column 'value'", "a number", long.loc[bad, "value"].iloc[0]
            )
        frame = long.assign(value=values.astype(float), year=long["year"].astype(int))
        self.source = source
        self.tables = {
            str(variable): group.pivot(index="year", columns="unit", values="value").sort_index()
            for variable, group in frame.groupby("variable", sort=True)
        }

    def table(self, variable: str, years: Sequence[int], units: Sequence[str]) -> np.ndarray:
        """Values of `variable` (years x units), NaN where absent; an unknown variable or unit is an error."""
        if variable not in self.tables:
            raise InputError(self.source, "column 'variable'", f"rows of variable '{variable}'")
        table = self.tables[variable]
        absent = [u for u in units if u not in table.columns]
        if absent:
            raise InputError(
                self.source, f"variable '{variable}', column 'unit'", "rows for every unit of the fit", absent
            )
        return table.reindex(index=list(years), columns=list(units)).to_numpy(dtype=float)


def as_panel(panel: pd.DataFrame | Panel, source: str = "panel") -> Panel:
    return panel if isinstance(panel, Panel) else Panel(panel, source)


def predictor_matrix(panel: Panel, predictors: Sequence[Predictor], units: Sequence[str]) -> np.ndarray:
    """Predictors (rows) by units (columns), each the mean over its years of the values present."""
    rows = []
    for p in predictors:
        values = panel.table(p.variable, p.years, units)
        present = ~np.isnan(values)
        empty = ~present.any(axis=0)
        if empty.any():
            unit = list(units)[int(np.argmax(empty))]
            raise InputError(
                panel.source,
                f"variable '{p.variable}', unit '{unit}'",
                f"a value in at least one of the years {list(p.years)}",
            )
        rows.append(np.where(present, values, 0.0).sum(axis=0) / present.sum(axis=0))
    return np.vstack(rows)


def outcome_matrix(panel: Panel, outcome: str, years: Sequence[int], units: Sequence[str]) -> np.ndarray:
    """The outcome (years x units) in years where every unit must have it."""
    values = panel.table(outcome, years, units)
    if np.isnan(values).any():
        row, col = np.argwhere(np.isnan(values))[0]
        raise InputError(panel.source, f"variable '{outcome}', unit '{units[col]}', year {years[row]}", "a value")
    return values


def standardise(X: np.ndarray, predictors: Sequence[Predictor], source: str) -> np.ndarray:
    """Divide each predictor by its standard deviation across units (Synth's normalisation), so that V, not
    the units of measurement, decides how much a predictor counts."""
    sd = X.std(axis=1, ddof=1)
    flat = ~(sd > 0)
    if flat.any():
        label = predictors[int(np.argmax(flat))].label
        raise InputError(source, f"predictor '{label}'", "a predictor that differs across units")
    return X / sd[:, None]


def simplex_least_squares(
    H: np.ndarray, c: np.ndarray, support: Sequence[int] | None = None
) -> tuple[np.ndarray, list[int]]:
    """Minimise w'Hw/2 + c'w over the simplex (w >= 0, sum w = 1), H positive semi-definite, by a primal
    active-set method (Lawson and Hanson's, with the sum constraint). Returns w and its support, which a caller
    may pass back as the start of a nearby problem. The support is kept sorted so that the final linear solve,
    and hence the result, does not depend on the path taken.

    A donor enters the support when its multiplier is negative; in exact arithmetic its weight on the enlarged
    support is then positive (the support's system is regular, because the old support was optimal). Where the
    system is singular or the weight is not positive, the multiplier was rounding error, as happens when donors
    are near copies of each other or more numerous than the predictors can tell apart: the current w is optimal
    to working precision and is returned, rather than letting the donor enter and leave the support for ever."""
    n = len(c)
    diag = np.diag(H)
    tol = max(QP_TOL, QP_ROUNDING * max(float(np.abs(c).max(initial=0.0)), float(np.abs(diag).max(initial=0.0))))

    def kkt(P: list[int]) -> tuple[np.ndarray, np.ndarray]:
        m = len(P)
        K = np.ones((m + 1, m + 1))
        K[:m, :m] = H.take(P, 0).take(P, 1)
        K[m, m] = 0.0
        rhs = np.ones(m + 1)
        rhs[:m] = -c.take(P)
        return K, rhs

    def solve(P: list[int]) -> np.ndarray | None:
        """The minimiser on the support P with only the sum constraint (its KKT system; LAPACK's dgesv called
        directly, since the systems are tiny and the call overhead is most of the cost); None if singular."""
        _, _, z, info = dgesv(*kkt(P))
        return None if info != 0 else z[: len(P)]

    w = np.zeros(n)
    P: list[int] = []
    if support:
        P = sorted(support)
        z = solve(P)
        if z is not None and z.min() > 0:
            w[P] = z
        else:
            P = []
    if not P:
        j = int(np.argmin(0.5 * diag + c))
        P = [j]
        w[j] = 1.0
    for _ in range(10 * n + 100):
        gradient = H @ w + c
        multipliers = gradient - gradient.take(P).sum() / len(P)
        multipliers[P] = 0.0
        j = int(np.argmin(multipliers))
        if multipliers[j] >= -tol:
            return w, P
        entering = sorted([*P, j])
        z = solve(entering)
        if z is None or z[entering.index(j)] <= 0:
            return w, P
        P = entering
        while True:
            if z is not None and z.min() > 0:
                w[:] = 0.0
                w[P] = z
                break
            if z is None:  # singular after a weight reached zero: the minimiser on P in the least-squares sense
                z = np.linalg.lstsq(*kkt(P), rcond=None)[0][: len(P)]
            # move from w towards z, the minimiser on P, until the first weight reaches zero, and drop it
            current = w[P]
            direction = z - current
            falling = np.flatnonzero(direction < 0)
            steps = current[falling] / -direction[falling]
            moved = current + float(steps.min()) * direction
            moved[falling[int(np.argmin(steps))]] = 0.0
            P = [i for i, value in zip(P, moved, strict=True) if value > 0]
            w[:] = 0.0
            w[P] = moved[moved > 0] / moved[moved > 0].sum()
            z = solve(P)
    raise RuntimeError("simplex least squares: the active-set method did not converge")


def donor_weights(
    X1s: np.ndarray, X0s: np.ndarray, v: np.ndarray, support: Sequence[int] | None = None
) -> tuple[np.ndarray, list[int]]:
    """W minimising (X1 - X0 W)' diag(v) (X1 - X0 W) on the simplex, for standardised predictors."""
    weighted = X0s * v[:, None]
    return simplex_least_squares(X0s.T @ weighted, -(weighted.T @ X1s), support)


def regression_start(X1s: np.ndarray, X0s: np.ndarray, Z1: np.ndarray, Z0: np.ndarray) -> np.ndarray | None:
    """Synth's second start for V: the squared coefficients of a regression of the fitted-period outcomes on the
    standardised predictors across units; None when that regression has fewer units than coefficients."""
    X = np.column_stack([np.ones(X0s.shape[1] + 1), np.column_stack([X1s, X0s]).T])
    Z = np.column_stack([Z1, Z0]).T
    if np.linalg.matrix_rank(X) < X.shape[1]:
        return None
    beta = np.linalg.solve(X.T @ X, X.T @ Z)[1:]
    start = (beta**2).sum(axis=1)
    return start / start.sum() if start.sum() > 0 else None


def v_starts(k: int, n_starts: int) -> list[np.ndarray]:
    """Start points of the outer search: equal weights, then the first `n_starts` points of an unscrambled Sobol
    sequence mapped onto the simplex (fixed, so the search is repeatable; spread, since the outer loss has many
    local minima separated by ridges where a donor enters or leaves the synthetic control)."""
    starts = [np.full(k, 1.0 / k)]
    if n_starts:
        sobol = qmc.Sobol(k, scramble=False).random(1 << int(np.ceil(np.log2(n_starts + 1))))[1 : n_starts + 1]
        exponential = -np.log(np.clip(sobol, 1e-12, 1.0))
        starts.extend(exponential / exponential.sum(axis=1, keepdims=True))
    return starts


def optimise_v(
    X1s: np.ndarray, X0s: np.ndarray, Z1: np.ndarray, Z0: np.ndarray, n_starts: int = N_STARTS
) -> np.ndarray:
    """V minimising the mean squared outcome gap over the fit years of the synthetic control it implies: the best
    end point of Nelder-Mead from each start, then the centre of the V that give the same donor weights."""
    k = len(X1s)
    if k == 1:
        return np.ones(1)
    scale = float(np.mean(Z1**2)) or 1.0  # the loss is divided by it so that fatol is relative
    state: dict[str, list[int] | None] = {"support": None}

    def loss(x: np.ndarray) -> float:
        a = np.abs(x)
        total = a.sum()
        if not total > 0:
            return float("inf")
        w, state["support"] = donor_weights(X1s, X0s, a / total, state["support"])
        r = Z1 - Z0 @ w
        return float(r @ r) / (len(r) * scale)

    starts = v_starts(k, n_starts)
    regression = regression_start(X1s, X0s, Z1, Z0)
    if regression is not None:
        starts.insert(1, regression)
    options = {**NELDER_MEAD, "maxfev": NELDER_MEAD_FEV_PER_PREDICTOR * k}
    best_x, best_f = starts[0], float("inf")
    for x in starts:
        f = float("inf")
        for _ in range(MAX_RESTARTS):
            result = minimize(loss, x, method="Nelder-Mead", options=options)
            improved = result.fun < f - RESTART_GAIN
            if result.fun < f:
                x, f = result.x, float(result.fun)
            if not improved:
                break
        if f < best_f - RESTART_GAIN:
            best_x, best_f = x, f
    a = np.abs(best_x)
    v = a / a.sum()
    centre = centre_of_equivalent_v(X1s, X0s, v)
    return centre if centre is not None and loss(centre) <= best_f + RESTART_GAIN else v


def centre_of_equivalent_v(X1s: np.ndarray, X0s: np.ndarray, v: np.ndarray) -> np.ndarray | None:
    """The V that leave the donor weights of `v` optimal form a polytope (the optimality conditions of the inner
    problem are linear in V once W is fixed), on which the outer loss is constant: V is not identified within it,
    and where a search stops inside it is an accident of its path. The centre of the polytope (the mean of its
    extreme points along each predictor weight, found by linear programmes) is a choice that does not depend on
    the path; it matters when V is carried to other predictors, as in the cross-validation. None if an LP fails."""
    w, support = donor_weights(X1s, X0s, v)
    residual = X1s - X0s @ w
    M = (X0s * residual[:, None]).T  # (M v)_j: minus half the gradient of the inner loss in w_j
    outside = [j for j in range(len(w)) if j not in support]
    k = len(v)
    A_eq = np.vstack([np.ones(k), M[support[1:]] - M[support[0]]])
    b_eq = np.append(1.0, np.zeros(len(support) - 1))
    A_ub = M[outside] - M[support[0]] if outside else None
    b_ub = np.zeros(len(outside)) if outside else None
    extremes = []
    for i in range(k):
        for sign in (1.0, -1.0):
            objective = np.zeros(k)
            objective[i] = sign
            lp = linprog(objective, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=[(0.0, 1.0)] * k, method="highs")
            if lp.status != 0:
                return None
            extremes.append(lp.x)
    centre = np.clip(np.mean(extremes, axis=0), 0.0, None)
    return centre / centre.sum()


def fit(panel: pd.DataFrame | Panel, treated: str, donors: Sequence[str], spec: SynthSpec) -> SynthFit:
    """The synthetic control of `treated` from `donors` (see the module docstring for the method)."""
    panel = as_panel(panel)
    donors = list(donors)
    if treated in donors or len(set(donors)) != len(donors) or not donors:
        raise InputError(
            panel.source, "donors", f"distinct donor units other than the treated unit '{treated}'", donors
        )
    units = [treated, *donors]
    source = panel.source

    def design(
        predictors: Sequence[Predictor], years: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        late = [p.label for p in predictors if max(p.years) >= spec.treatment_year]
        if late or max(years) >= spec.treatment_year:
            raise InputError(
                source,
                "predictors and fit years",
                f"years before the treatment year {spec.treatment_year}",
                late or max(years),
            )
        Xs = standardise(predictor_matrix(panel, predictors, units), predictors, source)
        Z = outcome_matrix(panel, spec.outcome, years, units)
        return Xs[:, 0], Xs[:, 1:], Z[:, 0], Z[:, 1:]

    X1s, X0s, Z1, Z0 = design(spec.predictors, spec.fit_years)
    if spec.v is not None:
        v = np.abs(np.asarray(spec.v, dtype=float))
        if len(v) != len(spec.predictors) or not v.sum() > 0:
            raise InputError(
                source, "v", f"{len(spec.predictors)} non-negative predictor weights, not all zero", spec.v
            )
        v = v / v.sum()
    elif spec.validation is not None:
        if len(spec.validation.predictors) != len(spec.predictors):
            raise InputError(
                source,
                "validation predictors",
                f"one per main predictor ({len(spec.predictors)})",
                len(spec.validation.predictors),
            )
        Xt1, Xt0, Zt1, Zt0 = design(spec.validation.predictors, spec.validation.years)
        v = optimise_v(Xt1, Xt0, Zt1, Zt0, spec.starts)
    else:
        v = optimise_v(X1s, X0s, Z1, Z0, spec.starts)
    w, _ = donor_weights(X1s, X0s, v)
    if spec.validation is not None and spec.v is None:  # the loss V minimised: the validation-period MSPE
        wt, _ = donor_weights(Xt1, Xt0, v)
        loss = float(np.mean((Zt1 - Zt0 @ wt) ** 2))
    else:
        loss = float(np.mean((Z1 - Z0 @ w) ** 2))

    years = _path_years(panel, spec.outcome, units)
    pre = years < spec.treatment_year
    if not pre.any() or pre.all():
        raise InputError(
            source,
            f"variable '{spec.outcome}'",
            f"outcome years on both sides of {spec.treatment_year}",
            [int(years.min()), int(years.max())],
        )
    Y = outcome_matrix(panel, spec.outcome, years.tolist(), units)
    synthetic = Y[:, 1:] @ w
    gap = Y[:, 0] - synthetic
    X = predictor_matrix(panel, spec.predictors, units)
    labels = [p.label for p in spec.predictors]
    return SynthFit(
        treated=treated,
        treatment_year=spec.treatment_year,
        weights=pd.Series(w, index=pd.Index(donors, name="donor"), name="weight"),
        v=pd.Series(v, index=pd.Index(labels, name="predictor"), name="v"),
        balance=pd.DataFrame(
            {
                "predictor": labels,
                "treated": X[:, 0],
                "synthetic": X[:, 1:] @ w,
                "donor_mean": X[:, 1:].mean(axis=1),
                "v": v,
            }
        ),
        path=pd.DataFrame({"year": years, "actual": Y[:, 0], "synthetic": synthetic, "gap": gap}),
        loss=loss,
        pre_rmspe=float(np.sqrt(np.mean(gap[pre] ** 2))),
        post_rmspe=float(np.sqrt(np.mean(gap[~pre] ** 2))),
        post_gap=float(gap[~pre].mean()),
    )


def _path_years(panel: Panel, outcome: str, units: Sequence[str]) -> np.ndarray:
    """The years in which the treated unit and every donor have the outcome: the span of the paths."""
    table = panel.tables[outcome].reindex(columns=list(units))
    return table.index[table.notna().all(axis=1)].to_numpy(dtype=int)
