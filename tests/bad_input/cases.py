"""The bad-input corpus: each case breaks a copy of one real raw file (or lays a broken config over the real one)
in one named way, and lists the fragments the error must contain.

Fragments may use {file} (the raw file the error must name, relative to data/raw), {row} and other facts the
mutation returns, {recorded} (the checksum the manifest records) and {config} (the broken config file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emergence import manifest
from emergence.io import sha256_file, write_text
from emergence.sources.common import column_letter
from emergence.workbook import read_sheet, sheet_names, write_workbook

CONFIGS = Path(__file__).resolve().parent / "configs"

Mutation = Callable[[Path], dict]


@dataclass(frozen=True)
class Case:
    """One way to break the build.

    job: what must fail -- 'config' (reading the settings, before any job), 'verify_raw' or 'clean_<source>'.
    file: the raw file broken or named by the error, as a key of raw_inputs ('etd', 'un_ama/current_usd', ...).
    restamp: record the broken file's new checksum in its manifest, as a snapshot of a broken upstream would;
    without it the build must stop at verify_raw.
    """

    name: str
    job: str
    fragments: tuple[str, ...]
    file: str | None = None
    mutate: Mutation | None = None
    config: str | None = None
    restamp: bool = True

    @property
    def config_path(self) -> Path | None:
        return CONFIGS / f"{self.config}.yaml" if self.config else None


def restamp(path: Path) -> None:
    """Record a file's current checksum and size in the manifest beside it."""
    manifest_path = path.parent / manifest.MANIFEST
    entry = manifest.load(manifest_path)
    for item in entry["files"]:
        if item["name"] == path.name:
            item["sha256"] = sha256_file(path)
            item["bytes"] = path.stat().st_size
    write_text(manifest_path, manifest.dump(entry))


# --- workbooks -----------------------------------------------------------------------------------------------


_READ: dict[str, dict[str, list[tuple]]] = {}


def intact_sheets(path: Path) -> dict[str, list[tuple]]:
    """The sheets of a workbook, read once per content: the cases mutate copies of the same few extracts."""
    digest = sha256_file(path)
    if digest not in _READ:
        _READ[digest] = {name: read_sheet(path, name) for name in sheet_names(path)}
    return _READ[digest]


def edit_workbook(edit: Callable[[dict[str, list[list]]], dict | None]) -> Mutation:
    """A mutation that rewrites a workbook after `edit` changed its sheets (name -> rows, in sheet order)."""

    def mutate(path: Path) -> dict:
        sheets = {name: [list(row) for row in rows] for name, rows in intact_sheets(path).items()}
        facts = edit(sheets) or {}
        path.write_bytes(write_workbook([(name, [tuple(r) for r in rows]) for name, rows in sheets.items()]))
        return facts

    return mutate


def sheet_name(sheets: dict[str, list[list]], sheet: str | int) -> str:
    """A sheet given by name, or by position (the UN workbooks are read by position)."""
    return list(sheets)[sheet] if isinstance(sheet, int) else sheet


def find_row(rows: list[list], header: int, **match) -> int:
    """Index of the first row below the header row whose named columns hold the given values."""
    names = [str(h).strip() if h is not None else "" for h in rows[header]]
    cols = {names.index(name): value for name, value in match.items()}
    return next(i for i in range(header + 1, len(rows)) if all(rows[i][c] == v for c, v in cols.items()))


def set_cell(sheet: str | int, header: int, column: str | int, value: object, **match) -> Mutation:
    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        i = find_row(rows, header, **match)
        names = [str(h).strip() if h is not None else "" for h in rows[header]]
        rows[i][rows[header].index(column) if isinstance(column, int) else names.index(column)] = value
        return {"row": i + 1}

    return edit_workbook(edit)


