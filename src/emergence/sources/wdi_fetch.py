"""Fetching the WDI from the World Bank API v2: each indicator page by page, written in the DDF layout `wdi` reads.

Only what the API sends as a JSON number (kept as the digits sent) or null is taken as a value, and only a
requested ISO3 code and a four-digit year as a row's key, so nothing else can reach the CSV written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

from emergence.codes import COUNTRY, checked
from emergence.download import Client, Download
from emergence.errors import InputError
from emergence.io import write_bytes
from emergence.sources.wdi import default_indicators

BASE = "https://api.worldbank.org/v2"
MAX_MB = 100  # about 1 MB of pages for the four default countries
PER_PAGE = 1000
YEAR = re.compile(r"[0-9]{4}")
WHOLE = re.compile(r"[0-9]+")
DDF_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


class Number(str):
    """A JSON number as the text the API sent, so the extract carries the publisher's digits unchanged."""


def code(indicator: str) -> str:
    """The World Bank's code of a DDF indicator name ('nv_agr_totl_zs' -> 'NV.AGR.TOTL.ZS')."""
    return indicator.upper().replace("_", ".")


def ddf_name(text: str, where: str = "command line") -> str:
    """A DDF indicator name from either spelling ('NE.EXP.GNFS.ZS' or 'ne_exp_gnfs_zs'), as the files name it."""
    name = text.strip().lower().replace(".", "_")
    if not DDF_NAME.fullmatch(name):
        raise InputError(where, "--indicators", "World Bank codes such as NE.EXP.GNFS.ZS (or ne_exp_gnfs_zs)", text)
    return name


def download(
    client: Client,
    base: str,
    folder: Path,
    countries: list[str],
    per_page: int = PER_PAGE,
    indicators: list[str] | None = None,
) -> list[Download]:
    """Each indicator (by DDF name; default: the schema's `sources.wdi.indicators`), page by page; the release is
    the date the World Bank last updated the data."""
    paths, urls, updated = [], [], set()
    for indicator in sorted(set(indicators or default_indicators())):
        rows, page, pages, total = [], 1, 1, 0
        while page <= pages:
            query = urlencode({"format": "json", "per_page": per_page, "page": page})
            asked = f"{base}/country/{';'.join(countries)}/indicator/{code(indicator)}?{query}"
            got = client.get(asked, folder / f"{code(indicator)}.page{page}.json", "json")
            header, items = parse_page(got.path.read_bytes(), got.url, countries)
            if header["page"] != page:
                raise InputError(got.url, "header 'page'", f"page {page}", header["page"])
            if page == 1:
                pages, total = header["pages"], header["total"]
                if pages != max(1, -(-total // per_page)):
                    raise InputError(got.url, "header", f"{total} rows in pages of {per_page}", header)
            elif (header["pages"], header["total"]) != (pages, total):
                raise InputError(got.url, "header", f"{pages} pages of {total} rows, as page 1 said", header)
            if header["lastupdated"]:
                updated.add(header["lastupdated"])
            rows.extend(items)
            urls.append(got.url)
            page += 1
        if len(rows) != total:
            raise InputError(urls[-1], "pages", f"{total} rows in all, as page 1 said", len(rows))
        path = folder / f"ddf--datapoints--{indicator}--by--geo--time.csv"
        write_bytes(path, ddf_csv(indicator, rows, urls[-1]))
        paths.append(path)
    return [Download(paths, " ".join(urls), max(updated) if updated else None)]


def parse_page(data: bytes, url: str, countries: list[str]) -> tuple[dict, list[tuple[str, str, str | None]]]:
    """A World Bank API v2 JSON page as its header and its rows (ISO3 code, year, value as published or None)."""
    try:
        doc = json.loads(data, parse_float=Number, parse_int=Number, parse_constant=str)
    except ValueError as exc:
        raise InputError(url, "response", "a JSON document", str(exc)) from None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        messages = doc[0]["message"] if isinstance(doc[0]["message"], list) else [doc[0]["message"]]
        text = "; ".join(
            f"{m.get('key', '')}: {m.get('value', '')}" if isinstance(m, dict) else str(m) for m in messages
        )
        raise InputError(url, "response", "data (the API answered with a message instead)", text)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict) and isinstance(doc[1], list | None)):
        raise InputError(url, "response", "a list [header, rows] as the World Bank API v2 sends", str(doc)[:200])
    header = {}
    for name in ("page", "pages", "total"):
        value = doc[0].get(name)
        if not (isinstance(value, str) and WHOLE.fullmatch(value)):
            raise InputError(url, f"header '{name}'", "a whole number", _json(value))
        header[name] = int(value)
    header["lastupdated"] = doc[0].get("lastupdated") or None
    if not isinstance(header["lastupdated"], str | None):
        raise InputError(url, "header 'lastupdated'", "a date", _json(header["lastupdated"]))
    rows = []
    for i, item in enumerate(doc[1] or [], start=1):
        if not (isinstance(item, dict) and {"countryiso3code", "date", "value"} <= item.keys()):
            raise InputError(url, f"row {i}", "fields 'countryiso3code', 'date' and 'value'", _json(item))
        iso, year, value = item["countryiso3code"], item["date"], item["value"]
        checked(COUNTRY, iso, url, f"row {i}, field 'countryiso3code'")
        if iso not in countries:
            raise InputError(
                url, f"row {i}, field 'countryiso3code'", f"one of the countries asked for {countries}", iso
            )
        if not (isinstance(year, str) and YEAR.fullmatch(year)):
            raise InputError(url, f"row {i}, field 'date'", "a year YYYY", _json(year))
        if not (value is None or isinstance(value, Number)):
            raise InputError(url, f"row {i}, field 'value'", "a number or null", _json(value))
        rows.append((iso, year, value))
    return header, rows


def _json(value: object) -> str:
    """A value as the JSON it came as, so an error shows `true`, `null` or a quoted string for what it is."""
    return json.dumps(value)[:200]


def ddf_csv(indicator: str, rows: list[tuple[str, str, str | None]], where: str) -> bytes:
    """One indicator in Gapminder's DDF datapoints layout: geo,time,<indicator>, rows with a value, sorted."""
    table = {}
    for iso, year, value in rows:
        if value is None:
            continue
        key = (iso.lower(), int(year))
        if key in table:
            raise InputError(where, f"rows of {indicator}", "one value per country and year", f"two for {key}")
        table[key] = value
    lines = [f"geo,time,{indicator}", *(f"{geo},{year},{table[(geo, year)]}" for geo, year in sorted(table))]
    return ("\n".join(lines) + "\n").encode()
