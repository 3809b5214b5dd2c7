"""The HCP census as tidy tables and the regional structure: the real files' sums and identities, simulated
regions with known answers, and bad input naming the file and what was expected."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from census_copies import rewrite_gz

from emergence.config import load_config
from emergence.errors import InputError
from emergence.io import read_table, write_table
from emergence.paper import CLUSTERS_SCHEMA, clean_paper
from emergence.regions import structure, tidy
from emergence.settings import RegionSettings, from_config
from emergence.sources import hcp_census

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
RELEASE = RAW / "hcp_census" / "1.9.1"
PAPER = RAW / "paper"


@pytest.fixture(scope="module")
def settings() -> RegionSettings:
    return from_config(load_config(ROOT / "config" / "config.yaml")).regions


@pytest.fixture(scope="module")
def written(regions_paths) -> dict[str, Path]:
    """The census's clean tables, written from the snapshot of the configured release beside the regions tables."""
    folder = next(iter(regions_paths.values())).parent
    return {name: folder / f"{name}.csv" for name in ("census", "units", "fields")}


@pytest.fixture(scope="module")
def census(written) -> pd.DataFrame:
    return read_table(written["census"], tidy.CENSUS_SCHEMA)


@pytest.fixture(scope="module")
def fields(written) -> pd.DataFrame:
    return read_table(written["fields"], tidy.FIELDS_SCHEMA)


@pytest.fixture(scope="module")
def clusters() -> pd.DataFrame:
    return clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")["clusters"]


@pytest.fixture(scope="module")
def tables(census, fields, clusters, settings) -> dict[str, pd.DataFrame]:
    return structure.analyse_regions(census, fields, clusters, settings, "clusters.csv")


def value(census: pd.DataFrame, code: str, year: int, variable: str) -> float:
    rows = census[(census["code"] == code) & (census["year"] == year) & (census["variable"] == variable)]
    assert len(rows) == 1, (code, year, variable)
    return float(rows["value"].iloc[0])


# --- tidy tables on the real files ----------------------------------------------------------------------------


def test_hierarchy_puts_every_commune_in_one_province_and_region(written):
    units = read_table(written["units"], tidy.UNITS_SCHEMA)
    assert len(units) == 1503 and units["commune_code"].is_unique
    assert units["region_code"].nunique() == 12
    provinces = hcp_census.read(RELEASE, "attributes/provinces.csv.gz").set_index("code")
    without = provinces.loc[sorted(set(provinces.index) - set(units["province_code"])), "type"]
    assert len(provinces) == 83 and set(without) == {"prefecture_of_arrondissements"}  # Casablanca's 8: no communes
    assert (units.groupby("province_code")["region_code"].nunique() == 1).all()
    assert (units["commune_code"].str[:2] == units["region_code"]).all()  # the code is the hierarchy
    assert units.loc[units["commune_name"] == "Tanger", ["province_code", "region_name"]].values.tolist() == [
        ["01.511", "Tanger-Tétouan-Al Hoceima"]
    ]


def test_codes_stay_strings_through_the_written_table(census):
    regions = sorted(census.loc[census["level"] == "region", "code"].unique())
    assert regions == [f"{n:02d}" for n in range(1, 13)]
    assert census.loc[census["level"] == "country", "code"].unique().tolist() == [tidy.COUNTRY_CODE]


def test_regional_counts_add_up_to_the_national_row(census):
    counts = census[census["unit"].isin(tidy.COUNT_UNITS) & census["level"].isin(["region", "country"])]
    sums = counts[counts["level"] == "region"].groupby(["year", "variable"])["value"].sum()
    national = counts[counts["level"] == "country"].set_index(["year", "variable"])["value"]
    gap = (sums - national.reindex(sums.index)).abs()
    assert gap.max() <= 6 and len(gap) > 20  # whole persons rounded in each of 12 regions
    economy = gap.loc[2024][gap.loc[2024].index.str.startswith(("establishments", "sector", "size", "founded"))]
    assert (economy == 0).all()  # the establishments are counted, not estimated: exact
    assert value(census, "MAR", 2024, "establishments_business") == 1130021  # as ../shared/data/SOURCES.md quotes


def test_the_2014_sector_shares_split_the_employed(census):
    shares = census[(census["year"] == 2014) & census["variable"].str.startswith("work_sector_")]
    sums = shares.groupby(["level", "code"])["value"].sum()
    assert math.isclose(sums[("country", "MAR")], 99.9)  # the national row's rounding, as SOURCES.md says
    assert ((sums - 100).abs() <= 0.45 + 1e-9).all() and len(sums) > 1500


