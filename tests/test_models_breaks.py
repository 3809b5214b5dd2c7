"""Break tests against series with and without a known break."""

from dataclasses import replace

import numpy as np
import pytest
from typed_settings import model_settings

from emergence.config import load_config
from emergence.linear import annihilator
from emergence.models.breaks import (
    BURN_IN,
    HINGE,
    JOINT,
    SHIFT,
    candidate_breaks,
    f_stats,
    knot_status,
    policy_breaks,
    segmented_design,
    segmented_fit,
    sieve_draws,
    unknown_break,
    yule_walker,
)
from emergence.models.series import Series
from emergence.models.trend import NO_DATA, OK, TOO_SHORT, segment_growth

YEARS = np.arange(1990, 2019)
CONFIG = load_config("config/config.yaml")
DEFAULTS = model_settings(["MAR"], CONFIG["periods"], CONFIG["policy_events"], CONFIG["models"])
SETTINGS = replace(DEFAULTS, breaks=replace(DEFAULTS.breaks, bootstrap_draws=199))


def series(log_values, years=YEARS) -> Series:
    return Series("MAR", "manufacturing", "va_constant", years, np.exp(log_values), "u", "etd")


def broken_log(rng, before=0.02, after=0.05, at=2009, sd=0.02, years=YEARS) -> np.ndarray:
    """Log level growing at `before` a year, then at `after` from year `at` on (continuous), plus noise."""
    t = years - years[0]
    return np.log(100) + before * t + (after - before) * np.maximum(0, years - at + 1) + rng.normal(0, sd, len(years))


def rows_by_test(rows):
    return {(r["spec"], r["tested"]): r for r in rows}


def test_hinge_with_no_slope_change_equals_the_plain_trend():
    log_values = np.log(100) + 0.03 * (YEARS - YEARS[0])
    segments, tests = policy_breaks(series(log_values), SETTINGS)
    plain = segment_growth(YEARS, np.exp(log_values), SETTINGS)["growth_pct"]
    for spec in (HINGE, SHIFT):
        slopes = [s["growth_pct"] for s in segments if s["spec"] == spec]
        assert len(slopes) == 4
        assert slopes == pytest.approx([plain] * 4, abs=1e-9)


def test_hinge_design_is_the_plain_trend_plus_hinges_and_the_shift_adds_steps():
    X = segmented_design(YEARS, [2009], SHIFT)
    assert X.shape == (29, 4)
    assert X[YEARS == 2008, 2] == 0 and X[YEARS == 2009, 2] == 1 and X[YEARS == 2018, 2] == 10
    assert X[YEARS == 2008, 3] == 0 and X[YEARS == 2009, 3] == 1
    assert segmented_design(YEARS, [2009], HINGE).shape == (29, 3)


def test_break_in_2009_is_detected_at_the_policy_date_and_by_the_search():
    rng = np.random.default_rng(21)
    draws = 40
    only_2009 = replace(SETTINGS, policy_years=(2009,))
    at_date = joint = near = 0
    for _ in range(draws):
        s = series(broken_log(rng))
        rows = rows_by_test(policy_breaks(s, only_2009)[1])
        at_date += all(rows[(spec, "2009")]["bootstrap_p_value"] < 0.05 for spec in (HINGE, SHIFT))
        rows = rows_by_test(policy_breaks(s, SETTINGS)[1])  # knots at 2005, 2009 and 2014
        joint += all(rows[(spec, JOINT)]["bootstrap_p_value"] < 0.05 for spec in (HINGE, SHIFT))
        found = unknown_break(s, SETTINGS)
        near += found["sup_f_p_value"] < 0.05 and abs(found["break_year"] - 2009) <= 2
    assert at_date / draws >= 0.9
    assert joint / draws >= 0.8
    assert near / draws >= 0.8


def test_segment_slopes_recover_the_growth_on_each_side_of_the_break():
    rng = np.random.default_rng(22)
    s = series(broken_log(rng, before=0.02, after=0.05, sd=0.005))
    settings = replace(SETTINGS, policy_years=(2009,))
    segments, _ = policy_breaks(s, settings)
    hinge = [r for r in segments if r["spec"] == HINGE]
    assert [(r["first_year"], r["last_year"]) for r in hinge] == [(1990, 2008), (2009, 2018)]
    for row, truth in zip(hinge, (0.02, 0.05), strict=True):
        assert row["ci_low_pct"] <= 100 * np.expm1(truth) <= row["ci_high_pct"]


def test_without_a_break_rejections_stay_near_the_nominal_rate():
    rng = np.random.default_rng(23)
    draws = 300
    settings = replace(SETTINGS, policy_years=(2009,))
    rejects = {"f": 0, "bootstrap": 0, "shift_bootstrap": 0, "sup_f": 0, "cusum": 0}
    for _ in range(draws):
        s = series(broken_log(rng, before=0.03, after=0.03))
        _, tests = policy_breaks(s, settings)
        rows = rows_by_test(tests)
        rejects["f"] += rows[(HINGE, "2009")]["p_value"] < 0.05
        rejects["bootstrap"] += rows[(HINGE, "2009")]["bootstrap_p_value"] < 0.05
        rejects["shift_bootstrap"] += rows[(SHIFT, "2009")]["bootstrap_p_value"] < 0.05
        found = unknown_break(s, settings)
        rejects["sup_f"] += found["sup_f_p_value"] < 0.05
        rejects["cusum"] += found["cusum_p_value"] < 0.05
    rates = {name: count / draws for name, count in rejects.items()}
    # 5 % nominal; the binomial sd of a rate from 300 draws is 1.3 points, and a bootstrap p-value from 199
    # draws is below 0.05 only with at most 8 exceedances, so the bootstrap tests run slightly conservative
    for name in ("f", "bootstrap", "shift_bootstrap", "sup_f"):
        assert 0.01 <= rates[name] <= 0.09, rates
    assert rates["cusum"] <= 0.09, rates  # the asymptotic CUSUM test is conservative in short samples


