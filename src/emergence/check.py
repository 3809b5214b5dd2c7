"""The config checked against the snapshots it selects, before any job runs.

A schema cannot know what the data hold: a country no snapshot has, or a period after the last data year, used to
pass validation and fail minutes later inside a job. Here every selected release is looked up through its manifest
(no data file is read for the countries), and the models' own check of periods and policy years runs on the years
of the ETD snapshot, the data the models read. A source that genuinely lacks a peer (the publisher's file has no
rows for it, as the manifest records) is a coverage note, not an error: that source's tables leave the peer out.
The same pass is the raw data's gate (`manifest.verify`): every selected release folder holds exactly the files its
manifest lists, unchanged, so no job of any build reads a raw byte that was not checked at its start.
"""

from __future__ import annotations

import html
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from xml.etree import ElementTree

from emergence import manifest
from emergence.errors import InputError
from emergence.kept import keep, read_kept
from emergence.manifest import releases
from emergence.settings import Settings, check_against_data
from emergence.sources import PACKAGED, SOURCES, etd

RAW_ROOT = Path("data/raw")
MODELS_SOURCE = "etd"  # the models stage reads the clean ETD table only
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Findings:
    """One line per error (each names the key, the config file and what was expected) and per coverage note."""

    errors: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    key: str  # the config key that selects it, e.g. releases/un_ama/current_usd
    source: str
    release: str
    folder: Path
    entry: dict


def check_snapshots(
    config: Mapping, settings: Settings, raw_root: str | os.PathLike = RAW_ROOT, cache: str | os.PathLike | None = None
) -> Findings:
    """Every finding of the validated `config` (typed as `settings`) against the releases it selects; with `cache`,
    the years read from a workbook are kept there (see snapshot_years)."""
    where = settings.config_file
    errors, notes, snapshots = [], [], []
    for key, name, release in selected_releases(config):
        folder = Path(raw_root) / name / release
        if not (folder / manifest.MANIFEST).is_file():
            taken = releases(raw_root, name)
            errors.append(
                str(
                    InputError(
                        where, f"key '{key}'", f"a release of {name} taken in {folder.parent}, one of {taken}", release
                    )
                )
            )
            continue
        snapshots.append(Snapshot(key, name, release, folder, manifest.load(folder / manifest.MANIFEST)))
    problems = {path: manifest.inspect(path)[1] for path in gated_manifests(config, snapshots, raw_root)}
    errors += [str(error) for found in problems.values() for error in found]
    required = {MODELS_SOURCE, config["structure"]["source"]}
    country_errors, country_notes = coverage(settings, snapshots, required)
    errors += country_errors
    notes += country_notes
    models = next((s for s in snapshots if s.source == MODELS_SOURCE), None)
    if models is not None and not problems[models.folder / manifest.MANIFEST]:  # a changed file is not read
        years = snapshot_years(models, [c for c in settings.countries if c in models.entry["countries"]], cache)
        if years:
            year_errors, year_notes = check_years(
                settings, min(years), max(years), f"the {models.source} snapshot {models.folder.as_posix()}"
            )
            errors += year_errors
            notes += year_notes
    return Findings(tuple(errors), tuple(notes))


def gated_manifests(config: Mapping, snapshots: list[Snapshot], raw_root: str | os.PathLike) -> list[Path]:
    """The manifests of every raw file a build reads: the snapshots found, the packaged sources' releases and the
    paper's transcriptions (a missing one of these is named where the workflow reads it)."""
    others = [Path(raw_root) / name / config["releases"][name] for name in PACKAGED] + [Path(raw_root) / "paper"]
    found = [folder / manifest.MANIFEST for folder in others if (folder / manifest.MANIFEST).is_file()]
    return [snap.folder / manifest.MANIFEST for snap in snapshots] + found


