"""Trend growth against series whose growth rate is known."""

from dataclasses import replace

import numpy as np
import pytest
from typed_settings import model_settings

from emergence.config import load_config
from emergence.linear import newey_west_lags
from emergence.models.series import Series
from emergence.models.trend import NO_DATA, NOT_POSITIVE, OK, SHORT, TOO_SHORT, period_growth, segment_growth
from emergence.settings import Period

YEARS = np.arange(1990, 2019)
CONFIG = load_config("config/config.yaml")
SETTINGS = model_settings(["MAR"], CONFIG["periods"], CONFIG["policy_events"], CONFIG["models"])


def exponential(rate_pct: float, years=YEARS, level=100.0) -> np.ndarray:
    return level * (1 + rate_pct / 100) ** (years - years[0])


def noisy(rng, rate_pct=3.0, sd=0.02, years=YEARS) -> np.ndarray:
    return exponential(rate_pct, years) * np.exp(rng.normal(0, sd, len(years)))


def series(values, years=YEARS) -> Series:
    return Series("MAR", "manufacturing", "va_constant", np.asarray(years), np.asarray(values, float), "u", "etd")


def test_exact_exponential_growth_gives_the_rate_three_ways():
    row = segment_growth(YEARS, exponential(3.0), SETTINGS)
    assert row["status"] == OK and row["n"] == 29
    for column in ("growth_pct", "cagr_pct"):
        assert row[column] == pytest.approx(3.0, abs=1e-9)
    assert row["mean_growth_pct"] == pytest.approx(3.0, abs=1e-9)
    assert row["ci_low_pct"] == pytest.approx(3.0, abs=1e-6) and row["ci_high_pct"] == pytest.approx(3.0, abs=1e-6)


def test_cagr_and_mean_growth_differ_when_endpoints_are_off_trend():
    values = exponential(3.0)
    values[-1] *= 1.10  # a last year 10 % above trend moves the CAGR, hardly the trend
    row = segment_growth(YEARS, values, SETTINGS)
    expected_cagr = 100 * ((values[-1] / values[0]) ** (1 / 28) - 1)
    expected_mean = 100 * np.mean(values[1:] / values[:-1] - 1)
    assert row["cagr_pct"] == pytest.approx(expected_cagr, rel=1e-12)
    assert row["mean_growth_pct"] == pytest.approx(expected_mean, rel=1e-12)
    assert row["cagr_pct"] > row["growth_pct"] + 0.2
    assert row["mean_growth_pct"] > row["cagr_pct"]


def test_hac_interval_covers_true_growth_in_most_draws():
    rng = np.random.default_rng(11)
    draws = 400
    covered = 0
    for _ in range(draws):
        row = segment_growth(YEARS, noisy(rng), SETTINGS)
        covered += row["ci_low_pct"] <= 3.0 <= row["ci_high_pct"]
    coverage = covered / draws
    # nominal 95 %, but a HAC variance estimated from 29 years is biased down: about 88 % in 4000 draws of this
    # design; the band is that rate plus or minus 3.5 binomial sd (1.6 points for 400 draws)
    assert 0.82 <= coverage <= 0.94, coverage


def test_short_segment_uses_exact_ols_interval_with_nominal_coverage():
    rng = np.random.default_rng(12)
    years = np.arange(2008, 2014)
    draws = 400
    hits = []
    for _ in range(draws):
        row = segment_growth(years, noisy(rng, years=years), SETTINGS)
        assert row["status"] == SHORT and row["cov_type"] == "OLS" and row["df_resid"] == 4
        hits.append(row["ci_low_pct"] <= 3.0 <= row["ci_high_pct"])
    assert abs(np.mean(hits) - 0.95) < 0.035


def test_statuses_of_undefined_and_short_cases():
    assert segment_growth(YEARS[:0], np.array([]), SETTINGS)["status"] == NO_DATA
    too_short = segment_growth(YEARS[:3], exponential(3.0)[:3], SETTINGS)
    assert too_short["status"] == TOO_SHORT and np.isnan(too_short["growth_pct"])
    assert too_short["cagr_pct"] == pytest.approx(3.0)
    values = exponential(3.0)
    values[4] = 0.0
    assert segment_growth(YEARS, values, SETTINGS)["status"] == NOT_POSITIVE


def test_periods_cover_the_growth_of_their_years_and_chain():
    rows = {r["period"]: r for r in period_growth(series(exponential(2.0)), SETTINGS)}
    assert list(rows) == ["pre2005", "emergence", "pact", "acceleration", "whole_sample"]
    assert (rows["pre2005"]["first_year"], rows["pre2005"]["last_year"]) == (1990, 2004)
    assert (rows["emergence"]["first_year"], rows["emergence"]["last_year"], rows["emergence"]["n"]) == (2004, 2008, 5)
    assert (rows["acceleration"]["first_year"], rows["acceleration"]["last_year"]) == (2013, 2018)
    assert rows["whole_sample"]["n"] == 29
    # CAGRs of consecutive periods chain into the whole-sample CAGR
    growth = np.prod([(1 + rows[p]["cagr_pct"] / 100) ** (rows[p]["n"] - 1) for p in list(rows)[:4]])
    assert growth == pytest.approx((1 + rows["whole_sample"]["cagr_pct"] / 100) ** 28, rel=1e-12)


def test_a_period_outside_the_data_says_no_data():
    settings = replace(SETTINGS, periods=(Period("future", start=2020, end=2025), Period("tail", start=2017)))
    rows = {r["period"]: r for r in period_growth(series(exponential(2.0)), settings)}
    assert rows["future"]["status"] == NO_DATA and rows["future"]["n"] == 0
    assert rows["tail"]["status"] == TOO_SHORT and rows["tail"]["n"] == 3


def test_newey_west_rule_of_thumb():
    assert [newey_west_lags(n) for n in (10, 15, 29, 100)] == [2, 2, 3, 4]
