"""Where the report's numbers come from: the snapshots' manifests, the code's commit, the build date, software.

Nothing here reads the wall clock: the build date is SOURCE_DATE_EPOCH or the commit's date (of the project, else
of the checkout the package runs from), so two builds of one commit give the same bytes.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

import emergence
from emergence import checkout, manifest
from emergence.errors import InputError
from emergence.tables import Column, TableSchema

UNKNOWN = "unknown"
PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "snakemake",
    "nbclient",
    "jupytext",
    "pypandoc_binary",
    "typst",
)

SOURCES_SCHEMA = TableSchema(
    name="report_sources",
    columns=tuple(
        Column(c, "str")
        for c in ("source", "release", "dataset", "publisher", "licence", "citation", "url", "accessed")
    ),
    key=("source", "release"),
)
FILES_SCHEMA = TableSchema(
    name="report_files",
    columns=(
        Column("source", "str"),
        Column("release", "str"),
        Column("file", "str"),
        Column("sha256", "str"),
        Column("bytes", "int", nullable=True, min=0),
    ),
    key=("source", "release", "file"),
)


def manifest_frames(paths: Sequence[str | os.PathLike]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The snapshots' manifests as two tables: one row per source release, one row per raw file."""
    sources, files = [], []
    for path in sorted(str(p) for p in paths):
        entry = manifest.load(path)
        release = str(entry["release"])
        sources.append({c: str(entry[c]) if c != "release" else release for c in SOURCES_SCHEMA.column_names})
        for item in entry["files"]:
            files.append(
                {
                    "source": str(entry["source"]),
                    "release": release,
                    "file": str(item["name"]),
                    "sha256": str(item["sha256"]),
                    "bytes": item.get("bytes"),
                }
            )
    sources_df = pd.DataFrame(sources, columns=SOURCES_SCHEMA.column_names)
    files_df = pd.DataFrame(files, columns=FILES_SCHEMA.column_names)
    return (SOURCES_SCHEMA.validate(sources_df, where="manifests"), FILES_SCHEMA.validate(files_df, where="manifests"))


def _git(repo: str | os.PathLike, *args: str) -> str | None:
    return checkout.git(repo, *args)


def git_commit(repo: str | os.PathLike) -> str:
    """The commit the code was built from: git's, or in a plain copy (an unpacked archive) the one its provenance
    file records; "unknown" without either (or before the first commit)."""
    return checkout.read_provenance(repo).get("commit") or _git(repo, "rev-parse", "HEAD") or UNKNOWN


def build_epoch(repo: str | os.PathLike, environ: Mapping[str, str]) -> int | None:
    """SOURCE_DATE_EPOCH when set, else the commit's timestamp, else None; never the current time."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.strip().isdigit():
            raise InputError("environment", "SOURCE_DATE_EPOCH", "whole seconds since 1970-01-01", value)
        return int(value)
    recorded = checkout.read_provenance(repo).get("commit_epoch")
    if recorded is not None:  # a plain copy: the commit's date as its provenance file records it
        return recorded
    stamp = _git(repo, "log", "-1", "--format=%ct")
    return int(stamp) if stamp else None


PACKAGE_CHECKOUT = Path(emergence.__file__).resolve().parents[2]  # src/emergence/ -> the checkout, when editable


def release_epoch(
    repo: str | os.PathLike, environ: Mapping[str, str], package: str | os.PathLike = PACKAGE_CHECKOUT
) -> int:
    """The date the report carries: build_epoch, else the date of the commit the package version runs from (a copy
    of the project outside git still runs the package of a checkout). Never the clock, never unknown: without
    either, the build stops and says how to set it."""
    epoch = build_epoch(repo, environ)
    if epoch is None:
        stamp = _git(package, "log", "-1", "--format=%ct")
        epoch = int(stamp) if stamp else None
    if epoch is None:
        raise InputError(
            "environment",
            "SOURCE_DATE_EPOCH",
            f"set (whole seconds since 1970-01-01) when neither {repo} nor {package} is a git checkout",
            "not set",
        )
    return epoch


def build_date(epoch: int | None) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d") if epoch is not None else UNKNOWN


def software_versions(packages: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Python, the main packages and pandoc, as installed where the report is built."""
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = UNKNOWN
    try:
        import pypandoc

        versions["pandoc"] = pypandoc.get_pandoc_version()
    except (ImportError, OSError):
        versions["pandoc"] = UNKNOWN
    return dict(sorted(versions.items()))


def build_info(repo: str | os.PathLike, environ: Mapping[str, str]) -> dict:
    """Commit, whether the tree differed from it and in which files (None: not known, neither git nor a provenance
    file says), package version, build date (and its epoch, for the PDF's timestamp) and software versions, for the
    results file and the title page."""
    epoch = release_epoch(repo, environ)
    tree = checkout.provenance(repo)
    return {
        "commit": git_commit(repo),
        "modified": tree.get("modified"),
        "modified_files": tree.get("modified_files", []),
        "version": emergence.__version__,
        "date": build_date(epoch),
        "epoch": epoch,
        "software": software_versions(),
    }
