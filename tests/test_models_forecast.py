"""Forecasts and the backtest against series whose future is known."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typed_settings import model_settings

from emergence.config import load_config
from emergence.models.forecast import (
    ARIMA,
    BASE,
    ETS,
    HELD,
    RANDOM_WALK,
    Composition,
    level_backtest_errors,
    level_forecast,
    random_walk_drift,
    share_backtest_errors,
    share_forecast,
    share_point_forecast,
)
from emergence.models.rules import _with_winners

CONFIG = load_config("config/config.yaml")
SETTINGS = model_settings(["MAR"], CONFIG["periods"], CONFIG["policy_events"], CONFIG["models"])
# The backtest tests count forecasts, so they fix the origins rather than take the configured number.
TEN_ORIGINS = replace(SETTINGS, forecast=replace(SETTINGS.forecast, backtest_origins=10, backtest_min_train_years=12))
N = 29


def test_random_walk_drift_continues_a_line_and_widens_with_the_drift_error():
    line = 2.0 + 0.03 * np.arange(N)
    fc = random_walk_drift(line, 5)
    assert np.allclose(fc.mean, 2.0 + 0.03 * np.arange(N, N + 5)) and np.allclose(fc.sd, 0)
    rng = np.random.default_rng(41)
    y = np.cumsum(0.03 + rng.normal(0, 0.02, N))
    fc = random_walk_drift(y, 3)
    sigma2 = np.var(np.diff(y), ddof=1)
    assert fc.sd**2 == pytest.approx(sigma2 * (np.arange(1, 4) + np.arange(1, 4) ** 2 / (N - 1)))


def test_random_walk_intervals_cover_the_truth_at_the_nominal_rate():
    rng = np.random.default_rng(42)
    draws, steps = 400, 5
    hits = []
    for _ in range(draws):
        path = np.cumsum(0.03 + rng.normal(0, 0.02, N + steps))
        fc = level_forecast(path[:N], steps, RANDOM_WALK, SETTINGS)
        hits.append(fc["lower"][-1] <= np.exp(path[-1]) <= fc["upper"][-1])
    # normal quantiles with an estimated variance under-cover slightly; binomial sd 1.1 points
    assert 0.90 <= np.mean(hits) <= 0.98


@pytest.mark.parametrize("model", [ETS, ARIMA])
def test_models_track_steady_growth(model):
    rng = np.random.default_rng(43)
    log_level = np.log(100) + 0.03 * np.arange(N + 12) + rng.normal(0, 0.01, N + 12)
    fc = level_forecast(log_level[:N], 12, model, SETTINGS)
    truth = np.exp(log_level[N:])
    assert np.all(np.abs(fc["value"] / truth - 1) < 0.06)
    assert np.all(fc["lower"] < fc["value"]) and np.all(fc["value"] < fc["upper"])
    assert np.all(np.diff(fc["upper"] - fc["lower"]) > 0)  # intervals widen with the horizon
    walk = np.cumsum(0.03 + rng.normal(0, 0.02, N))
    assert level_forecast(walk, 12, model, SETTINGS)["converged"]


def test_backtest_scores_every_origin_and_step():
    log_level = np.log(100) + 0.03 * np.arange(N)
    errors = level_backtest_errors(log_level, RANDOM_WALK, TEN_ORIGINS)
    short = level_backtest_errors(log_level[:15], RANDOM_WALK, TEN_ORIGINS)
    assert len(short) == 3 + 2 + 1  # origins after 12, 13 and 14 years only: at least 12 years to fit on
    # the last 10 origins (after 19..28 years), up to 5 steps ahead each: 6 x 5 + 4 + 3 + 2 + 1
    assert len(errors) == 40
    assert np.allclose(errors, 0, atol=1e-9)  # a random walk's drift is exact on a straight log line


def composition(rng, years=N, held=False) -> Composition:
    t = np.arange(years)[:, None]
    logits = np.array([2.0, 1.0, 0.5, 0.0]) + np.array([-0.02, 0.01, 0.03, 0.0]) * t + rng.normal(0, 0.02, (years, 4))
    shares = 100 * np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    if held:
        shares[:, 3] = 0.0
        shares[5, 3] = 1.0
        shares[:, :3] *= (100 - shares[:, [3]]) / shares[:, :3].sum(axis=1, keepdims=True)
    return Composition(("agriculture", "manufacturing", "services", "mining"), shares)


def test_log_ratios_round_trip_to_the_shares():
    comp = composition(np.random.default_rng(44))
    ratios, others = comp.log_ratios()
    steadiest = int(np.argmin(np.diff(np.log(comp.shares), axis=0).std(axis=0)))
    assert comp.base == steadiest and others == [j for j in range(4) if j != steadiest]
    assert np.allclose(comp.to_shares(ratios, others, comp.shares[-1]), comp.shares)


def test_share_forecasts_are_positive_and_sum_to_100():
    comp = composition(np.random.default_rng(45))
    for model in (RANDOM_WALK, ETS, ARIMA):
        fc = share_forecast(comp, 12, model, SETTINGS, ("MAR", "emp_share"))
        assert np.allclose(fc["value"].sum(axis=1), 100) and (fc["value"] > 0).all()
        assert (fc["lower"] <= fc["value"] + 1e-9).all() and (fc["value"] <= fc["upper"] + 1e-9).all()
        assert fc["spec"][comp.base] == BASE


def test_share_intervals_are_fixed_by_the_seed():
    comp = composition(np.random.default_rng(45))
    first, again = (share_forecast(comp, 12, RANDOM_WALK, SETTINGS, ("MAR", "emp_share")) for _ in range(2))
    other_seed = share_forecast(comp, 12, RANDOM_WALK, replace(SETTINGS, seed=1), ("MAR", "emp_share"))
    assert np.array_equal(first["upper"], again["upper"])
    assert not np.array_equal(first["upper"], other_seed["upper"])
    assert np.array_equal(first["value"], other_seed["value"])


def test_a_share_with_zero_years_is_held_and_the_rest_fill_the_remainder():
    comp = composition(np.random.default_rng(46), held=True)
    assert comp.held.tolist() == [False, False, False, True]
    fc = share_forecast(comp, 6, ETS, SETTINGS, ("SEN", "emp_share"))
    assert fc["spec"][3] == HELD
    assert np.allclose(fc["value"][:, 3], comp.shares[-1, 3])
    assert np.allclose(fc["value"].sum(axis=1), 100)


def test_share_point_forecast_from_a_steady_composition():
    rng = np.random.default_rng(47)
    comp = composition(rng, years=N + 5)
    truth = comp.shares[N:]
    point = share_point_forecast(comp, N, 5, RANDOM_WALK, SETTINGS)
    assert np.abs(point - truth).max() < 2.0  # percentage points, with 2 % noise on the log-ratios
    errors = share_backtest_errors(Composition(comp.sectors, comp.shares[:N]), RANDOM_WALK, TEN_ORIGINS)
    assert errors.shape == (40, 4) and np.allclose(errors.sum(axis=1), 0)


def test_winner_is_the_smallest_rmse_and_ties_go_to_the_simpler_model():
    scores = pd.DataFrame(
        {
            "country": "MAR",
            "sector": ["a"] * 3 + ["b"] * 3,
            "variable": "emp",
            "model": [RANDOM_WALK, ETS, ARIMA] * 2,
            "rmse": [2.0, 1.0, 1.5, 1.0, 1.0, 3.0],
        }
    )
    out = _with_winners(scores)
    assert out["best"].tolist() == [False, True, False, True, False, False]
    assert out["rmse_ratio"].tolist() == [1.0, 0.5, 0.75, 1.0, 1.0, 3.0]


def test_share_intervals_cover_future_shares_of_random_walk_log_ratios():
    rng = np.random.default_rng(48)
    draws, steps = 200, 3
    settings = replace(SETTINGS, forecast=replace(SETTINGS.forecast, share_draws=1000))
    hits = []
    for _ in range(draws):
        steps_taken = rng.multivariate_normal(
            [0.01, -0.02, 0.0], 0.02**2 * np.array([[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]]), N + steps
        )
        logits = np.column_stack([np.zeros(N + steps), np.cumsum(steps_taken, axis=0)])
        shares = 100 * np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        comp = Composition(("a", "b", "c", "d"), shares[:N])
        fc = share_forecast(comp, steps, RANDOM_WALK, settings, ("MAR", "emp_share"))
        hits.append((fc["lower"][-1] <= shares[-1]) & (shares[-1] <= fc["upper"][-1]))
    coverage = np.mean(hits, axis=0)
    # 95 % nominal for each sector's share; binomial sd 1.5 points for 200 draws
    assert np.all((coverage >= 0.89) & (coverage <= 0.99)), coverage
