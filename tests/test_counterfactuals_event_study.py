"""Event study / difference-in-differences: simulated panels with known effects, the 2x2 identity, and the wild
cluster bootstrap's enumeration and seeding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emergence.counterfactuals import event_study as es
from emergence.errors import InputError

YEARS = np.arange(1990, 2019)
LAUNCH = 2005


def effect(k: np.ndarray) -> np.ndarray:
    """A dynamic effect growing by 0.05 a year from the launch year, flat from event time 5."""
    return np.where(k >= 0, 0.05 * (np.minimum(k, 5) + 1), 0.0)


def panel(units=8, treated=("A",), pre_trend=0.0, sigma=0.01, seed=1, years=YEARS) -> pd.DataFrame:
    """Unit and year effects (a common random walk), iid noise, the effect for the treated units and, when asked,
    a treated-only trend before the launch (a violation of parallel trends)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 0.1, len(years)).cumsum()
    k = years - LAUNCH
    rows = []
    for u in (chr(65 + i) for i in range(units)):
        y = rng.normal(0, 1) + common + rng.normal(0, sigma, len(years))
        if u in treated:
            y = y + effect(k) + pre_trend * np.minimum(k, 0)
        rows += [{"unit": u, "year": int(t), "variable": "y", "value": v} for t, v in zip(years, y, strict=True)]
    return pd.DataFrame(rows)


def test_known_dynamic_effect_recovered():
    result = es.event_study(panel(), "y", "A", LAUNCH, window=(-4, 5), draws=999)
    table = result.coefficients.set_index("event_time")
    truth = effect(table.index.to_numpy())
    assert np.abs(table["estimate"].to_numpy() - truth).max() < 0.04  # noise sd about 0.015 for one treated unit
    assert table.loc[-1, "estimate"] == 0.0 and table.loc[-1, "reference"]
    assert list(table.index[table["binned"]]) == [-4, 5]
    assert (table.drop(-1)["ci_low"] <= table.drop(-1)["estimate"]).all()
    assert (table.drop(-1)["estimate"] <= table.drop(-1)["ci_high"]).all()


def test_leads_zero_under_parallel_trends():
    result = es.event_study(panel(), "y", "A", LAUNCH, draws=999)
    (row,) = result.pretrend.to_dict("records")
    assert row["leads"] == "-4 -3 -2"
    assert row["p_bootstrap"] > 0.10
    leads = result.coefficients.query("event_time < -1")
    assert leads["estimate"].abs().max() < 0.04


@pytest.mark.parametrize("treated", [("A",), ("A", "B", "C", "D")])
def test_built_in_pre_trend_rejected(treated):
    data = panel(units=10, treated=treated, pre_trend=0.02)
    result = es.event_study(data, "y", treated, LAUNCH, draws=999)
    assert result.pretrend["p_bootstrap"].item() < 0.01
    parallel = es.event_study(panel(units=10, treated=treated), "y", treated, LAUNCH, draws=999)
    assert parallel.pretrend["p_bootstrap"].item() > 0.10


def test_two_by_two_did_equals_difference_of_means():
    """Window (-1, 0): one post dummy on a balanced panel, so TWFE is (post - pre) treated minus (post - pre)
    untreated, the means taken over units and years."""
    treated = ("A", "B")
    data = panel(units=6, treated=treated, sigma=0.05, seed=4)
    result = es.event_study(data, "y", treated, LAUNCH, window=(-1, 0), draws=99)
    (estimate,) = result.coefficients.query("not reference")["estimate"]
    group = np.where(data["unit"].isin(treated), "treated", "control")
    period = np.where(data["year"] >= LAUNCH, "post", "pre")
    means = data.groupby([group, period])["value"].mean()
    did = (means["treated", "post"] - means["treated", "pre"]) - (means["control", "post"] - means["control", "pre"])
    assert estimate == pytest.approx(did, abs=1e-12)
    assert np.isnan(result.pretrend["p_bootstrap"].item())  # no leads: nothing to test


def test_bootstrap_is_determined_by_its_seed():
    data = panel(units=10, treated=("A", "B", "C"), sigma=0.03)
    first = es.event_study(data, "y", ["A", "B", "C"], LAUNCH, draws=499, seed=3)
    again = es.event_study(data, "y", ["A", "B", "C"], LAUNCH, draws=499, seed=3)
    other = es.event_study(data, "y", ["A", "B", "C"], LAUNCH, draws=499, seed=4)
    pd.testing.assert_frame_equal(first.coefficients, again.coefficients)
    pd.testing.assert_frame_equal(first.pretrend, again.pretrend)
    assert first.coefficients["draws"].iloc[0] == 499
    assert not np.array_equal(first.coefficients["p_bootstrap"], other.coefficients["p_bootstrap"], equal_nan=True)


def test_few_clusters_enumerate_every_rademacher_vector():
    """Five units: 2^5 = 32 weight vectors, all used, so p-values are multiples of 1/32 whatever the seed."""
    data = panel(units=5)
    one = es.event_study(data, "y", "A", LAUNCH, window=(-3, 3), draws=999, weights=es.RADEMACHER, seed=1)
    two = es.event_study(data, "y", "A", LAUNCH, window=(-3, 3), draws=999, weights=es.RADEMACHER, seed=2)
    assert one.coefficients["draws"].iloc[0] == 32
    p = one.coefficients["p_bootstrap"].dropna().to_numpy()
    assert np.allclose(p * 32, np.round(p * 32))
    pd.testing.assert_frame_equal(one.coefficients, two.coefficients)


def test_cluster_robust_columns_come_from_statsmodels():
    import statsmodels.api as sm

    data = panel(units=6, treated=("A", "B"), sigma=0.05, seed=4)
    result = es.event_study(data, "y", ["A", "B"], LAUNCH, window=(-1, 0), draws=99)
    post = (data["unit"].isin(["A", "B"]) & (data["year"] >= LAUNCH)).astype(float)
    X = pd.concat(
        [
            post.rename("post"),
            pd.get_dummies(data["unit"], drop_first=True),
            pd.get_dummies(data["year"], drop_first=True),
        ],
        axis=1,
    ).astype(float)
    fit = sm.OLS(data["value"], sm.add_constant(X)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["unit"])[0]}, use_t=True
    )
    row = result.coefficients.query("not reference").iloc[0]
    assert row["se_cluster"] == pytest.approx(fit.bse["post"], rel=1e-9)
    assert row["p_cluster"] == pytest.approx(fit.pvalues["post"], rel=1e-9)


def test_bad_input_is_refused():
    data = panel()
    with pytest.raises(InputError, match="treated units"):
        es.event_study(data, "y", "Z", LAUNCH)
    with pytest.raises(InputError, match="event time 14"):
        es.event_study(data, "y", "A", LAUNCH, window=(-4, 15))
    with pytest.raises(InputError, match="fewer leads than units"):
        es.event_study(panel(units=3), "y", "A", LAUNCH, window=(-4, 2))
    with pytest.raises(InputError, match="reference year 2004"):
        es.event_study(data[(data["unit"] != "A") | (data["year"] != 2004)], "y", "A", LAUNCH)
    with pytest.raises(InputError, match="one row per unit and year"):
        es.event_study(pd.concat([data, data.head(1)]), "y", "A", LAUNCH)
    with pytest.raises(InputError, match="unit B, year 1995"):
        es.event_study(
            data.assign(value=data["value"].where((data["unit"] != "B") | (data["year"] != 1995))), "y", "A", LAUNCH
        )
