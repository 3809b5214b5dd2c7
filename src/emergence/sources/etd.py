"""GGDC/UNU-WIDER Economic Transformation Database: 12 sectors, value added and employment, 1990-2018."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.settings import Gaps
from emergence.sources.common import Extract, Meta, default_gaps, header_index, tidy_sector_sheet, with_shares
from emergence.workbook import read_sheet, write_workbook

META = Meta(
    publisher="Groningen Growth and Development Centre (University of Groningen) and UNU-WIDER",
    dataset="Economic Transformation Database (ETD)",
    citation=(
        "de Vries, G., Arfelt, L., Drees, D., Godemann, M., Hamilton, C., Jessen-Thiessen, B., Kaya, A. I., "
        "Kruse, H., Mensah, E. and Woltjer, P. (2021), The Economic Transformation Database (ETD): Content, "
        "Sources, and Methods, WIDER Technical Note 2/2021, doi:10.35188/UNU-WIDER/WTN/2021-2"
    ),
    licence="not stated (the publisher asks for the citation)",
    url="https://www.wider.unu.edu/database/etd-economic-transformation-database",
)
DATA_SHEET = "Data"
NOTES_SHEET = "Notes"
ID_COLUMNS = ["country", "cnt", "var", "year"]
LEAVES = {
    "Agriculture": "agriculture",
    "Mining": "mining",
    "Manufacturing": "manufacturing",
    "Utilities": "utilities",
    "Construction": "construction",
    "Trade services": "trade",
    "Transport services": "transport",
    "Business services": "business",
    "Financial services": "finance",
    "Real estate": "real_estate",
    "Government services": "government",
    "Other services": "other_services",
}
TOTAL = "Total"
VARIABLES = {
    "VA": ("va_current", "million LCU, current prices"),
    "VA_Q15": ("va_constant", "million LCU, constant 2015 prices"),
    "EMP": ("emp", "thousand persons"),
}
SHARE_UNITS = {
    "va_current": "% of total value added, current prices",
    "va_constant": "% of total value added, constant 2015 prices",
    "emp": "% of total employment",
}


def release_of(path: Path) -> str:
    """The release date the workbook's Notes sheet states ('Release: 15 July 2021' -> 2021-07-15)."""
    for row in read_sheet(path, NOTES_SHEET)[:10]:
        for cell in row:
            match = re.match(r"\s*Release:\s*(\d{1,2} \w+ \d{4})", str(cell or ""))
            if match:
                return datetime.strptime(match.group(1), "%d %B %Y").strftime("%Y-%m-%d")
    raise InputError(path, f"sheet '{NOTES_SHEET}'", "a line 'Release: <day> <month> <year>'")


def extract(paths: list[Path], countries: list[str] | None) -> list[Extract]:
    """The Notes sheet whole, and the Data sheet's header and rows of the wanted countries (None: all)."""
    (path,) = paths
    rows = read_sheet(path, DATA_SHEET)
    width = _width(rows[0])
    col = header_index(rows[0], ID_COLUMNS, str(path), f"sheet '{DATA_SHEET}', header row")
    kept = [r[:width] for r in rows[1:] if countries is None or r[col["cnt"]] in countries]
    present = sorted({r[col["cnt"]] for r in kept})
    notes = [tuple(r) for r in read_sheet(path, NOTES_SHEET)]
    data = write_workbook([(NOTES_SHEET, notes), (DATA_SHEET, [rows[0][:width], *kept])])
    return [Extract(release=release_of(path), name=path.name, data=data, upstreams=(path,), countries=present)]


def _width(header: tuple) -> int:
    names = [h for h in header]
    while names and names[-1] is None:
        names.pop()
    return len(names)


def clean(path: Path, countries: list[str], gaps: Gaps | None = None) -> pd.DataFrame:
    """Tidy levels (va_current, va_constant, emp) and shares for the countries wanted, checked on the way."""
    return read(path, countries, gaps)[0]


def read(path: Path, countries: list[str], gaps: Gaps | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy table and the gaps accepted (as `gaps` accepts, by default the config schema's `sources.etd.gaps`:
    none, as the database has a value in every cell of 1990-2018). Rows of countries not wanted are passed over."""
    ids = ("cnt", "var", "year")
    gaps = gaps or default_gaps("etd")
    tidy, found = tidy_sector_sheet(path, DATA_SHEET, ids, LEAVES, TOTAL, VARIABLES, countries, "etd", gaps)
    missing = [c for c in countries if c not in set(tidy["country"])]
    if missing:
        rows = read_sheet(path, DATA_SHEET)
        cnt = header_index(rows[0], ["cnt"], str(path), f"sheet '{DATA_SHEET}', header row")["cnt"]
        present = sorted({r[cnt] for r in rows[1:] if r[cnt]})
        raise InputError(path, "countries", f"countries present in the file ({present})", missing)
    return with_shares(tidy, SHARE_UNITS), found


def country_names(path: Path, countries: list[str]) -> pd.DataFrame:
    """Each wanted country's name as the workbook writes it (columns country, cnt), so the report prints names
    the publisher gives rather than codes; a code with two names, or a wanted code absent, is an error."""
    rows = read_sheet(path, DATA_SHEET)
    col = header_index(rows[0], ["country", "cnt"], str(path), f"sheet '{DATA_SHEET}', header row")
    names: dict[str, set[str]] = {}
    for row in rows[1:]:
        if row[col["cnt"]] in countries:
            names.setdefault(row[col["cnt"]], set()).add(str(row[col["country"]]).strip())
    twice = {code: sorted(found) for code, found in names.items() if len(found) > 1}
    if twice:
        raise InputError(path, f"sheet '{DATA_SHEET}', column 'country'", "one name per code", twice)
    missing = [c for c in countries if c not in names]
    if missing:
        raise InputError(path, f"sheet '{DATA_SHEET}', column 'cnt'", "every configured country", f"missing {missing}")
    return pd.DataFrame({"country": list(countries), "name": [names[c].pop() for c in countries], "source": "etd"})


CONCORDANCE_LEAVES = tuple(LEAVES.values())
