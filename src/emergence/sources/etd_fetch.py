"""Fetching the ETD from DataverseNL: the dataset's listing, then the workbook of its latest version, checked
against the md5 the listing gives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

from emergence.download import Client, Download
from emergence.errors import InputError

BASE = "https://dataverse.nl/api"
MAX_MB = 50  # the workbook of 2023 is 0.8 MB
DOI = "doi:10.34894/LCH4CA"  # the ETD's DataverseNL dataset; each release is a new version of it
WORKBOOK = re.compile(r"ETD_[0-9]+\.xlsx")  # also the name the workbook is saved under
MD5 = re.compile(r"[0-9a-fA-F]{32}")


def download(client: Client, base: str, folder: Path, countries: list[str]) -> list[Download]:
    """The one workbook ETD_<yymmdd>.xlsx of the latest version; its id and md5 are checked before use."""
    got = client.get(
        f"{base}/datasets/:persistentId/?" + urlencode({"persistentId": DOI}), folder / "etd-dataset.json", "json"
    )
    listing = json.loads(got.path.read_bytes())
    field = "data.latestVersion.files"
    try:
        files = [f["dataFile"] for f in listing["data"]["latestVersion"]["files"]]
        books = [(i, f) for i, f in enumerate(files) if WORKBOOK.fullmatch(str(f.get("filename", "")))]
    except (KeyError, TypeError, AttributeError):
        raise InputError(got.url, field, "the file list of a Dataverse dataset") from None
    if len(books) != 1:
        names = [f.get("filename") for f in files]
        raise InputError(got.url, field, "exactly one workbook ETD_<yymmdd>.xlsx", names)
    ((i, book),) = books
    where = f"{field}[{i}].dataFile"
    if type(book.get("id")) is not int:
        raise InputError(got.url, f"{where}.id", "a whole number", json.dumps(book.get("id")))
    checksum = book.get("checksum") if isinstance(book.get("checksum"), dict) else {}
    md5 = book.get("md5") or (checksum.get("value") if checksum.get("type") == "MD5" else None)
    if md5 is not None and not (isinstance(md5, str) and MD5.fullmatch(md5)):
        raise InputError(got.url, f"{where}.md5", "32 hexadecimal digits", json.dumps(md5))
    workbook = client.get(f"{base}/access/datafile/{book['id']}", folder / book["filename"], "xlsx", md5)
    return [Download([workbook.path], workbook.url)]