def test_fields_carry_hcp_headings_and_comparability(fields):
    by = fields.set_index(["year", "variable"])
    assert by.loc[(2014, "labour_activity_rate"), "heading"] == "Taux net d'activité"
    assert by.loc[(2024, "labour_activity_rate"), "heading"] == "Taux d'activité des 15 ans et plus (%)"
    assert by.loc[(2014, "labour_unemployment_rate"), "comparable_to"] == "labour_unemployment_rate"
    assert bool(by.loc[(2024, "labour_unemployment_rate"), "comparable"])
    assert not by.loc[(2014, "work_sector_industry"), "comparable"]  # 2024 publishes no sectors by commune
    assert not by.loc[(2014, "labour_inactive"), "comparable"]  # 2014 counts children among the inactive
    assert "2024 count starts at 15" in by.loc[(2014, "labour_inactive"), "note"]


def test_the_same_snapshot_gives_the_same_bytes(written, tmp_path):
    outputs = {name: tmp_path / f"{name}.csv" for name in written}
    tidy.write_census(RELEASE, outputs)
    assert all(outputs[n].read_bytes() == written[n].read_bytes() for n in written)


# --- bad input ------------------------------------------------------------------------------------------------


def clean_copy(folder: Path) -> None:
    tidy.write_census(folder, {name: folder.parent / f"{name}.csv" for name in ("census", "units", "fields")})


def test_a_region_missing_from_a_data_file_is_named(release_copy):
    name = "economy/establishments.csv.gz"
    rewrite_gz(release_copy / name, lambda f: f[~((f["level"] == "region") & (f["code"] == "05"))])
    with pytest.raises(InputError) as caught:
        clean_copy(release_copy)
    assert caught.value.where == str(release_copy / name) and caught.value.found == ["05"]
    assert "a row for each region of attributes/regions.csv.gz" in str(caught.value)
    assert not list(release_copy.parent.glob("*.csv"))


def test_a_region_missing_from_the_regions_file_is_named(release_copy):
    rewrite_gz(release_copy / "attributes/regions.csv.gz", lambda f: f[f["code"] != "08"])
    with pytest.raises(InputError, match=r"a row for region '08', which provinces.csv.gz row \d+ names"):
        clean_copy(release_copy)


def test_a_commune_in_another_regions_province_is_named(release_copy):
    def move(frame):
        frame.loc[0, "region_code"] = "02"
        return frame

    rewrite_gz(release_copy / "attributes/communes.csv.gz", move)
    with pytest.raises(InputError) as caught:
        clean_copy(release_copy)
    assert caught.value.location == "row 2, column 'region_code'"
    assert "the region of the commune's province" in str(caught.value)


def test_a_commune_listed_twice_is_named(release_copy):
    rewrite_gz(release_copy / "attributes/communes.csv.gz", lambda f: pd.concat([f, f.iloc[[7]]]))
    with pytest.raises(InputError, match=r"row 1505, column 'code': expected each code once"):
        clean_copy(release_copy)


def test_regions_not_adding_up_to_the_nation_are_named(release_copy):
    def inflate(frame):
        row = (frame["level"] == "region") & (frame["code"] == "06")
        frame.loc[row, "sector_industry"] = str(int(frame.loc[row, "sector_industry"].iloc[0]) + 100)
        return frame

    rewrite_gz(release_copy / "economy/establishments.csv.gz", inflate)
    with pytest.raises(InputError) as caught:
        clean_copy(release_copy)
    assert caught.value.where == str(release_copy / "economy/establishments.csv.gz")
    assert caught.value.location == "regions' rows of 'sector_industry' (2024)"
    assert "counts summing to the national row 154979" in str(caught.value)


def test_shares_not_adding_up_to_100_are_named(release_copy):
    def shift(frame):
        row = (frame["level"] == "region") & (frame["code"] == "03") & (frame["area"] == "total")
        row &= frame["sex"] == "all"
        frame.loc[row, "work_sector_industry"] = "14.1"  # 12.1 published
        return frame

    rewrite_gz(release_copy / "indicators2014/people.csv.gz", shift)
    with pytest.raises(InputError) as caught:
        clean_copy(release_copy)
    assert caught.value.location == "'work_sector_*' of region 03 (2014)"
    assert caught.value.where == str(release_copy / "indicators2014/people.csv.gz")


def test_parts_not_adding_up_to_the_businesses_are_named(release_copy):
    def shift(frame):
        frame.loc[frame["code"] == "01.511.01.0", "size_1"] = "0"
        return frame

    rewrite_gz(release_copy / "economy/establishments.csv.gz", shift)
    with pytest.raises(InputError, match=r"'size_\*' of commune 01.511.01.0: expected parts summing to"):
        clean_copy(release_copy)


