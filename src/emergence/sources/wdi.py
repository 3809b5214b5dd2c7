"""World Bank World Development Indicators for Morocco, in Gapminder's DDF layout (one CSV per indicator)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.sources.common import TIDY, Extract, Meta, number

META = Meta(
    publisher="World Bank (republished by Gapminder as the DDF package open-numbers/world_development_indicators)",
    dataset="World Development Indicators (WDI)",
    citation="World Bank, World Development Indicators",
    licence="CC BY 4.0 (World Bank data); MIT for Gapminder's packaging",
    url="https://data.worldbank.org/indicator",
)
# indicator -> (sector, variable, unit)
INDICATORS = {
    "nv_agr_totl_zs": ("agriculture", "va_share_gdp", "% of GDP"),
    "nv_ind_totl_zs": ("industry", "va_share_gdp", "% of GDP"),
    "nv_ind_manf_zs": ("manufacturing", "va_share_gdp", "% of GDP"),
    "nv_srv_totl_zs": ("services", "va_share_gdp", "% of GDP"),
    "nv_ind_manf_kd_zg": ("manufacturing", "va_growth_real", "% a year"),
    "ny_gdp_mktp_kd_zg": ("total", "gdp_growth_real", "% a year"),
    "sl_agr_empl_zs": ("agriculture", "emp_share", "% of total employment (ILO modelled estimate)"),
    "sl_ind_empl_zs": ("industry", "emp_share", "% of total employment (ILO modelled estimate)"),
    "sl_srv_empl_zs": ("services", "emp_share", "% of total employment (ILO modelled estimate)"),
    "gb_xpd_rsdv_gd_zs": ("total", "rd_expenditure", "% of GDP"),
    "ip_pat_resd": ("total", "patent_applications_resident", "applications"),
    "ip_pat_nres": ("total", "patent_applications_nonresident", "applications"),
    "tx_val_tech_mf_zs": ("manufacturing", "hightech_exports_share", "% of manufactured exports"),
    "tx_val_manf_zs_un": ("manufacturing", "manufactures_exports_share", "% of merchandise exports"),
    "bx_klt_dinv_wd_gd_zs": ("total", "fdi_inflows", "% of GDP"),
}
EXTRACT_NAME = "ddf--datapoints--wdi--by--geo--time.csv"
FILE_PATTERN = re.compile(r"ddf--datapoints--(?P<indicator>[a-z0-9_]+)--by--geo--time(\.[a-z]+)?\.csv$")


def release_of(path: Path) -> str:
    raise InputError(path, "file", "a release date, which these files do not carry: pass --release YYYY-MM-DD")


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError(path, "file", "an existing CSV file") from None


def extract(paths: list[Path], countries: list[str]) -> list[Extract]:
    """One combined DDF datapoints file: geo, time and one column per indicator, the wanted countries' rows."""
    geos = {c.lower() for c in countries}
    table: dict[tuple[str, str], dict[str, str]] = {}
    indicators = []
    for path in paths:
        match = FILE_PATTERN.search(path.name)
        if not match or match.group("indicator") not in INDICATORS:
            raise InputError(
                path, "file name", f"ddf--datapoints--<indicator>--by--geo--time.csv, one of {list(INDICATORS)}"
            )
        indicator = match.group("indicator")
        indicators.append(indicator)
        for row in _read(path):
            if row.get("geo") in geos:
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


def clean(path: Path, countries: list[str]) -> pd.DataFrame:
    """Tidy rows, one per indicator, country and year with a value."""
    where = str(path)
    rows = _read(path)
    if not rows:
        raise InputError(where, "file", "a header row geo,time,<indicators> and data rows", "no data rows")
    header = list(rows[0].keys())
    for name in ("geo", "time"):
        if name not in header:
            raise InputError(where, "header row", f"a column '{name}'", header)
    indicators = [c for c in header if c not in ("geo", "time")]
    unknown = [c for c in indicators if c not in INDICATORS]
    if unknown:
        raise InputError(where, "header row", f"indicator columns among {list(INDICATORS)}", unknown)
    records, seen = [], set()
    for line, row in enumerate(rows, start=2):
        if None in row or None in row.values():  # how csv.DictReader marks a row longer or shorter than the header
            found = sum(v is not None for k, v in row.items() if k is not None) + len(row.get(None, []))
            raise InputError(where, f"row {line}", f"{len(header)} fields, as in the header row", f"{found} fields")
        iso = (row["geo"] or "").upper()
        if iso not in countries:
            continue
        year = number(row["time"], where, f"row {line}, column 'time'")
        if year != year or year % 1:
            raise InputError(where, f"row {line}, column 'time'", "a whole year", row["time"])
        if (iso, int(year)) in seen:
            raise InputError(where, f"row {line}", "one row per geo and time", f"a second row for {iso} {int(year)}")
        seen.add((iso, int(year)))
        for indicator in indicators:
            value = number(row[indicator], where, f"row {line}, column '{indicator}'")
            if value == value:
                sector, variable, unit = INDICATORS[indicator]
                records.append((iso, sector, variable, int(year), value, unit, "wdi"))
    return pd.DataFrame.from_records(records, columns=TIDY)
