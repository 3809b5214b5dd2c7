"""World Bank World Development Indicators for Morocco, in Gapminder's DDF layout (one CSV per indicator)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.settings import Gaps
from emergence.sources.common import (
    TIDY,
    Extract,
    Meta,
    allowed,
    default_gaps,
    edge_years,
    gap_runs,
    reading,
    refuse_blank,
    schema_default,
    whole_year,
)

META = Meta(
    publisher="World Bank (republished by Gapminder as the DDF package open-numbers/world_development_indicators)",
    dataset="World Development Indicators (WDI)",
    citation="World Bank, World Development Indicators",
    licence="CC BY 4.0 (World Bank data); MIT for Gapminder's packaging",
    url="https://data.worldbank.org/indicator",
)


def indicator_map(entries: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[str, str, str]]:
    """The config's `sources.wdi.indicators` as indicator -> (sector, variable, unit)."""
    return {name: (entry["sector"], entry["variable"], entry["unit"]) for name, entry in entries.items()}


@cache
def default_indicators() -> dict[str, tuple[str, str, str]]:
    """The indicators the config schema lists by default (`sources.wdi.indicators`, written only there), for
    readers called without settings."""
    return indicator_map(schema_default("wdi", "indicators"))


def __getattr__(name: str) -> object:
    """`INDICATORS`, the default list, read from the schema when first asked for rather than at every import."""
    if name == "INDICATORS":
        return default_indicators()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EXTRACT_NAME = "ddf--datapoints--wdi--by--geo--time.csv"
# The ILO's three employment shares of a year come from one vintage and add up to 100 (rounded to 5 decimals).
EMPLOYMENT_SHARES = ("sl_agr_empl_zs", "sl_ind_empl_zs", "sl_srv_empl_zs")
SHARE_TOLERANCE = 0.01
EDGE_REASON = "outside the years in which the World Bank publishes the indicator"
FILE_PATTERN = re.compile(r"ddf--datapoints--(?P<indicator>[a-z0-9_]+)--by--geo--time(\.[a-z]+)?\.csv$")


def release_of(path: Path) -> str:
    raise InputError(path, "file", "a release date, which these files do not carry: pass --release YYYY-MM-DD")


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError(path, "file", "an existing CSV file") from None


def extract(paths: list[Path], countries: list[str] | None) -> list[Extract]:
    """One combined DDF datapoints file: geo, time and one column per indicator, the wanted countries' rows
    (None: every country of the files)."""
    geos = None if countries is None else {c.lower() for c in countries}
    table: dict[tuple[str, str], dict[str, str]] = {}
    indicators = []
    for path in paths:
        match = FILE_PATTERN.search(path.name)
        if not match:
            raise InputError(path, "file name", "ddf--datapoints--<indicator>--by--geo--time.csv")
        indicator = match.group("indicator")
        indicators.append(indicator)
        rows = _read(path)
        if rows and indicator not in rows[0]:  # a file of another indicator under this one's name
            raise InputError(path, "header row", f"a column '{indicator}', as the file name says", list(rows[0]))
        for row in rows:
            if row.get("geo") and (geos is None or row["geo"] in geos):
                table.setdefault((row["geo"], row["time"]), {})[indicator] = row[indicator]
    indicators.sort()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["geo", "time", *indicators])
    for geo, time in sorted(table, key=lambda k: (k[0], int(k[1]))):
        writer.writerow([geo, time, *(table[(geo, time)].get(i, "") for i in indicators)])
    present = sorted({g.upper() for g, _ in table})
    return [
        Extract(release="", name=EXTRACT_NAME, data=out.getvalue().encode(), upstreams=tuple(paths), countries=present)
    ]


Indicators = Mapping[str, Mapping[str, str]]  # the config's sources.wdi.indicators


def clean(
    path: Path, countries: list[str], gaps: Gaps | None = None, indicators: Indicators | None = None
) -> pd.DataFrame:
    """Tidy rows, one per indicator, country and year with a value."""
    return read(path, countries, gaps, indicators)[0]