def test_a_kept_variable_missing_from_a_data_file_is_named(release_copy):
    rewrite_gz(release_copy / "indicators/people.csv.gz", lambda f: f.drop(columns="labour_unemployment_rate"))
    with pytest.raises(InputError, match=r"header row: expected columns .*missing \['labour_unemployment_rate'\]"):
        clean_copy(release_copy)


# --- structure: identities on the real files ------------------------------------------------------------------


def test_the_employment_weighted_mean_of_a_location_quotient_is_one(tables):
    """sum_r (E_r / E) LQ_rc = sum_r E_rc / E_c = 1 for every category: exactly, up to rounding of floats."""
    lq = tables["location_quotients"]
    weight = lq.groupby(["dataset", "region_code"])["count"].transform("sum") / lq.groupby("dataset")[
        "count"
    ].transform("sum")
    means = (weight * lq["location_quotient"]).groupby([lq["dataset"], lq["category"]]).sum()
    assert len(means) == 9 + 4 + 5 + 4  # sectors of 2014, sectors, size classes and cohorts of 2024
    np.testing.assert_allclose(means.to_numpy(), 1.0, rtol=0, atol=1e-12)


def test_regional_counts_of_the_structure_add_up_to_the_national_counts(tables, census):
    lq = tables["location_quotients"]
    employed = lq[lq["dataset"] == "employment_2014"]["count"].sum()
    assert math.isclose(employed, value(census, "MAR", 2014, "profession_employed"), rel_tol=1e-12)
    for dataset in ("establishments_sector_2024", "establishments_size_2024", "establishments_cohort_2024"):
        part = lq[lq["dataset"] == dataset]
        assert part["count"].sum() == value(census, "MAR", 2024, "establishments_business")
        assert np.allclose(part.groupby("region_code")["share"].sum(), 100.0)
        assert np.allclose(part.groupby("category")["region_share"].sum(), 100.0)
    industry = lq[(lq["dataset"] == "establishments_sector_2024") & (lq["category"] == "industry")]
    assert industry["count"].sum() == value(census, "MAR", 2024, "sector_industry")


def test_derived_national_sector_shares_match_hcps_national_row(tables, census):
    """The national mix from the regions' counts is HCP's national row, within the rounding of both."""
    lq = tables["location_quotients"]
    national = lq[lq["dataset"] == "employment_2014"].groupby("category")["national_share"].first()
    for sector, share in national.items():
        published = value(census, "MAR", 2014, f"work_sector_{sector}") / 0.999  # the row sums to 99.9
        assert abs(share - published) < 0.1, sector


def test_cohorts_group_hcps_founding_periods(tables, census, settings):
    cohorts = tables["location_quotients"]
    cohorts = cohorts[cohorts["dataset"] == "establishments_cohort_2024"].set_index(["region_code", "category"])
    before = sum(value(census, "06", 2024, f"founded_{p}") for p in settings.cohorts["before_2001"])
    assert cohorts.loc[("06", "before_2001"), "count"] == before
    assert set(cohorts.index.get_level_values("category")) == set(settings.cohorts)


def test_jobs_per_establishment_is_jobs_over_businesses(tables, census):
    row = tables["establishments"].set_index("region_code").loc["MAR"]
    assert row["jobs"] == value(census, "MAR", 2024, "establishments_jobs")
    assert row["jobs_per_establishment"] == row["jobs"] / row["businesses"]


def test_rates_are_compared_where_the_dictionaries_say_they_can_be(tables, census):
    rates = tables["labour_rates"].set_index(["variable", "region_code"])
    assert rates["comparable"].all() and len(rates) == 2 * 13
    row = rates.loc[("labour_unemployment_rate", "MAR")]
    assert row["value_2014"] == value(census, "MAR", 2014, "labour_unemployment_rate")
    assert math.isclose(row["change_pp"], row["value_2024"] - row["value_2014"])


def test_rates_not_comparable_get_no_change(census, fields):
    fields = fields.copy()
    fields.loc[(fields["year"] == 2014) & (fields["variable"] == "labour_activity_rate"), "comparable"] = False
    rates = structure.labour_rates(census, fields, ["labour_activity_rate"])
    assert not rates["comparable"].any() and rates["change_pp"].isna().all()


# --- structure: simulated regions with known answers -----------------------------------------------------------


def simulated(counts: dict[str, dict[str, float]], dataset: str = "employment_2014") -> pd.DataFrame:
    rows = [(dataset, r, f"R{r}", c, n) for r, by in counts.items() for c, n in by.items()]
    return structure.location_quotients(
        pd.DataFrame(rows, columns=["dataset", "region_code", "region_name", "category", "count"])
    )


