"""Productivity decompositions against a hand-worked example, unit changes and exact identities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typed_settings import structure_settings

from emergence.errors import InputError
from emergence.growth import annualising_factor, compound_rate
from emergence.settings import SAMPLE_ID, StructureSettings
from emergence.structure.rules import decompose_productivity
from emergence.structure.schemas import DECOMPOSITION, DECOMPOSITION_ANNUAL

# Two sectors, years 2000 and 2002 (2001 in between, so the annual table has two steps).
# 2000: agriculture 60 workers at productivity 10, manufacturing 40 at 30   -> P0 = 1800 / 100 = 18
# 2002: agriculture 50 workers at productivity 12, manufacturing 70 at 36   -> P1 = 3120 / 120 = 26
# shares 0.6, 0.4 -> 5/12, 7/12; d_share = -11/60, +11/60; d_prod = 2, 6
# within = 0.6*2 + 0.4*6 = 3.6; structural = 12*(-11/60) + 36*(11/60) = 4.4
# static = 10*(-11/60) + 30*(11/60) = 11/3; dynamic = (-11/60)*2 + (11/60)*6 = 11/15
HAND = {
    ("agriculture", 2000): (600.0, 60.0),
    ("manufacturing", 2000): (1200.0, 40.0),
    ("agriculture", 2001): (630.0, 55.0),
    ("manufacturing", 2001): (1500.0, 50.0),
    ("agriculture", 2002): (600.0, 50.0),
    ("manufacturing", 2002): (2520.0, 70.0),
}
EXPECTED = {
    ("two_term", "within"): 3.6,
    ("two_term", "structural"): 4.4,
    ("three_term", "within"): 3.6,
    ("three_term", "static"): 11 / 3,
    ("three_term", "dynamic"): 11 / 15,
}


def tidy(levels: dict, country: str = "AAA", va_scale: float = 1.0, emp_scale: float = 1.0) -> pd.DataFrame:
    rows = []
    for (sector, year), (va, emp) in levels.items():
        rows.append((country, sector, "va_constant", year, va * va_scale, "million LCU", "test"))
        rows.append((country, sector, "emp", year, emp * emp_scale, "thousand persons", "test"))
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


def settings(countries=("AAA",), periods=(), merges=None) -> StructureSettings:
    return structure_settings(list(countries), list(periods), merges)


def decompose(table, annual=True, **kwargs):
    return decompose_productivity(table, settings(**kwargs), annual, "test table")


def economy(table: pd.DataFrame, measure: str, period: str = SAMPLE_ID) -> dict:
    rows = table[(table["sector"] == "total") & (table["measure"] == measure) & (table["period"] == period)]
    return {(m, t): v for m, t, v in zip(rows["method"], rows["term"], rows["value"], strict=True)}


def test_hand_worked_two_sector_example_levels_and_shares():
    table = decompose(tidy(HAND))["decomposition"]
    levels = economy(table, "level")
    for key, value in EXPECTED.items():
        assert levels[key] == pytest.approx(value, rel=1e-12)
    assert levels[("two_term", "total")] == pytest.approx(8.0, rel=1e-12)
    shares = economy(table, "share_of_total")
    assert shares[("two_term", "within")] == pytest.approx(45.0)
    assert shares[("two_term", "structural")] == pytest.approx(55.0)
    assert shares[("three_term", "dynamic")] == pytest.approx(100 * (11 / 15) / 8)
    pct = economy(table, "pct_initial")
    assert pct[("two_term", "total")] == pytest.approx(100 * 8 / 18)
    assert pct[("three_term", "static")] == pytest.approx(100 * (11 / 3) / 18)


def test_hand_worked_example_annualised_terms_split_the_compound_growth_rate():
    table = decompose(tidy(HAND))["decomposition"]
    annual = economy(table, "annualised")
    cagr = 100 * (math.sqrt(26 / 18) - 1)
    assert annual[("two_term", "total")] == pytest.approx(cagr, rel=1e-12)
    assert annual[("two_term", "within")] == pytest.approx(cagr * 3.6 / 8, rel=1e-12)
    assert annual[("three_term", "dynamic")] == pytest.approx(cagr * (11 / 15) / 8, rel=1e-12)


def test_hand_worked_example_sector_parts():
    table = decompose(tidy(HAND))["decomposition"]
    level = table[(table["measure"] == "level") & (table["period"] == SAMPLE_ID) & (table["method"] == "two_term")]
    parts = {(s, t): v for s, t, v in zip(level["sector"], level["term"], level["value"], strict=True)}
    assert parts[("agriculture", "within")] == pytest.approx(1.2)
    assert parts[("manufacturing", "within")] == pytest.approx(2.4)
    assert parts[("agriculture", "structural")] == pytest.approx(-2.2)
    assert parts[("manufacturing", "structural")] == pytest.approx(6.6)
    # value added per worker of the whole economy: agriculture 6 -> 5, manufacturing 12 -> 21
    assert parts[("agriculture", "total")] == pytest.approx(-1.0)
    assert parts[("manufacturing", "total")] == pytest.approx(9.0)


def test_annual_table_chains_the_two_years():
    annual = decompose(tidy(HAND))["decomposition_annual"]
    total = annual[(annual["term"] == "total") & (annual["measure"] == "level") & (annual["method"] == "two_term")]
    assert list(total["year"]) == [2001, 2002]
    p2001 = 2130 / 105
    assert list(total["value"]) == pytest.approx([p2001 - 18, 26 - p2001])
    DECOMPOSITION_ANNUAL.validate(annual, "annual")


def test_annual_table_is_left_out_when_not_asked():
    assert set(decompose(tidy(HAND), annual=False)) == {"decomposition"}


@pytest.mark.parametrize("va_scale, emp_scale", [(1e6, 1e3), (1e-3, 1.0), (1.0, 1e3)])
def test_relative_measures_do_not_depend_on_units(va_scale, emp_scale):
    base = decompose(tidy(HAND))["decomposition"]
    scaled = decompose(tidy(HAND, va_scale=va_scale, emp_scale=emp_scale))["decomposition"]
    keys = ["period", "method", "term", "sector", "measure"]
    joined = base.merge(scaled, on=keys, suffixes=("", "_scaled"))
    assert len(joined) == len(base) == len(scaled)
    relative = joined[joined["measure"] != "level"]
    np.testing.assert_allclose(relative["value_scaled"], relative["value"], rtol=1e-12)
    level = joined[joined["measure"] == "level"]
    np.testing.assert_allclose(level["value_scaled"], level["value"] * va_scale / emp_scale, rtol=1e-12)


def random_levels(rng, sectors: int, years: range) -> dict:
    return {
        (f"s{i}", year): (float(rng.uniform(1, 1000)), float(rng.uniform(1, 500)))
        for i in range(sectors)
        for year in years
    }


def test_terms_add_up_exactly_on_random_economies():
    rng = np.random.default_rng(20240615)
    periods = [{"id": "early", "label": "early", "end": 2004}, {"id": "late", "label": "late", "start": 2005}]
    countries = [f"C{draw:02d}" for draw in range(40)]  # 40 economies of 2 to 14 sectors, decomposed in one go
    economies = [
        tidy(random_levels(rng, sectors=int(rng.integers(2, 15)), years=range(2000, 2011)), country=country)
        for country in countries
    ]
    tables = decompose(pd.concat(economies, ignore_index=True), countries=tuple(countries), periods=periods)
    DECOMPOSITION.validate(tables["decomposition"], "decomposition")
    DECOMPOSITION_ANNUAL.validate(tables["decomposition_annual"], "annual")
    level = tables["decomposition"]
    level = level[(level["measure"] == "level") & (level["sector"] == "total")]
    groups = level.groupby(["country", "period", "method"])
    assert groups.ngroups == len(countries) * 3 * 2  # whole sample, early and late; two methods
    for _, group in groups:
        total = group.loc[group["term"] == "total", "value"].item()
        parts = group.loc[group["term"] != "total", "value"].sum()
        assert abs(parts - total) <= 1e-12 * max(1.0, abs(total)) * 100


def test_two_term_structural_equals_static_plus_dynamic():
    rng = np.random.default_rng(7)
    table = decompose(tidy(random_levels(rng, 8, range(2000, 2006))))["decomposition"]
    level = table[table["measure"] == "level"].set_index(["period", "method", "term", "sector"])["value"]
    structural = level.xs(("two_term", "structural"), level=("method", "term"))
    static = level.xs(("three_term", "static"), level=("method", "term"))
    dynamic = level.xs(("three_term", "dynamic"), level=("method", "term"))
    np.testing.assert_allclose(structural, static + dynamic, rtol=1e-10, atol=1e-12)


def test_period_totals_chain_into_the_whole_sample():
    rng = np.random.default_rng(11)
    periods = [
        {"id": "a", "label": "a", "end": 2003},
        {"id": "b", "label": "b", "start": 2004, "end": 2006},
        {"id": "c", "label": "c", "start": 2007},
    ]
    table = decompose(tidy(random_levels(rng, 5, range(2000, 2011))), periods=periods)["decomposition"]
    totals = table[(table["term"] == "total") & (table["measure"] == "level") & (table["sector"] == "total")]
    totals = totals[totals["method"] == "two_term"].set_index("period")
    assert totals.loc[["a", "b", "c"], "value"].sum() == pytest.approx(totals.loc[SAMPLE_ID, "value"], rel=1e-12)
    spans = totals[["base_year", "end_year"]].to_dict("index")
    assert spans["a"] == {"base_year": 2000, "end_year": 2003}
    assert spans["b"] == {"base_year": 2003, "end_year": 2006}
    assert spans["c"] == {"base_year": 2006, "end_year": 2010}


def test_sector_without_employment_is_merged_into_its_partner():
    levels = dict(HAND)
    levels.update({("real_estate", y): (300.0, 0.0) for y in (2000, 2001, 2002)})
    levels.update({("business", y): (100.0, 10.0) for y in (2000, 2001, 2002)})
    merged_by_hand = dict(levels)
    for y in (2000, 2001, 2002):
        del merged_by_hand[("real_estate", y)]
        merged_by_hand[("business", y)] = (400.0, 10.0)
    merged = decompose(tidy(levels), merges={"real_estate": "business"})["decomposition"]
    expected = decompose(tidy(merged_by_hand))["decomposition"]
    assert "real_estate" not in set(merged["sector"])
    pd.testing.assert_frame_equal(merged.reset_index(drop=True), expected.reset_index(drop=True))


def test_sector_without_employment_and_no_partner_is_an_error():
    levels = dict(HAND)
    levels.update({("real_estate", y): (300.0, 0.0) for y in (2000, 2001, 2002)})
    with pytest.raises(InputError, match="real_estate"):
        decompose(tidy(levels))


def test_missing_country_is_an_error_naming_it():
    with pytest.raises(InputError, match="BBB"):
        decompose(tidy(HAND), countries=("AAA", "BBB"))


def test_schema_rejects_terms_that_do_not_add_up():
    table = decompose(tidy(HAND))["decomposition"].assign(unit="u", source="test")
    broken = table.copy()
    row = (broken["term"] == "within") & (broken["sector"] == "total") & (broken["measure"] == "level")
    broken.loc[row & (broken["method"] == "two_term") & (broken["period"] == SAMPLE_ID), "value"] += 0.01
    DECOMPOSITION.validate(table, "decomposition")
    with pytest.raises(InputError, match="parts summing"):
        DECOMPOSITION.validate(broken, "decomposition")


def test_annualising_factor_turns_relative_change_into_compound_rate():
    r = np.array([-0.5, -1e-12, 0.0, 1e-12, 0.3, 4.0])
    n = np.array([3, 5, 4, 2, 7, 10])
    factor = annualising_factor(r, n)
    np.testing.assert_allclose(r * factor, (1 + r) ** (1 / n) - 1, rtol=1e-9, atol=1e-15)
    assert factor[2] == 1 / 4
    assert np.isnan(annualising_factor(-1.5, 2))
    np.testing.assert_allclose(compound_rate([100.0], [121.0], [2]), [10.0])
    assert np.isnan(compound_rate([-1.0], [2.0], [2])[0])
