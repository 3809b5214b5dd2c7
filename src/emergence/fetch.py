"""The fetch command: download a source's current release from its publisher, then snapshot it like a local file.

Every download goes through one careful client: a timeout on silent connections, retries with exponential
backoff on server errors (5xx, 429) and dropped, stalled or truncated connections, a clear error on any other
client error (4xx), and a temporary file renamed into place only when the body is complete and of the expected
type. What was downloaded is then cut and recorded by the same snapshot logic as a local file, so a release, once
taken, is never overwritten.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode

from emergence.errors import InputError
from emergence.io import atomic_path, write_bytes
from emergence.snapshot import snapshot
from emergence.sources import source, un_ama, wdi

# The publishers' own addresses (a mirror or a test server can stand in for them).
OFFICIAL_BASE = {
    "etd": "https://dataverse.nl/api",
    "ggdc10": "https://www.rug.nl/ggdc/docs",
    "un_ama": "https://unstats.un.org/unsd/amaapi/api/file",
    "wdi": "https://api.worldbank.org/v2",
}
ETD_DOI = "doi:10.34894/LCH4CA"  # the ETD's DataverseNL dataset; each release is a new version of it
ETD_WORKBOOK = re.compile(r"ETD_\d+\.xlsx")
GGDC10_WORKBOOK = "10sd_jan15_2014.xlsx"  # the database is discontinued: this is its final release
# table -> (file number of the UN's download service, the name the UN gives the workbook)
UN_FILES = {
    "current_ncu": (1, "Download-GDPcurrent-NCU-countries.xlsx"),
    "current_usd": (2, "Download-GDPcurrent-USD-countries.xlsx"),
    "constant_usd": (6, "Download-GDPconstant-USD-countries.xlsx"),
}
WDI_PER_PAGE = 1000
RELEASE_LABEL = re.compile(r"\d{4}(-\d{2}){0,2}")  # as config.schema.yaml requires of a release
USER_AGENT = "emergence (research data pipeline; Python urllib)"
CHUNK = 1 << 16
KINDS = {"xlsx": "Excel workbook (.xlsx)", "json": "JSON document"}


@dataclass(frozen=True)
class Policy:
    """How hard to try: seconds a connection may stay silent, attempts per address, and the first wait."""

    timeout: float = 60.0
    attempts: int = 4
    backoff: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def delays(self) -> list[float]:
        """The waits between attempts, doubling each time."""
        return [self.backoff * 2**i for i in range(self.attempts - 1)]


class _Retry(Exception):
    """A failure worth another attempt: a server error, a dropped or stalled connection, an incomplete body."""


class Progress:
    """A one-line progress bar, redrawn on the stream only when the percentage shown changes."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None, label: str, total: int | None):
        self.stream, self.label, self.total = stream, label, total
        self.shown: int | None = None

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        if self.total:
            step = done * 100 // self.total
            bar = "#" * (self.WIDTH * done // self.total)
            text = f"{self.label} [{bar:<{self.WIDTH}}] {step:3d}% {_megabytes(done)}/{_megabytes(self.total)}"
        else:
            step = done >> 20
            text = f"{self.label} {_megabytes(done)}"
        if step != self.shown:
            self.shown = step
            self.stream.write("\r" + text)
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.shown is not None:
            self.stream.write("\n")
            self.stream.flush()


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def download(
    url: str,
    target: str | os.PathLike,
    kind: str,
    policy: Policy = Policy(),
    stream: TextIO | None = None,
    md5: str | None = None,
) -> Path:
    """Download `url` to `target`, which appears only once the body is complete and is a `kind` file.

    Server errors and broken connections are retried after the policy's waits; a client error is not (asking
    again will not help), nor is it hidden: the error names the address and the status.
    """
    target = Path(target)
    delays = policy.delays()
    failure = ""
    for attempt in range(policy.attempts):
        try:
            _attempt(url, target, kind, policy.timeout, stream, md5)
            return target
        except _Retry as exc:
            failure = str(exc)
            if attempt < len(delays):
                if stream is not None:
                    print(f"{url}: {failure}; trying again in {delays[attempt]:g} s", file=stream, flush=True)
                policy.sleep(delays[attempt])
    raise InputError(url, "download", f"a complete {KINDS[kind]} within {policy.attempts} attempts", failure)


def _attempt(url: str, target: Path, kind: str, timeout: float, stream: TextIO | None, md5: str | None) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - addresses are http(s) by design
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code >= 500 or exc.code == 429:
            raise _Retry(f"HTTP {exc.code} {exc.reason}") from None
        raise InputError(url, "HTTP status", "a successful response (2xx)", f"{exc.code} {exc.reason}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise _Retry(f"no response: {getattr(exc, 'reason', exc)}") from None
    with response, atomic_path(target) as tmp:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        digest = hashlib.md5(usedforsecurity=False)
        bar = Progress(stream, target.name, total)
        received = 0
        try:
            with open(tmp, "wb") as handle:
                while chunk := response.read(CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(received)
        except (OSError, http.client.HTTPException) as exc:
            raise _Retry(f"connection lost after {received} bytes: {exc!r}") from None
        finally:
            bar.close()
        if total is not None and received != total:
            raise _Retry(f"truncated body: {received} of {total} bytes")
        if md5 is not None and digest.hexdigest() != md5.lower():
            raise _Retry(f"md5 {digest.hexdigest()} of the body, not the publisher's {md5}")
        problem = _wrong_type(tmp, kind)
        if problem:
            raise _Retry(f"{problem} (Content-Type {response.headers.get_content_type()})")


def _wrong_type(path: Path, kind: str) -> str | None:
    """Why the file is not of the expected kind, or None when it is."""
    if kind == "xlsx":
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as handle:
                return f"not an {KINDS[kind]}: it starts with {handle.read(40)!r}"
        with zipfile.ZipFile(path) as book:
            if "xl/workbook.xml" not in book.namelist():
                return f"not an {KINDS[kind]}: a zip file without xl/workbook.xml"
        return None
    try:
        json.loads(path.read_bytes())
    except ValueError as exc:
        return f"not a {KINDS[kind]}: {exc}"
    return None


@dataclass(frozen=True)
class Download:
    """Upstream files downloaded for one release, the addresses they came from and the release they state."""

    paths: list[Path]
    url: str
    release: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A release taken: its manifest, label, whether it is new, and the config key that selects it."""

    manifest: Path
    release: str
    new: bool
    config_key: str


def fetch(
    name: str,
    raw_root: str | os.PathLike,
    countries: list[str],
    *,
    base: str | None = None,
    release: str | None = None,
    tables: list[str] | None = None,
    per_page: int = WDI_PER_PAGE,
    policy: Policy = Policy(),
    stream: TextIO | None = None,
    download_dir: str | os.PathLike | None = None,
    accessed: str | None = None,
) -> list[Fetched]:
    """Download the publisher's current release of a source into a new data/raw/SOURCE/RELEASE/ folder.

    A release taken before with the same content is left as it is; a different content under a release label
    taken before is refused. The downloads are kept in `download_dir` when given (else in a temporary folder).
    """
    source(name)
    if name == "un_ama":
        tables = tables or list(UN_FILES)
        unknown = [t for t in tables if t not in UN_FILES]
        if unknown:
            raise InputError("command line", "--tables", f"tables among {list(UN_FILES)}", unknown)
        if release and len(tables) != 1:
            raise InputError("command line", "--release", "one table (--tables): each UN workbook is its own release")
    base = (base or OFFICIAL_BASE[name]).rstrip("/")
    with tempfile.TemporaryDirectory(prefix="emergence-fetch-") as scratch:
        folder = Path(download_dir or scratch)
        folder.mkdir(parents=True, exist_ok=True)

        def get(url: str, path: Path, kind: str, md5: str | None = None) -> Path:
            return download(url, path, kind, policy, stream, md5)

        if name == "wdi":
            downloads = [_download_wdi(base, folder, countries, per_page, get)]
        elif name == "un_ama":
            downloads = [_download_un_table(base, folder, table, get) for table in tables]
        elif name == "etd":
            downloads = [_download_etd(base, folder, get)]
        else:
            url = f"{base}/{GGDC10_WORKBOOK}"
            downloads = [Download([get(url, folder / GGDC10_WORKBOOK, "xlsx")], url)]
        return [_take(name, got, raw_root, countries, release, accessed) for got in downloads]


def _take(name: str, got: Download, raw_root, countries, release, accessed) -> Fetched:
    label = release or got.release or source(name).release_of(got.paths[0])
    if not RELEASE_LABEL.fullmatch(label):
        raise InputError(got.url.split()[0], "release", "a date YYYY, YYYY-MM or YYYY-MM-DD (or pass --release)", label)
    existed = (Path(raw_root) / name / label).exists()
    (manifest_path,) = snapshot(name, got.paths, raw_root, countries, label, accessed, got.url)
    key = f"releases.{name}" + (f".{got.table}" if got.table else "")
    return Fetched(manifest_path, label, not existed, key)


def _download_un_table(base: str, folder: Path, table: str, get) -> Download:
    number, filename = UN_FILES[table]
    url = f"{base}/{number}"
    path = get(url, folder / filename, "xlsx")
    found = un_ama.table_of(path)
    if found != table:
        raise InputError(url, "sheet 1, row 1", f"the title of table '{table}'", f"the title of table '{found}'")
    return Download([path], url, table=table)


def _download_etd(base: str, folder: Path, get) -> Download:
    """The workbook of the dataset's latest version, found through the Dataverse API, checked by its md5."""
    url = f"{base}/datasets/:persistentId/?" + urlencode({"persistentId": ETD_DOI})
    listing = json.loads(get(url, folder / "etd-dataset.json", "json").read_bytes())
    try:
        files = [f["dataFile"] for f in listing["data"]["latestVersion"]["files"]]
    except (KeyError, TypeError):
        raise InputError(url, "data.latestVersion.files", "the file list of a Dataverse dataset") from None
    books = [f for f in files if ETD_WORKBOOK.fullmatch(str(f.get("filename", "")))]
    if len(books) != 1:
        names = [f.get("filename") for f in files]
        raise InputError(url, "data.latestVersion.files", "exactly one workbook ETD_<yymmdd>.xlsx", names)
    book = books[0]
    checksum = book.get("checksum") or {}
    md5 = book.get("md5") or (checksum.get("value") if checksum.get("type") == "MD5" else None)
    file_url = f"{base}/access/datafile/{book['id']}"
    return Download([get(file_url, folder / book["filename"], "xlsx", md5)], file_url)


def wdi_code(indicator: str) -> str:
    """The World Bank's code of a DDF indicator name ('nv_agr_totl_zs' -> 'NV.AGR.TOTL.ZS')."""
    return indicator.upper().replace("_", ".")


def _download_wdi(base: str, folder: Path, countries: list[str], per_page: int, get) -> Download:
    """Every indicator, page by page, written in the DDF layout the wdi source reads; the release is the date
    the World Bank last updated the data."""
    paths, urls, updated = [], [], set()
    for indicator in sorted(wdi.INDICATORS):
        code = wdi_code(indicator)
        rows, page, pages, total = [], 1, 1, 0
        while page <= pages:
            query = urlencode({"format": "json", "per_page": per_page, "page": page})
            url = f"{base}/country/{';'.join(countries)}/indicator/{code}?{query}"
            header, items = parse_wdi_page(get(url, folder / f"{code}.page{page}.json", "json").read_bytes(), url)
            if header["page"] != page:
                raise InputError(url, "header 'page'", f"page {page}", header["page"])
            if page == 1:
                pages, total = header["pages"], header["total"]
            elif (header["pages"], header["total"]) != (pages, total):
                raise InputError(url, "header", f"{pages} pages of {total} rows, as page 1 said", header)
            if header["lastupdated"]:
                updated.add(header["lastupdated"])
            rows.extend(items)
            urls.append(url)
            page += 1
        if len(rows) != total:
            raise InputError(urls[-1], "pages", f"{total} rows in all, as page 1 said", len(rows))
        path = folder / f"ddf--datapoints--{indicator}--by--geo--time.csv"
        write_bytes(path, ddf_csv(indicator, rows, urls[-1]))
        paths.append(path)
    return Download(paths, " ".join(urls), max(updated) if updated else None)


def parse_wdi_page(data: bytes, url: str) -> tuple[dict, list[tuple[str, str, str | None]]]:
    """A World Bank API v2 JSON page as its header and its rows (ISO3 code, year, value as published).

    Numbers are kept as the text the API sent, so the extract carries the publisher's digits unchanged.
    """
    try:
        doc = json.loads(data, parse_float=str, parse_int=str)
    except ValueError as exc:
        raise InputError(url, "response", "a JSON document", str(exc)) from None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        messages = doc[0]["message"] if isinstance(doc[0]["message"], list) else [doc[0]["message"]]
        text = "; ".join(
            f"{m.get('key', '')}: {m.get('value', '')}" if isinstance(m, dict) else str(m) for m in messages
        )
        raise InputError(url, "response", "data (the API answered with a message instead)", text)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise InputError(url, "response", "a list [header, rows] as the World Bank API v2 sends", str(doc)[:200])
    try:
        header = {k: int(doc[0][k]) for k in ("page", "pages", "total")}
    except (KeyError, ValueError):
        raise InputError(url, "header", "whole numbers 'page', 'pages' and 'total'", doc[0]) from None
    header["lastupdated"] = doc[0].get("lastupdated") or None
    rows = []
    for i, item in enumerate(doc[1] or []):
        try:
            iso, year, value = item["countryiso3code"], item["date"], item["value"]
        except (KeyError, TypeError):
            raise InputError(url, f"row {i + 1}", "fields 'countryiso3code', 'date' and 'value'", item) from None
        if not (isinstance(year, str) and year.isdigit()):
            raise InputError(url, f"row {i + 1}, field 'date'", "a year", year)
        if value is not None:
            try:
                float(value)
            except ValueError:
                raise InputError(url, f"row {i + 1}, field 'value'", "a number or null", value) from None
        rows.append((iso, year, value))
    return header, rows


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
