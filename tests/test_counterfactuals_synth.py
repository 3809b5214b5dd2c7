"""Synthetic control and its placebos: the published weights of the Basque and West German studies, a simulated
panel with a known convex combination and a known effect, identities of the placebo p-values, determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emergence.counterfactuals.panel import FIT
from emergence.counterfactuals.placebos import (
    Run,
    leave_one_out,
    placebo_test,
    space_placebos,
    synth_design,
    time_placebos,
)
from emergence.counterfactuals.stage import fit_runs
from emergence.counterfactuals.synth import Panel, Predictor, SynthSpec, Validation, fit, simplex_least_squares
from emergence.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "synth"
SHA256 = {
    "basque.csv": "7f7f90d7a01984a33a2ea3efc311ce826c05b61234a52c27445adacc6f52bf70",
    "germany.csv": "c59ff635faaf43729eaefdf5e9a4584fc3112a56fdab84b9ac5f78e1b6302e83",
}


def span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


def reference_panel(name: str, unit_column: str, drop: str) -> pd.DataFrame:
    path = FIXTURES / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[name], f"{path} differs from its provenance"
    wide = pd.read_csv(path).drop(columns=drop).rename(columns={unit_column: "unit"})
    wide["year"] = wide["year"].astype(int)
    return wide.melt(id_vars=["unit", "year"], var_name="variable").dropna()


@pytest.fixture(scope="module")
def basque() -> pd.DataFrame:
    return reference_panel("basque.csv", "regionname", "regionno")


@pytest.fixture(scope="module")
def germany() -> pd.DataFrame:
    return reference_panel("germany.csv", "country", "code")


BASQUE = "Basque Country (Pais Vasco)"
BASQUE_PREDICTORS = (
    *(
        Predictor(v, span(1964, 1969))
        for v in ("school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest")
    ),
    Predictor("gdpcap", span(1960, 1969)),
    *(
        Predictor(f"sec.{v}", tuple(range(1961, 1970, 2)))
        for v in ("agriculture", "energy", "industry", "construction", "services.venta", "services.nonventa")
    ),
    Predictor("popdens", (1969,)),
)


def basque_donors(panel: pd.DataFrame) -> list[str]:
    return sorted(set(panel["unit"]) - {BASQUE, "Spain (Espana)"})


def test_basque_weights_match_abadie_gardeazabal(basque):
    """Synth's search (from equal and regression-based V, no further starts) gives the published weights."""
    spec = SynthSpec("gdpcap", 1970, BASQUE_PREDICTORS, span(1960, 1969), starts=0)
    result = fit(basque, BASQUE, basque_donors(basque), spec)
    weights = result.weights.round(2)
    assert weights["Cataluna"] == 0.85
    assert weights["Madrid (Comunidad De)"] == 0.15
    assert (weights.drop(["Cataluna", "Madrid (Comunidad De)"]) == 0).all()
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.v.sum() == pytest.approx(1.0, abs=1e-12) and (result.v >= 0).all()
    assert 1965 in set(result.path["year"]) and result.post_gap < 0  # the conflict lowered GDP per capita


def test_wider_search_never_loses_to_synths_starts(basque):
    """A search with 16 more starts can only lower the pre-period loss, since its starts include Synth's;
    on the Basque data it lowers it by half (with Baleares in the synthetic control): the published V is a
    local optimum of its own criterion."""
    donors = basque_donors(basque)
    narrow = fit(basque, BASQUE, donors, SynthSpec("gdpcap", 1970, BASQUE_PREDICTORS, span(1960, 1969), starts=0))
    wide = fit(basque, BASQUE, donors, SynthSpec("gdpcap", 1970, BASQUE_PREDICTORS, span(1960, 1969), starts=16))
    assert wide.loss <= narrow.loss
    assert wide.loss < 0.75 * narrow.loss


def germany_spec() -> SynthSpec:
    def predictors(first: int, last: int, schooling: tuple[int, int], invest: str) -> tuple[Predictor, ...]:
        years = span(first, last)
        return (
            Predictor("gdp", years),
            Predictor("trade", years),
            Predictor("infrate", years),
            Predictor("industry", years),
            Predictor("schooling", schooling),
            Predictor(invest, (1980,)),
        )

    training = Validation(predictors(1971, 1980, (1970, 1975), "invest70"), span(1981, 1990))
    return SynthSpec(
        "gdp", 1991, predictors(1981, 1990, (1980, 1985), "invest80"), span(1960, 1989), validation=training
    )


