"""UN National Accounts, Analysis of Main Aggregates: 7 activity groups and GDP, three workbooks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.settings import Gaps
from emergence.sources.common import (
    EMPTY_YEARS_REASON,
    TIDY,
    Extract,
    Meta,
    allowed,
    check_total,
    column_letter,
    default_gaps,
    edge_years,
    gap_runs,
    header_index,
    reading,
    refuse_blank,
    whole_year,
    with_shares,
)
from emergence.workbook import modified_date, read_sheet, write_workbook

META = Meta(
    publisher="United Nations Statistics Division",
    dataset="National Accounts - Analysis of Main Aggregates (AMA)",
    citation="United Nations Statistics Division, National Accounts - Analysis of Main Aggregates (AMA) database",
    licence="not stated",
    url="https://unstats.un.org/unsd/snaama/Downloads",
)
# Each workbook is one table; its title row says which. Constant-price activities need not add up to the
# total (each is deflated on its own), so only current-price tables are checked for additivity, and within
# the UN's own discrepancies (up to 0.4 % for Egypt in the 1990s). Shares are of the sum of the activities.
ADDITIVE = {"current_usd": True, "current_ncu": True, "constant_usd": False}
SUM_TOLERANCE = 0.01
# The UN writes whole units of currency: the activities, each rounded, may miss the rounded total by half a unit
# each (Brazil's value added of 1983 in today's reais is 43 units, its activities 44), here in millions.
ROUNDING = 0.5e-6
TABLES = {
    "current_usd": ("GDP/breakdown at current prices in US Dollars", "USD million, current prices", "current_usd"),
    "current_ncu": (
        "GDP/breakdown at current prices in National currency",
        "million LCU, current prices",
        "current_lcu",
    ),
    "constant_usd": (
        "GDP/breakdown at constant 2015 prices in US Dollars",
        "USD million, constant 2015 prices",
        "constant_usd",
    ),
}
ITEMS = {
    "Agriculture, hunting, forestry, fishing (ISIC A-B)": "agriculture",
    "Mining, Manufacturing, Utilities (ISIC C-E)": "industry_ce",
    "Manufacturing (ISIC D)": "manufacturing",
    "Construction (ISIC F)": "construction",
    "Wholesale, retail trade, restaurants and hotels (ISIC G-H)": "trade",
    "Transport, storage and communication (ISIC I)": "transport",
    "Other Activities (ISIC J-P)": "other_activities",
    "Total Value Added": "total",
    "Gross Domestic Product (GDP)": "gdp",
}
TOP_LEVEL = ["agriculture", "industry_ce", "construction", "trade", "transport", "other_activities"]
# UN (M49) numeric codes are ISO 3166 numeric codes; these are the countries of the ETD.
M49 = {
    "ARG": 32,
    "BFA": 854,
    "BGD": 50,
    "BOL": 68,
    "BRA": 76,
    "BWA": 72,
    "CHL": 152,
    "CHN": 156,
    "CMR": 120,
    "COL": 170,
    "CRI": 188,
    "ECU": 218,
    "EGY": 818,
    "ETH": 231,
    "GHA": 288,
    "HKG": 344,
    "IDN": 360,
    "IND": 356,
    "ISR": 376,
    "JPN": 392,
    "KEN": 404,
    "KHM": 116,
    "KOR": 410,
    "LAO": 418,
    "LKA": 144,
    "LSO": 426,
    "MAR": 504,
    "MEX": 484,
    "MMR": 104,
    "MOZ": 508,
    "MUS": 480,
    "MWI": 454,
    "MYS": 458,
    "NAM": 516,
    "NGA": 566,
    "NPL": 524,
    "PAK": 586,
    "PER": 604,
    "PHL": 608,
    "RWA": 646,
    "SEN": 686,
    "SGP": 702,
    "THA": 764,
    "TUN": 788,
    "TUR": 792,
    "TWN": 158,
    "TZA": 834,
    "UGA": 800,
    "VNM": 704,
    "ZAF": 710,
    "ZMB": 894,
}
ISO3 = {code: iso for iso, code in M49.items()}
COUNTRIES = tuple(M49)  # the countries this reader can name: a snapshot of "all" asks for these
HEADER_ROW = 2  # title, blank line, header


def table_of(path: Path, rows: list[tuple] | None = None) -> str:
    rows = rows if rows is not None else read_sheet(path, 0)
    title = str(rows[0][0] or "") if rows and rows[0] else ""
    for table, (prefix, _, _) in TABLES.items():
        if title.startswith(prefix):
            return table
    raise InputError(path, "sheet 1, row 1", f"a title starting with one of {[t[0] for t in TABLES.values()]}", title)


def release_of(path: Path) -> str:
    """The month the UN last saved the workbook, which dates its update."""
    modified = modified_date(path)
    if modified is None:
        raise InputError(path, "workbook properties", "a 'last modified' date (or pass --release)")
    return modified.strftime("%Y-%m")


def extract(paths: list[Path], countries: list[str]) -> list[Extract]:
    """For each workbook: its title and header rows and the wanted countries' rows, on both sheets."""
    codes = {M49[c] for c in countries if c in M49}
    extracts = []
    for path in paths:
        main = read_sheet(path, 0)
        table = table_of(path, main)
        kept = [r for r in main[HEADER_ROW + 1 :] if r[0] in codes]
        notes = read_sheet(path, 1)
        sheets = [
            (_sheet_name(path, 0), [*main[: HEADER_ROW + 1], *kept]),
            (_sheet_name(path, 1), [notes[0], *[r for r in notes[1:] if r[0] in codes]]),
        ]
        present = sorted({ISO3[r[0]] for r in kept})
        extracts.append(Extract(release_of(path), path.name, write_workbook(sheets), (path,), present, table))
    return extracts