def selected_releases(config: Mapping) -> list[tuple[str, str, str]]:
    """(config key, source, release) of every country source's selected release, UN tables one by one."""
    out = []
    for name in SOURCES:
        chosen = config["releases"][name]
        if isinstance(chosen, Mapping):
            out += [(f"releases/{name}/{table}", name, rel) for table, rel in sorted(chosen.items())]
        else:
            out.append((f"releases/{name}", name, chosen))
    return out


def coverage(settings: Settings, snapshots: list[Snapshot], required: set[str]) -> tuple[list[str], list[str]]:
    """Per configured country, the snapshots that lack it: one error line when a snapshot was taken without it
    (a new release can add it) or when a source every country needs lacks it; notes for the rest."""
    errors, notes = [], []
    lacking: dict[str, list[str]] = {}
    for country in settings.countries:
        untaken, needed = [], []
        for snap in snapshots:
            if country in snap.entry["countries"]:
                continue
            if not genuinely_lacks(snap.entry, country):
                untaken.append(f"{snap.source} {snap.release}")
            elif snap.source in required:
                needed.append(snap.source)
            else:
                lacking.setdefault(f"{snap.source} {snap.release}", []).append(country)
        if untaken:
            errors.append(
                str(
                    InputError(
                        settings.config_file,
                        "key 'countries'",
                        f"countries the selected snapshots hold ({country} is not in {', '.join(untaken)}: if the "
                        "publisher's file has it, take a new release with `emergence snapshot SOURCE FILE --countries "
                        "all` and select it under releases)",
                        country,
                    )
                )
            )
        elif needed:
            errors.append(
                str(
                    InputError(
                        settings.config_file,
                        "key 'countries'",
                        f"countries that {', '.join(sorted(set(needed)))} cover (the models and the structure stage read "
                        f"it; its publisher has no {country})",
                        country,
                    )
                )
            )
    for snap, countries in sorted(lacking.items()):
        notes.append(
            f"coverage: {snap} has no {', '.join(countries)} (not in the publisher's file): its tables "
            "and figures leave them out"
        )
    return errors, notes


def genuinely_lacks(entry: Mapping, country: str) -> bool:
    """Whether the publisher's file has no rows for `country`, as the manifest records it (or the snapshot kept
    every country of the file, so one it lacks is not there)."""
    requested = entry.get("countries_requested")
    return country in entry.get("countries_not_in_upstream", ()) or not isinstance(requested, list)


def snapshot_years(snap: Snapshot, countries: list[str], cache: str | os.PathLike | None = None) -> list[int]:
    """The data years of `countries` in a snapshot: from its manifest when it records them (`years`, country ->
    [first, last]), otherwise read from the ETD workbook's two id columns. A workbook read is kept in `cache` by
    the sha256 its manifest records, which the gate has just checked the file against (a tenth of a no-op)."""
    recorded = snap.entry.get("years")
    if isinstance(recorded, Mapping):
        return [int(y) for c in countries if c in recorded for y in recorded[c]]
    listed = snap.entry["files"][0]
    kept = Path(cache) / f"years-{listed['sha256']}.json" if cache is not None else None
    by_country = read_kept(kept) if kept is not None else None
    if not isinstance(by_country, dict):
        by_country = {}
        for country, year in sheet_columns(snap.folder / listed["name"], etd.DATA_SHEET, ("cnt", "year")):
            if year is not None:
                by_country.setdefault(country, set()).add(int(float(year)))
        by_country = {country: sorted(years) for country, years in sorted(by_country.items(), key=str)}
        if kept is not None:
            keep(kept, by_country)
    return sorted({year for country in countries for year in by_country.get(country, ())})


