"""The readers of each source and the helpers they share, on synthetic rows and on the real raw snapshots (cut
down to the build's countries)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from census_copies import rewrite_gz

from emergence.errors import InputError
from emergence.settings import BlankCells, Gaps
from emergence.sources import SOURCES, etd, ggdc10, hcp_census, source, un_ama, wdi
from emergence.sources.common import (
    GAPS,
    cell_place,
    check_total,
    column_letter,
    default_gaps,
    gap_runs,
    header_index,
    reading,
    select_countries,
    tidy_sector_sheet,
    whole_year,
    with_shares,
)
from emergence.workbook import read_sheet, write_workbook
from emergence.yamlfile import read_yaml

COLUMNS = ["country", "sector", "variable", "year", "value", "unit", "source"]


def value(df: pd.DataFrame, **match) -> float:
    rows = df.loc[np.logical_and.reduce([df[k] == v for k, v in match.items()])]
    assert len(rows) == 1, match
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def raw(raw_files, small_raw) -> dict:
    """The raw snapshots cut down to the build's countries: the same readers on a tenth of the rows."""
    return raw_files(small_raw)


@pytest.fixture(scope="module")
def cleaned(raw, config) -> dict[str, pd.DataFrame]:
    """Each reader's table for the config's countries (all wanted; the secondary sources keep those they cover)."""
    return {name: SOURCES[name].clean(raw[name], config["countries"], default_gaps(name)) for name in SOURCES}


# --- helpers ---------------------------------------------------------------------------------------------------


def test_header_index_strips_names_and_names_what_is_missing():
    assert header_index(("a ", None, " b"), ["a", "b"], "f.xlsx", "row 1") == {"a": 0, "b": 2}
    with pytest.raises(InputError) as caught:
        header_index(("a", "c"), ["a", "b"], "f.xlsx", "row 1")
    assert str(caught.value).startswith("f.xlsx: row 1: expected columns ['a', 'b']")
    assert "missing ['b']; header is ['a', 'c']" in str(caught.value)