def _sheet_name(path: Path, index: int) -> str:
    from emergence.workbook import sheet_names

    return sheet_names(path)[index]


def clean(paths: dict[str, Path], countries: list[str], gaps: Gaps | None = None) -> pd.DataFrame:
    """Tidy value added by activity (in millions) and GDP, for each table, with shares of total value added."""
    return read(paths, countries, gaps)[0]


def read(paths: dict[str, Path], countries: list[str], gaps: Gaps | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy table and the gaps accepted (as `gaps` accepts, by default the config schema's `sources.un_ama.gaps`)."""
    gaps = gaps or default_gaps("un_ama")
    parts = [_clean_table(table, path, countries, gaps) for table, path in sorted(paths.items())]
    tidy = pd.concat([tidy for tidy, _ in parts], ignore_index=True)
    share_units = {f"va_{TABLES[t][2]}": f"% of the sum of activities, {TABLES[t][1].split(', ')[1]}" for t in paths}
    return with_shares(tidy, share_units, of_sum=True), pd.concat([found for _, found in parts], ignore_index=True)


def _years(header: tuple, first: int, where: str) -> dict[int, int]:
    """The header's year columns (every column after the labels), stored as numbers, each once and in order."""
    row = f"sheet 1, row {HEADER_ROW + 1}"
    years: dict[int, int] = {}
    for i in range(first, len(header)):
        if header[i] is None:
            continue
        place = f"{row}, column {column_letter(i)} (cell {column_letter(i)}{HEADER_ROW + 1})"
        year = whole_year(header[i], where, place)
        if year in years.values():
            column = column_letter(next(j for j, y in years.items() if y == year))
            raise InputError(where, place, "each year once in the header", f"{year} again (first in column {column})")
        if years and year != max(years.values()) + 1:
            raise InputError(where, place, f"the year after {max(years.values())}", year)
        years[i] = year
    if not years:
        raise InputError(where, row, "year columns", header)
    return years


def _clean_table(table: str, path: Path, countries: list[str], gaps: Gaps) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One workbook's rows of the wanted countries, and the gaps accepted.

    Rows of countries outside the ETD's (codes `M49` does not hold) or not wanted, of aggregates the project does
    not use (consumption, trade, ...), and rows with no cell filled are passed over. A wanted country's item must
    be a number in every year, save the years `gaps` accepts: those without any value at the edges of the
    country's series, and those with a blank cell `gaps.cells` lists (then the year is left out for the
    country, as its activities cannot be added up or split).
    """
    where = str(path)
    key = "sources.un_ama.gaps"
    rows = read_sheet(path, 0)
    if table_of(path, rows) != table:
        raise InputError(where, "sheet 1, row 1", f"the title of table '{table}'", rows[0][0])
    if len(rows) <= HEADER_ROW:
        raise InputError(where, "sheet 1", "a title row, a blank row and a header row", f"{len(rows)} rows")
    header = rows[HEADER_ROW]
    label = "IndicatorName"
    col = header_index(header, ["CountryID", "Country", label], where, f"sheet 1, row {HEADER_ROW + 1}")
    years = _years(header, max(col.values()) + 1, where)
    _, unit, suffix = TABLES[table]
    cells: dict[tuple[str, str], dict[int, tuple[float | str, str]]] = {}
    for row_number, row in enumerate(rows[HEADER_ROW + 1 :], start=HEADER_ROW + 2):
        if all(cell is None for cell in row):
            continue
        code = row[col["CountryID"]]
        if isinstance(code, bool) or not isinstance(code, (int, float)) or not float(code).is_integer():
            letter = column_letter(col["CountryID"])
            raise InputError(
                where,
                f"sheet 1, row {row_number}, column 'CountryID' (cell {letter}{row_number})",
                "a numeric M49 country code stored as a number",
                "an empty cell" if code is None else code,
            )
        iso = ISO3.get(int(code))
        if iso not in countries or row[col[label]] not in ITEMS:
            continue
        item = ITEMS[row[col[label]]]
        if (iso, item) in cells:
            raise InputError(where, f"sheet 1, row {row_number}", "one row per country and item", f"{iso} {item}")
        cells[(iso, item)] = {}
        for i, year in years.items():
            place = f"sheet 1, row {row_number}, column {year} (cell {column_letter(i)}{row_number})"
            value = reading(row[i], where, place, text=False)
            cells[(iso, item)][year] = (value / 1e6 if isinstance(value, float) else value, place)
    records, found = [], []
    for iso in sorted({k[0] for k in cells}):
        missing = [i for i in ITEMS.values() if (iso, i) not in cells]
        if missing:
            raise InputError(where, f"rows of {iso}", f"the items {list(ITEMS)}", f"missing {missing}")
        by_year = {year: {item: cells[(iso, item)][year] for item in ITEMS.values()} for year in years.values()}
        empty = {year: all(value == "" for value, _ in items.values()) for year, items in by_year.items()}
        first_place = {year: next(iter(items.values()))[1] for year, items in by_year.items()}
        dropped = edge_years(
            [(year, empty[year], first_place[year]) for year in by_year], gaps, where, key, f"{iso} ({table})"
        )
        found += [(iso, f"va_{suffix}", "all", year, f"{key}.empty_years", EMPTY_YEARS_REASON) for year in dropped]
        for year, items in by_year.items():
            if year in dropped:
                continue
            blank = {item: (value, place) for item, (value, place) in items.items() if isinstance(value, str)}
            for item, (value, place) in blank.items():
                variable = f"gdp_{suffix}" if item == "gdp" else f"va_{suffix}"
                i = allowed(gaps, iso, variable, item, year, value)
                if i is None:
                    refuse_blank(value, where, place, key)
                found.append((iso, variable, item, year, f"{key}.cells[{i}]", gaps.cells[i].reason))
            if blank:
                continue
            value = {item: amount for item, (amount, _) in items.items()}
            if ADDITIVE[table]:
                leaves = [value[i] for i in TOP_LEVEL]
                place = f"sheet 1, {iso} {year}"
                check_total(leaves, value["total"], where, place, SUM_TOLERANCE, ROUNDING * (len(leaves) + 1))
            value["mining_utilities"] = value.pop("industry_ce") - value["manufacturing"]
            for item, amount in value.items():
                sector, variable = ("total", f"gdp_{suffix}") if item == "gdp" else (item, f"va_{suffix}")
                records.append((iso, sector, variable, year, amount, unit, "un_ama"))
    return pd.DataFrame.from_records(records, columns=TIDY), gap_runs(found, "un_ama")


CONCORDANCE_LEAVES = (
    "agriculture",
    "mining_utilities",
    "manufacturing",
    "construction",
    "trade",
    "transport",
    "other_activities",
)
