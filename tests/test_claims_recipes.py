"""Each recipe statistic on synthetic series with a known answer, and the rules that turn a gap into a status
(emergence.claims.recipes and emergence.claims.judging)."""

from __future__ import annotations

import pandas as pd
import pytest

from emergence.claims import recipes
from emergence.claims.judging import Tolerance, judge, matches_printed, printed_decimals, verdict
from emergence.errors import InputError

YEARS = range(2000, 2011)


def geometric(rate: float, start: float = 100.0) -> pd.Series:
    return pd.Series([start * (1 + rate) ** i for i in range(len(YEARS))], index=list(YEARS))


def test_level_average_total_change_on_a_linear_series():
    series = pd.Series([2.0 * y - 3990 for y in YEARS], index=list(YEARS))  # 10, 12, ..., 30
    assert recipes.level(series, 2003) == 16
    assert recipes.average(series, 2000, 2010) == 20
    assert recipes.total(series, 2000, 2004) == 10 + 12 + 14 + 16 + 18
    assert recipes.change(series, 2002, 2008) == 12


def test_cagr_and_mean_growth_recover_a_constant_rate():
    series = geometric(0.07)
    assert recipes.cagr(series, 2000, 2010) == pytest.approx(7.0)
    assert recipes.mean_growth(series, 2001, 2010) == pytest.approx(7.0)
    assert recipes.growth_rates(series, 2003, 2005).tolist() == pytest.approx([7.0] * 3)


def test_mean_growth_differs_from_cagr_when_growth_alternates():
    # +10% then -10%: the arithmetic mean of the rates is 0 while the level falls (CAGR < 0).
    values = [100.0]
    for i in range(1, len(YEARS)):
        values.append(values[-1] * (1.1 if i % 2 else 0.9))
    series = pd.Series(values, index=list(YEARS))
    assert recipes.mean_growth(series, 2001, 2010) == pytest.approx(0.0, abs=1e-12)
    assert recipes.cagr(series, 2000, 2010) == pytest.approx((0.99 ** (5 / 10) - 1) * 100)


def test_mean_growth_needs_the_year_before_the_window():
    with pytest.raises(InputError, match="missing \\[1999\\]"):
        recipes.mean_growth(geometric(0.05), 2000, 2003)


def test_missing_year_inside_a_window_is_an_error():
    series = geometric(0.05).drop(2004)
    with pytest.raises(InputError) as err:
        recipes.average(series, 2002, 2006, where="etd manufacturing")
    assert err.value.where == "etd manufacturing" and err.value.found == "missing [2004]"
    with pytest.raises(InputError):
        recipes.level(series.astype(float).where(series.index != 2005), 2005)


def test_cagr_rejects_non_positive_levels():
    with pytest.raises(InputError):
        recipes.cagr(pd.Series([0.0, 5.0], index=[2000, 2001]), 2000, 2001)


def test_rank_counts_larger_values():
    cross = pd.Series({"agriculture": 40.0, "trade": 16.6, "manufacturing": 12.4, "mining": 0.5})
    assert recipes.rank(cross, "agriculture") == 1
    assert recipes.rank(cross, "manufacturing") == 3
    with pytest.raises(InputError):
        recipes.rank(cross, "finance")


def test_table_reductions():
    totals = pd.Series([50, 47, 20, 65, 27, 23])
    assert recipes.count_below(totals, 30) == 3
    assert recipes.sum_largest(totals, 3) == 162


@pytest.mark.parametrize(
    ("statistic", "values", "expected"),
    [
        ("value", [4.5], 4.5),
        ("difference", [119.0, 75.5], 43.5),
        ("ratio", [60.0, 6.0], 10.0),
        ("share", [154.0, 232.0], 154 / 232 * 100),
        ("sum", [20.2, 27.7, 52.1], 100.0),
        ("product", [0.02, 500.0], 10.0),
        ("average", [1.0, 2.0, 6.0], 3.0),
        ("currency_conversion", [200.0, 10.0, 1.0], 20.0),  # 200 MAD at 10 MAD per EUR
    ],
)
def test_combinations(statistic, values, expected):
    assert recipes.combine(statistic, values, "test") == pytest.approx(expected)