def set_cells(sheet: str | int, header: int, columns: list[str | int], value: object, **match) -> Mutation:
    """Set the named cells of the first row matching `match`; the facts give its row and the first cell's name
    ('F214', as a spreadsheet writes it)."""

    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        i = find_row(rows, header, **match)
        names = [str(h).strip() if h is not None else "" for h in rows[header]]
        js = [rows[header].index(c) if isinstance(c, int) else names.index(c) for c in columns]
        for j in js:
            rows[i][j] = value
        return {"row": i + 1, "cell": f"{column_letter(js[0])}{i + 1}"}

    return edit_workbook(edit)


def set_column_of_rows(sheet: str | int, header: int, column: str, value: object, **match) -> Mutation:
    """Set one column in every row matching `match` (a country's code in all its rows)."""

    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        names = [str(h).strip() if h is not None else "" for h in rows[header]]
        cols = {names.index(name): v for name, v in match.items()}
        hits = [i for i in range(header + 1, len(rows)) if all(rows[i][c] == v for c, v in cols.items())]
        for i in hits:
            rows[i][names.index(column)] = value
        return {"row": hits[0] + 1}

    return edit_workbook(edit)


def set_header_cell(sheet: str | int, header: int, old: object, new: object) -> Mutation:
    def edit(sheets):
        row = sheets[sheet_name(sheets, sheet)][header]
        j = row.index(old)
        row[j] = new
        return {"cell": f"{column_letter(j)}{header + 1}"}

    return edit_workbook(edit)


def scale_cell(sheet: str | int, header: int, column: str | int, factor: float, **match) -> Mutation:
    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        i = find_row(rows, header, **match)
        names = [str(h).strip() if h is not None else "" for h in rows[header]]
        j = rows[header].index(column) if isinstance(column, int) else names.index(column)
        rows[i][j] = rows[i][j] * factor
        return {"row": i + 1}

    return edit_workbook(edit)


def duplicate_row(sheet: str | int, header: int, **match) -> Mutation:
    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        i = find_row(rows, header, **match)
        rows.insert(i + 1, list(rows[i]))
        return {"row": i + 2}

    return edit_workbook(edit)


def drop_row(sheet: str | int, header: int, **match) -> Mutation:
    """Delete the first row matching `match`; the facts give the row number the next row then takes."""

    def edit(sheets):
        rows = sheets[sheet_name(sheets, sheet)]
        i = find_row(rows, header, **match)
        del rows[i]
        return {"row": i + 1}

    return edit_workbook(edit)


def drop_column(sheet: str, header: int, column: str) -> Mutation:
    def edit(sheets):
        rows = sheets[sheet]
        j = [str(h).strip() if h is not None else "" for h in rows[header]].index(column)
        sheets[sheet] = [row[:j] + row[j + 1 :] for row in rows]

    return edit_workbook(edit)


def rename_sheet(old: str, new: str) -> Mutation:
    def edit(sheets):
        renamed = {new if name == old else name: rows for name, rows in sheets.items()}
        sheets.clear()
        sheets.update(renamed)

    return edit_workbook(edit)


def set_header(sheet: str | int, header: int, old: str, new: str) -> Mutation:
    def edit(sheets):
        row = sheets[sheet_name(sheets, sheet)][header]
        row[row.index(old)] = new

    return edit_workbook(edit)


def set_title(title: str) -> Mutation:
    def edit(sheets):
        sheets[sheet_name(sheets, 0)][0][0] = title

    return edit_workbook(edit)


# --- text and bytes ------------------------------------------------------------------------------------------


def edit_lines(edit: Callable[[list[list[str]]], dict | None]) -> Mutation:
    """A mutation of a CSV file as lists of fields (the WDI file has no quoted fields)."""

    def mutate(path: Path) -> dict:
        lines = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
        facts = edit(lines) or {}
        path.write_text("".join(",".join(fields) + "\n" for fields in lines), encoding="utf-8")
        return facts

    return mutate


