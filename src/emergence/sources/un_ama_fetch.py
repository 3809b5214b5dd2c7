"""Fetching the UN's main aggregates: one workbook per table from the UN's download service, each its own release."""

from __future__ import annotations

from pathlib import Path

from emergence.download import Client, Download
from emergence.errors import InputError
from emergence.sources.un_ama import table_of

BASE = "https://unstats.un.org/unsd/amaapi/api/file"
MAX_MB = 100  # the three workbooks of 2026 are 8 MB together
# table -> (file number of the UN's download service, the name the UN gives the workbook)
FILES = {
    "current_ncu": (1, "Download-GDPcurrent-NCU-countries.xlsx"),
    "current_usd": (2, "Download-GDPcurrent-USD-countries.xlsx"),
    "constant_usd": (6, "Download-GDPconstant-USD-countries.xlsx"),
}


def chosen_tables(tables: list[str] | None, release: str | None) -> list[str]:
    """The tables asked for (default: all); a release label given fits one table only."""
    tables = tables or list(FILES)
    unknown = [t for t in tables if t not in FILES]
    if unknown:
        raise InputError("command line", "--tables", f"tables among {list(FILES)}", unknown)
    if release and len(tables) != 1:
        raise InputError("command line", "--release", "one table (--tables): each UN workbook is its own release")
    return tables


def download(client: Client, base: str, folder: Path, countries: list[str], tables: list[str]) -> list[Download]:
    """Each table's workbook, checked by its title to be that table."""
    downloads = []
    for table in tables:
        number, filename = FILES[table]
        got = client.get(f"{base}/{number}", folder / filename, "xlsx")
        found = table_of(got.path)
        if found != table:
            raise InputError(
                got.url, "sheet 1, row 1", f"the title of table '{table}'", f"the title of table '{found}'"
            )
        downloads.append(Download([got.path], got.url, table=table))
    return downloads
