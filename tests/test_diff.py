"""Comparing two releases of a source: synthetic tables with known changes, then the two embedded UN releases
(cut down to the build's countries)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from emergence.cli import main
from emergence.diff import (
    CHANGES_SCHEMA,
    SUMMARY_SCHEMA,
    comparable,
    compare,
    diff_releases,
    largest,
    release_table,
    summarise,
    write_diff,
)
from emergence.errors import InputError
from emergence.io import read_table
from emergence.sources.un_ama import HEADER_ROW, ITEMS, M49, TOP_LEVEL
from emergence.workbook import read_sheet


@pytest.fixture
def raw_copy(small_raw: Path, tmp_path: Path) -> Path:
    """A copy of the embedded snapshots cut down to the build's countries."""
    shutil.copytree(small_raw, tmp_path / "raw")
    return tmp_path / "raw"


def tidy(rows: list[tuple], unit: str = "u") -> pd.DataFrame:
    """Rows (country, sector, variable, year, value) as a tidy table."""
    frame = pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value"])
    return frame.assign(unit=unit, source="test")


def test_rows_are_classed_added_removed_revised_or_unchanged():
    old = tidy([("MAR", "a", "v", 2000, 10.0), ("MAR", "a", "v", 2001, 20.0), ("MAR", "b", "v", 2000, 5.0),
                ("TUN", "a", "v", 2000, 1e6)])  # fmt: skip
    new = tidy([("MAR", "a", "v", 2000, 10.0), ("MAR", "a", "v", 2001, 20.5), ("MAR", "a", "v", 2002, 30.0),
                ("TUN", "a", "v", 2000, 1e6 + 1e-7)])  # fmt: skip
    changes = compare(old, new).set_index(["country", "sector", "year"])
    assert changes["status"].to_dict() == {
        ("MAR", "a", 2000): "unchanged",
        ("MAR", "a", 2001): "revised",
        ("MAR", "a", 2002): "added",
        ("MAR", "b", 2000): "removed",
        ("TUN", "a", 2000): "unchanged",  # a difference of 1e-13 of the value is float noise
    }
    revised = changes.loc[("MAR", "a", 2001)]
    assert (revised["old"], revised["new"], revised["change"]) == (20.0, 20.5, 0.5)
    assert revised["change_pct"] == pytest.approx(2.5)
    assert pd.isna(changes.loc[("MAR", "a", 2002), "old"]) and pd.isna(changes.loc[("MAR", "b", 2000), "new"])


def test_a_tolerance_in_the_variables_unit_hides_smaller_revisions():
    old = tidy([("MAR", "a", "v", 2000, 10.0), ("MAR", "a", "v", 2001, 20.0)])
    new = tidy([("MAR", "a", "v", 2000, 10.04), ("MAR", "a", "v", 2001, 20.06)])
    assert compare(old, new, tolerance=0.05)["status"].tolist() == ["unchanged", "revised"]
    assert compare(old, new)["status"].tolist() == ["revised", "revised"]


def test_the_summary_counts_every_status_and_the_largest_revision_per_variable_and_country():
    old = tidy([("MAR", s, "v", y, 10.0) for s in "ab" for y in range(2000, 2010)])
    new = tidy(
        [("MAR", s, "v", y, 10.0 + (y == 2005) * (1.0 if s == "a" else -3.0)) for s in "ab" for y in range(2001, 2012)]
    )
    summary = summarise(compare(old, new)).iloc[0]
    assert summary[["years_old", "years_new"]].tolist() == ["2000-2009", "2001-2011"]
    assert summary[["rows_old", "rows_new", "added", "removed", "revised", "unchanged"]].tolist() == [
        20,
        22,
        4,
        2,
        2,
        16,
    ]
    assert summary["max_abs_change"] == 3.0
    top = largest(compare(old, new), top=1)
    assert top[["sector", "year", "change"]].values.tolist() == [["b", 2005, -3.0]]


def test_releases_with_a_level_in_common_are_compared_variable_by_variable():
    old = pd.concat([tidy([("MAR", "a", "v", 2000, 1.0)]), tidy([("MAR", "a", "gone", 2000, 2.0)])])
    new = pd.concat([tidy([("MAR", "a", "v", 2000, 1.0)]), tidy([("MAR", "a", "fresh", 2000, 3.0)])])
    kept_old, kept_new, notes = comparable(old, new, ("r1", "r2"))
    assert len(kept_old) == 2 and len(kept_new) == 2
    assert notes == ["variables only in r1 (their rows count as removed): gone",
                     "variables only in r2 (their rows count as added): fresh"]  # fmt: skip
    statuses = compare(kept_old, kept_new).set_index("variable")["status"].to_dict()
    assert statuses == {"fresh": "added", "gone": "removed", "v": "unchanged"}


def test_levels_in_different_currencies_are_set_aside_and_shares_compared_by_unit():
    old = pd.concat([tidy([("MAR", "a", "va_lcu", 2000, 900.0)], "million LCU"),
                     tidy([("MAR", "a", "va_lcu_share", 2000, 40.0)], "% of total, current prices")])  # fmt: skip
    new = pd.concat([tidy([("MAR", "a", "va_usd", 2000, 100.0)], "USD million"),
                     tidy([("MAR", "a", "va_usd_share", 2000, 41.0)], "% of total, current prices")])  # fmt: skip
    kept_old, kept_new, notes = comparable(old, new, ("r1", "r2"))
    assert kept_old["variable"].tolist() == ["va_usd_share"] and kept_new["variable"].tolist() == ["va_usd_share"]
    assert "levels are not compared" in notes[0] and "va_lcu in million LCU" in notes[0]
    assert notes[1] == "va_lcu_share (r1) compared with va_usd_share (r2): both in '% of total, current prices'"
    assert compare(kept_old, kept_new)["change"].tolist() == [1.0]


