"""The synthetic controls on the UN main aggregates: the UN panel's share (manufacturing over the sum of the
activities), the checks of the UN's exclusions, the stage's UN outcome to the UN panel's last year with the
countries it could not use named, and the UN gap set beside the ETD's over their common years."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_counterfactuals_stage import EFFECT, TREATED, WEIGHTS, simulated_etd, simulated_settings

from emergence import manifest, registry
from emergence.config import load_config
from emergence.counterfactuals import stage
from emergence.counterfactuals.donors import UN_TABLE, check_counterfactuals, un_donor_pool, un_panel_countries
from emergence.counterfactuals.panel import FIT, RUNS, UN_CURRENT_SHARE, outcome_panel
from emergence.counterfactuals.schemas import SCHEMAS, write_tables
from emergence.errors import InputError
from emergence.settings import Gaps, from_config
from emergence.sources import un_ama
from emergence.sources.common import default_gaps
from emergence.views.counterfactuals import common_gaps, un_outcome
from emergence.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "config.yaml")
RAW = ROOT / "data" / "raw"
ETD_COUNTRIES = manifest.load(RAW / "etd" / CONFIG["releases"]["etd"] / manifest.MANIFEST)["countries"]
UN_MANIFEST = RAW / "un_ama" / CONFIG["releases"]["un_ama"][UN_TABLE] / manifest.MANIFEST
UN_COUNTRIES = manifest.load(UN_MANIFEST)["countries"]
CURRENT = "manufacturing_va_current_share"


@pytest.fixture(scope="module")
def defaults():
    return from_config(CONFIG).counterfactuals


# --- the UN panel's share -----------------------------------------------------------------------------------------

LABELS = {item: label for label, item in un_ama.ITEMS.items()}
# Activities of each country (millions of US dollars) in 1990; each later year adds `step` to every activity. The
# total is the UN's, which misses the sum of the activities by 0.5 % (within the reader's tolerance), as the UN's
# own totals may: the share must be of the sum, not of the total.
ACTIVITIES = {
    504: {"agriculture": 4e3, "mining": 1e3, "manufacturing": 5e3, "construction": 2e3, "trade": 3e3, "transport": 1e3},
    788: {"agriculture": 2e3, "mining": 3e3, "manufacturing": 4e3, "construction": 1e3, "trade": 2e3, "transport": 2e3},
}
OTHER, YEARS = 6e3, range(1990, 1996)


def un_workbook(path: Path, step: float = 250.0) -> Path:
    """A UN current-USD workbook in the UN's layout (title, blank row, header, one row per country and item)."""
    rows = [
        ("GDP/breakdown at current prices in US Dollars (all countries)",),
        (),
        ("CountryID", "Country", "IndicatorName", *YEARS),
    ]
    for code, parts in ACTIVITIES.items():
        for item in un_ama.ITEMS.values():
            values = []
            for i, _ in enumerate(YEARS):
                level = {k: v + i * step for k, v in parts.items()}
                industry = level["mining"] + level["manufacturing"]
                activities = {
                    "agriculture": level["agriculture"],
                    "industry_ce": industry,
                    "manufacturing": level["manufacturing"],
                    "construction": level["construction"],
                    "trade": level["trade"],
                    "transport": level["transport"],
                    "other_activities": OTHER,
                }
                whole = sum(v for k, v in activities.items() if k != "manufacturing")
                values.append(1e6 * {**activities, "total": 1.005 * whole, "gdp": 1.1 * whole}[item])
            rows.append((code, un_ama.ISO3[code], LABELS[item], *values))
    path.write_bytes(write_workbook([("main", rows), ("notes", [])]))
    return path


def test_the_un_share_is_manufacturing_over_the_sum_of_the_activities_not_the_total(tmp_path):
    tidy = un_ama.clean({UN_TABLE: un_workbook(tmp_path / "un.xlsx")}, ["MAR", "TUN"], Gaps())
    panel = outcome_panel(tidy, (UN_CURRENT_SHARE,), 1990, "un").set_index(["unit", "year"])["value"]
    assert len(panel) == 2 * len(YEARS)
    for code, parts in ACTIVITIES.items():
        for i, year in enumerate(YEARS):
            level = [v + i * 250.0 for v in parts.values()] + [OTHER]
            manufacturing = parts["manufacturing"] + i * 250.0
            expected = 100 * manufacturing / sum(level)
            assert panel[(un_ama.ISO3[code], year)] == pytest.approx(expected, rel=1e-12)
            assert panel[(un_ama.ISO3[code], year)] != pytest.approx(100 * manufacturing / (1.005 * sum(level)))


