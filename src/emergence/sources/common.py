"""Reshaping shared by the sources: wide sector columns to tidy rows, checks that sectors add up, shares."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.settings import Gaps, gaps_of
from emergence.workbook import read_sheet
from emergence.yamlfile import SCHEMA, read_yaml

SUM_TOLERANCE = 1e-6  # relative; the publishers' totals are sums of their sectors
TIDY = ["country", "sector", "variable", "year", "value", "unit", "source"]
# The gaps a reader accepted, one row per run of years (see `gap_runs`).
GAPS = ["source", "country", "variable", "sector", "first_year", "last_year", "years", "allowance", "reason"]
EMPTY_YEARS_REASON = "no value in any sector: the publisher's filler of its year grid"


@dataclass(frozen=True)
class Meta:
    """What a manifest says of a source's publisher (the parts that do not change between releases)."""

    publisher: str
    dataset: str
    citation: str
    licence: str
    url: str


def header_index(header: tuple, required: list[str], where: str, location: str) -> dict[str, int]:
    """Map each required column name to its position in a header row; a missing one is an error."""
    names = [str(h).strip() if h is not None else "" for h in header]
    missing = [c for c in required if c.strip() not in names]
    if missing:
        raise InputError(
            where, location, f"columns {required}", f"missing {missing}; header is {[n for n in names if n]}"
        )
    for c in required:
        twice = [column_letter(j) for j, name in enumerate(names) if name == c.strip()]
        if len(twice) > 1:
            raise InputError(where, location, f"one column '{c.strip()}'", f"columns {', '.join(twice)}")
    return {c: names.index(c.strip()) for c in required}


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 0-based column index (0 -> A, 27 -> AB), for messages that name a cell."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_place(sheet: str, row: int, index: int, name: object) -> str:
    """Where a workbook cell is, as a message says it: sheet, row, column name and the cell ('Data!E214')."""
    return f"sheet '{sheet}', row {row}, column '{str(name).strip()}' (cell {sheet}!{column_letter(index)}{row})"


def reading(value: object, where: str, location: str, text: bool = True) -> float | str:
    """A cell as a float, or as the text of a cell without a number ('' when empty) for the reader to judge.

    In a workbook (`text` False) a number stored as text is an error: the publisher's numbers are numbers, and
    text that reads as one is a typing slip or a changed layout.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InputError(where, location, "a number", value)
    if isinstance(value, (int, float)):
        if math.isnan(value) or math.isinf(value):
            raise InputError(where, location, "a finite number", value)
        return float(value)
    stripped = str(value).strip()
    try:
        parsed = float(stripped)
    except ValueError:
        return stripped
    if not text:
        raise InputError(where, location, "a number stored as a number, not as text", value)
    if math.isnan(parsed) or math.isinf(parsed):
        raise InputError(where, location, "a finite number", value)
    return parsed


def whole_year(value: object, where: str, location: str, text: bool = False) -> int:
    """A year cell as an int: a whole number (stored as a number in a workbook, `text` False)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if text and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    what = "a whole year" if text else "a whole year stored as a number"
    raise InputError(where, location, what, "an empty cell" if value is None or str(value).strip() == "" else value)


def schema_default(source: str, key: str) -> object:
    """The config schema's default of `sources.<source>.<key>`, for readers called without settings."""
    sources = read_yaml(SCHEMA)["properties"]["sources"]["properties"]
    return sources[source]["properties"][key]["default"]


def default_gaps(source: str) -> Gaps:
    """The gaps the config schema accepts for `source` by default (`sources.<source>.gaps`)."""
    return gaps_of(schema_default(source, "gaps"))


def refuse_blank(found: str, where: str, location: str, key: str) -> None:
    """A cell without a number that no allowance covers: the error says what was found and where to allow it."""
    raise InputError(
        where,
        location,
        f"a number (blank cells are accepted only as {key}.cells lists them)",
        found if found else "an empty cell",
    )


def allowed(gaps: Gaps, country: str, variable: str, sector: str, year: int, found: str) -> int | None:
    """The index of the first of `gaps.cells` that covers this blank cell (its marker the text found), or None."""
    for i, cells in enumerate(gaps.cells):
        if cells.marker.strip() == found and cells.matches(country, variable, sector, year):
            return i
    return None