def test_west_germany_weights_match_adh_2015(germany):
    donors = sorted(set(germany["unit"]) - {"West Germany"})
    result = fit(germany, "West Germany", donors, germany_spec())
    published = {"Austria": 0.42, "USA": 0.22, "Japan": 0.16, "Switzerland": 0.11, "Netherlands": 0.09}
    weights = result.weights.round(2)
    assert weights[list(published)].to_dict() == published
    assert (weights.drop(list(published)) == 0).all()
    assert result.post_gap < 0  # reunification lowered West German GDP per capita


def simulated_panel(
    seed: int = 7, donors: int = 10, effect: float = 0.0, first: int = 1980
) -> tuple[pd.DataFrame, np.ndarray]:
    """Donors on random walks with their own drifts; the treated unit is an exact convex combination of them, plus
    `effect` from 2005 on."""
    rng = np.random.default_rng(seed)
    years = np.arange(first, 2019)
    paths = 10 + np.cumsum(rng.normal(rng.uniform(-0.3, 0.5, donors), 1.0, (len(years), donors)), axis=0)
    weights = np.zeros(donors)
    weights[[1, 4, 6]] = [0.5, 0.3, 0.2]
    treated = paths @ weights + np.where(years >= 2005, effect, 0.0)
    units = [f"D{j:02d}" for j in range(donors)]
    frames = [
        pd.DataFrame({"unit": u, "year": years, "variable": "y", "value": paths[:, j]}) for j, u in enumerate(units)
    ]
    frames.append(pd.DataFrame({"unit": "T", "year": years, "variable": "y", "value": treated}))
    return pd.concat(frames, ignore_index=True), weights


LAGS = tuple(Predictor("y", (year,)) for year in range(1990, 2005))  # 15 lagged outcomes for 10 donors


def test_exact_convex_combination_is_recovered_with_its_effect():
    panel, true_weights = simulated_panel(effect=2.5)
    donors = [f"D{j:02d}" for j in range(10)]
    result = fit(panel, "T", donors, SynthSpec("y", 2005, LAGS, span(1990, 2004), starts=0))
    np.testing.assert_allclose(result.weights.to_numpy(), true_weights, atol=1e-8)
    assert result.pre_rmspe < 1e-8
    post = result.path["year"] >= 2005
    np.testing.assert_allclose(result.path.loc[post, "gap"], 2.5, atol=1e-7)
    assert result.post_gap == pytest.approx(2.5, abs=1e-7)
    np.testing.assert_allclose(result.path["actual"] - result.path["synthetic"], result.path["gap"], rtol=0, atol=0)


def test_simplex_least_squares_meets_its_optimality_conditions():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(6, 12))  # more columns than rows: H is singular
    b = rng.normal(size=6)
    w, support = simplex_least_squares(A.T @ A, -(A.T @ b))
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-14)
    assert sorted(np.flatnonzero(w).tolist()) == support
    gradient = A.T @ (A @ w - b)
    nu = gradient[support].mean()
    np.testing.assert_allclose(gradient[support], nu, atol=1e-12)
    assert (gradient >= nu - 1e-12).all()


@pytest.mark.parametrize("seed", [23, 58, 64, 193])
def test_simplex_least_squares_ends_where_donors_are_copies_of_each_other(seed):
    """48 donors, each a copy of one of two units whose levels are large against their spread (entries of H of
    1e5): the treated unit is the second, so every mix of its copies fits exactly. Rounding error once brought a
    copy in and out of the support for ever on these seeds."""
    rng = np.random.default_rng(seed)
    points = rng.normal(100.0, 3.0, size=(8, 2))
    A = points[:, rng.integers(0, 2, 48)]
    b = points[:, 1]
    w, support = simplex_least_squares(A.T @ A, -(A.T @ b))
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
    copies = np.flatnonzero((A == b[:, None]).all(axis=0))
    assert set(support) <= set(copies.tolist())
    assert np.abs(A @ w - b).max() < 1e-9


