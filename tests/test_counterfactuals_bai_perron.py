"""Bai-Perron multiple breaks: the Nile's published break, simulated breaks, and identities of the optimisation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize

from emergence.counterfactuals import bai_perron as bp
from emergence.errors import InputError


@pytest.fixture(scope="module")
def nile() -> pd.Series:
    from statsmodels.datasets import nile

    data = nile.load_pandas().data
    return pd.Series(data["volume"].to_numpy(), index=data["year"].astype(int).to_numpy())


def test_nile_one_break_in_1898_with_strucchange_interval(nile):
    """strucchange: breakpoints(Nile ~ 1) dates the break 1898 (the Aswan dam), confint gives 1895-1902, BIC
    chooses one break, and the sup-F statistic of Fstats(Nile ~ 1) is 75.93."""
    result = bp.bai_perron(nile, bp.MEAN)
    assert result.selected["bic"] == 1
    assert result.n_breaks == 1
    (row,) = result.breaks.to_dict("records")
    assert row["date"] == 1898 and row["new_regime_from"] == 1899
    assert (row["ci_low"], row["ci_high"]) == (1895, 1902)
    sup_f1 = result.tests.query("test == 'sup_f' and breaks == 1")["statistic"].item()
    assert sup_f1 == pytest.approx(75.93, abs=0.01)
    regimes = result.regimes
    assert regimes["mean"].iloc[0] == pytest.approx(nile.loc[:1898].mean())
    assert regimes["mean"].iloc[1] == pytest.approx(nile.loc[1899:].mean())


def test_nile_break_survives_robust_covariances(nile):
    for cov in ("hc", "hac"):
        result = bp.bai_perron(nile, bp.MEAN, cov=cov, select="sequential")
        (row,) = result.breaks.to_dict("records")
        assert row["date"] == 1898
        assert row["ci_low"] <= 1898 <= row["ci_high"] and row["ci_high"] - row["ci_low"] <= 10


def _two_break_series(spec: str, seed: int) -> tuple[pd.Series, tuple[int, int]]:
    rng = np.random.default_rng(seed)
    years = np.arange(1990, 2019)  # 29 annual points, as the ETD series
    t = years - years[0]
    if spec == bp.MEAN:
        y = np.select([years <= 1999, years <= 2008], [0.0, 3.0], 1.0)
    else:  # slope 0.02, then 0.08 with a drop, then -0.01
        y = np.select([years <= 1999, years <= 2008], [0.02 * t, 0.5 + 0.08 * (t - 10)], 1.5 - 0.01 * (t - 19))
    return pd.Series(y + rng.normal(0, 0.1 if spec == bp.MEAN else 0.01, len(years)), index=years), (1999, 2008)


@pytest.mark.parametrize("spec", bp.SPECS)
def test_two_large_breaks_recovered_exactly(spec):
    series, dates = _two_break_series(spec, seed=7)
    result = bp.bai_perron(series, spec, max_breaks=3)
    assert result.selected == {"bic": 2, "lwz": 2, "sequential": 2}
    assert tuple(result.breaks["date"]) == dates
    assert (
        (result.breaks["ci_low"] <= result.breaks["date"]) & (result.breaks["date"] <= result.breaks["ci_high"])
    ).all()
    assert result.tests.query("test in ['udmax', 'wdmax']")["reject"].all()


def test_no_break_in_white_noise():
    series = pd.Series(np.random.default_rng(3).normal(size=29), index=np.arange(1990, 2019))
    result = bp.bai_perron(series, bp.MEAN)
    assert result.selected["bic"] == 0 and result.selected["sequential"] == 0
    assert result.breaks.empty
    assert not result.tests.query("test == 'udmax'")["reject"].item()


def test_dynamic_programme_equals_brute_force_over_break_pairs():
    rng = np.random.default_rng(11)
    n, h = 18, 3
    years = np.arange(n)
    y = rng.normal(size=n) + np.where(years > 8, 1.0, 0.0)
    X = bp.break_design(years, bp.TREND)
    dp_ssr, dp_ends = bp.optimal_partitions(bp.segment_ssr(y, X, h), 2)[2]
    best = min(
        (sm.OLS(y, bp.partitioned_design(X, (a, b))).fit().ssr, (a, b))
        for a, b in itertools.combinations(range(n), 2)
        if a + 1 >= h and b - a >= h and n - 1 - b >= h
    )
    assert dp_ends == best[1]
    assert dp_ssr == pytest.approx(best[0], rel=1e-10)


def test_partition_ssr_is_the_sum_of_segment_ssrs(nile):
    y = nile.to_numpy()
    X = bp.break_design(nile.index.to_numpy(), bp.TREND)
    ssr = bp.segment_ssr(y, X, 15)
    for total, ends in bp.optimal_partitions(ssr, 3):
        pieces = sum(ssr[a, b] for a, b in bp.regime_bounds(ends, len(y)))
        assert total == pytest.approx(pieces, rel=1e-12)
        assert sm.OLS(y, bp.partitioned_design(X, ends)).fit().ssr == pytest.approx(total, rel=1e-10)


def test_segment_ssr_matches_ols_and_respects_trimming():
    rng = np.random.default_rng(5)
    y, years = rng.normal(size=12), np.arange(12)
    X = bp.break_design(years, bp.TREND)
    ssr = bp.segment_ssr(y, X, 4)
    assert np.isinf(ssr[2, 4]) and np.isinf(ssr[5, 1])
    assert ssr[2, 9] == pytest.approx(sm.OLS(y[2:10], X[2:10]).fit().ssr, rel=1e-10)


def test_argmax_distribution_matches_bai_1997():
    """Symmetric case: the 97.5% quantile of argmax W(s) - |s|/2 is 11.03 (Bai 1997; Bai and Perron 2003)."""
    assert bp.argmax_quantile(0.975, 1.0, 1.0) == pytest.approx(11.03, abs=0.01)
    for x in (0.5, 3.0, 20.0):
        assert bp.argmax_cdf(-x) == pytest.approx(1 - bp.argmax_cdf(x), abs=1e-12)
    for xi, phi in ((2.0, 0.5), (0.5, 2.0), (1.5, 3.0)):
        grid = np.geomspace(1e-3, 1000, 150)
        values = [bp.argmax_cdf(x, xi, phi) for x in np.r_[-grid[::-1], grid]]
        assert np.all(np.diff(values) >= -1e-12) and values[0] < 1e-6 and values[-1] > 1 - 1e-6
        assert bp.argmax_cdf(-1e-9, xi, phi) == pytest.approx(bp.argmax_cdf(1e-9, xi, phi), abs=1e-6)


def test_critical_value_tables_are_consistent():
    """Transcription checks of the stored tables: sizes ordered, sup F(1|0) = sup F(1), UDmax at least sup F(1),
    WDmax at least UDmax, sup F(l+1|l) rising in l, sup F(k) falling in k."""
    for eps, q in itertools.product((0.10, 0.15, 0.20, 0.25), range(1, 6)):
        tables = [bp.critical_values(eps, a, q) for a in bp.ALPHAS]
        for c in tables:
            assert c.sequential[0] == c.sup_f[0] <= c.udmax <= c.wdmax
            assert list(c.sup_f) == sorted(c.sup_f, reverse=True)
            assert list(c.sequential) == sorted(c.sequential)
        for looser, stricter in itertools.pairwise(tables):
            assert all(
                a < b
                for a, b in zip(looser.sup_f + looser.sequential, stricter.sup_f + stricter.sequential, strict=True)
            )
        assert all(
            bp.critical_values(eps, 0.05, q).sup_f[0] < bp.critical_values(eps, 0.05, q + 1).sup_f[0]
            for q in range(1, 5)
        )


def test_wdmax_weights_use_the_tables(nile):
    result = bp.bai_perron(nile, bp.MEAN, max_breaks=3)
    c = bp.critical_values(0.15, 0.05, 1)
    f = result.tests.query("test == 'sup_f'")["statistic"].to_numpy()
    wdmax = result.tests.query("test == 'wdmax'")["statistic"].item()
    assert wdmax == pytest.approx(max(c.sup_f[0] / c.sup_f[k] * f[k] for k in range(3)))


def test_bad_input_is_refused(nile):
    with pytest.raises(InputError, match="consecutive years"):
        bp.bai_perron(nile.drop(1900))
    with pytest.raises(InputError, match="tabulated case"):
        bp.bai_perron(nile, trimming=0.12)
    with pytest.raises(InputError, match="max_breaks"):
        bp.bai_perron(nile, max_breaks=6)
    with pytest.raises(InputError, match="year 1875"):
        bp.bai_perron(nile.astype(object).where(nile.index != 1875, "n/a"))
    with pytest.raises(InputError, match="room for two segments"):
        bp.bai_perron(nile.iloc[:5], bp.TREND)


def test_information_criteria_formulas():
    bic, lwz = bp.information_criteria(10.0, 29, 2, 1)
    p = 2 * 2 + 1
    assert bic == pytest.approx(math.log(10 / 29) + p * math.log(29) / 29)
    assert lwz == pytest.approx(math.log(10 / (29 - p)) + p / 29 * 0.299 * math.log(29) ** 2.1)


def test_interval_is_bai_inversion():
    """The interval of a single break is [T - ceil(c_hi / s), T - floor(c_lo / s)] with the scale and quantiles."""
    rng = np.random.default_rng(2)
    years = np.arange(60)
    y = np.where(years > 29, 1.0, 0.0) + rng.normal(0, 1, 60)
    X = bp.break_design(years, bp.MEAN)
    ((low, high),) = bp.break_intervals(y, X, (29,), 0.90, "ols")
    a, b = y[:30], y[30:]
    s1, s2, d = a.var(), b.var(), b.mean() - a.mean()
    scale = d * d / s1
    c_lo = optimize.brentq(lambda x: bp.argmax_cdf(x, 1.0, s2 / s1) - 0.05, -500, 500)
    c_hi = optimize.brentq(lambda x: bp.argmax_cdf(x, 1.0, s2 / s1) - 0.95, -500, 500)
    assert (low, high) == (29 - math.ceil(c_hi / scale), 29 - math.floor(c_lo / scale))