def sheet_columns(path: str | os.PathLike, sheet: str, names: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    """The cells of the columns headed `names` in one sheet, as text by row, read straight from the sheet's XML.

    The check runs before every build, and openpyxl takes seconds on a snapshot of every ETD country (it builds
    every cell of every row); this finds the cells of the few columns needed with one pattern each.
    """
    try:
        with zipfile.ZipFile(path) as book:
            xml = book.read(_sheet_member(book, sheet, path))
            shared = _shared_strings(book)
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise InputError(path, "file", "an Excel workbook (.xlsx)", f"unreadable: {exc}") from None
    first = re.search(rb"<row[^>]*>(.*?)</row>", xml, re.S)
    header = {text: letters for letters, _, text in _cells(first.group(1) if first else b"", shared)}
    missing = [n for n in names if n not in header]
    if missing:
        raise InputError(path, f"sheet '{sheet}', header row", f"columns {list(names)}", f"missing {missing}")
    columns = [_cells(xml, shared, header[n]) for n in names]
    rows = sorted({row for cells in columns for _, row, _ in cells} - {1})
    by_row = [{row: text for _, row, text in cells} for cells in columns]
    return [tuple(cells.get(row) for cells in by_row) for row in rows]


CELL = rb'<c r="([A-Z]+)([0-9]+)"([^>/]*)(?:/>|>(.*?)</c>)'


def _cells(xml: bytes, shared: list[str], column: str | None = None) -> list[tuple[str, int, str | None]]:
    """(column letters, row, text) of every cell of `xml` (of one column, when given)."""
    pattern = CELL.replace(rb"([A-Z]+)", f"({column})".encode()) if column else CELL
    out = []
    for match in re.finditer(pattern, xml, re.S):
        letters, row, attributes, inner = match.groups()
        kind = re.search(rb'\bt="([^"]*)"', attributes)
        if inner is None:
            text = None
        elif kind and kind.group(1) == b"inlineStr":
            text = "".join(html.unescape(t.decode()) for t in re.findall(rb"<t[^>]*>(.*?)</t>", inner, re.S))
        else:
            value = re.search(rb"<v>(.*?)</v>", inner, re.S)
            text = html.unescape(value.group(1).decode()) if value else None
            if text is not None and kind and kind.group(1) == b"s":
                text = shared[int(text)]
        out.append((letters.decode(), int(row), text))
    return out


def _sheet_member(book: zipfile.ZipFile, sheet: str, path: str | os.PathLike) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    ids = {s.get("name"): s.get(f"{{{RELATIONSHIPS}}}id") for s in workbook.iter(f"{{{SHEET_NS}}}sheet")}
    if sheet not in ids:
        raise InputError(path, f"sheet '{sheet}'", f"a sheet named '{sheet}'", f"sheets {sorted(ids)}")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels if r.get("Id") == ids[sheet])
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in item.iter(f"{{{SHEET_NS}}}t")) for item in strings.iter(f"{{{SHEET_NS}}}si")]


def check_years(settings: Settings, first: int, last: int, data: str) -> tuple[list[str], list[str]]:
    """The models' own check of policy years and period lengths (the first violation: the job would stop at
    it), and a note for a period that starts before the data or ends after them (the models cut it there)."""
    errors, notes = [], []
    try:
        check_against_data(settings.models, first, last, data)
    except InputError as error:
        errors.append(str(error))
    for i, period in enumerate(settings.periods):
        cut = {
            "start": period.start is not None and period.start < first,
            "end": period.end is not None and period.end > last,
        }
        for bound in (b for b, outside in cut.items() if outside):
            notes.append(
                f"{settings.config_file}: key 'periods/{i}/{bound}' ({period.id}): {getattr(period, bound)} is "
                f"outside the years of {data} ({first}-{last}); the period is cut there"
            )
    return errors, notes


def enforce(findings: Findings, stream: TextIO | None = None) -> None:
    """Print the notes (to stderr), then stop with every error, one per line."""
    for note in findings.notes:
        print(note, file=stream or sys.stderr)
    if findings.errors:
        raise ConfigCheckError(findings.errors)


class ConfigCheckError(InputError):
    """Every error of the config against the data, one per line (each names its key and the config file)."""

    def __init__(self, errors: tuple[str, ...]):
        super().__init__("config", "keys", "settings the selected snapshots can serve")
        self.errors = errors
        self.args = ("\n".join(errors),)

    def __str__(self) -> str:
        return "\n".join(self.errors)