def factor_panel(seed: int, donors: int, groups: int, noise: float, effect: float) -> pd.DataFrame:
    """Three common random-walk factors; the units (T first, then the donors) fall in `groups` clusters sharing
    their level and loadings, each with its own white noise; T gains `effect` from 2005 on."""
    rng = np.random.default_rng(seed)
    years = np.arange(1990, 2019)
    factors = np.cumsum(rng.normal(0, 1, (len(years), 3)), axis=0)
    group = rng.integers(0, groups, donors + 1)
    loadings, levels = rng.normal(0, 1, (groups, 3))[group], rng.normal(10, 2, groups)[group]
    y = levels + factors @ loadings.T + rng.normal(0, noise, (len(years), donors + 1))
    y[:, 0] += np.where(years >= 2005, effect, 0.0)
    units = ["T"] + [f"D{j:02d}" for j in range(donors)]
    frames = [pd.DataFrame({"unit": u, "year": years, "variable": "y", "value": y[:, j]}) for j, u in enumerate(units)]
    return pd.concat(frames, ignore_index=True), units[1:], group


@pytest.mark.parametrize(
    ("seed", "groups", "noise", "windows"),
    [(251, 2, 0.0, 5), (228, 3, 0.01, 3)],
)
def test_three_factor_panels_with_near_copies_of_the_treated_unit_converge(seed, groups, noise, windows):
    """Panels on which the search for V once stopped with 'the active-set method did not converge': the treated
    unit's cluster mates are (near) copies of it, so the synthetic control is made of them and the effect of 2
    shows in the gap."""
    panel, donors, group = factor_panel(seed, 10, groups, noise, effect=2.0)
    result = fit(panel, "T", donors, synth_design("y", 2005, 1990, windows, True))
    mates = {d for d, g in zip(donors, group[1:], strict=True) if g == group[0]}
    assert set(result.weights[result.weights > 0].index) <= mates
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.pre_rmspe <= 3 * noise + 1e-12
    assert result.post_gap == pytest.approx(2.0, abs=5 * noise + 1e-12)


def test_two_runs_give_identical_bits():
    panel, _ = simulated_panel(seed=11, effect=1.0)
    donors = [f"D{j:02d}" for j in range(10)]
    spec = SynthSpec(
        "y",
        2005,
        (Predictor("y", span(1990, 1995)), Predictor("y", span(1996, 2004)), Predictor("y", (2004,))),
        span(1990, 2004),
        starts=2,
    )
    first, second = fit(panel, "T", donors, spec), fit(Panel(panel), "T", donors, spec)
    assert first.weights.to_numpy().tobytes() == second.weights.to_numpy().tobytes()
    assert first.v.to_numpy().tobytes() == second.v.to_numpy().tobytes()
    assert first.path.to_numpy().tobytes() == second.path.to_numpy().tobytes()


PLACEBO_SPEC = SynthSpec(
    "y",
    2005,
    (Predictor("y", span(1990, 1996)), Predictor("y", span(1997, 2004)), Predictor("y", (2004,))),
    span(1990, 2004),
    starts=0,
)


def space_test(panel: pd.DataFrame, donors: list[str], k: float = np.inf):
    """The treated unit's fit and its in-space placebos, as the stage runs them, and their placebo test."""
    runs = [Run(FIT, "T", tuple(donors), PLACEBO_SPEC, "T"), *space_placebos("T", donors, PLACEBO_SPEC)]
    treated, *placebos = fit_runs(panel, runs, "simulated")
    test, kept = placebo_test(
        treated.rmspe_ratio,
        treated.pre_rmspe,
        [f.rmspe_ratio for f in placebos],
        [f.pre_rmspe for f in placebos],
        k,
    )
    return runs, treated, placebos, test, kept


def test_large_effect_ranks_first_among_placebos():
    panel, _ = simulated_panel(seed=5, donors=8, effect=25.0)
    donors = [f"D{j:02d}" for j in range(8)]
    runs, treated, placebos, test, kept = space_test(panel, donors)
    assert [r.treated for r in runs[1:]] == donors
    assert all(r.treated not in r.donors and "T" not in r.donors for r in runs[1:])
    assert test.placebos == 8 and kept.all()
    assert test.p_value == pytest.approx(1 / 9)
    assert all(len(f.path) == len(range(1980, 2019)) for f in [treated, *placebos])