def csv_cell(column: str, value: str, geo: str = "mar", time: str = "2008") -> Mutation:
    def edit(lines):
        i = next(i for i, f in enumerate(lines) if f[:2] == [geo, time])
        lines[i][lines[0].index(column)] = value
        return {"row": i + 1}

    return edit_lines(edit)


def csv_duplicate(geo: str = "mar", time: str = "2008") -> Mutation:
    def edit(lines):
        i = next(i for i, f in enumerate(lines) if f[:2] == [geo, time])
        lines.insert(i + 1, list(lines[i]))
        return {"row": i + 2}

    return edit_lines(edit)


def csv_truncate_row(geo: str = "mar", time: str = "2008", keep: int = 5) -> Mutation:
    def edit(lines):
        i = next(i for i, f in enumerate(lines) if f[:2] == [geo, time])
        lines[i] = lines[i][:keep]
        return {"row": i + 1, "fields": len(lines[0])}

    return edit_lines(edit)


def csv_rename_column(old: str, new: str) -> Mutation:
    def edit(lines):
        lines[0][lines[0].index(old)] = new

    return edit_lines(edit)


def csv_drop_column(column: str) -> Mutation:
    def edit(lines):
        j = lines[0].index(column)
        for fields in lines:
            del fields[j]

    return edit_lines(edit)


def empty_file(path: Path) -> dict:
    path.write_bytes(b"")
    return {}


def delete_file(path: Path) -> dict:
    path.unlink()
    return {}


