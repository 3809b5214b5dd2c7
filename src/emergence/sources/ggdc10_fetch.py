"""Fetching the GGDC 10-Sector Database: discontinued, so its final release, from the GGDC's own address."""

from __future__ import annotations

from pathlib import Path

from emergence.download import Client, Download

BASE = "https://www.rug.nl/ggdc/docs"
MAX_MB = 20  # the workbook is 1.3 MB
WORKBOOK = "10sd_jan15_2014.xlsx"


def download(client: Client, base: str, folder: Path, countries: list[str]) -> list[Download]:
    got = client.get(f"{base}/{WORKBOOK}", folder / WORKBOOK, "xlsx")
    return [Download([got.path], got.url)]