@pytest.mark.parametrize("k", [np.inf, 5.0, 1.0])
def test_placebo_p_value_is_a_multiple_of_one_over_units_kept(k):
    panel, _ = simulated_panel(seed=9, donors=8, effect=0.0)
    donors = [f"D{j:02d}" for j in range(8)]
    _, treated, placebos, test, kept = space_test(panel, donors, k)
    assert kept.tolist() == [f.pre_rmspe <= k * treated.pre_rmspe for f in placebos]
    units = 1 + test.kept
    if test.kept == 0:
        assert test.p_value_kept is None
        return
    p = test.p_value_kept
    assert p * units == pytest.approx(round(p * units), abs=1e-12)
    assert 1 / units <= p <= 1
    assert test.p_value * 9 == pytest.approx(round(test.p_value * 9), abs=1e-12)


def test_leave_one_out_refits_once_per_donor_with_weight():
    panel, true_weights = simulated_panel(seed=2, effect=1.0)
    donors = [f"D{j:02d}" for j in range(10)]
    spec = SynthSpec("y", 2005, LAGS, span(1990, 2004), starts=0)
    (full,) = fit_runs(panel, [Run(FIT, "T", tuple(donors), spec, "T")], "simulated")
    runs = leave_one_out("T", donors, spec, full.weights.to_dict())
    assert [r.unit for r in runs] == [donors[j] for j in np.flatnonzero(true_weights)]
    fits = fit_runs(panel, runs, "simulated")
    for run, result in zip(runs, fits, strict=True):
        assert run.unit not in run.donors and len(run.donors) == 9
        assert list(result.weights.index) == list(run.donors)
        assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert result.pre_rmspe > 1e-6  # without one of its three donors the exact fit is lost


def test_fake_treatment_years_open_no_gap():
    """With one predictor window per pre-period year or two, the exact convex combination is the only exact fit,
    so the synthetic control finds it at the real year (the effect of 3 opens) and at each fake year (no gap
    opens over the years up to the real one, which the in-time placebos never see)."""
    panel, _ = simulated_panel(seed=4, effect=3.0)
    donors = [f"D{j:02d}" for j in range(10)]
    design = {"first_year": 1985, "windows": 10, "last_value": False, "starts": 0}
    spec = synth_design("y", 2005, **design)
    runs = [Run(FIT, "T", tuple(donors), spec, "T"), *time_placebos("T", donors, spec, [2000, 1997], design)]
    actual, *fake = fit_runs(panel, runs, "simulated")
    assert actual.post_gap == pytest.approx(3.0, abs=1e-6)
    assert [r.spec.treatment_year for r in runs[1:]] == [2000, 1997]
    assert all(r.before == 2005 and r.spec.fit_years[0] == 1985 for r in runs[1:])
    for result, post_years in zip(fake, (5, 8), strict=True):
        post = result.path["year"] >= result.treatment_year
        assert int(post.sum()) == post_years and result.path["year"].max() == 2004
        assert abs(result.post_gap) < 1e-6 and result.pre_rmspe < 1e-6


def test_bad_input_names_the_place():
    panel, _ = simulated_panel()
    donors = [f"D{j:02d}" for j in range(10)]
    late = SynthSpec("y", 2005, (Predictor("y", span(2000, 2006)),), span(1990, 2004))
    with pytest.raises(InputError, match="before the treatment year 2005"):
        fit(panel, "T", donors, late)
    with pytest.raises(InputError, match="variable 'x'"):
        fit(panel, "T", donors, SynthSpec("x", 2005, LAGS, span(1990, 2004)))
    with pytest.raises(InputError, match="one value per unit, year and variable"):
        Panel(pd.concat([panel, panel.iloc[:1]], ignore_index=True), "panel.csv")
    gappy = panel.drop(panel.index[(panel["unit"] == "D03") & (panel["year"] == 1995)])
    with pytest.raises(InputError, match="unit 'D03', year 1995"):
        fit(gappy, "T", donors, PLACEBO_SPEC)
    with pytest.raises(InputError, match="donors"):
        fit(panel, "T", ["T", *donors], SynthSpec("y", 2005, LAGS, span(1990, 2004)))