def flip_byte(path: Path) -> dict:
    """Change one byte in the middle of the file (a digit to another digit in a text file)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    i = next((j for j in range(middle, len(data)) if chr(data[j]).isdigit()), middle)
    data[i] = ord("7") if data[i] != ord("7") else ord("3")
    path.write_bytes(bytes(data))
    return {}


# --- the corpus ----------------------------------------------------------------------------------------------

ETD_ROW = {"cnt": "MAR", "var": "VA", "year": 2003}
GGDC_ROW = {"Country": "MOR", "Variable": "VA_Q05", "Year": 2000}
UN_SHEET, UN_HEADER = 0, 2
UN_MANUFACTURING = {"CountryID": 504, "IndicatorName": "Manufacturing (ISIC D)"}
UN_CONSTRUCTION = {"CountryID": 504, "IndicatorName": "Construction (ISIC F)"}
UN_AGRICULTURE = {"CountryID": 504, "IndicatorName": "Agriculture, hunting, forestry, fishing (ISIC A-B)"}
GGDC_SECTORS = ["Agriculture", "Mining", "Manufacturing", "Utilities", "Construction", "Trade, restaurants and hotels",
                "Transport, storage and communication", "Finance, insurance, real estate and business services",
                "Government services", "Community, social and personal services", "Summation of sector GDP"]  # fmt: skip
BLANK_CELL = ("expected a number (blank cells are accepted only as sources.", ".gaps.cells lists them)",
              "found 'an empty cell'")  # fmt: skip

CASES = (
    # ETD, the primary source
    Case("etd_missing_column", "clean_etd", ("{file}", "sheet 'Data', header row", "missing ['Manufacturing']"),
         "etd", drop_column("Data", 0, "Manufacturing")),
    Case("etd_renamed_sheet", "clean_etd", ("{file}", "sheet 'Data'", "expected a sheet named 'Data'", "Data 2021"),
         "etd", rename_sheet("Data", "Data 2021")),
    Case("etd_non_numeric_cell", "clean_etd",
         ("{file}", "sheet 'Data', row {row}, column 'Agriculture'", "expected a number", "'n/a'"),
         "etd", set_cell("Data", 0, "Agriculture", "n/a", **ETD_ROW)),
    Case("etd_duplicate_key", "clean_etd",
         ("{file}", "sheet 'Data', row {row}", "expected one row per", "a second row for ('MAR', 'VA', 2003)"),
         "etd", duplicate_row("Data", 0, **ETD_ROW)),
    Case("etd_sectors_not_summing", "clean_etd",
         ("{file}", "sheet 'Data', row {row} (MAR VA 2003)", "expected sectors summing to the total"),
         "etd", scale_cell("Data", 0, "Total", 1.01, **ETD_ROW)),
    Case("etd_unknown_variable", "clean_etd",
         ("{file}", "sheet 'Data', row {row}, column 'var'", "one of ['VA', 'VA_Q15', 'EMP']", "'VA_Q10'"),
         "etd", set_cell("Data", 0, "var", "VA_Q10", **ETD_ROW)),
    Case("etd_empty_file", "clean_etd", ("{file}", "file", "expected an Excel workbook (.xlsx)"),
         "etd", empty_file),
    Case("unknown_country", "clean_etd", ("{file}", "countries", "countries present in the file", "['XYZ']"),
         "etd", config="unknown_country"),
    # GGDC 10-Sector Database
    Case("ggdc10_missing_column", "clean_ggdc10", ("{file}", "sheet 'dataset', header row", "missing ['Mining']"),
         "ggdc10", drop_column("dataset", 0, "Mining")),
    Case("ggdc10_renamed_sheet", "clean_ggdc10", ("{file}", "sheet 'dataset'", "a sheet named 'dataset'"),
         "ggdc10", rename_sheet("dataset", "Dataset")),
    Case("ggdc10_non_numeric_cell", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row}, column 'Manufacturing'", "expected a number", "'n.a.'"),
         "ggdc10", set_cell("dataset", 0, "Manufacturing", "n.a.", **GGDC_ROW)),
    Case("ggdc10_duplicate_key", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row}", "expected one row per", "a second row for ('MAR', 'VA_Q05', 2000)"),
         "ggdc10", duplicate_row("dataset", 0, **GGDC_ROW)),
    Case("ggdc10_sectors_not_summing", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row} (MAR VA_Q05 2000)", "expected sectors summing to the total"),
         "ggdc10", scale_cell("dataset", 0, "Summation of sector GDP", 0.99, **GGDC_ROW)),
    # UN national accounts (one of the three workbooks)
    Case("un_ama_wrong_title", "clean_un_ama", ("{file}", "sheet 1, row 1", "a title starting with one of"),
         "un_ama/current_usd", set_title("GDP/breakdown at current prices in euros")),
    Case("un_ama_missing_column", "clean_un_ama", ("{file}", "sheet 1, row 3", "missing ['IndicatorName']"),
         "un_ama/current_usd", set_header(UN_SHEET, UN_HEADER, "IndicatorName", "Indicator")),
    Case("un_ama_missing_item", "clean_un_ama", ("{file}", "rows of MAR", "missing ['manufacturing']"),
         "un_ama/current_usd", drop_row(UN_SHEET, UN_HEADER, **UN_MANUFACTURING)),
    Case("un_ama_non_numeric_cell", "clean_un_ama",
         ("{file}", "sheet 1, row {row}, column 2003", "expected a number", "'...'"),
         "un_ama/current_usd", set_cell(UN_SHEET, UN_HEADER, 2003, "...", **UN_CONSTRUCTION)),
    Case("un_ama_duplicate_key", "clean_un_ama",
         ("{file}", "sheet 1, row {row}", "one row per country and item", "MAR construction"),
         "un_ama/current_usd", duplicate_row(UN_SHEET, UN_HEADER, **UN_CONSTRUCTION)),
    Case("un_ama_sectors_not_summing", "clean_un_ama",
         ("{file}", "sheet 1, MAR 2003", "expected sectors summing to the total"),
         "un_ama/current_usd", scale_cell(UN_SHEET, UN_HEADER, 2003, 1.2, **UN_AGRICULTURE)),
    Case("un_ama_empty_file", "clean_un_ama", ("{file}", "file", "expected an Excel workbook (.xlsx)"),
         "un_ama/current_usd", empty_file),
    # World Bank WDI
    Case("wdi_missing_column", "clean_wdi", ("{file}", "header row", "a column 'time'"),
         "wdi", csv_drop_column("time")),
    Case("wdi_unknown_indicator", "clean_wdi", ("{file}", "header row", "indicator columns among", "['nv_xyz']"),
         "wdi", csv_rename_column("nv_agr_totl_zs", "nv_xyz")),
    Case("wdi_non_numeric_cell", "clean_wdi",
         ("{file}", "row {row}, column 'sl_agr_empl_zs'", "expected a number", "'forty'"),
         "wdi", csv_cell("sl_agr_empl_zs", "forty")),
    Case("wdi_duplicate_key", "clean_wdi", ("{file}", "row {row}", "one row per geo and time", "MAR 2008"),
         "wdi", csv_duplicate()),
    Case("wdi_short_row", "clean_wdi", ("{file}", "row {row}", "{fields} fields, as in the header row", "5 fields"),
         "wdi", csv_truncate_row()),
    Case("wdi_empty_file", "clean_wdi", ("{file}", "file", "a header row geo,time,<indicators>", "no data rows"),
         "wdi", empty_file),
    # readers that lose nothing: a blank, text-typed or repeated value is named where it is, never dropped
    Case("etd_empty_cell_first_year", "clean_etd",
         ("{file}", "sheet 'Data', row {row}, column 'Agriculture' (cell Data!{cell})", *BLANK_CELL),
         "etd", set_cells("Data", 0, ["Agriculture"], None, cnt="MAR", var="VA", year=1990)),
    Case("etd_empty_total_mid_series", "clean_etd",
         ("{file}", "sheet 'Data', row {row}, column 'Total' (cell Data!{cell})", *BLANK_CELL),
         "etd", set_cells("Data", 0, ["Total"], None, **ETD_ROW)),
    Case("etd_number_as_text", "clean_etd",
         ("{file}", "(cell Data!{cell})", "expected a number stored as a number, not as text", "'1234.5'"),
         "etd", set_cells("Data", 0, ["Mining"], "1234.5", **ETD_ROW)),
    Case("etd_year_as_text", "clean_etd",
         ("{file}", "sheet 'Data', row {row}, column 'year' (cell Data!{cell})", "a whole year stored as a number",
          "'2003'"), "etd", set_cells("Data", 0, ["year"], "2003", **ETD_ROW)),
    Case("ggdc10_empty_cell_first_year", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row}, column 'Agriculture' (cell dataset!{cell})", *BLANK_CELL),
         "ggdc10", set_cells("dataset", 0, ["Agriculture"], None, Country="MOR", Variable="VA_Q05", Year=1960)),
    Case("ggdc10_empty_year_mid_series", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row} (MAR VA 1990)", "expected a value in some sector of MAR VA, "
          "between years with values"),
         "ggdc10", set_cells("dataset", 0, GGDC_SECTORS, None, Country="MOR", Variable="VA", Year=1990)),
    Case("ggdc10_missing_year_row", "clean_ggdc10",
         ("{file}", "sheet 'dataset', row {row} (MAR VA 1991)", "the years of MAR VA one after another",
          "'1991 after 1989'"), "ggdc10", drop_row("dataset", 0, Country="MOR", Variable="VA", Year=1990)),
    Case("ggdc10_marker_in_another_sector", "clean_ggdc10",
         ("{file}", "column 'Manufacturing' (cell dataset!{cell})", "expected a number", "'incl in gov. services'"),
         "ggdc10", set_cells("dataset", 0, ["Manufacturing"], "incl in gov. services", **GGDC_ROW)),
    Case("un_ama_country_code_as_text", "clean_un_ama",
         ("{file}", "sheet 1, row {row}, column 'CountryID'", "a numeric M49 country code stored as a number",
          "'504'"), "un_ama/current_usd", set_column_of_rows(UN_SHEET, UN_HEADER, "CountryID", "504", CountryID=504)),
    Case("un_ama_repeated_year_column", "clean_un_ama",
         ("{file}", "sheet 1, row 3, column ", "(cell {cell})", "each year once in the header", "2003 again"),
         "un_ama/current_usd", set_header_cell(UN_SHEET, UN_HEADER, 2004, 2003)),
    Case("un_ama_empty_cell_first_year", "clean_un_ama",
         ("{file}", "sheet 1, row {row}, column 1970 (cell {cell})", *BLANK_CELL),
         "un_ama/current_usd", set_cells(UN_SHEET, UN_HEADER, [1970], None, **UN_MANUFACTURING)),
    Case("un_ama_empty_cell_mid_series", "clean_un_ama",
         ("{file}", "sheet 1, row {row}, column 2003 (cell {cell})", *BLANK_CELL),
         "un_ama/current_usd", set_cells(UN_SHEET, UN_HEADER, [2003], None, **UN_CONSTRUCTION)),
    Case("wdi_empty_cell_mid_series", "clean_wdi", ("{file}", "row {row}, column 'nv_agr_totl_zs'", *BLANK_CELL),
         "wdi", csv_cell("nv_agr_totl_zs", "")),
    Case("wdi_repeated_column", "clean_wdi",
         ("{file}", "header row", "expected each column once", "['nv_ind_totl_zs'] more than once"),
         "wdi", csv_rename_column("nv_agr_totl_zs", "nv_ind_totl_zs")),
    Case("wdi_employment_shares_not_summing", "clean_wdi",
         ("{file}", "row {row} (MAR 2008)", "sl_agr_empl_zs + sl_ind_empl_zs + sl_srv_empl_zs summing to 100"),
         "wdi", csv_cell("sl_ind_empl_zs", "30")),
    # raw data changed after the snapshot
    Case("checksum_mismatch", "verify_raw",
         ("{file}", "sha256", "expected {recorded} as recorded in", "raw data are immutable"),
         "wdi", flip_byte, restamp=False),
    Case("checksum_mismatch_workbook", "verify_raw", ("{file}", "sha256", "expected {recorded} as recorded in"),
         "etd", flip_byte, restamp=False),
    Case("raw_file_missing", "verify_raw", ("{file}", "file", "the file listed in", "no such file"),
         "un_ama/constant_usd", delete_file, restamp=False),
    # settings
    Case("unknown_config_key", "config",
         ("config/config.yaml", "key 'reconciliation/tolerence'", "a known key (did you mean 'tolerance_pp'?)"),
         config="unknown_key"),
    Case("unknown_top_level_key", "config", ("config/config.yaml", "key 'colours'", "a known key"),
         config="unknown_top_level_key"),
    Case("inverted_period", "config", ("config/config.yaml", "key 'periods/1'", "expected start <= end", "2010 > 2000"),
         config="inverted_period"),
    Case("duplicate_period_id", "config", ("config/config.yaml", "key 'periods/1/id'", "unique period ids", "'plan'"),
         config="duplicate_period_id"),
    Case("unordered_policy_events", "config",
         ("config/config.yaml", "key 'policy_events'", "distinct years in increasing order"),
         config="unordered_policy_events"),
    Case("bad_country_code", "config", ("config/config.yaml", "key 'countries/1'", "pattern", "'Morocco'"),
         config="bad_country_code"),
    Case("wrong_type", "config", ("config/config.yaml", "key 'reconciliation/tolerance_pp'", "'type: number'"),
         config="wrong_type"),
    Case("duplicate_yaml_key", "config", ("{config}", "line 3", "expected unique keys", "'countries'"),
         config="duplicate_yaml_key"),
    Case("unknown_release", "config",
         ("etd/1999-01-01/manifest.yaml", "expected a manifest written by 'emergence snapshot'"),
         config="unknown_release"),
)  # fmt: skip

BY_NAME = {case.name: case for case in CASES}
