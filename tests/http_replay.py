"""A local HTTP server on 127.0.0.1 that replays the publishers' responses, built from the embedded snapshots.

Each address (path and query) answers with its replies in turn, the last one repeating, so a test can script a
server that fails, stalls or cuts a body short before it answers properly. Nothing leaves the loopback address.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import time
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from emergence import manifest
from emergence.sources import etd_fetch, un_ama_fetch, wdi_fetch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json;charset=utf-8"
WDI_YEARS = range(2024, 1959, -1)  # the API lists every year of the range, latest first, null where no value


@dataclass(frozen=True)
class Reply:
    """One response: status, body, and how it misbehaves.

    delay: seconds of silence before the status line (a stalled server); truncate: send only this many bytes of
    the body although Content-Length promises all of it, then close; pause: seconds between pieces of `piece`
    bytes of the body (a slow server that is still sending, or one that trickles); announce: send a
    Content-Length (else the end of the body is the end of the connection); headers: more header lines.
    """

    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    delay: float = 0.0
    truncate: int | None = None
    pause: float = 0.0
    piece: int = 1024
    announce: bool = True
    headers: tuple[tuple[str, str], ...] = ()


def key(target: str) -> str:
    """An address's path and query, with the query's parameters in a fixed order."""
    parts = urlsplit(target)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + ("?" + query if query else "")


class Replay:
    """The server, as a context manager: `base` is its address, `requests` the addresses asked for, in order."""

    def __init__(self, routes: dict[str, Reply | list[Reply]]):
        self.routes = {key(k): list(v) if isinstance(v, list) else [v] for k, v in routes.items()}
        self.served: dict[str, int] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def next_reply(self, target: str) -> Reply:
        with self.lock:
            self.requests.append(target)
            replies = self.routes.get(key(target))
            if replies is None:
                return Reply(404, b"not found", "text/plain")
            n = self.served.get(key(target), 0)
            self.served[key(target)] = n + 1
            return replies[min(n, len(replies) - 1)]

    def count(self, target: str) -> int:
        return sum(key(r) == key(target) for r in self.requests)

    def __enter__(self) -> Replay:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                reply = replay.next_reply(self.path)
                try:
                    time.sleep(reply.delay)
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    if reply.announce:
                        self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
                    for start in range(0, len(body), reply.piece):
                        self.wfile.write(body[start : start + reply.piece])
                        self.wfile.flush()
                        time.sleep(reply.pause)
                except OSError:  # the client gave up first, as it should with a stalled server
                    pass
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda request, address: None
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def wdi_routes(
    release_dir: Path,
    countries: list[str],
    per_page: int,
    lastupdated: str,
    revisions: dict[tuple[str, str, int], str] | None = None,
    prefix: str = "/v2",
) -> dict[str, Reply]:
    """The World Bank API v2 pages of every indicator of a WDI snapshot, for a request of these countries.

    Numbers are sent as the text of the snapshot, so a faithful download reproduces it byte for byte;
    `revisions` replaces some values ((indicator, ISO3, year) -> text), as a new release would.
    """
    with open(release_dir / "ddf--datapoints--wdi--by--geo--time.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    indicators = [c for c in rows[0] if c not in ("geo", "time")]
    routes = {}
    for indicator in indicators:
        values = {(r["geo"].upper(), int(r["time"])): r[indicator] for r in rows if r[indicator] != ""}
        for (ind, iso, year), text in (revisions or {}).items():
            if ind == indicator:
                values[(iso, year)] = text
        code = wdi_fetch.code(indicator)
        items = [_wdi_item(code, iso, year, values.get((iso, year))) for iso in countries for year in WDI_YEARS]
        pages = max(1, -(-len(items) // per_page))
        for page in range(1, pages + 1):
            header = {
                "page": page,
                "pages": pages,
                "per_page": per_page,
                "total": len(items),
                "sourceid": "2",
                "sourceName": "World Development Indicators",
                "lastupdated": lastupdated,
            }
            chunk = items[(page - 1) * per_page : page * per_page]
            body = f"[{json.dumps(header)},[{','.join(chunk)}]]".encode()
            query = urlencode({"format": "json", "per_page": per_page, "page": page})
            routes[f"{prefix}/country/{';'.join(countries)}/indicator/{code}?{query}"] = Reply(
                body=body, content_type=JSON
            )
    return routes


def _wdi_item(code: str, iso: str, year: int, value: str | None) -> str:
    fields = {
        "indicator": {"id": code, "value": code},
        "country": {"id": iso[:2], "value": iso},
        "countryiso3code": iso,
        "date": str(year),
    }
    text = json.dumps(fields)[:-1]
    return f'{text}, "value": {value if value is not None else "null"}, "unit": "", "obs_status": "", "decimal": 1}}'


def un_routes(source_dir: Path, prefix: str = "/unsd/amaapi/api/file") -> dict[str, Reply]:
    """The UN download service's workbooks: each snapshot's workbook, saved (as the UN does) in its release month."""
    routes = {}
    for manifest_path in sorted(source_dir.glob(f"*/{manifest.MANIFEST}")):
        entry = manifest.load(manifest_path)
        for item in entry["files"]:
            number, _ = un_ama_fetch.FILES[item["table"]]
            body = with_modified_date((manifest_path.parent / item["name"]).read_bytes(), f"{entry['release']}-15")
            routes[f"{prefix}/{number}"] = Reply(body=body, content_type=XLSX)
    return routes


def with_modified_date(workbook: bytes, day: str) -> bytes:
    """The workbook with its 'last modified' property set to the day given."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + day.encode() + rb"T10:00:00Z", data)
            dst.writestr(info, data)
    return out.getvalue()


ETD_FILE_ID = 382704


def etd_routes(release_dir: Path, prefix: str = "/api", md5: str | None = None) -> dict[str, Reply]:
    """DataverseNL's listing of the ETD dataset (a documentation file and the workbook) and the workbook itself."""
    (book,) = release_dir.glob("ETD_*.xlsx")
    body = book.read_bytes()
    digest = md5 or hashlib.md5(body, usedforsecurity=False).hexdigest()
    listing = {
        "status": "OK",
        "data": {
            "latestVersion": {
                "versionNumber": 2,
                "files": [
                    {"label": "ETD_documentation.pdf", "dataFile": {"id": 382705, "filename": "ETD_documentation.pdf"}},
                    {
                        "label": book.name,
                        "dataFile": {
                            "id": ETD_FILE_ID,
                            "filename": book.name,
                            "contentType": XLSX,
                            "filesize": len(body),
                            "md5": digest,
                            "checksum": {"type": "MD5", "value": digest},
                        },
                    },
                ],
            }
        },
    }
    query = urlencode({"persistentId": etd_fetch.DOI})
    return {
        f"{prefix}/datasets/:persistentId/?{query}": Reply(body=json.dumps(listing).encode(), content_type=JSON),
        f"{prefix}/access/datafile/{ETD_FILE_ID}": Reply(body=body, content_type=XLSX),
    }


def ggdc10_routes(release_dir: Path, prefix: str = "/ggdc/docs") -> dict[str, Reply]:
    (book,) = release_dir.glob("10sd_*.xlsx")
    return {f"{prefix}/{book.name}": Reply(body=book.read_bytes(), content_type=XLSX)}