def test_shares_only_can_be_asked_for_releases_with_levels_in_common():
    old = pd.concat([tidy([("MAR", "a", "va", 2000, 900.0)]), tidy([("MAR", "a", "va_share", 2000, 40.0)], "%")])
    new = pd.concat([tidy([("MAR", "a", "va", 2000, 950.0)]), tidy([("MAR", "a", "va_share", 2000, 40.0)], "%")])
    kept_old, kept_new, notes = comparable(old, new, ("r1", "r2"), shares_only=True)
    assert set(kept_old["variable"]) == set(kept_new["variable"]) == {"va_share"}
    assert notes[0] == "sector shares only, as asked"


def test_releases_with_nothing_in_common_are_refused():
    old = tidy([("MAR", "a", "va_constant_share", 2000, 40.0)], "% at constant prices")
    new = tidy([("MAR", "a", "va_current_share", 2000, 40.0)], "% at current prices")
    with pytest.raises(InputError, match="same unit in both releases"):
        comparable(old, new, ("r1", "r2"))


def test_two_shares_in_one_unit_are_refused():
    old = pd.concat([tidy([("MAR", "a", "x_share", 2000, 1.0)], "%"), tidy([("MAR", "a", "y_share", 2000, 1.0)], "%")])
    new = tidy([("MAR", "a", "z_share", 2000, 1.0)], "%")
    with pytest.raises(InputError, match="one share variable per unit"):
        comparable(old, new, ("r1", "r2"))


def test_a_release_against_itself_has_no_change(raw_copy):
    rows = len(release_table("etd", raw_copy / "etd" / "2021-07-15"))
    changes = diff_releases("etd", raw_copy, "2021-07-15", "2021-07-15").changes
    assert len(changes) == rows and set(changes["status"]) == {"unchanged"}


def manufacturing_share(workbook: Path, iso: str, year: int) -> float:
    """Manufacturing as % of the sum of the top-level activities, straight from the workbook's cells."""
    rows = read_sheet(workbook, 0)
    header = rows[HEADER_ROW]
    column = header.index(year) if year in header else header.index(str(year))
    code, item = header.index("CountryID"), header.index("IndicatorName")
    cells = {
        ITEMS[r[item]]: float(r[column]) for r in rows[HEADER_ROW + 1 :] if r[code] == M49[iso] and r[item] in ITEMS
    }
    return cells["manufacturing"] / sum(cells[i] for i in TOP_LEVEL) * 100


def test_the_two_un_current_price_releases_are_compared_by_their_shares(raw_copy, config):
    diff = diff_releases("un_ama", raw_copy, "2024-02", "2026-02", config["countries"])
    assert any("levels are not compared" in n for n in diff.notes)
    changes = diff.changes.set_index(["country", "sector", "year"])
    assert set(changes["variable"]) == {"va_current_usd_share"}
    # the newer release adds 2023 and 2024 for each country and 7 activities, and removes nothing
    added = changes[changes["status"] == "added"]
    assert len(added) == len(config["countries"]) * 7 * 2 and set(added.index.get_level_values("year")) == {2023, 2024}
    assert (changes["status"] == "removed").sum() == 0
    old = manufacturing_share(raw_copy / "un_ama" / "2024-02" / "Download-GDPcurrent-NCU-countries.xlsx", "MAR", 2022)
    new = manufacturing_share(raw_copy / "un_ama" / "2026-02" / "Download-GDPcurrent-USD-countries.xlsx", "MAR", 2022)
    row = changes.loc[("MAR", "manufacturing", 2022)]
    assert row["status"] == "revised"
    assert (row["old"], row["new"]) == (pytest.approx(old), pytest.approx(new))


def test_the_command_prints_the_comparison_and_writes_the_changed_rows(raw_copy, tmp_path, capsys):
    changes_csv, summary_csv = tmp_path / "out" / "changes.csv", tmp_path / "out" / "summary.csv"
    code = main(["diff", "un_ama", "2024-02", "2026-02", "--raw-dir", str(raw_copy), "--countries", "MAR",
                 "--csv", str(changes_csv), "--summary-csv", str(summary_csv), "--top", "2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("un_ama: release 2024-02 -> 2026-02, 385 rows compared: 14 added, 0 removed, ")
    assert "levels are not compared" in out and "largest revisions (top 2 of each variable and country)" in out
    written = read_table(changes_csv, CHANGES_SCHEMA)
    assert set(written["status"]) == {"added", "revised"} and set(written["country"]) == {"MAR"}
    summary = read_table(summary_csv, SUMMARY_SCHEMA)
    assert summary["added"].sum() + summary["revised"].sum() == len(written)


def test_write_diff_writes_nothing_unless_asked(raw_copy, tmp_path):
    write_diff(diff_releases("un_ama", raw_copy, "2024-02", "2026-02", ["TUN"]), None, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_an_unknown_release_is_reported(raw_copy, capsys):
    assert main(["diff", "un_ama", "2019-01", "2026-02", "--raw-dir", str(raw_copy)]) == 2
    assert "2019-01" in capsys.readouterr().err
