"""Trend-cycle filters and unit-root diagnostics against series with a known decomposition."""

import numpy as np
import pytest
from typed_settings import model_settings

from emergence.config import load_config
from emergence.models.diagnostics import unit_root_tests
from emergence.models.filters import hamilton_filter, hp_filter, trend_cycle
from emergence.models.series import Series
from emergence.models.trend import NOT_POSITIVE, OK

YEARS = np.arange(1990, 2019)
CONFIG = load_config("config/config.yaml")
SETTINGS = model_settings(["MAR"], CONFIG["periods"], CONFIG["policy_events"], CONFIG["models"])


def series(log_values, years=YEARS) -> Series:
    return Series("MAR", "total", "emp", years, np.exp(log_values), "thousand persons", "etd")


def test_hp_filter_leaves_a_straight_line_untouched_and_adds_up():
    line = 2.0 + 0.03 * np.arange(29)
    trend, cycle = hp_filter(line, 6.25)
    assert np.allclose(trend, line, atol=1e-9) and np.allclose(cycle, 0, atol=1e-9)
    wavy = line + 0.05 * np.sin(np.arange(29))
    trend, cycle = hp_filter(wavy, 6.25)
    assert np.allclose(trend + cycle, wavy, atol=1e-12)
    assert np.std(cycle) > 0.02  # a 6-year wave is cycle, not trend, at lambda 6.25


def test_hamilton_filter_is_the_regression_it_claims():
    rng = np.random.default_rng(31)
    y = np.cumsum(0.03 + rng.normal(0, 0.02, 29))
    trend, cycle = hamilton_filter(y, horizon=2, lags=1)
    assert np.isnan(trend[:2]).all() and not np.isnan(trend[2:]).any()
    X = np.column_stack([np.ones(27), y[:-2]])
    beta = np.linalg.lstsq(X, y[2:], rcond=None)[0]
    assert np.allclose(trend[2:], X @ beta) and np.allclose(cycle[2:], y[2:] - X @ beta)
    assert abs(cycle[2:].mean()) < 1e-12  # residuals of a regression with a constant


def test_hamilton_filter_with_more_lags_and_a_deterministic_trend():
    line = 1.0 + 0.04 * np.arange(29)
    trend, cycle = hamilton_filter(line, horizon=2, lags=3)
    assert np.isnan(trend[:4]).all()
    assert np.allclose(trend[4:], line[4:]) and np.allclose(cycle[4:], 0, atol=1e-10)


def test_trend_cycle_rows_keep_levels_in_units_and_cycles_in_percent():
    rng = np.random.default_rng(32)
    log_values = np.log(1000) + 0.02 * np.arange(29) + rng.normal(0, 0.01, 29)
    rows = trend_cycle(series(log_values), SETTINGS)
    hp_trend = rows[(rows["filter"] == "hp") & (rows["component"] == "trend")]["value"].to_numpy()
    hp_cycle = rows[(rows["filter"] == "hp") & (rows["component"] == "cycle")]["value"].to_numpy()
    assert np.allclose(np.log(hp_trend) + hp_cycle / 100, log_values)
    assert len(rows[rows["filter"] == "hamilton"]) == 2 * 27
    assert set(rows["unit"]) == {"thousand persons", "% deviation from trend (100 x log)"}
    with_zero = np.exp(log_values)
    with_zero[0] = 0.0
    assert trend_cycle(Series("MAR", "total", "emp", YEARS, with_zero, "u", "etd"), SETTINGS).empty


def test_unit_root_verdicts_on_trend_stationary_and_random_walk_series():
    rng = np.random.default_rng(33)
    draws = 60
    verdicts = {"trend": [], "walk": []}
    t = np.arange(29)
    for _ in range(draws):
        e = rng.normal(0, 0.02, 29)
        verdicts["trend"].append(unit_root_tests(series(3 + 0.03 * t + e), SETTINGS)["verdict"])
        verdicts["walk"].append(unit_root_tests(series(3 + np.cumsum(0.03 + e)), SETTINGS)["verdict"])
    trend_ok = np.mean([v == "trend_stationary" for v in verdicts["trend"]])
    walk_ok = np.mean([v in ("difference_stationary", "inconclusive") for v in verdicts["walk"]])
    wrong_way = np.mean([v == "trend_stationary" for v in verdicts["walk"]])
    assert trend_ok >= 0.6, trend_ok  # ADF rejects with good power with white-noise deviations from trend
    assert walk_ok >= 0.8 and wrong_way <= 0.15, (walk_ok, wrong_way)


def test_unit_root_row_records_bounds_and_undefined_logs():
    rng = np.random.default_rng(34)
    row = unit_root_tests(series(3 + 0.03 * np.arange(29) + rng.normal(0, 0.02, 29)), SETTINGS)
    assert row["status"] == OK and row["n"] == 29 and 0 <= row["adf_lags"] <= SETTINGS.diagnostics.adf_max_lags
    # white noise around a line: the KPSS statistic is below the 10 % critical value, so 0.10 is a lower bound
    assert row["kpss_statistic"] < 0.119
    assert row["kpss_p_value_bound"] == "above" and row["kpss_p_value"] == pytest.approx(0.10)
    zero = np.exp(3 + 0.03 * np.arange(29))
    zero[3] = 0.0
    bad = Series("MAR", "total", "emp", YEARS, zero, "u", "etd")
    assert unit_root_tests(bad, SETTINGS)["status"] == NOT_POSITIVE
