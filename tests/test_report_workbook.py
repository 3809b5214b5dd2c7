"""The report tables as one Excel workbook: a contents sheet, then each table's exact values under its title, with
its source and note; the same tables give the same bytes."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from emergence.errors import InputError
from emergence.io import read_table, write_files
from emergence.report.tabulate import WORKBOOK, ReportTable, report_table_files, tables_workbook
from emergence.settings import ViewSettings

SHARES = ReportTable("shares", "Shares by sector", ("x",), lambda inputs, settings: inputs["x"], "ETD", "A note")
FIRMS = ReportTable("firms", "Firms", ("y",), lambda inputs, settings: inputs["y"], "HCP")
INPUTS = {
    "x": pd.DataFrame({"Sector": ["A & B", "C"], "2005": [12.345678, None], "Firms": pd.array([3, 1500])}),
    "y": pd.DataFrame({"Region": ["Souss-Massa"], "Firms": pd.array([42])}),
}


def written(folder, tables=(SHARES, FIRMS)):
    for table in tables:
        write_files(report_table_files(table, INPUTS, ViewSettings(("MAR",)), folder))
    path = folder / WORKBOOK  # as the tabulate job writes it: from the tables' CSV files
    write_files({path: tables_workbook(tables, lambda name: read_table(folder / f"{name}.csv"))})
    return path


def test_every_table_is_a_sheet_with_its_exact_values_title_source_and_note(tmp_path):
    path = written(tmp_path)
    assert path == tmp_path / WORKBOOK
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["contents", "shares", "firms"]
    contents = [tuple(row) for row in book["contents"].iter_rows(values_only=True)]
    assert contents == [
        ("sheet", "table", "title", "source"),
        ("shares", "shares", "Shares by sector", "ETD"),
        ("firms", "firms", "Firms", "HCP"),
    ]
    rows = [tuple(row) for row in book["shares"].iter_rows(values_only=True)]
    assert rows[0][0] == "Shares by sector" and rows[2] == ("Sector", "2005", "Firms")
    assert rows[3] == ("A & B", 12.345678, 3)  # the value, not its printed 12.3
    assert rows[4] == ("C", None, 1500)
    assert [r[0] for r in rows[-2:]] == ["Source: ETD", "Note: A note"]


def test_the_same_tables_give_the_same_bytes(tmp_path):
    first = written(tmp_path / "a").read_bytes()
    assert written(tmp_path / "b").read_bytes() == first


def test_two_tables_whose_names_excel_would_cut_to_one_sheet_are_refused(tmp_path):
    long = [ReportTable("x" * 31 + suffix, "T", ("y",), FIRMS.build, "HCP") for suffix in ("_a", "_b")]
    with pytest.raises(InputError, match="unique in its first 31"):
        written(tmp_path, long)