def edge_years(
    series: list[tuple[int, bool, str]], gaps: Gaps, where: str, key: str, label: str, between: bool = False
) -> set[int]:
    """The empty years of a series (year, empty, place) that `gaps` accepts at its edges.

    Years must follow one another. Empty years before the first year with values are accepted with
    `empty_years` 'leading' or 'edges', after the last one with 'edges'; an empty year between two years with
    values is an error (left to the caller with `between`), as is any empty year the setting does not accept.
    """
    series = sorted(series)
    for (before, _, _), (year, _, place) in zip(series, series[1:], strict=False):
        if year != before + 1:
            raise InputError(where, place, f"the years of {label} one after another", f"{year} after {before}")
    filled = [year for year, empty, _ in series if not empty]
    first, last = (min(filled), max(filled)) if filled else (math.inf, math.inf)
    accepted = set()
    for year, empty, place in series:
        if not empty:
            continue
        if first < year < last:
            if between:
                continue
            raise InputError(where, place, f"a value in some sector of {label}, between years with values", "none")
        side = "leading" if year < first else "edges"
        if gaps.empty_years not in (side, "edges"):
            raise InputError(
                where,
                place,
                f"values of {label} (empty years {'before the first' if year < first else 'after the last'} year "
                f"with values are accepted only with {key}.empty_years: {side})",
                f"no value in any column; {key}.empty_years is '{gaps.empty_years}'",
            )
        accepted.add(year)
    return accepted


def _late_starts(
    gaps: Gaps,
    code: str,
    variable: str,
    entries: list,
    empty: dict[int, bool],
    where: str,
    sheet: str,
    key: str,
    label: str,
) -> tuple[set[int], list[tuple[str, str, str, int, str, str]]]:
    """The years left out where a series has empty years between years with values: allowed only where
    `gaps.cells` lists every cell of those years, and then the series is read from the year after the last of
    them (a publisher that gives a census year before its annual run, say), so its years still follow one another.
    Returns those years and the gaps to record."""
    filled = [year for year, _, _ in entries if not empty[year]]
    holes = [
        (year, row, cells) for year, row, cells in entries if filled and empty[year] and filled[0] < year < filled[-1]
    ]
    if not holes:
        return set(), []
    found = []
    for year, row_number, cells in holes:
        covering = {allowed(gaps, code, variable, sector, year, value) for sector, (value, _) in cells.items()}
        if None in covering:
            raise InputError(
                where,
                f"sheet '{sheet}', row {row_number} ({label} {year})",
                f"a value in some sector of {label}, between years with values (or the year's cells listed in "
                f"{key}.cells, to read the series from the year after)",
                "none",
            )
        found += [(code, variable, "all", year, f"{key}.cells[{i}]", gaps.cells[i].reason) for i in sorted(covering)]
    restart = max(year for year, _, _ in holes)
    before = [year for year in filled if year < restart]
    last_allowance, last_reason = found[-1][4:]
    found += [(code, variable, "all", year, last_allowance, last_reason) for year in before]
    return {year for year, _, _ in holes} | set(before), found


def gap_runs(found: list[tuple[str, str, str, int, str, str]], source: str) -> pd.DataFrame:
    """The gaps accepted, (country, variable, sector, year, allowance, reason) each, as runs of consecutive years."""
    rows = []
    for country, variable, sector, year, allowance, reason in sorted(set(found)):
        last = rows[-1] if rows else None
        if (
            last
            and last[1:4] == [country, variable, sector]
            and last[7:] == [allowance, reason]
            and last[5] == year - 1
        ):
            last[5], last[6] = year, last[6] + 1
        else:
            rows.append([source, country, variable, sector, year, year, 1, allowance, reason])
    return pd.DataFrame(rows, columns=GAPS)


def check_total(
    leaves: list[float],
    total: float,
    where: str,
    location: str,
    tolerance: float = SUM_TOLERANCE,
    rounding: float = 1e-9,
) -> None:
    """Sectors add up to the total, within `tolerance` (relative) or `rounding` (absolute, the publisher's)."""
    present = [v for v in leaves if not math.isnan(v)]
    if math.isnan(total) or not present:
        return
    if not math.isclose(sum(present), total, rel_tol=tolerance, abs_tol=rounding):
        raise InputError(where, location, f"sectors summing to the total {total:.6g}", f"sum {sum(present):.6g}")


def with_shares(
    tidy: pd.DataFrame, variables: dict[str, str], total: str = "total", of_sum: bool = False
) -> pd.DataFrame:
    """Append `<variable>_share` rows: each sector as % of the total, for the variables given.

    `variables` maps a level variable to the unit of its share. With `of_sum` the denominator is the sum of the
    sectors instead of the publisher's total (for tables whose sectors do not add up to it exactly).
    Years whose denominator is missing or zero get no share.
    """
    levels = tidy[tidy["variable"].isin(list(variables))]
    keys = ["source", "country", "variable", "year"]
    parts = levels[levels["sector"] != total]
    if of_sum:
        totals = parts.groupby(keys, sort=True)["value"].sum().rename("total_value")
    else:
        totals = levels[levels["sector"] == total].set_index(keys)["value"].rename("total_value")
    parts = parts.join(totals, on=keys, how="inner")
    parts = parts[parts["total_value"].notna() & (parts["total_value"] != 0)]
    shares = parts.assign(
        value=parts["value"] / parts["total_value"] * 100.0,
        unit=parts["variable"].map(variables),
        variable=parts["variable"] + "_share",
    ).drop(columns="total_value")
    return pd.concat([tidy, shares], ignore_index=True)


