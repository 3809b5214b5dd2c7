"""The clean stage's tables: validated on write, shares summing to 100, sector groups summing to their leaves,
and the values the publishers' files show for Morocco (as listed in the data provenance notes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emergence import manifest
from emergence.clean import GAPS_SCHEMA, GROUPS_SCHEMA, SCHEMAS, clean_source, group_sectors
from emergence.errors import InputError
from emergence.io import read_table
from emergence.settings import Gaps, from_config, source_gaps
from emergence.sources import SOURCES
from emergence.sources.common import default_gaps
from emergence.sources.un_ama import M49
from emergence.tables import SHARE_TOLERANCE

KNOWN_VALUES = [
    # table, sector, variable, year, value, decimals of the published figure
    ("etd", "manufacturing", "va_current_share", 1990, 21.2, 1),
    ("etd", "manufacturing", "va_current_share", 2003, 19.5, 1),
    ("etd", "manufacturing", "va_current_share", 2012, 16.5, 1),
    ("etd", "manufacturing", "va_current_share", 2018, 17.8, 1),
    ("etd", "manufacturing", "va_constant_share", 2003, 18.0, 1),
    ("etd", "manufacturing", "va_constant_share", 2012, 16.7, 1),
    ("etd", "agriculture", "emp_share", 1990, 44.1, 1),
    ("etd", "agriculture", "emp_share", 2008, 39.7, 1),
    ("etd", "agriculture", "emp_share", 2018, 32.7, 1),
    ("etd", "total", "emp", 1990, 7808, 0),
    ("etd", "total", "emp", 2018, 11420, 0),
    ("etd", "total", "va_current", 1990, 227731, 0),
    ("etd", "total", "va_current", 2018, 976114, 0),
    ("un_ama", "manufacturing", "va_current_usd_share", 2003, 19.5, 1),
    ("un_ama", "manufacturing", "va_current_usd_share", 2012, 15.6, 1),
    ("un_ama", "manufacturing", "va_current_usd_share", 2022, 17.8, 1),
    ("un_ama", "manufacturing", "va_current_usd_share", 2024, 17.2, 1),
    ("un_ama", "agriculture", "va_current_usd_share", 2024, 11.9, 1),
    ("un_ama", "manufacturing", "va_current_lcu_share", 1990, 21.8, 1),
    ("un_ama", "manufacturing", "va_current_lcu_share", 2022, 16.6, 1),
    ("un_ama", "manufacturing", "va_constant_usd_share", 1990, 18.8, 1),
    ("un_ama", "manufacturing", "va_constant_usd_share", 2020, 17.0, 1),
    ("ggdc10", "manufacturing", "va_current_share", 1970, 16.8, 1),
    ("ggdc10", "manufacturing", "va_current_share", 1990, 18.6, 1),
    ("ggdc10", "manufacturing", "va_current_share", 2012, 15.2, 1),
    ("ggdc10", "agriculture", "emp_share", 1960, 63.6, 1),
    ("ggdc10", "agriculture", "emp_share", 2008, 30.4, 1),
    ("ggdc10", "total", "emp", 2012, 10358, 0),
    ("wdi", "agriculture", "emp_share", 2008, 40.71, 2),
    ("wdi", "agriculture", "emp_share", 2023, 29.59, 2),
    ("wdi", "manufacturing", "va_share_gdp", 2003, 16.84, 2),
    ("wdi", "total", "rd_expenditure", 2010, 0.66, 2),
    ("wdi", "total", "patent_applications_resident", 2021, 254, 0),
    ("wdi", "total", "patent_applications_nonresident", 2021, 2549, 0),
    ("wdi", "manufacturing", "hightech_exports_share", 2023, 5.43, 2),
    ("wdi", "manufacturing", "manufactures_exports_share", 2023, 74.7, 1),
]
SHARE_VARIABLES = {name: schema.shares[0] for name, schema in SCHEMAS.items() if schema.shares}


def one(table: pd.DataFrame, **match) -> float:
    rows = table.loc[np.logical_and.reduce([table[k] == v for k, v in match.items()])]
    assert len(rows) == 1, match
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize(("table", "sector", "variable", "year", "expected", "decimals"), KNOWN_VALUES)
def test_known_values_for_morocco(clean_tables, table, sector, variable, year, expected, decimals):
    found = one(clean_tables[table], country="MAR", sector=sector, variable=variable, year=year)
    assert round(found, decimals) == pytest.approx(expected, abs=10 ** -(decimals + 3))


def test_tables_have_the_contract_columns_countries_and_sources(clean_tables, config):
    for name in SCHEMAS:
        table = clean_tables[name]
        assert table.columns.tolist() == ["country", "sector", "variable", "year", "value", "unit", "source"]
        assert set(table["source"]) == {name}
        assert set(table["country"]) <= set(config["countries"])
        assert table.groupby("variable")["unit"].nunique().max() == 1, name
    assert sorted(clean_tables["etd"]["country"].unique()) == sorted(config["countries"])
    assert set(clean_tables["wdi"]["country"]) == {"MAR"}


@pytest.mark.parametrize("name", sorted(SHARE_VARIABLES))
def test_shares_sum_to_100_on_the_real_data(clean_tables, name):
    table = clean_tables[name]
    shares = table[table["variable"].isin(SHARE_VARIABLES[name]) & (table["sector"] != "total")]
    sums = shares.groupby(["country", "variable", "year"])["value"].sum()
    assert len(sums) > 100
    assert np.allclose(sums, 100.0, atol=SHARE_TOLERANCE * 100)


def test_wdi_employment_shares_sum_to_100(clean_tables):
    """The reader checks the three ILO shares of each raw row (tests/test_sources.py); here they are in the table."""
    wdi = clean_tables["wdi"]
    emp = wdi[wdi["variable"] == "emp_share"].groupby("year")["value"].sum()
    assert len(emp) == 33 and np.allclose(emp, 100.0, atol=0.01)


def test_clean_source_writes_the_gaps_it_accepted_beside_the_table(tmp_path, raw_files, config):
    raw = raw_files()
    settings = from_config(config)
    table = clean_source("ggdc10", raw["ggdc10"], ["MAR"], tmp_path / "t.csv", settings.sources["ggdc10"],
                         tmp_path / "gaps.csv")  # fmt: skip
    gaps = read_table(tmp_path / "gaps.csv", GAPS_SCHEMA)
    assert set(gaps["country"]) == {"MAR"} and set(gaps["source"]) == {"ggdc10"}
    # every year of a series is either in the table or in a gap of the whole year ('all')
    for variable, years in table[table["sector"] == "total"].groupby("variable")["year"]:
        empty = gaps[(gaps["variable"] == variable) & (gaps["sector"] == "all")]
        assert empty["last_year"].max() + 1 == years.min(), variable
    community = gaps[gaps["sector"] == "community"]
    assert community[["variable", "years"]].values.tolist() == [["emp", 53]]
    assert not ((table["sector"] == "community") & (table["variable"] == "emp")).any()


def test_the_readers_default_gaps_are_the_schemas(config):
    assert {name: default_gaps(name) for name in SOURCES} == source_gaps(config)
    assert default_gaps("etd") == Gaps("none", ())


def test_a_refused_gap_leaves_neither_table_nor_gaps(tmp_path, raw_files):
    raw = raw_files()
    with pytest.raises(InputError, match=r"sources\.ggdc10\.gaps\.empty_years: leading"):
        clean_source("ggdc10", raw["ggdc10"], ["MAR"], tmp_path / "t.csv", Gaps(), tmp_path / "gaps.csv")
    assert list(tmp_path.iterdir()) == []


def test_each_group_is_the_sum_of_its_leaves(clean_tables, config):
    groups = clean_tables["sector_groups"]
    for name, by_scheme in config["concordance"]["sources"].items():
        source = clean_tables[name]
        levels = source[~source["variable"].str.endswith("_share")]
        for scheme, members in by_scheme.items():
            got = groups[(groups["source"] == name) & (groups["scheme"] == scheme)]
            got = got[~got["variable"].str.endswith("_share")]
            for group, leaves in members.items():
                want = levels[levels["sector"].isin(leaves)].groupby(["country", "variable", "year"])["value"].sum()
                have = got[got["sector"] == group].set_index(["country", "variable", "year"])["value"]
                assert have.index.sort_values().equals(want.index.sort_values()), (name, scheme, group)
                assert np.allclose(have.sort_index(), want.sort_index(), rtol=1e-10, atol=0), (name, scheme, group)
            totals = got[got["sector"] == "total"].set_index(["country", "variable", "year"])["value"].sort_index()
            source_totals = levels[levels["sector"] == "total"].set_index(["country", "variable", "year"])["value"]
            assert totals.equals(source_totals.sort_index()), (name, scheme)


def test_groups_add_up_to_the_total_and_their_shares_to_100(clean_tables):
    groups = clean_tables["sector_groups"]
    assert set(groups.loc[groups["scheme"] == "broad3", "sector"]) == {"primary", "secondary", "tertiary", "total"}
    levels = groups[groups["variable"].isin(["va_current", "va_constant", "emp"])]
    keys = ["source", "country", "scheme", "variable", "year"]
    parts = levels[levels["sector"] != "total"].groupby(keys)["value"].sum()
    totals = levels[levels["sector"] == "total"].set_index(keys)["value"]
    assert np.allclose(parts, totals.loc[parts.index], rtol=1e-6)  # ETD and GGDC: sectors sum to the total
    shares = groups[groups["variable"].str.endswith("_share")]
    sums = shares.groupby(keys)["value"].sum()
    assert np.allclose(sums, 100.0, atol=SHARE_TOLERANCE * 100)


def test_group_sectors_on_a_small_table():
    table = pd.DataFrame(
        [("MAR", s, "va_current", 2000, v, "m", "etd") for s, v in [("a", 1.0), ("b", 2.0), ("c", 5.0), ("total", 8.0)]]
        + [("MAR", s, "va_current_share", 2000, v, "%", "etd") for s, v in [("a", 12.5), ("b", 25.0), ("c", 62.5)]],
        columns=["country", "sector", "variable", "year", "value", "unit", "source"],
    )
    concordance = {"schemes": {}, "sources": {"etd": {"two": {"ab": ["a", "b"], "rest": ["c"]}}}}
    out = GROUPS_SCHEMA.validate(group_sectors({"etd": table}, concordance), "groups.csv")
    got = out.set_index(["variable", "sector"])["value"].to_dict()
    assert got == {
        ("va_current", "ab"): 3.0,
        ("va_current", "rest"): 5.0,
        ("va_current", "total"): 8.0,
        ("va_current_share", "ab"): 37.5,
        ("va_current_share", "rest"): 62.5,
    }
    assert set(out["scheme"]) == {"two"} and set(out.loc[out["variable"] == "va_current_share", "unit"]) == {"%"}


def test_any_etd_country_can_be_cleaned(raw_files, tmp_path):
    """The 51 countries of the ETD, as the embedded snapshot holds them (cut from the published workbook, see
    test_snapshot), cleaned in one go."""
    countries = sorted(M49)
    assert len(countries) == 51
    raw = raw_files()["etd"]
    assert manifest.load(raw.parent / manifest.MANIFEST)["countries"] == countries
    table = clean_source("etd", raw, countries, tmp_path / "etd.csv")
    assert sorted(table["country"].unique()) == countries
    sectors = table[table["variable"] == "va_current"].groupby("country")["sector"].nunique()
    assert set(sectors) == {len(SOURCES["etd"].CONCORDANCE_LEAVES) + 1}


def test_secondary_sources_keep_only_the_countries_they_cover(tmp_path, raw_files, small_raw):
    raw = raw_files(small_raw)
    for name in ("ggdc10", "wdi"):
        table = clean_source(name, raw[name], ["TUN"], tmp_path / f"{name}.csv")
        assert table.empty and (tmp_path / f"{name}.csv").read_text().startswith("country,sector,variable")
    un = clean_source("un_ama", raw["un_ama"], ["TUN", "XYZ"], tmp_path / "un_ama.csv")
    assert set(un["country"]) == {"TUN"}
