"""Reshaping shared by the sources: wide sector columns to tidy rows, checks that sectors add up, shares."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.workbook import read_sheet

SUM_TOLERANCE = 1e-6  # relative; the publishers' totals are sums of their sectors
TIDY = ["country", "sector", "variable", "year", "value", "unit", "source"]


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
    return {c: names.index(c.strip()) for c in required}


def number(value: object, where: str, location: str, blanks: tuple[str, ...] = ()) -> float:
    """A cell as a float; None or one of the publisher's blank markers as NaN; anything else is an error."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise InputError(where, location, "a number", value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text == "" or text in blanks:
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputError(where, location, "a number", value) from None


def check_total(leaves: list[float], total: float, where: str, location: str, tolerance: float = SUM_TOLERANCE) -> None:
    present = [v for v in leaves if not math.isnan(v)]
    if math.isnan(total) or not present:
        return
    if not math.isclose(sum(present), total, rel_tol=tolerance, abs_tol=1e-9):
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
    to_iso3: dict[str, str] | None = None,
    blanks: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Tidy rows from a sheet with one row per country, variable and year and one column per sector.

    `ids` names the country, variable and year columns; `leaves` maps sector columns to sector codes;
    `variables` maps the sheet's variable codes to (variable, unit). Every row of a wanted country is checked:
    a known variable, a whole year, no second row for the same key, numbers in the sector cells, and sectors
    that add up to the total.
    """
    where = str(path)
    rows = read_sheet(path, sheet)
    if not rows:
        raise InputError(where, f"sheet '{sheet}'", "a header row and data rows", "an empty sheet")
    country_col, var_col, year_col = ids
    col = header_index(rows[0], [*ids, *leaves, total], where, f"sheet '{sheet}', header row")
    to_iso3 = to_iso3 or {}
    records, seen = [], set()
    for row_number, row in enumerate(rows[1:], start=2):
        code = to_iso3.get(row[col[country_col]], row[col[country_col]])
        if code not in countries:
            continue
        loc = f"sheet '{sheet}', row {row_number}"
        var = row[col[var_col]]
        if var not in variables:
            raise InputError(where, f"{loc}, column '{var_col}'", f"one of {list(variables)}", var)
        year = number(row[col[year_col]], where, f"{loc}, column '{year_col}'")
        if year != year or year % 1:
            raise InputError(where, f"{loc}, column '{year_col}'", "a whole year", row[col[year_col]])
        key = (code, var, int(year))
        if key in seen:
            raise InputError(
                where, loc, f"one row per {country_col}, {var_col} and {year_col}", f"a second row for {key}"
            )
        seen.add(key)
        values = {
            leaf: number(row[col[name]], where, f"{loc}, column '{name.strip()}'", blanks)
            for name, leaf in leaves.items()
        }
        total_value = number(row[col[total]], where, f"{loc}, column '{total}'", blanks)
        check_total(list(values.values()), total_value, where, f"{loc} ({code} {var} {int(year)})")
        variable, unit = variables[var]
        for sector, value in [*values.items(), ("total", total_value)]:
            if value == value:
                records.append((code, sector, variable, int(year), value, unit, source))
    return pd.DataFrame.from_records(records, columns=TIDY)