def select_countries(available: set[str], wanted: list[str], where: str) -> list[str]:
    """The wanted countries, in order; an unknown one is an error that lists what the file has."""
    unknown = [c for c in wanted if c not in available]
    if unknown:
        raise InputError(where, "countries", f"countries present in the file ({sorted(available)})", unknown)
    return list(wanted)


@dataclass(frozen=True)
class Extract:
    """One file the snapshot command writes: where it goes, its bytes and what it was cut from."""

    release: str
    name: str
    data: bytes
    upstreams: tuple[Path, ...]
    countries: list[str]
    table: str | None = None


def tidy_sector_sheet(
    path: Path,
    sheet: str,
    ids: tuple[str, str, str],
    leaves: dict[str, str],
    total: str,
    variables: dict[str, tuple[str, str]],
    countries: list[str],
    source: str,
    gaps: Gaps,
    to_iso3: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy rows from a sheet with one row per country, variable and year and one column per sector, and the gaps
    accepted on the way (see `gap_runs`).

    `ids` names the country, variable and year columns; `leaves` maps sector columns to sector codes;
    `variables` maps the sheet's variable codes to (variable, unit). Rows of countries not wanted, and rows with
    no cell filled at all (a sheet's trailing filler), are passed over. Every row of a wanted country is checked:
    a known variable, a whole year stored as a number, no second row for the same key, years one after another,
    numbers (not text) in the sector cells, and sectors that add up to the total. A cell without a number is an
    error unless `gaps` accepts it: an empty year at the edges of a series (left out), or a cell `gaps.cells`
    lists (that sector left out of that year).
    """
    where = str(path)
    key = f"sources.{source}.gaps"
    rows = read_sheet(path, sheet)
    if not rows:
        raise InputError(where, f"sheet '{sheet}'", "a header row and data rows", "an empty sheet")
    country_col, var_col, year_col = ids
    col = header_index(rows[0], [*ids, *leaves, total], where, f"sheet '{sheet}', header row")
    to_iso3 = to_iso3 or {}
    sectors = {**{name: leaf for name, leaf in leaves.items()}, total: "total"}
    series: dict[tuple[str, str], list] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if all(cell is None for cell in row):
            continue
        raw_code = row[col[country_col]]
        if not isinstance(raw_code, str) or not raw_code.strip():
            raise InputError(
                where,
                cell_place(sheet, row_number, col[country_col], country_col),
                "a country code as text",
                "an empty cell" if raw_code is None else raw_code,
            )
        code = to_iso3.get(raw_code, raw_code)
        if code not in countries:
            continue
        var = row[col[var_col]]
        if var not in variables:
            raise InputError(
                where, f"sheet '{sheet}', row {row_number}, column '{var_col}'", f"one of {list(variables)}", var
            )
        year = whole_year(row[col[year_col]], where, cell_place(sheet, row_number, col[year_col], year_col))
        cells = {}
        for name, sector in sectors.items():
            place = cell_place(sheet, row_number, col[name], name)
            cells[sector] = (reading(row[col[name]], where, place, text=False), place)
        series.setdefault((code, var), []).append((year, row_number, cells))
    records, found = [], []
    for (code, var), entries in sorted(series.items()):
        variable, unit = variables[var]
        label = f"{code} {var}"
        seen = {}
        for year, row_number, _ in entries:
            if year in seen:
                raise InputError(
                    where,
                    f"sheet '{sheet}', row {row_number}",
                    f"one row per {country_col}, {var_col} and {year_col}",
                    f"a second row for {(code, var, year)} (the first is row {seen[year]})",
                )
            seen[year] = row_number
        empty = {year: all(value == "" for value, _ in cells.values()) for year, _, cells in entries}
        dropped = edge_years(
            [
                (year, empty[year], f"sheet '{sheet}', row {row_number} ({label} {year})")
                for year, row_number, _ in entries
            ],
            gaps,
            where,
            key,
            label,
            between=True,
        )
        late, late_found = _late_starts(gaps, code, variable, entries, empty, where, sheet, key, label)
        found += [(code, variable, "all", year, f"{key}.empty_years", EMPTY_YEARS_REASON) for year in dropped]
        found += late_found
        for year, row_number, cells in entries:
            if year in dropped or year in late:
                continue
            values = {}
            for sector, (value, place) in cells.items():
                if isinstance(value, float):
                    values[sector] = value
                    continue
                i = allowed(gaps, code, variable, sector, year, value)
                if i is None:
                    refuse_blank(value, where, place, key)
                found.append((code, variable, sector, year, f"{key}.cells[{i}]", gaps.cells[i].reason))
            total_value = values.pop("total", math.nan)
            check_total(
                list(values.values()), total_value, where, f"sheet '{sheet}', row {row_number} ({label} {year})"
            )
            for sector, value in [*values.items(), ("total", total_value)]:
                if value == value:
                    records.append((code, sector, variable, year, value, unit, source))
    return pd.DataFrame.from_records(records, columns=TIDY), gap_runs(found, source)
