"""The counterfactual stage: a simulated panel with a known effect, the donor-pool checks, the tables' schemas, and
the stage's functions on the real ETD panel."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emergence import manifest, registry
from emergence.config import load_config
from emergence.counterfactuals import stage
from emergence.counterfactuals.donors import check_counterfactuals, donor_pool
from emergence.counterfactuals.panel import FIT, LEAVE_ONE_OUT, PRODUCTIVITY, SPACE, TIME, outcome_panel
from emergence.counterfactuals.placebos import (
    ZERO_WEIGHT,
    placebo_test,
    synth_design,
)
from emergence.counterfactuals.schemas import SCHEMAS, write_tables
from emergence.errors import InputError
from emergence.settings import from_config

ROOT = Path(__file__).resolve().parents[1]
ETD_MANIFEST = ROOT / "data" / "raw" / "etd" / "2021-07-15" / manifest.MANIFEST
UN_MANIFEST = ROOT / "data" / "raw" / "un_ama" / "2026-02" / manifest.MANIFEST  # the UN outcomes' workbook
OUTCOME = "manufacturing_va_constant_share"
YEARS = range(1990, 2011)
TREATED, EFFECT, NOISE = "MAR", 5.0, 0.2
WEIGHTS = {"D01": 0.6, "D02": 0.4}


@pytest.fixture(scope="module")
def defaults():
    return from_config(load_config(ROOT / "config" / "config.yaml")).counterfactuals


def simulated_etd(seed: int = 7, donors: int = 8) -> pd.DataFrame:
    """ETD-like rows of manufacturing's share: each donor a common trend, its own level and its own random walk;
    the treated unit is 0.6 D01 + 0.4 D02 plus white noise, and EFFECT points more from 2005 on."""
    rng = np.random.default_rng(seed)
    common = np.cumsum(rng.normal(0, 0.3, len(YEARS)))
    units = {f"D{i + 1:02d}": 10 + 2 * i + common + np.cumsum(rng.normal(0, 0.8, len(YEARS))) for i in range(donors)}
    effect = EFFECT * (np.array(YEARS) >= 2005)
    units[TREATED] = sum(w * units[d] for d, w in WEIGHTS.items()) + rng.normal(0, NOISE, len(YEARS)) + effect
    rows = [
        (c, "manufacturing", "va_constant_share", y, v, "%", "etd")
        for c, values in units.items()
        for y, v in zip(YEARS, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


def simulated_settings(defaults, **changes):
    return dataclasses.replace(
        defaults,
        focus=TREATED,
        donors=None,
        excluded=(),
        outcomes=(OUTCOME,),
        treatment_years=(2005,),
        fake_years=(2000,),
        **changes,
    )


@pytest.fixture(scope="module")
def simulated(defaults):
    return stage.fit_synthetic_controls(simulated_etd(seed=1), simulated_settings(defaults), "simulated")


def test_the_known_effect_is_recovered_with_the_smallest_placebo_p_value(simulated):
    fits = simulated["synth_fits"].set_index("outcome").loc[OUTCOME]
    assert abs(fits["post_gap"] - EFFECT) < 0.5
    assert fits["pre_rmspe"] < 2 * NOISE
    # the treated unit's post/pre ratio is the largest of the 9 units: rank 1, the smallest p the placebos allow
    assert fits["placebos"] == 8 and fits["p_value"] == pytest.approx(1 / 9)
    assert fits["p_value_kept"] == pytest.approx(1 / (fits["placebos_kept"] + 1))
    weights = simulated["synth_weights"].set_index("donor")["weight"]
    assert weights[list(WEIGHTS)].to_numpy() == pytest.approx(list(WEIGHTS.values()), abs=0.05)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_the_placebo_runs_find_no_effect_where_there_is_none(simulated):
    runs = simulated["synth_runs"].set_index("run")
    fake = runs.loc[TIME]
    assert fake["treated_from"] == 2000 and abs(fake["post_gap"]) < 1.0
    placebos = runs.loc[SPACE]
    assert len(placebos) == 8
    weights = simulated["synth_weights"]
    assert set(runs.loc[[LEAVE_ONE_OUT], "unit"]) == set(weights.loc[weights["weight"] > ZERO_WEIGHT, "donor"])


def test_the_stage_tables_validate_and_read_back(simulated, tmp_path):
    outputs = {name: tmp_path / f"{name}.csv" for name in simulated}
    write_tables(simulated, outputs)
    for name, path in outputs.items():
        table = registry.read(f"counterfactuals_{name}", path)
        assert len(table) == len(simulated[name])
    paths = registry.read("counterfactuals_synth_paths", outputs["synth_paths"])
    own = paths[paths["run"] == FIT]
    assert list(own["year"]) == list(YEARS)
    assert np.allclose(own["gap"], own["actual"] - own["synthetic"])


def test_the_fits_do_not_depend_on_the_number_of_workers(defaults):
    settings = simulated_settings(defaults, leave_one_out=False)
    one = stage.fit_synthetic_controls(simulated_etd(donors=6), settings, "simulated")
    two = stage.fit_synthetic_controls(simulated_etd(donors=6), settings, "simulated", workers=2)
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name])


def test_the_schemas_refuse_weights_that_do_not_sum_to_one_and_gaps_that_do_not_subtract(simulated):
    weights = simulated["synth_weights"].copy()
    weights.loc[0, "weight"] += 0.01
    with pytest.raises(InputError, match="summing to one"):
        SCHEMAS["synth_weights"].validate(weights, "weights.csv")
    paths = simulated["synth_paths"].copy()
    paths.loc[3, "gap"] += 0.1
    with pytest.raises(InputError, match="actual - synthetic"):
        SCHEMAS["synth_paths"].validate(paths, "paths.csv")


def test_the_p_value_is_the_rank_among_all_units_and_among_the_well_fitted():
    ratios, pre = [1.0, 6.0, 2.0, 9.0], [1.0, 1.0, 5.0, 9.0]
    test, kept = placebo_test(5.0, 1.0, ratios, pre, k=2.0)
    assert (test.placebos, test.p_value) == (4, 3 / 5)  # ranks after 6 and 9: third of five
    assert list(kept) == [True, True, False, False] and (test.kept, test.p_value_kept) == (2, 2 / 3)
    assert placebo_test(5.0, 0.1, ratios, pre, k=2.0)[0].p_value_kept is None  # no placebo fits as well


def test_the_design_splits_the_pre_period_into_windows_and_adds_the_last_value():
    spec = synth_design(OUTCOME, 2005, 1990, 3, True)
    assert [p.years for p in spec.predictors][-1] == (2004,)
    assert [(p.years[0], p.years[-1]) for p in spec.predictors[:3]] == [(1990, 1994), (1995, 1999), (2000, 2004)]
    assert spec.fit_years == tuple(range(1990, 2005))


def test_the_default_donor_pool_is_every_other_etd_country_less_the_exclusions(defaults):
    countries = manifest.load(ETD_MANIFEST)["countries"]
    check_counterfactuals(defaults, countries, manifest.load(UN_MANIFEST)["countries"])
    pool = donor_pool(defaults, countries)
    excluded = {c for c, _ in defaults.excluded}
    assert defaults.focus not in pool and not excluded & set(pool)
    assert len(pool) == len(countries) - 1 - len(excluded)
    assert all(reason.strip() for _, reason in defaults.excluded)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"excluded": (("XXX", "a reason"),)}, r"donors/exclude/0.*country"),
        ({"excluded": (("TUN", "  "),)}, r"donors/exclude/0.*reason"),
        ({"excluded": (("MAR", "the focus"),)}, r"the focus country is the treated unit"),
        ({"excluded": (("TUN", "a"), ("TUN", "b"))}, r"each country excluded once"),
        ({"donors": ("TUN", "MAR", "EGY")}, r"donors/include.*other than the focus"),
        ({"donors": ("TUN", "XXX")}, r"donors/include.*ETD snapshot"),
        ({"donors": ("TUN", "EGY"), "excluded": (("EGY", "a shock"),)}, r"at least two donors"),
        ({"peers": ("TUN", "MAR")}, r"extra_peers.*other than the focus"),
        ({"event_window": (-4, 5)}, r"event_study/window.*at most 2 leads"),
        ({"treatment_years": (1993,)}, r"treatment_years/0"),
        ({"fake_years": (2006,)}, r"fake_years/0.*before the main treatment"),
    ],
)
def test_config_checks_name_the_key_and_what_was_expected(defaults, change, match):
    countries = manifest.load(ETD_MANIFEST)["countries"]
    with pytest.raises(InputError, match=match):
        check_counterfactuals(
            dataclasses.replace(defaults, **change), countries, manifest.load(UN_MANIFEST)["countries"]
        )


def test_productivity_is_zero_in_the_base_year_and_its_changes_are_those_of_the_levels():
    rows = []
    for country, scale in (("AAA", 1.0), ("BBB", 1000.0)):  # the same economy counted in two currencies
        for year, va in ((1990, 100.0), (1991, 110.0)):
            rows += [(country, "total", "va_constant", year, scale * va), (country, "total", "emp", year, 10.0)]
    etd = pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value"])
    panel = outcome_panel(etd, (PRODUCTIVITY,), 1990, "etd")
    values = panel.set_index(["unit", "year"])["value"]
    assert values[("AAA", 1990)] == 0.0 and values[("BBB", 1990)] == 0.0
    assert values[("AAA", 1991)] == pytest.approx(math.log(1.1)) == values[("BBB", 1991)]


@pytest.fixture(scope="module")
def real_panel():
    from emergence.sources import etd

    raw = ETD_MANIFEST.parent / manifest.load(ETD_MANIFEST)["files"][0]["name"]
    return etd.clean(raw, manifest.load(ETD_MANIFEST)["countries"])


def test_on_the_real_panel_weights_sum_to_one_and_every_outcome_has_a_finite_rmspe(defaults, real_panel):
    # a smaller pool keeps the placebo runs short; the default pool is checked above
    pool = ("ARG", "CHN", "CRI", "EGY", "IND", "KOR", "LAO", "MUS", "MYS", "TUN", "TUR", "ZAF")
    settings = dataclasses.replace(defaults, donors=pool, treatment_years=defaults.treatment_years[:1])
    tables = stage.fit_synthetic_controls(real_panel, settings, "etd", workers=2)
    sums = tables["synth_weights"].groupby("outcome")["weight"].sum()
    assert set(sums.index) == set(defaults.outcomes) and np.allclose(sums, 1.0, atol=1e-12)
    fits = tables["synth_fits"]
    assert np.isfinite(fits["pre_rmspe"]).all() and (fits["pre_rmspe"] > 0).all()
    assert (fits["p_value"] >= 1 / 13).all() and (fits["p_value"] <= 1).all()
    for name, table in tables.items():
        SCHEMAS[name].validate(table, name)


def test_on_the_real_panel_the_event_studies_and_breaks_cover_every_series(defaults, real_panel):
    studies = stage.estimate_event_studies(real_panel, defaults, "etd")
    coefficients = studies["event_coefficients"]
    assert set(coefficients["event_year"]) == set(defaults.treatment_years)
    reference = coefficients[coefficients["reference"]]
    assert (reference["event_time"] == -1).all() and (reference["estimate"] == 0).all()
    assert (coefficients["clusters"] == 1 + len(defaults.peers)).all()
    assert coefficients.loc[coefficients["event_year"] == 2014, "event_time"].max() == 2018 - 2014
    breaks = stage.search_breaks(real_panel, defaults, "etd")
    counts = breaks["break_counts"]
    chosen = counts[counts["chosen"]].set_index("series")["breaks"]
    assert set(chosen.index) == set(defaults.break_series)
    dates = breaks["break_dates"].groupby("series").size().reindex(chosen.index, fill_value=0)
    assert (dates == chosen).all()
    found = breaks["break_dates"]
    assert ((found["ci_low"] <= found["date"]) & (found["date"] <= found["ci_high"])).all()
    for name, table in {**studies, **breaks}.items():
        SCHEMAS[name].validate(table, name)