def test_location_quotient_krugman_and_herfindahl_on_known_regions():
    lq = simulated({"A": {"x": 30, "y": 70}, "B": {"x": 70, "y": 30}})
    by = lq.set_index(["region_code", "category"])
    assert math.isclose(by.loc[("A", "x"), "location_quotient"], 0.6)
    assert math.isclose(by.loc[("B", "x"), "location_quotient"], 1.4)
    krugman = structure.specialisation(lq).set_index("region_code")["krugman_index"]
    assert np.allclose(krugman.to_numpy(), 0.4)  # |0.3 - 0.5| + |0.7 - 0.5|
    spread = simulated({r: {"x": 10} for r in "ABCD"})
    assert math.isclose(structure.concentration(spread, 2)["hhi"].iloc[0], 0.25)
    one = simulated({"A": {"x": 10, "y": 5}, "B": {"x": 0, "y": 5}})
    row = structure.concentration(one, 1).set_index("category").loc["x"]
    assert row["hhi"] == 1.0 and row["top_share"] == 100.0 and row["top_regions"] == "A"


def test_a_category_empty_nationwide_has_no_location_quotient():
    lq = simulated({"A": {"x": 5, "y": 0}, "B": {"x": 5, "y": 0}}).set_index(["region_code", "category"])
    assert lq.loc[("A", "y"), "location_quotient"] != lq.loc[("A", "y"), "location_quotient"]  # NaN
    assert lq.loc[("A", "x"), "location_quotient"] == 1.0


@pytest.mark.parametrize(
    ("cohorts", "found"),
    [
        ({"old": ["before_1956"], "new": ["2020_plus"]}, "in none"),
        ({"a": ["before_1956", "2020_plus"], "b": ["2020_plus"]}, "in more than one"),
    ],
)
def test_founding_periods_must_fall_in_one_cohort(census, cohorts, found):
    with pytest.raises(
        InputError, match=f"key 'regions/cohorts': expected every founding period in one cohort.*{found}"
    ):
        structure.establishment_counts(census, cohorts)


# --- clusters -------------------------------------------------------------------------------------------------


def test_every_region_of_table_2_is_found(tables, clusters):
    placed = tables["clusters"]
    assert len(placed) == len(clusters) and placed["region_code"].notna().all()
    for printed, name in zip(placed["region"], placed["region_name"], strict=True):
        assert structure.normalised(printed) == structure.normalised(name)
    assert set(placed["region"]) <= set(clusters["region"])


def test_clusters_carry_their_regions_industry_quotients(tables):
    placed = tables["clusters"].set_index("cluster_id")
    summary = tables["summary"].set_index("region_code")
    for cluster, row in placed.iterrows():
        region = summary.loc[row["region_code"]]
        assert row["industry_lq_employment"] == region["industry_lq_employment"], cluster
        assert row["specialised_employment"] == (region["industry_lq_employment"] > 1)
    assert summary["clusters"].sum() == len(placed)
    hosted = summary.dropna(subset=["cluster_ids"])["cluster_ids"].str.split(";").explode()
    assert sorted(hosted) == sorted(placed.index)


def test_an_unknown_region_in_table_2_is_named(tables, clusters):
    bad = clusters.copy()
    bad.loc[3, "region"] = "Atlantis"
    with pytest.raises(InputError) as caught:
        structure.place_clusters(bad, tables["location_quotients"], "industry", "clusters.csv")
    assert caught.value.location == "row 5, column 'region'" and caught.value.found == "Atlantis"


def test_names_match_without_accents_case_or_punctuation():
    assert structure.normalised("Rabat-Sale-Kenitra") == structure.normalised("Rabat-Salé-Kénitra")
    assert structure.normalised("Guelmim-Oued Noun") == structure.normalised("guelmim oued-noun")
    assert structure.normalised("Fès-Meknès") != structure.normalised("Souss-Massa")


def test_an_industry_the_tables_do_not_have_is_named(tables, clusters):
    with pytest.raises(InputError, match="key 'regions/industry'"):
        structure.place_clusters(clusters, tables["location_quotients"], "mining", "clusters.csv")


def test_written_tables_validate_and_repeat_byte_for_byte(written, settings, tmp_path):
    clusters_path = tmp_path / "clusters.csv"
    write_table(
        clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")["clusters"],
        clusters_path,
        CLUSTERS_SCHEMA,
    )
    inputs = {"census": written["census"], "fields": written["fields"], "clusters": clusters_path}
    runs = []
    for run in ("a", "b"):
        outputs = {name: tmp_path / run / f"{name}.csv" for name in structure.SCHEMAS}
        structure.write_regions(inputs, settings, outputs)
        runs.append({name: path.read_bytes() for name, path in outputs.items()})
    assert runs[0] == runs[1] and all(runs[0].values())
