"""The snapshot command: cut the subset the project uses out of a published file, with its provenance."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections import defaultdict
from pathlib import Path

from emergence import manifest
from emergence.errors import InputError
from emergence.io import sha256_bytes, sha256_file, write_text
from emergence.sources import source
from emergence.sources.common import Extract


def snapshot(
    name: str,
    upstream_paths: list[str | os.PathLike],
    raw_root: str | os.PathLike,
    countries: list[str],
    release: str | None = None,
    accessed: str | None = None,
    url: str | None = None,
) -> list[Path]:
    """Write the extracts of one source into raw_root/SOURCE/RELEASE/ with a manifest; return the manifests.

    A release folder that exists already is left alone when its files are byte-identical to the new extract,
    and refused otherwise: a release, once taken, never changes.
    """
    module = source(name, packaged=True)
    paths = [Path(p) for p in upstream_paths]
    if not paths and not getattr(module, "FROM_INSTALLED_PACKAGE", False):
        raise InputError("command line", "FILE", f"the upstream file(s) of {name}")
    for path in paths:
        if not path.is_file():
            raise InputError(path, "file", "an existing upstream file")
    extracts = module.extract(paths, countries)
    groups: dict[str, list[Extract]] = defaultdict(list)
    for extract in extracts:
        groups[release or extract.release or module.release_of(paths[0])].append(extract)
    releases = [
        (Path(raw_root) / name / rel, items, _entry(name, module, rel, items, countries, accessed, url))
        for rel, items in sorted(groups.items())
    ]
    for folder, _, entry in releases:
        _taken(folder, entry)  # refuse before writing anything: a snapshot is taken whole or not at all
    return [_write_release(folder, items, entry) for folder, items, entry in releases]


def _entry(name, module, release, items, countries, accessed, url) -> dict:
    kept = sorted({c for item in items for c in item.countries})
    meta = module.META
    entry = {
        "source": name,
        "publisher": meta.publisher,
        "dataset": meta.dataset,
        "release": release,
        "citation": meta.citation,
        "licence": meta.licence,
        "url": url or meta.url,
        "accessed": accessed or dt.date.today().isoformat(),
        "countries_requested": list(countries),
        "countries": kept,
        "countries_not_in_upstream": [c for c in countries if c not in kept],
        "files": [
            {
                "name": item.name,
                **({"table": item.table} if item.table else {}),
                "sha256": sha256_bytes(item.data),
                "bytes": len(item.data),
                "upstream": [{"name": p.name, "sha256": sha256_file(p)} for p in item.upstreams],
            }
            for item in sorted(items, key=lambda i: i.name)
        ],
    }
    provenance = getattr(module, "provenance", None)  # a source taken through a package names it and its sources
    return {**entry, **provenance(items)} if provenance else entry


def _taken(folder: Path, entry: dict) -> bool:
    """Whether this very extract is in `folder` already; a different one there is refused."""
    if not folder.exists():
        return False
    target = folder / manifest.MANIFEST
    if target.exists():
        old = {f["name"]: f["sha256"] for f in manifest.load(target)["files"]}
        new = {f["name"]: f["sha256"] for f in entry["files"]}
        if old == new and all((folder / n).exists() and sha256_file(folder / n) == s for n, s in old.items()):
            return True
    raise InputError(
        folder, "release folder", "a release not taken before (releases are never overwritten)", "it exists"
    )


def _write_release(folder: Path, items: list[Extract], entry: dict) -> Path:
    target = folder / manifest.MANIFEST
    if _taken(folder, entry):
        return target
    tmp = folder.with_name(f".{folder.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for item in items:
            (tmp / item.name).parent.mkdir(parents=True, exist_ok=True)  # a package's layout has folders
            (tmp / item.name).write_bytes(item.data)
        (tmp / manifest.MANIFEST).write_text(manifest.dump(entry), encoding="utf-8")
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


PAPER_META = {
    "source": "paper",
    "publisher": "the paper's authors",
    "dataset": "Figures and tables transcribed from the reference paper",
    "citation": "Amraoui et al. (2019), Performance of clusters in Morocco in the shifting economic and industrial reforms",
    "licence": "the paper's own; the transcriptions are structured values, not its text",
    "url": "not stated",
}
PAPER_SUFFIXES = (".yaml", ".csv")


def register_paper(reference: str | os.PathLike, paper_dir: str | os.PathLike, accessed: str | None = None) -> Path:
    """Record the checksums of the paper's transcriptions in data/raw/paper, beside that of the paper's text.

    The transcriptions are typed by hand from the reference text, so there is nothing to cut: this writes the
    manifest that the build verifies, and is rerun whenever a transcription is corrected.
    """
    reference, folder = Path(reference), Path(paper_dir)
    if not reference.is_file():
        raise InputError(reference, "file", "the reference paper's text")
    names = sorted(p.name for p in folder.iterdir() if p.suffix in PAPER_SUFFIXES and p.name != manifest.MANIFEST)
    if not names:
        raise InputError(folder, "folder", "transcriptions (.yaml or .csv files)", "none")
    upstream = [{"name": reference.name, "sha256": sha256_file(reference)}]
    entry = {
        **PAPER_META,
        "release": "2019",
        "accessed": accessed or dt.date.today().isoformat(),
        "files": [
            {"name": n, "sha256": sha256_file(folder / n), "upstream": [dict(u) for u in upstream]} for n in names
        ],
    }
    target = folder / manifest.MANIFEST
    write_text(target, manifest.dump(entry))
    return target
