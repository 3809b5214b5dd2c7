"""The fetch command: download a source's current release from its publisher, then snapshot it like a local file.

Each source has a publisher adapter beside its reader, `emergence.sources.<source>_fetch`: its official address
`BASE`, its size cap `MAX_MB` and `download(client, base, folder, countries)`, which knows what to ask for and
checks what comes back. Every download goes through the client of `emergence.download`, which makes sure it ends
and is whole. What was downloaded is then cut and recorded by the same snapshot logic as a local file, so a release,
once taken, is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TextIO

from emergence.codes import COUNTRY, RELEASE, checked
from emergence.download import Client, Download, Policy
from emergence.errors import InputError
from emergence.snapshot import ALL, snapshot
from emergence.sources import source

ADAPTERS = ("etd", "ggdc10", "un_ama", "wdi")  # the sources with a publisher adapter sources/<source>_fetch.py


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
    countries: list[str] | str,
    *,
    base: str | None = None,
    release: str | None = None,
    tables: list[str] | None = None,
    per_page: int | None = None,
    indicators: list[str] | None = None,
    policy: Policy | None = None,
    max_mb: float | None = None,
    stream: TextIO | None = None,
    download_dir: str | os.PathLike | None = None,
    accessed: str | None = None,
    check: list[str] | None = None,
) -> list[Fetched]:
    """Download the publisher's current release of a source into a new data/raw/SOURCE/RELEASE/ folder.

    A release taken before with the same content is left as it is; a different content under a release label
    taken before is refused. The downloads are kept in `download_dir` when given (else in a temporary folder);
    together they may not pass `max_mb` megabytes (default: the source's cap).
    """
    source(name)
    if name not in ADAPTERS:
        raise InputError(
            "command line", "SOURCE", f"a source fetched from its publisher, one of {list(ADAPTERS)}", name
        )
    if countries == ALL and name == "wdi":  # the World Bank API is asked for named countries
        raise InputError("command line", "--countries", "country codes for wdi", ALL)
    for code in [] if countries == ALL else countries:
        checked(COUNTRY, code, "command line", "--countries")
    if release is not None:
        checked(RELEASE, release, "command line", "--release")
    adapter = import_module(f"emergence.sources.{name}_fetch")
    options = {}
    if name == "un_ama":
        options["tables"] = adapter.chosen_tables(tables, release)
    if name == "wdi" and per_page:
        options["per_page"] = per_page
    if name == "wdi" and indicators:
        options["indicators"] = [adapter.ddf_name(text) for text in indicators]
    cap = int((adapter.MAX_MB if max_mb is None else max_mb) * 1e6)
    with (
        tempfile.TemporaryDirectory(prefix="emergence-fetch-") as scratch,
        Client(policy or Policy(), cap, stream) as client,
    ):
        folder = Path(download_dir or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        downloads = adapter.download(client, (base or adapter.BASE).rstrip("/"), folder, countries, **options)
        return [_take(name, got, raw_root, countries, release, accessed, check) for got in downloads]


def _take(name: str, got: Download, raw_root, countries, release, accessed, check) -> Fetched:
    label = release or got.release or source(name).release_of(got.paths[0])
    checked(RELEASE, label, got.url.split()[0], "release", " (or pass --release)")
    existed = (Path(raw_root) / name / label).exists()
    (manifest_path,) = snapshot(name, got.paths, raw_root, countries, label, accessed, got.url, check)
    key = f"releases.{name}" + (f".{got.table}" if got.table else "")
    return Fetched(manifest_path, label, not existed, key)