def test_currency_conversion_inverts_the_implied_rate():
    rate = recipes.implied_rate(75.5e9, 6_987_181_052.20)
    assert recipes.currency_conversion(75.5e9, 75.5e9, 6_987_181_052.20) == pytest.approx(75.5e9 / rate)


def test_combine_checks_arity_and_name():
    with pytest.raises(InputError, match="2 terms"):
        recipes.combine("ratio", [1.0], "claims.yaml")
    with pytest.raises(InputError, match="statistic"):
        recipes.combine("median", [1.0, 2.0], "claims.yaml")
    with pytest.raises(InputError, match="non-zero"):
        recipes.combine("share", [1.0, 0.0], "claims.yaml")


def test_printed_precision():
    assert printed_decimals(66.37) == 2 and printed_decimals(252) == 0 and printed_decimals(4071999553.6) == 1
    assert matches_printed(66.37, 154 / 232 * 100)  # 66.379..., truncated by the paper
    assert matches_printed(39, 232 / 6)  # 38.67 rounds to 39
    assert not matches_printed(252, 232)
    assert not matches_printed(93, 94)


TOL = Tolerance(
    reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
)


@pytest.mark.parametrize(
    ("claimed", "recomputed", "qualifier", "unit", "basis", "status"),
    [
        (3.8, 3.86, "exact", "% a year", "data", "reproduced"),  # within 2% of 3.8
        (3.8, 4.38, "exact", "% a year", "data", "differs"),  # 0.58 > 10% of 3.8
        (52.1, 52.3, "exact", "% of value added", "data", "reproduced"),  # 0.2 <= 0.25 points
        (52.1, 52.9, "exact", "% of value added", "data", "close"),  # 2% of 52.1 is 1.04, capped at 0.25
        (52.1, 54.1, "exact", "% of value added", "data", "differs"),  # beyond the 1-point cap
        (28.4, 28.0, "exact", "billion MAD", "data", "reproduced"),
        (28.4, 18.8, "exact", "billion MAD", "data", "differs"),
        (855, 882, "exact", "patent applications", "data", "close"),
        (100000, 120000, "more_than", "jobs", "data", "reproduced"),
        (100000, 95000, "more_than", "jobs", "data", "close"),
        (100000, -129170, "more_than", "jobs", "data", "differs"),
        (70, 69.83, "more_than", "% of companies", "paper", "inconsistent"),
        (252, 232, "exact", "companies", "paper", "inconsistent"),
        (66.37, 66.3793, "exact", "% of companies", "paper", "reproduced"),
        (1_835_000_000, 1_850_909_000, "about", "EUR", "paper", "inconsistent"),  # 0.87% > 0.5%
        (11_010_571_925.5, 11_012_909_000, "exact", "EUR", "paper", "reproduced"),  # 0.02%
        (12, None, "exact", "regions", "none", "not_recomputable"),
    ],
)
def test_judge(claimed, recomputed, qualifier, unit, basis, status):
    assert judge(claimed, recomputed, qualifier, unit, basis, TOL) == status


def test_tolerance_from_config_params():
    params = {
        "reproduced": {"relative": 0.05, "points": 0.5},
        "close": {"relative": 0.2, "points": 2.0},
        "paper_relative": 0.01,
    }
    tol = Tolerance.from_params(params)
    assert judge(52.1, 52.5, "exact", "%", "data", tol) == "reproduced"
    assert judge(52.1, 52.5, "exact", "%", "data", TOL) == "close"
    assert judge(93, 94, "exact", "%", "paper", tol) == "inconsistent"  # 1.08% > 1%


def test_a_declared_unit_error_or_definitional_gap_overrides_the_number():
    assert verdict("reproduced", {"unit_error": "a count printed as a rate"}) == (
        "unit_error",
        "a count printed as a rate",
    )
    assert verdict("differs", {"not_comparable": "gross against net"}) == ("not_comparable", "gross against net")
    assert verdict("close", {"unit_error": "u", "not_comparable": "n"})[0] == "unit_error"
    assert verdict("close", {}) == ("close", None)