def test_policy_dates_that_leave_too_short_a_regime_are_marked_not_dropped():
    status = knot_status(YEARS, (1985, 2005, 2006, 2009, 2017), min_years=3)
    assert status == {1985: NO_DATA, 2005: OK, 2006: TOO_SHORT, 2009: OK, 2017: TOO_SHORT}
    settings = replace(SETTINGS, policy_years=(1985, 2005, 2006, 2009, 2017))
    segments, tests = policy_breaks(series(broken_log(np.random.default_rng(1))), settings)
    rows = rows_by_test(tests)
    assert rows[(HINGE, "2006")]["status"] == TOO_SHORT and "p_value" not in rows[(HINGE, "2006")]
    assert rows[(SHIFT, "1985")]["status"] == NO_DATA and rows[(SHIFT, "2017")]["status"] == TOO_SHORT
    assert rows[(HINGE, "2009")]["status"] == OK and rows[(SHIFT, JOINT)]["df_num"] == 4
    assert len([s for s in segments if s["spec"] == HINGE]) == 3


def test_f_statistics_match_the_textbook_chow_formula():
    rng = np.random.default_rng(24)
    y = broken_log(rng)
    candidates = candidate_breaks(YEARS, 0.15, 3)
    assert (candidates[0], candidates[-1]) == (1995, 2014)
    X0 = segmented_design(YEARS, [], SHIFT)
    broken = np.stack([annihilator(segmented_design(YEARS, [int(b)], SHIFT)) for b in candidates])
    stats_at = f_stats(y, annihilator(X0), broken, 2, 25)[0]
    i = int(np.flatnonzero(candidates == 2009)[0])
    X1 = segmented_design(YEARS, [2009], SHIFT)
    rss0 = np.sum((y - X0 @ np.linalg.lstsq(X0, y, rcond=None)[0]) ** 2)
    rss1 = np.sum((y - X1 @ np.linalg.lstsq(X1, y, rcond=None)[0]) ** 2)
    assert stats_at[i] == pytest.approx(((rss0 - rss1) / 2) / (rss1 / 25), rel=1e-9)


def test_sieve_draws_follow_the_fitted_autoregression_from_rest():
    """Each draw is an AR(2) started at zero BURN_IN years before the sample: with the shocks the generator gave,
    the recursion written out by hand gives the same series."""
    rng = np.random.default_rng(26)
    u = np.zeros(400)
    for t in range(2, len(u)):
        u[t] = 0.5 * u[t - 1] - 0.2 * u[t - 2] + rng.normal()
    draws = sieve_draws(u, 2, 3, np.random.default_rng(27))
    phi = yule_walker(u, 2)
    innovations = u[2:] - phi[0] * u[1:-1] - phi[1] * u[:-2]
    shocks = np.random.default_rng(27).choice(innovations - innovations.mean(), size=(3, len(u) + BURN_IN))
    expected = np.zeros_like(shocks)
    for t in range(shocks.shape[1]):
        expected[:, t] = shocks[:, t] + (phi[0] * expected[:, t - 1] if t >= 1 else 0)
        expected[:, t] += phi[1] * expected[:, t - 2] if t >= 2 else 0
    assert draws.shape == (3, len(u))
    assert np.allclose(draws, expected[:, BURN_IN:], rtol=1e-12, atol=1e-12)


def test_yule_walker_recovers_an_autoregression():
    rng = np.random.default_rng(25)
    u = np.zeros(5000)
    for t in range(1, len(u)):
        u[t] = 0.6 * u[t - 1] + rng.normal()
    assert yule_walker(u, 1)[0] == pytest.approx(0.6, abs=0.03)


def test_search_is_reproducible_and_too_short_series_are_marked():
    s = series(broken_log(np.random.default_rng(26)))
    assert unknown_break(s, SETTINGS) == unknown_break(s, SETTINGS)
    years = np.arange(2010, 2015)  # 5 years: no break year leaves 3 years on both sides
    short = series(broken_log(np.random.default_rng(27), years=years), years=years)
    assert unknown_break(short, SETTINGS)["status"] == TOO_SHORT


def test_the_segmented_fit_is_the_ols_fit_of_each_spec():
    """The fitted levels the figures draw are exp of the OLS fit of the log level on the segmented design."""
    s = series(broken_log(np.random.default_rng(3)))
    rows = segmented_fit(s, SETTINGS)
    knots = [k for k in SETTINGS.policy_years if knot_status(s.years, SETTINGS.policy_years, 3)[k] == OK]
    for spec in ("hinge", "shift"):
        X = segmented_design(s.years.astype(float), knots, spec)
        beta = np.linalg.lstsq(X, np.log(s.values), rcond=None)[0]
        fitted = [r["fitted"] for r in rows if r["spec"] == spec]
        assert [r["year"] for r in rows if r["spec"] == spec] == list(s.years)
        np.testing.assert_allclose(fitted, np.exp(X @ beta), rtol=1e-10)
