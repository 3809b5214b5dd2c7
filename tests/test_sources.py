"""The readers of each source and the helpers they share, on synthetic rows and on the real raw snapshots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emergence.errors import InputError
from emergence.sources import SOURCES, etd, ggdc10, source, un_ama, wdi
from emergence.sources.common import check_total, header_index, number, select_countries, with_shares

COLUMNS = ["country", "sector", "variable", "year", "value", "unit", "source"]


def value(df: pd.DataFrame, **match) -> float:
    rows = df.loc[np.logical_and.reduce([df[k] == v for k, v in match.items()])]
    assert len(rows) == 1, match
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def raw(raw_files) -> dict:
    return raw_files()


@pytest.fixture(scope="module")
def cleaned(raw, config) -> dict[str, pd.DataFrame]:
    """Each reader's table for the config's countries (all wanted; the secondary sources keep those they cover)."""
    return {name: SOURCES[name].clean(raw[name], config["countries"]) for name in SOURCES}


# --- helpers ---------------------------------------------------------------------------------------------------


def test_header_index_strips_names_and_names_what_is_missing():
    assert header_index(("a ", None, " b"), ["a", "b"], "f.xlsx", "row 1") == {"a": 0, "b": 2}
    with pytest.raises(InputError) as caught:
        header_index(("a", "c"), ["a", "b"], "f.xlsx", "row 1")
    assert str(caught.value).startswith("f.xlsx: row 1: expected columns ['a', 'b']")
    assert "missing ['b']; header is ['a', 'c']" in str(caught.value)


@pytest.mark.parametrize(("cell", "expected"), [(3, 3.0), (2.5, 2.5), (" 4.25 ", 4.25), ("1e3", 1000.0)])
def test_number_reads_numbers(cell, expected):
    assert number(cell, "f", "here") == expected


@pytest.mark.parametrize("cell", [None, "", " ", "incl in gov. services"])
def test_number_reads_blanks_as_missing(cell):
    assert math.isnan(number(cell, "f", "here", blanks=("incl in gov. services",)))


@pytest.mark.parametrize("cell", ["n/a", "12,5", True, "incl in gov. services"])
def test_number_refuses_anything_else_naming_the_place(cell):
    with pytest.raises(InputError) as caught:
        number(cell, "f.csv", "row 3, column 'x'")
    assert str(caught.value) == f"f.csv: row 3, column 'x': expected a number, found {cell!r}"


def test_check_total_within_tolerance_and_beyond():
    check_total([1.0, 2.0, math.nan], 3.0 * (1 + 5e-7), "f", "row 2")
    check_total([math.nan], 5.0, "f", "row 2")  # nothing to add up
    check_total([1.0], math.nan, "f", "row 2")  # no total to compare with
    with pytest.raises(InputError, match=r"f: row 2: expected sectors summing to the total 3.1, found 'sum 3'"):
        check_total([1.0, 2.0], 3.1, "f", "row 2")
    check_total([1.0, 2.0], 3.1, "f", "row 2", tolerance=0.05)


def test_with_shares_divides_by_the_total_or_by_the_sum():
    tidy = pd.DataFrame(
        [
            ("MAR", "a", "va", 2000, 1.0, "m", "s"),
            ("MAR", "b", "va", 2000, 3.0, "m", "s"),
            ("MAR", "total", "va", 2000, 5.0, "m", "s"),
            ("MAR", "a", "va", 2001, 2.0, "m", "s"),
            ("MAR", "total", "va", 2001, 0.0, "m", "s"),
            ("MAR", "total", "gdp", 2000, 9.0, "m", "s"),
        ],
        columns=COLUMNS,
    )
    out = with_shares(tidy, {"va": "% of total"})
    shares = out[out["variable"] == "va_share"].set_index(["sector", "year"])["value"].to_dict()
    assert shares == {("a", 2000): 20.0, ("b", 2000): 60.0}  # 2001: a zero total gives no share
    assert set(out.loc[out["variable"] == "va_share", "unit"]) == {"% of total"}
    assert len(out) == len(tidy) + 2
    of_sum = with_shares(tidy, {"va": "% of sum"}, of_sum=True)
    shares = of_sum[of_sum["variable"] == "va_share"].set_index(["sector", "year"])["value"].to_dict()
    assert shares == {("a", 2000): 25.0, ("b", 2000): 75.0, ("a", 2001): 100.0}


def test_select_countries_keeps_order_and_names_unknown_ones():
    assert select_countries({"MAR", "TUN", "EGY"}, ["TUN", "MAR"], "t.csv") == ["TUN", "MAR"]
    with pytest.raises(InputError, match=r"countries present in the file \(\['MAR'\]\), found \['XYZ'\]"):
        select_countries({"MAR"}, ["MAR", "XYZ"], "t.csv")


def test_source_names_the_known_ones():
    assert source("etd") is etd
    with pytest.raises(InputError, match="one of"):
        source("ilo")


# --- ETD ---------------------------------------------------------------------------------------------------------


def test_etd_release_from_its_notes_sheet(raw):
    assert etd.release_of(raw["etd"]) == "2021-07-15"


def test_etd_table_shape(cleaned, config):
    table = cleaned["etd"]
    assert table.columns.tolist() == COLUMNS
    assert sorted(table["country"].unique()) == sorted(config["countries"])
    assert set(table["sector"]) == {*etd.CONCORDANCE_LEAVES, "total"}
    levels = {"va_current", "va_constant", "emp"}
    assert set(table["variable"]) == {*levels, *(f"{v}_share" for v in levels)}
    assert (table["year"].min(), table["year"].max()) == (1990, 2018)
    counts = table.groupby(["country", "variable", "sector"]).size()
    assert set(counts) == {29}
    assert set(table["source"]) == {"etd"}


def test_etd_sectors_add_up_to_the_total(cleaned):
    levels = cleaned["etd"][~cleaned["etd"]["variable"].str.endswith("_share")]
    wide = levels.pivot_table(index=["country", "variable", "year"], columns="sector", values="value")
    leaves = wide[list(etd.CONCORDANCE_LEAVES)].sum(axis=1)
    assert np.allclose(leaves, wide["total"], rtol=1e-6)


def test_etd_unknown_country_is_named(raw):
    with pytest.raises(InputError) as caught:
        etd.clean(raw["etd"], ["MAR", "XYZ"])
    assert str(raw["etd"]) in str(caught.value) and "['XYZ']" in str(caught.value)


# --- GGDC 10-sector ----------------------------------------------------------------------------------------------


def test_ggdc10_release_from_the_file_name(raw):
    assert ggdc10.release_of(raw["ggdc10"]) == "2015-01"
    with pytest.raises(InputError, match="10sd_<mon><yy>_<year>.xlsx"):
        ggdc10.release_of(Path("sectors.xlsx"))


def test_ggdc10_codes_years_and_the_sector_counted_elsewhere(cleaned):
    table = cleaned["ggdc10"]
    assert sorted(table["country"].unique()) == ["EGY", "MAR"]  # MOR in the file; no Tunisia or Turkey
    mar = table[table["country"] == "MAR"]
    years = mar.groupby("variable")["year"].agg(["min", "max"])
    assert tuple(years.loc["va_current"]) == (1970, 2012)
    assert tuple(years.loc["va_constant"]) == (1960, 2012) == tuple(years.loc["emp"])
    emp_sectors = set(mar.loc[mar["variable"] == "emp", "sector"])
    assert "community" not in emp_sectors and "government" in emp_sectors  # 'incl in gov. services'
    assert set(mar.loc[mar["variable"] == "va_current", "sector"]) == {*ggdc10.CONCORDANCE_LEAVES, "total"}


def test_ggdc10_keeps_the_last_unbroken_run_of_complete_years():
    rows = [("MAR", s, "va", y, 1.0, "m", "ggdc10") for y in (1950, 1952, 1953, 1954) for s in ("a", "b")]
    rows.append(("MAR", "a", "va", 1951, 1.0, "m", "ggdc10"))  # b missing in 1951: an incomplete year
    kept = ggdc10._complete_years(pd.DataFrame(rows, columns=COLUMNS))
    assert sorted(kept["year"].unique()) == [1952, 1953, 1954]


def test_ggdc10_without_a_covered_country_is_an_empty_table(raw):
    table = ggdc10.clean(raw["ggdc10"], ["TUN"])
    assert table.empty and table.columns.tolist() == COLUMNS


# --- UN national accounts ----------------------------------------------------------------------------------------


def test_un_ama_table_is_read_from_the_title_row(raw):
    for table, path in raw["un_ama"].items():
        assert un_ama.table_of(path) == table


def test_un_ama_levels_in_millions_and_mining_utilities_derived(cleaned, raw):
    table = cleaned["un_ama"]
    assert sorted(table["country"].unique()) == ["EGY", "MAR", "TUN", "TUR"]
    assert set(table["sector"]) == {*un_ama.CONCORDANCE_LEAVES, "total"}
    mar = table[table["country"] == "MAR"]
    assert value(mar, variable="gdp_current_usd", year=2024) == pytest.approx(160_600, abs=100)  # 160.6 bn US$
    assert value(mar, variable="gdp_current_lcu", year=2022) == pytest.approx(1_330_000, rel=0.005)  # 1 330 bn MAD
    years = mar.groupby("variable")["year"].agg(["min", "max"])
    assert tuple(years.loc["va_current_usd"]) == (1970, 2024)
    assert tuple(years.loc["va_current_lcu"]) == (1970, 2022)
    assert tuple(years.loc["va_constant_usd"]) == (1970, 2020)
    # mining and utilities = ISIC C-E less manufacturing (D); the seven groups add up to the total value added
    va = mar[mar["variable"] == "va_current_usd"].pivot(index="year", columns="sector", values="value")
    assert np.allclose(va[list(un_ama.CONCORDANCE_LEAVES)].sum(axis=1), va["total"], rtol=0.01)


# --- WDI -----------------------------------------------------------------------------------------------------------


def test_wdi_release_must_be_given(raw):
    with pytest.raises(InputError, match="pass --release"):
        wdi.release_of(raw["wdi"])


def test_wdi_series_keep_their_gaps(cleaned):
    table = cleaned["wdi"]
    assert set(table["country"]) == {"MAR"}
    counts = table.groupby("variable")["year"].count()
    assert counts["rd_expenditure"] == 6
    resident = table[table["variable"] == "patent_applications_resident"]["year"]
    assert {1992, 1997, 1999, 2001, 2002, 2003}.isdisjoint(resident) and len(resident) == 36
    assert set(table["variable"]) == {variable for _, variable, _ in wdi.INDICATORS.values()}


def test_wdi_columns_may_come_in_any_order(raw, tmp_path):
    rows = [line.split(",") for line in raw["wdi"].read_text().splitlines()]
    order = [2, 0, *range(3, len(rows[0])), 1]  # geo second, time last
    path = tmp_path / raw["wdi"].name
    path.write_text("".join(",".join(row[i] for i in order) + "\n" for row in rows))
    keys = ["variable", "sector", "year"]
    expected = wdi.clean(raw["wdi"], ["MAR"]).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(wdi.clean(path, ["MAR"]).sort_values(keys).reset_index(drop=True), expected)