def test_header_index_refuses_a_required_column_given_twice():
    with pytest.raises(InputError) as caught:
        header_index(("a", "b", "a "), ["a", "b"], "f.xlsx", "sheet 'S', header row")
    assert str(caught.value) == "f.xlsx: sheet 'S', header row: expected one column 'a', found 'columns A, C'"


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (7, "H"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ")])
def test_column_letters_as_spreadsheets_name_them(index, letters):
    assert column_letter(index) == letters
    assert cell_place("Data", 214, index, " x ") == f"sheet 'Data', row 214, column 'x' (cell Data!{letters}214)"


@pytest.mark.parametrize(("cell", "expected"), [(3, 3.0), (2.5, 2.5), (" 4.25 ", 4.25), ("1e3", 1000.0)])
def test_reading_reads_numbers(cell, expected):
    assert reading(cell, "f", "here") == expected


@pytest.mark.parametrize(
    ("cell", "text"), [(None, ""), ("", ""), ("  ", ""), (" incl in gov. services ", "incl in gov. services")]
)
def test_reading_gives_the_text_of_a_cell_without_a_number(cell, text):
    assert reading(cell, "f", "here") == text


@pytest.mark.parametrize("cell", ["12.5", " 7 ", "1e3"])
def test_reading_refuses_a_number_stored_as_text_in_a_workbook(cell):
    with pytest.raises(InputError) as caught:
        reading(cell, "f.xlsx", "sheet 'S', row 3, column 'x'", text=False)
    assert str(caught.value) == (
        f"f.xlsx: sheet 'S', row 3, column 'x': expected a number stored as a number, not as text, found {cell!r}"
    )


@pytest.mark.parametrize("cell", [True, math.nan, math.inf, "nan"])
def test_reading_refuses_booleans_and_non_finite_numbers(cell):
    with pytest.raises(InputError, match="f: here: expected a"):
        reading(cell, "f", "here")


def test_whole_year_as_a_number_and_as_text_only_where_text_is_the_form():
    assert whole_year(2003, "f", "here") == 2003 and whole_year(2003.0, "f", "here") == 2003
    assert whole_year(" 2003 ", "f", "here", text=True) == 2003
    for cell, found in [("2003", "'2003'"), (2003.5, "2003.5"), (None, "'an empty cell'"), (True, "True")]:
        with pytest.raises(InputError) as caught:
            whole_year(cell, "f", "here")
        assert str(caught.value) == f"f: here: expected a whole year stored as a number, found {found}"


def test_check_total_within_tolerance_and_beyond():
    check_total([1.0, 2.0, math.nan], 3.0 * (1 + 5e-7), "f", "row 2")
    check_total([math.nan], 5.0, "f", "row 2")  # nothing to add up
    check_total([1.0], math.nan, "f", "row 2")  # no total to compare with
    with pytest.raises(InputError, match=r"f: row 2: expected sectors summing to the total 3.1, found 'sum 3'"):
        check_total([1.0, 2.0], 3.1, "f", "row 2")
    check_total([1.0, 2.0], 3.1, "f", "row 2", tolerance=0.05)
    check_total([5e-6, 39e-6], 43e-6, "f", "row 2", tolerance=0.01, rounding=1.5e-6)  # whole units, rounded
    with pytest.raises(InputError, match="expected sectors summing to the total 4.3e-05"):
        check_total([5e-6, 39e-6], 43e-6, "f", "row 2", tolerance=0.01)


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


def test_ggdc10_gaps_are_the_leading_empty_years_and_community_employment(raw):
    """Every gap of the default build is one the config allows: the years before each series starts, and
    community services' employment, which the publisher counts in government services."""
    _, found = ggdc10.read(raw["ggdc10"], ["MAR", "EGY"], default_gaps("ggdc10"))
    assert found.columns.tolist() == GAPS
    mar = found[found["country"] == "MAR"].set_index(["variable", "sector"])
    assert mar.loc[("va_current", "all"), ["first_year", "last_year", "years"]].tolist() == [1950, 1969, 20]
    assert mar.loc[("va_constant", "all"), ["first_year", "last_year"]].tolist() == [1947, 1959]
    assert mar.loc[("emp", "community"), ["first_year", "last_year", "years"]].tolist() == [1960, 2012, 53]
    assert mar.loc[("emp", "community"), "allowance"] == "sources.ggdc10.gaps.cells[0]"
    assert set(found["allowance"]) == {"sources.ggdc10.gaps.empty_years", "sources.ggdc10.gaps.cells[0]"}


def test_ggdc10_every_etd_country_it_covers_is_read_with_the_default_allowances(raw_files):
    """Any ETD country can be a peer: the full snapshot of each of the 32 the 10-sector file covers is read (its
    sectors adding up to the total in every year kept), and each allowance of the schema is used by some."""
    full = raw_files()
    etd_countries = read_yaml(full["etd"].parent / "manifest.yaml")["countries"]
    tidy, found = ggdc10.read(full["ggdc10"], etd_countries, default_gaps("ggdc10"))
    assert tidy["country"].nunique() == 32
    used = set(found["allowance"])
    assert used == {"sources.ggdc10.gaps.empty_years"} | {
        f"sources.ggdc10.gaps.cells[{i}]" for i in range(len(default_gaps("ggdc10").cells))
    }
    late = found[found["allowance"] == "sources.ggdc10.gaps.cells[2]"]
    assert late[["country", "first_year", "last_year"]].values.tolist() == [["IDN", 1961, 1970], ["MUS", 1962, 1969]]
    starts = tidy[tidy["variable"] == "emp"].groupby("country")["year"].min()
    assert (starts["IDN"], starts["MUS"]) == (1971, 1970)


def test_ggdc10_without_the_allowance_names_the_first_gap(raw):
    with pytest.raises(InputError) as caught:
        ggdc10.read(raw["ggdc10"], ["MAR"], Gaps())
    message = str(caught.value)
    assert message.startswith(f"{raw['ggdc10']}: sheet 'dataset', row ")
    assert "(MAR EMP 1948)" in message and "sources.ggdc10.gaps.empty_years: leading" in message
    with pytest.raises(InputError) as caught:
        ggdc10.read(raw["ggdc10"], ["MAR"], Gaps("leading"))
    assert "column 'Community, social and personal services' (cell dataset!O" in str(caught.value)
    assert "found 'incl in gov. services'" in str(caught.value)


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
    gaps = default_gaps("wdi")
    expected = wdi.clean(raw["wdi"], ["MAR"], gaps).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(wdi.clean(path, ["MAR"], gaps).sort_values(keys).reset_index(drop=True), expected)


# --- what a reader accepts, on small sheets ------------------------------------------------------------------

LEAVES = {"A": "a", "B": "b"}
SHEET_VARIABLES = {"VA": ("va", "m")}
SHEET_HEADER = ("cnt", "var", "year", "A", "B", "Total")


def sheet(tmp_path: Path, rows: list[tuple], header: tuple = SHEET_HEADER) -> Path:
    path = tmp_path / "sectors.xlsx"
    path.write_bytes(write_workbook([("Data", [header, *rows])]))
    return path


NO_GAPS = Gaps()


def read_rows(tmp_path: Path, rows: list[tuple], gaps: Gaps = NO_GAPS, header: tuple = SHEET_HEADER):
    return tidy_sector_sheet(
        sheet(tmp_path, rows, header), "Data", ("cnt", "var", "year"), LEAVES, "Total", SHEET_VARIABLES, ["MAR"],
        "src", gaps,
    )  # fmt: skip


def refused(tmp_path: Path, rows: list[tuple], gaps: Gaps = NO_GAPS, header: tuple = SHEET_HEADER) -> str:
    with pytest.raises(InputError) as caught:
        read_rows(tmp_path, rows, gaps, header)
    return str(caught.value).removeprefix(f"{tmp_path / 'sectors.xlsx'}: ")


FULL = [("MAR", "VA", y, 1.0, 2.0, 3.0) for y in (2001, 2002, 2003)]
EMPTY_2000 = ("MAR", "VA", 2000, None, " ", None)


def test_a_sheet_without_gaps_and_the_rows_passed_over(tmp_path):
    rows = [*FULL, ("TUN", "VA", 2001, None, None, None), (None, None, None, None, None, None)]
    tidy, found = read_rows(tmp_path, rows)
    assert len(tidy) == 9 and set(tidy["country"]) == {"MAR"} and found.empty


def test_an_empty_first_year_is_refused_unless_leading_years_are_allowed(tmp_path):
    assert refused(tmp_path, [EMPTY_2000, *FULL]) == (
        "sheet 'Data', row 2 (MAR VA 2000): expected values of MAR VA (empty years before the first year with "
        'values are accepted only with sources.src.gaps.empty_years: leading), found "no value in any column; '
        "sources.src.gaps.empty_years is 'none'\""
    )
    tidy, found = read_rows(tmp_path, [EMPTY_2000, *FULL], Gaps("leading"))
    assert sorted(tidy["year"].unique()) == [2001, 2002, 2003]
    assert found.drop(columns="reason").values.tolist() == [
        ["src", "MAR", "va", "all", 2000, 2000, 1, "sources.src.gaps.empty_years"]
    ]


def test_an_empty_last_year_needs_edges(tmp_path):
    last = ("MAR", "VA", 2004, None, None, None)
    assert "accepted only with sources.src.gaps.empty_years: edges" in refused(tmp_path, [*FULL, last], Gaps("leading"))
    tidy, found = read_rows(tmp_path, [*FULL, last], Gaps("edges"))
    assert tidy["year"].max() == 2003 and found["first_year"].tolist() == [2004]


def test_an_empty_year_between_two_with_values_is_refused_unless_listed_then_the_series_starts_after(tmp_path):
    rows = [FULL[0], ("MAR", "VA", 2002, None, None, None), FULL[2]]
    assert refused(tmp_path, rows, Gaps("edges")) == (
        "sheet 'Data', row 3 (MAR VA 2002): expected a value in some sector of MAR VA, between years with values "
        "(or the year's cells listed in sources.src.gaps.cells, to read the series from the year after), found 'none'"
    )
    only_a = BlankCells("census year first", sectors=("a",), first_year=2002, last_year=2002)
    assert "between years with values" in refused(tmp_path, rows, Gaps("edges", (only_a,)))
    every = BlankCells("census year first", first_year=2002, last_year=2002)
    tidy, found = read_rows(tmp_path, rows, Gaps("none", (every,)))
    assert sorted(tidy["year"].unique()) == [2003]
    assert found.drop(columns="reason").values.tolist() == [
        ["src", "MAR", "va", "all", 2001, 2002, 2, "sources.src.gaps.cells[0]"]
    ]


@pytest.mark.parametrize("year", [2001, 2002, 2003])
def test_one_empty_cell_anywhere_is_refused_naming_the_cell(tmp_path, year):
    rows = [(c, v, y, None if y == year else a, b, t) for c, v, y, a, b, t in FULL]
    row = year - 2001 + 2
    assert refused(tmp_path, rows, Gaps("edges")) == (
        f"sheet 'Data', row {row}, column 'A' (cell Data!D{row}): expected a number (blank cells are accepted "
        "only as sources.src.gaps.cells lists them), found 'an empty cell'"
    )


def test_a_blank_cell_the_allowance_lists_leaves_the_sector_out(tmp_path):
    cells = BlankCells("counted in B", sectors=("a",), marker="in B")
    rows = [("MAR", "VA", 2001, "in B", 3.0, 3.0), *FULL[1:]]
    tidy, found = read_rows(tmp_path, rows, Gaps(cells=(cells,)))
    assert not ((tidy["sector"] == "a") & (tidy["year"] == 2001)).any() and len(tidy) == 8
    assert found[["sector", "first_year", "allowance", "reason"]].values.tolist() == [
        ["a", 2001, "sources.src.gaps.cells[0]", "counted in B"]
    ]
    other_marker = [("MAR", "VA", 2001, "n.a.", 3.0, 3.0), *FULL[1:]]
    assert refused(tmp_path, other_marker, Gaps(cells=(cells,))).endswith("found 'n.a.'")
    outside_years = Gaps(cells=(BlankCells("counted in B", sectors=("a",), marker="in B", first_year=2002),))
    assert "cell Data!D2" in refused(tmp_path, rows, outside_years)


def test_text_typed_numbers_years_and_codes_are_refused(tmp_path):
    assert refused(tmp_path, [("MAR", "VA", 2001, "1.0", 2.0, 3.0)]) == (
        "sheet 'Data', row 2, column 'A' (cell Data!D2): expected a number stored as a number, not as text, found '1.0'"
    )
    assert refused(tmp_path, [("MAR", "VA", "2001", 1.0, 2.0, 3.0)]) == (
        "sheet 'Data', row 2, column 'year' (cell Data!C2): expected a whole year stored as a number, found '2001'"
    )
    assert refused(tmp_path, [(504, "VA", 2001, 1.0, 2.0, 3.0)]) == (
        "sheet 'Data', row 2, column 'cnt' (cell Data!A2): expected a country code as text, found 504"
    )


def test_missing_and_repeated_years_and_columns_are_refused(tmp_path):
    assert refused(tmp_path, [FULL[0], FULL[2]]) == (
        "sheet 'Data', row 3 (MAR VA 2003): expected the years of MAR VA one after another, found '2003 after 2001'"
    )
    assert refused(tmp_path, [*FULL, FULL[0]]).startswith(
        "sheet 'Data', row 5: expected one row per cnt, var and year, found \"a second row for ('MAR', 'VA', 2001) "
        '(the first is row 2)"'
    )
    header = ("cnt", "var", "year", "A", "B", "Total", "A")
    assert refused(tmp_path, [(*FULL[0], 1.0)], header=header) == (
        "sheet 'Data', header row: expected one column 'A', found 'columns D, G'"
    )


def test_gap_runs_join_consecutive_years_only():
    found = [("MAR", "v", "s", y, "k", "r") for y in (1990, 1991, 1992, 1995)] + [("MAR", "v", "t", 1991, "k", "r")]
    runs = gap_runs(found, "src")
    assert runs[["sector", "first_year", "last_year", "years"]].values.tolist() == [
        ["s", 1990, 1992, 3], ["s", 1995, 1995, 1], ["t", 1991, 1991, 1]
    ]  # fmt: skip


# --- UN and WDI specifics, on mutated copies of the real files ------------------------------------------------


def un_copy(raw, tmp_path: Path, edit) -> Path:
    """A copy of the UN workbook cut to its title, header and Morocco's rows (smaller, so quicker), then edited."""
    source = raw["un_ama"]["current_usd"]
    rows = read_sheet(source, 0)
    sheets = [("main", [list(r) for r in [*rows[:3], *(r for r in rows[3:] if r[0] == 504)]]), ("notes", [])]
    edit(sheets[0][1])
    path = tmp_path / source.name
    path.write_bytes(write_workbook([(name, [tuple(r) for r in rows]) for name, rows in sheets]))
    return path


def un_refused(raw, tmp_path: Path, edit) -> str:
    path = un_copy(raw, tmp_path, edit)
    with pytest.raises(InputError) as caught:
        un_ama.read({"current_usd": path}, ["MAR"], default_gaps("un_ama"))
    return str(caught.value).removeprefix(f"{path}: ")


def morocco_row(rows: list[list], item: str = "Construction (ISIC F)") -> int:
    return next(i for i, r in enumerate(rows) if r[0] == 504 and r[2] == item)


def test_un_ama_refuses_a_country_code_stored_as_text(raw, tmp_path):
    def edit(rows):
        for r in rows[3:]:
            if r[0] == 504:
                r[0] = "504"

    assert un_refused(raw, tmp_path, edit) == (
        "sheet 1, row 4, column 'CountryID' (cell A4): expected a numeric M49 country code stored as a number, "
        "found '504'"
    )


def test_un_ama_refuses_a_repeated_or_text_year_column(raw, tmp_path):
    def repeat(rows):
        rows[2][rows[2].index(2004)] = 2003

    assert "expected each year once in the header, found '2003 again (first in column " in un_refused(
        raw, tmp_path, repeat
    )

    def text(rows):
        rows[2][rows[2].index(2004)] = "2004"

    message = un_refused(raw, tmp_path, text)
    assert (
        message.startswith("sheet 1, row 3, column ")
        and "expected a whole year stored as a number, found '2004'" in message
    )


def test_un_ama_refuses_an_empty_first_year_cell_and_leaves_out_an_allowed_one(raw, tmp_path):
    def blank(rows):
        rows[morocco_row(rows)][rows[2].index(1970)] = None

    message = un_refused(raw, tmp_path, blank)
    assert ", column 1970 (cell D" in message and "found 'an empty cell'" in message
    path = un_copy(raw, tmp_path, blank)
    allowance = Gaps("leading", (BlankCells("test", countries=("MAR",), sectors=("construction",), last_year=1970),))
    tidy, found = un_ama.read({"current_usd": path}, ["MAR"], allowance)
    assert tidy["year"].min() == 1971
    assert found[["sector", "first_year", "last_year", "allowance"]].values.tolist() == [
        ["construction", 1970, 1970, "sources.un_ama.gaps.cells[0]"]
    ]


def test_un_ama_leading_empty_years_are_reported(raw, tmp_path):
    def blank(rows):
        for r in rows[3:]:
            if r[0] == 504:
                r[rows[2].index(1970)] = r[rows[2].index(1971)] = None

    path = un_copy(raw, tmp_path, blank)
    tidy, found = un_ama.read({"current_usd": path}, ["MAR"], default_gaps("un_ama"))
    assert tidy["year"].min() == 1972
    assert found[["sector", "first_year", "last_year", "years"]].values.tolist() == [["all", 1970, 1971, 2]]
    with pytest.raises(InputError, match="empty_years: leading"):
        un_ama.read({"current_usd": path}, ["MAR"], Gaps())


def wdi_copy(raw, tmp_path: Path, edit) -> Path:
    lines = [line.split(",") for line in raw["wdi"].read_text().splitlines()]
    edit(lines)
    path = tmp_path / raw["wdi"].name
    path.write_text("".join(",".join(f) + "\n" for f in lines))
    return path


def wdi_refused(raw, tmp_path: Path, edit) -> str:
    path = wdi_copy(raw, tmp_path, edit)
    with pytest.raises(InputError) as caught:
        wdi.read(path, ["MAR"], default_gaps("wdi"))
    return str(caught.value).removeprefix(f"{path}: ")


def set_wdi(column: str, time: str, value: str):
    def edit(lines):
        i = next(i for i, f in enumerate(lines) if f[1] == time)
        lines[i][lines[0].index(column)] = value
        return i + 1

    return edit


def test_wdi_refuses_an_empty_cell_inside_a_series_the_allowance_does_not_list(raw, tmp_path):
    row = next(i for i, f in enumerate(raw["wdi"].read_text().splitlines()) if f.startswith("mar,2008,")) + 1
    assert wdi_refused(raw, tmp_path, set_wdi("nv_agr_totl_zs", "2008", "")) == (
        f"row {row}, column 'nv_agr_totl_zs': expected a number (blank cells are accepted only as "
        "sources.wdi.gaps.cells lists them), found 'an empty cell'"
    )
    tidy, found = wdi.read(
        wdi_copy(raw, tmp_path, set_wdi("gb_xpd_rsdv_gd_zs", "2003", "")), ["MAR"], default_gaps("wdi")
    )
    rd = found[found["variable"] == "rd_expenditure"]
    run = rd[(rd["first_year"] <= 2003) & (rd["last_year"] >= 2003)]
    assert run[["first_year", "last_year", "allowance"]].values.tolist() == [[2003, 2005, "sources.wdi.gaps.cells[0]"]]
    assert 2003 not in set(tidy.loc[tidy["variable"] == "rd_expenditure", "year"])


def test_wdi_refuses_an_empty_first_year_without_edges(raw, tmp_path):
    path = wdi_copy(raw, tmp_path, lambda lines: None)
    with pytest.raises(InputError) as caught:
        wdi.read(path, ["MAR"], Gaps("none"))
    assert "expected values of MAR " in str(caught.value) and "empty_years: leading" in str(caught.value)


def test_wdi_refuses_a_repeated_column_and_shares_not_summing(raw, tmp_path):
    def repeat(lines):
        lines[0][lines[0].index("nv_agr_totl_zs")] = "nv_ind_totl_zs"

    assert (
        wdi_refused(raw, tmp_path, repeat)
        == "header row: expected each column once, found \"['nv_ind_totl_zs'] more than once\""
    )
    row = next(i for i, f in enumerate(raw["wdi"].read_text().splitlines()) if f.startswith("mar,2008,")) + 1
    message = wdi_refused(raw, tmp_path, set_wdi("sl_ind_empl_zs", "2008", "30"))
    assert message.startswith(f"row {row} (MAR 2008): expected sl_agr_empl_zs + sl_ind_empl_zs + sl_srv_empl_zs ")


def test_hcp_census_refuses_a_column_named_twice(release_copy):
    """pandas would read a second 'population_2024' as 'population_2024.1'."""
    rewrite_gz(
        release_copy / "attributes/regions.csv.gz",
        lambda f: f.rename(columns={"households_2024": "population_2024"}),
    )
    with pytest.raises(InputError) as caught:
        hcp_census.read(release_copy, "attributes/regions.csv.gz", ("population_2024",))
    assert str(caught.value) == (
        f"{release_copy / 'attributes/regions.csv.gz'}: header row: expected each column once, "
        "found \"['population_2024'] more than once\""
    )