# --- the UN's exclusions ------------------------------------------------------------------------------------------


def test_the_default_un_pool_is_the_etd_pool_less_the_countries_without_a_un_series_and_the_exclusions(defaults):
    check_counterfactuals(defaults, ETD_COUNTRIES, UN_COUNTRIES)
    absent = set(manifest.load(UN_MANIFEST)["countries_not_in_upstream"])
    assert absent == {"TWN", "TZA"}
    excluded = {c for c, _ in defaults.un_excluded}
    pool = un_donor_pool(defaults, ETD_COUNTRIES, UN_COUNTRIES)
    etd_excluded = {c for c, _ in defaults.excluded}
    expected = set(ETD_COUNTRIES) - {defaults.focus} - etd_excluded - absent - excluded
    assert set(pool) == expected and len(pool) == len(expected)
    assert set(un_panel_countries(defaults, UN_COUNTRIES)) == set(UN_COUNTRIES) - excluded
    assert all(reason.strip() for _, reason in defaults.un_excluded)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        # an exclusion of a country the UN's file lacks excludes nothing: refused, naming the exclusion
        (
            {"un_excluded": (("TWN", "no series"),)},
            r"un_ama/exclude/0', country: expected a country of the UN snapshot, found 'TWN'",
        ),
        ({"un_excluded": (("MEX", " "),)}, r"un_ama/exclude/0', reason"),
        ({"un_excluded": (("MAR", "the focus"),)}, r"un_ama/exclude/0.*the focus country is the treated unit"),
        ({"un_excluded": (("MEX", "a"), ("MEX", "b"))}, r"un_ama/exclude'.*each country excluded once"),
        ({"donors": ("TUN", "TWN", "CHN")}, r"un_ama/exclude'.*at least two donors with a UN series"),
    ],
)
def test_the_un_checks_name_the_key_and_what_was_expected(defaults, change, match):
    with pytest.raises(InputError, match=match):
        check_counterfactuals(dataclasses.replace(defaults, **change), ETD_COUNTRIES, UN_COUNTRIES)


def test_without_un_outcomes_the_un_snapshot_is_not_asked_for(defaults):
    check_counterfactuals(dataclasses.replace(defaults, un_outcomes=()), ETD_COUNTRIES)
    with pytest.raises(InputError, match="a country of the UN snapshot"):
        check_counterfactuals(defaults, ETD_COUNTRIES, [c for c in UN_COUNTRIES if c != defaults.focus])


# --- the UN's exclusions against the UN snapshot the config selects -----------------------------------------------


@pytest.fixture(scope="module")
def un_file() -> Path:
    return UN_MANIFEST.parent / manifest.load(UN_MANIFEST)["files"][0]["name"]


@pytest.mark.parametrize("country", ["BRA", "MEX", "MWI"])
def test_each_exclusion_for_sums_is_a_country_the_reader_refuses_in_a_year_its_reason_names(defaults, un_file, country):
    with pytest.raises(InputError, match=rf"sheet 1, {country} (\d{{4}}): expected sectors summing to the total") as e:
        un_ama.read({UN_TABLE: un_file}, [country], default_gaps("un_ama"))
    year = re.search(rf"{country} (\d{{4}})", str(e.value)).group(1)
    assert year in dict(defaults.un_excluded)[country]


