"""The snapshot command: cut the subset the project uses out of a published file, with its provenance."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from emergence import manifest
from emergence.codes import COUNTRY, RELEASE, VERSION, checked, past_day
from emergence.errors import InputError
from emergence.io import sha256_bytes, sha256_file, write_text
from emergence.sources import PACKAGED, SOURCES, source
from emergence.sources.common import Extract

# Every country of the upstream file, as far as the source's reader can name it: a reader that maps codes through
# a concordance (the UN's numeric codes) asks for the countries of its concordance, recorded with those the file
# lacks; any other reader keeps every country of the file that it can read, and the manifest says "all".
ALL = "all"


def snapshot(
    name: str,
    upstream_paths: list[str | os.PathLike],
    raw_root: str | os.PathLike,
    countries: list[str],
    release: str | None = None,
    accessed: str | None = None,
    url: str | None = None,
    check: list[str] | None = None,
) -> list[Path]:
    """Write the extracts of one source into raw_root/SOURCE/RELEASE/ with a manifest; return the manifests.

    A release folder that exists already is left alone when its files are byte-identical to the new extract,
    and refused otherwise: a release, once taken, never changes. Everything that names a path or lands in the
    manifest is checked first, and each extract is read back as the source's table, before anything is written:
    the rows of the countries kept, or of those among them in `check` (the build's countries, for a snapshot of
    ALL, whose other countries the build never reads).
    """
    module = source(name, packaged=True)
    if countries == ALL:
        countries = list(getattr(module, "COUNTRIES", ())) or ALL
    for code in [] if countries == ALL else countries:
        checked(COUNTRY, code, "command line", "--countries")
    if accessed is not None:
        past_day(accessed, "command line", "--accessed")
    label = VERSION if name in PACKAGED else RELEASE
    if release is not None:
        checked(label, release, "command line", "--release")
    paths = [Path(p) for p in upstream_paths]
    if not paths and not getattr(module, "FROM_INSTALLED_PACKAGE", False):
        raise InputError("command line", "FILE", f"the upstream file(s) of {name}")
    for path in paths:
        if not path.is_file():
            raise InputError(path, "file", "an existing upstream file")
    extracts = module.extract(paths, None if countries == ALL else countries)
    groups: dict[str, list[Extract]] = defaultdict(list)
    for extract in extracts:
        rel = release or extract.release or module.release_of(paths[0])
        groups[checked(label, rel, str(extract.upstreams[0]), "release")].append(extract)
    if name in SOURCES:
        _check_tables(name, extracts, countries, check)
    releases = [
        (_inside(Path(raw_root), name, rel, items), items, _entry(name, module, rel, items, countries, accessed, url))
        for rel, items in sorted(groups.items())
    ]
    for folder, _, entry in releases:
        _taken(folder, entry)  # refuse before writing anything: a snapshot is taken whole or not at all
    return [_write_release(folder, items, entry) for folder, items, entry in releases]


def _inside(raw_root: Path, name: str, release: str, items: list[Extract]) -> Path:
    """raw_root/SOURCE/RELEASE, once every file the release writes is known to resolve inside it (no '..', no
    absolute name, no symbolic link out of the tree)."""
    home = raw_root.resolve() / name
    folder = raw_root / name / release
    for path in [folder, *(folder / item.name for item in items)]:
        if not path.resolve().is_relative_to(home) or path.resolve() == home:
            raise InputError(path, "path", f"a path inside {raw_root / name}", str(path.resolve()))
    return folder


def _check_tables(name: str, extracts: list[Extract], countries: list[str], check: list[str] | None) -> None:
    """Read each extract as the source's own reader reads its snapshot, so a file of another table (sheets,
    headers, variables or indicator codes the source does not have) is refused before it is written."""
    module = SOURCES[name]
    with tempfile.TemporaryDirectory() as folder:
        for i, item in enumerate(extracts):
            upstream = ", ".join(str(p) for p in item.upstreams)
            wanted = [c for c in item.countries if check is None or c in check]
            if not wanted:
                raise InputError(
                    upstream, "rows", f"rows of at least one of the countries {check or countries}", "none"
                )
            path = Path(folder) / str(i) / Path(item.name).name
            path.parent.mkdir()
            path.write_bytes(item.data)
            try:
                module.clean({item.table: path} if item.table else path, wanted)
            except InputError as error:
                raise InputError(
                    upstream, error.location, f"a table of {name}: {error.expected}", error.found
                ) from None


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
        "countries_requested": ALL if countries == ALL else list(countries),
        "countries": kept,
        "countries_not_in_upstream": [] if countries == ALL else [c for c in countries if c not in kept],
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
    manifest that the build verifies, and is rerun whenever a transcription is corrected. The text itself never
    changes: it must be the one whose sha256 the manifest records, so another file cannot pass for the paper.
    """
    reference, folder = Path(reference), Path(paper_dir)
    if accessed is not None:
        past_day(accessed, "command line", "--accessed")
    if not reference.is_file():
        raise InputError(reference, "file", "the reference paper's text")
    names = sorted(p.name for p in folder.iterdir() if p.suffix in PAPER_SUFFIXES and p.name != manifest.MANIFEST)
    if not names:
        raise InputError(folder, "folder", "transcriptions (.yaml or .csv files)", "none")
    target = folder / manifest.MANIFEST
    if not target.resolve().is_relative_to(folder.resolve()):  # a manifest that links out of the tree
        raise InputError(target, "path", f"a path inside {folder}", str(target.resolve()))
    recorded = {u["sha256"] for f in manifest.load(target)["files"] for u in f.get("upstream", [])}
    digest = sha256_file(reference)
    if recorded != {digest}:
        expected = f"the reference paper's text (sha256 {', '.join(sorted(recorded))}, as {target} records)"
        raise InputError(reference, "sha256", expected, digest)
    upstream = [{"name": reference.name, "sha256": digest}]
    entry = {
        **PAPER_META,
        "release": "2019",
        "accessed": accessed or dt.date.today().isoformat(),
        "files": [
            {"name": n, "sha256": sha256_file(folder / n), "upstream": [dict(u) for u in upstream]} for n in names
        ],
    }
    write_text(target, manifest.dump(entry))
    return target
