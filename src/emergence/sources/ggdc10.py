"""GGDC 10-Sector Database (January 2015 release): long history, 10 sectors, ISIC Rev. 3.1."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from emergence.codes import COUNTRY
from emergence.errors import InputError
from emergence.settings import Gaps
from emergence.sources.common import Extract, Meta, default_gaps, header_index, tidy_sector_sheet, with_shares
from emergence.workbook import read_sheet, write_workbook

META = Meta(
    publisher="Groningen Growth and Development Centre (University of Groningen)",
    dataset="GGDC 10-Sector Database",
    citation=(
        "Timmer, M. P., de Vries, G. J. and de Vries, K. (2015), Patterns of Structural Change in Developing "
        "Countries, in J. Weiss and M. Tribe (eds.), Routledge Handbook of Industry and Development, Routledge, "
        "pp. 65-83"
    ),
    licence="not stated",
    url="https://www.rug.nl/ggdc/structuralchange/previous-sector-database/10-sector-2014",
)
DATA_SHEET = "dataset"
NOTES_SHEET = "notes"
ID_COLUMNS = ["Country", "Region code", "Region", "Variable", "Year"]
LEAVES = {
    "Agriculture": "agriculture",
    "Mining": "mining",
    "Manufacturing": "manufacturing",
    "Utilities": "utilities",
    "Construction": "construction",
    "Trade, restaurants and hotels": "trade",
    "Transport, storage and communication": "transport",
    "Finance, insurance, real estate and business services": "finance_business",
    "Government services": "government",
    "Community, social and personal services": "community",
}
TOTAL = "Summation of sector GDP"
VARIABLES = {
    "VA": ("va_current", "million LCU, current prices"),
    "VA_Q05": ("va_constant", "million LCU, constant 2005 prices"),
    "EMP": ("emp", "thousand persons"),
}
SHARE_UNITS = {
    "va_current": "% of total value added, current prices",
    "va_constant": "% of total value added, constant 2005 prices",
    "emp": "% of total employment",
}
# The database's own country codes that are not ISO 3166 alpha-3.
TO_ISO3 = {"MOR": "MAR"}
FROM_ISO3 = {iso: code for code, iso in TO_ISO3.items()}


def release_of(path: Path) -> str:
    """The release month in the publisher's file name ('10sd_jan15_2014' -> 2015-01)."""
    match = re.search(r"10sd_([a-z]{3})(\d{2})_", path.name)
    if not match:
        raise InputError(path, "file name", "the publisher's name '10sd_<mon><yy>_<year>.xlsx' (or pass --release)")
    return datetime.strptime(match.group(1) + match.group(2), "%b%y").strftime("%Y-%m")


def extract(paths: list[Path], countries: list[str] | None) -> list[Extract]:
    """The notes sheet whole, and the data sheet's header and rows of the wanted countries. None: every country
    the reader can read, an ISO code with the variables it knows (not West Germany's 1991 prices, DEW, nor the
    alternative Nigerian series at 2010 prices, NGA(alt))."""
    (path,) = paths
    rows = read_sheet(path, DATA_SHEET)
    col = header_index(rows[0], ID_COLUMNS, str(path), f"sheet '{DATA_SHEET}', header row")
    if countries is None:
        unread = {r[col["Country"]] for r in rows[1:] if r[col["Variable"]] not in VARIABLES}
        codes = {r[col["Country"]] for r in rows[1:] if COUNTRY.fullmatch(str(r[col["Country"]]))} - unread
    else:
        codes = {FROM_ISO3.get(c, c) for c in countries}
    kept = [r for r in rows[1:] if r[col["Country"]] in codes]
    present = sorted({TO_ISO3.get(r[col["Country"]], r[col["Country"]]) for r in kept})
    notes = read_sheet(path, NOTES_SHEET)
    data = write_workbook([(NOTES_SHEET, notes), (DATA_SHEET, [rows[0], *kept])])
    return [Extract(release=release_of(path), name=path.name, data=data, upstreams=(path,), countries=present)]


def clean(path: Path, countries: list[str], gaps: Gaps | None = None) -> pd.DataFrame:
    """Tidy levels and shares for those of the wanted countries that the database covers."""
    return read(path, countries, gaps)[0]


def read(path: Path, countries: list[str], gaps: Gaps | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy table and the gaps accepted (as `gaps` accepts, by default the config schema's `sources.ggdc10.gaps`).

    The database lays every series on a grid of years from the late 1940s: the years before a series starts
    have no value in any sector (cells empty or a single space), and are left out as the publisher's filler.
    Where a sector is not reported apart (Morocco's and Egypt's employment in community services, 'incl in gov.
    services'), it has no row in those years and the total still adds up.
    """
    ids = ("Country", "Variable", "Year")
    tidy, found = tidy_sector_sheet(
        path, DATA_SHEET, ids, LEAVES, TOTAL, VARIABLES, countries, "ggdc10", gaps or default_gaps("ggdc10"), TO_ISO3
    )
    return with_shares(tidy, SHARE_UNITS), found


CONCORDANCE_LEAVES = tuple(LEAVES.values())