def test_the_default_un_panel_reads_and_every_donor_has_the_outcome_to_the_uns_last_year(defaults, un_file):
    countries = un_panel_countries(defaults, UN_COUNTRIES)
    tidy = un_ama.clean({UN_TABLE: un_file}, countries, default_gaps("un_ama"))
    assert set(tidy["country"]) == set(countries)
    panel = outcome_panel(tidy, defaults.un_outcomes, defaults.productivity_base_year, "un")
    last = int(tidy["year"].max())
    assert last >= 2023  # the UN's last year, read from the file
    for unit in [defaults.focus, *un_donor_pool(defaults, ETD_COUNTRIES, UN_COUNTRIES)]:
        years = set(panel.loc[panel["unit"] == unit, "year"])
        assert set(range(defaults.first_year, last + 1)) <= years, unit
    # China, left out for its missing years, has none of the pre-period
    china = un_ama.clean({UN_TABLE: un_file}, ["CHN"], default_gaps("un_ama"))
    first = int(china.loc[china["sector"] == "manufacturing", "year"].min())
    assert first > defaults.first_year and str(first) in dict(defaults.un_excluded)["CHN"]


# --- the stage ----------------------------------------------------------------------------------------------------

UN_YEARS = range(1985, 2017)  # the UN's series start before synth.first_year and end after the ETD's last year
NO_UN = "D06"  # a donor of the ETD without a UN series
UN_EXCLUDED = ("D05", "its series is not usable")