def read(
    path: Path, countries: list[str], gaps: Gaps | None = None, indicators: Indicators | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy table and the gaps accepted (as `gaps` accepts, by default the config schema's `sources.wdi.gaps`).

    The combined file has a row for every year in which some indicator has a value, so each indicator's cells
    before its first value and after its last are empty: `gaps.empty_years` says whether they are accepted
    (leading, edges). An empty cell between two values is an error unless `gaps.cells` lists it. Rows of other
    countries are passed over. The indicator columns must be exactly those of `indicators` (the config's
    `sources.wdi.indicators`); without it, some of those of the schema's list.
    """
    where = str(path)
    key = "sources.wdi.gaps"
    gaps = gaps or default_gaps("wdi")
    known = default_indicators() if indicators is None else indicator_map(indicators)
    rows = _read(path)
    if not rows:
        raise InputError(where, "file", "a header row geo,time,<indicators> and data rows", "no data rows")
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    for name in ("geo", "time"):
        if name not in header:
            raise InputError(where, "header row", f"a column '{name}'", header)
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InputError(where, "header row", "each column once", f"{twice} more than once")
    indicators, listed = [c for c in header if c not in ("geo", "time")], indicators is not None
    unknown = [c for c in indicators if c not in known]
    if unknown:
        raise InputError(
            where, "header row", f"indicator columns among {list(known)} (sources.wdi.indicators)", unknown
        )
    missing = [c for c in known if c not in indicators]
    if missing and listed:  # a build reads its whole list; a file read without one may hold part of the schema's
        raise InputError(where, "header row", "a column for each of sources.wdi.indicators (fetch them)", missing)
    by_country: dict[str, dict[int, tuple[int, dict[str, float | str]]]] = {}
    for line, row in enumerate(rows, start=2):
        if None in row or None in row.values():  # how csv.DictReader marks a row longer or shorter than the header
            found = sum(v is not None for k, v in row.items() if k is not None) + len(row.get(None, []))
            raise InputError(where, f"row {line}", f"{len(header)} fields, as in the header row", f"{found} fields")
        if not row["geo"].strip():
            raise InputError(where, f"row {line}, column 'geo'", "a country code", "an empty cell")
        iso = row["geo"].upper()
        if iso not in countries:
            continue
        year = whole_year(row["time"], where, f"row {line}, column 'time'", text=True)
        if year in by_country.setdefault(iso, {}):
            raise InputError(where, f"row {line}", "one row per geo and time", f"a second row for {iso} {year}")
        values = {c: reading(row[c], where, f"row {line}, column '{c}'") for c in indicators}
        _check_employment_shares(values, where, f"row {line} ({iso} {year})")
        by_country[iso][year] = (line, values)
    records, found = [], []
    for iso, years in sorted(by_country.items()):
        for indicator in indicators:
            sector, variable, unit = known[indicator]
            cells = {year: (line, values[indicator]) for year, (line, values) in years.items()}
            outside = edge_years(
                [(year, value == "", f"row {line} ({iso} {year})") for year, (line, value) in cells.items()],
                gaps,
                where,
                key,
                f"{iso} {indicator}",
                between=True,
            )
            found += [(iso, variable, sector, year, f"{key}.empty_years", EDGE_REASON) for year in outside]
            for year, (line, value) in sorted(cells.items()):
                if isinstance(value, float):
                    records.append((iso, sector, variable, year, value, unit, "wdi"))
                elif year not in outside:
                    i = allowed(gaps, iso, variable, sector, year, value)
                    if i is None:
                        refuse_blank(value, where, f"row {line}, column '{indicator}'", key)
                    found.append((iso, variable, sector, year, f"{key}.cells[{i}]", gaps.cells[i].reason))
    return pd.DataFrame.from_records(records, columns=TIDY), gap_runs(found, "wdi")


def _check_employment_shares(values: dict[str, float | str], where: str, location: str) -> None:
    """The three ILO employment shares of a year, when all are given, sum to 100 (they come from one vintage)."""
    shares = [values.get(c) for c in EMPLOYMENT_SHARES]
    if all(isinstance(v, float) for v in shares) and abs(sum(shares) - 100) > SHARE_TOLERANCE:
        raise InputError(where, location, f"{' + '.join(EMPLOYMENT_SHARES)} summing to 100", round(sum(shares), 5))