def simulated_un(seed: int = 3, donors: int = 6) -> pd.DataFrame:
    """UN-like rows of manufacturing's share for the focus and the donors but NO_UN: the treated unit is
    0.6 D01 + 0.4 D02 plus EFFECT points from 2005 on, exactly."""
    rng = np.random.default_rng(seed)
    units = {f"D{i + 1:02d}": 12 + 1.5 * i + np.cumsum(rng.normal(0, 0.7, len(UN_YEARS))) for i in range(donors)}
    units[TREATED] = sum(w * units[d] for d, w in WEIGHTS.items()) + EFFECT * (np.array(UN_YEARS) >= 2005)
    rows = [
        (c, "manufacturing", "va_current_usd_share", y, v, "%", "un_ama")
        for c, values in units.items()
        if c != NO_UN
        for y, v in zip(UN_YEARS, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


@pytest.fixture(scope="module")
def un_stage(defaults):
    settings = simulated_settings(defaults, un_outcomes=(UN_CURRENT_SHARE,), un_excluded=(UN_EXCLUDED,))
    un = simulated_un()
    un = un[un["country"] != UN_EXCLUDED[0]]  # the panel rule cleans the UN snapshot less its exclusions
    return stage.fit_synthetic_controls(simulated_etd(donors=6), settings, "etd", un=un, un_where="un")


def test_the_un_outcome_runs_from_the_first_year_to_the_un_panels_last_year(un_stage):
    fits = un_stage["synth_fits"].set_index("outcome")
    etd, un = fits.loc["manufacturing_va_constant_share"], fits.loc[UN_CURRENT_SHARE]
    assert (un["source"], etd["source"]) == ("un_ama", "etd")
    assert (un["first_year"], un["last_year"]) == (1990, max(UN_YEARS))
    assert etd["last_year"] == 2010
    paths = un_stage["synth_paths"]
    own = paths[(paths["outcome"] == UN_CURRENT_SHARE) & (paths["run"] == FIT)]
    assert list(own["year"]) == list(range(1990, max(UN_YEARS) + 1))
    # the exact convex combination plus the effect: the gap is the effect after treatment
    assert un["post_gap"] == pytest.approx(EFFECT, abs=0.05) and un["pre_rmspe"] < 0.05
    assert un["donors"] == 4 and un["placebos"] == 4 and etd["donors"] == 6
    runs = un_stage["synth_runs"]
    assert set(runs.loc[runs["outcome"] == UN_CURRENT_SHARE, "run"]) == set(RUNS)  # every kind of run
    for name, table in un_stage.items():
        SCHEMAS[name].validate(table, name)


def test_the_pool_names_the_donor_without_a_un_series_and_the_uns_exclusion(un_stage):
    pool = un_stage["synth_pool"].set_index(["source", "country"])
    assert pool.loc[("un_ama", NO_UN), "role"] == "no_series" and pool.loc[("etd", NO_UN), "role"] == "donor"
    assert tuple(pool.loc[("un_ama", UN_EXCLUDED[0]), ["role", "reason"]]) == ("excluded", UN_EXCLUDED[1])
    assert pool.loc[("un_ama", TREATED), "role"] == "treated"
    assert len(pool.loc["un_ama"]) == len(pool.loc["etd"]) == 7


def test_a_un_donor_lacking_years_stops_the_stage_with_its_name_and_the_key(defaults):
    settings = simulated_settings(defaults, un_outcomes=(UN_CURRENT_SHARE,), leave_one_out=False)
    un = simulated_un()
    un = un[~((un["country"] == "D03") & (un["year"] < 1995))]
    with pytest.raises(InputError, match=r"country D03: expected a value in every year 1990-2016 .*un_ama/exclude"):
        stage.fit_synthetic_controls(simulated_etd(donors=6), settings, "etd", un=un, un_where="un")


def test_the_stage_tables_of_the_un_outcome_read_back(un_stage, tmp_path):
    outputs = {name: tmp_path / f"{name}.csv" for name in ("synth_pool", "synth_fits")}
    write_tables(un_stage, outputs)
    for name, path in outputs.items():
        assert len(registry.read(f"counterfactuals_{name}", path)) == len(un_stage[name])


# --- the UN gap beside the ETD's ------------------------------------------------------------------------------------


def gap_paths(un_gaps: dict[int, float], etd_gaps: dict[int, float]) -> pd.DataFrame:
    rows = [
        {"outcome": o, "treatment_year": 2005, "run": r, "unit": "MAR", "treated_from": 2005, "year": y, "gap": g + d}
        for o, gaps in ((UN_CURRENT_SHARE, un_gaps), (CURRENT, etd_gaps))
        for r, d in ((FIT, 0.0), ("space_placebo", 100.0))  # the placebos' gaps are not the focus country's
        for y, g in gaps.items()
    ]
    return pd.DataFrame(rows)


def gap_fits(un_post: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": [UN_CURRENT_SHARE, CURRENT],
            "treatment_year": 2005,
            "design": "main",
            "source": ["un_ama", "etd"],
            "treated": "MAR",
            "donors": [44, 48],
            "last_year": [2024, 2018],
            "post_gap": [un_post, 1.0],
        }
    )


def test_the_un_gap_is_set_beside_the_etds_over_their_common_years_only():
    un = {y: (2.0 if y <= 2018 else 8.0) for y in range(2000, 2025)}
    etd = {y: (1.0 if y >= 2005 else -3.0) for y in range(2000, 2019)}
    (row,) = common_gaps(gap_fits(4.1), gap_paths(un, etd), UN_CURRENT_SHARE, CURRENT)
    assert (row["first"], row["last"], row["years"]) == (2005, 2018, 14)
    assert (row["gap"], row["counterpart_gap"], row["ratio"]) == (2.0, 1.0, 2.0)
    assert row["same_sign"] is True and row["like_size"] is True and row["gap_all_years"] == 4.1
    (small,) = common_gaps(gap_fits(4.1), gap_paths({y: 0.1 for y in un}, etd), UN_CURRENT_SHARE, CURRENT)
    assert small["same_sign"] is True and small["like_size"] is False and small["ratio"] == pytest.approx(0.1)
    (opposite,) = common_gaps(gap_fits(4.1), gap_paths({y: -g for y, g in un.items()}, etd), UN_CURRENT_SHARE, CURRENT)
    assert opposite["same_sign"] is False and opposite["ratio"] == -2.0 and opposite["like_size"] is False


def test_the_un_summary_names_the_countries_left_out():
    pool = pd.DataFrame(
        {
            "source": ["etd"] * 4 + ["un_ama"] * 4,
            "country": ["CHN", "MAR", "RWA", "TWN"] * 2,
            "role": ["donor", "treated", "excluded", "donor", "excluded", "treated", "excluded", "no_series"],
            "reason": [None, None, "a shock", None, "gaps", None, "a shock", "no series"],
        }
    )
    un = {y: 2.0 for y in range(2000, 2025)}
    summary = un_outcome(gap_fits(2.0), pool, gap_paths(un, {y: 1.0 for y in range(2000, 2019)}))
    assert (summary["year"], summary["last_year"], summary["donors"]) == (2005, 2024, 44)
    assert summary["no_series"] == ["TWN"] and summary["excluded"] == [{"code": "CHN", "reason": "gaps"}]
    assert un_outcome(gap_fits(2.0).iloc[1:], pool, gap_paths(un, {})) is None
