"""Where the report's numbers come from: the snapshots' manifests, the code's commit, the build date, software.

Nothing here reads the wall clock: the build date is SOURCE_DATE_EPOCH or the commit's date, so two builds of
one commit give the same bytes.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata

import pandas as pd

from emergence import manifest
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
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def git_commit(repo: str | os.PathLike) -> str:
    """The commit the code was built from, or "unknown" outside a repository (or before the first commit)."""
    return _git(repo, "rev-parse", "HEAD") or UNKNOWN


def build_epoch(repo: str | os.PathLike, environ: Mapping[str, str]) -> int | None:
    """SOURCE_DATE_EPOCH when set, else the commit's timestamp, else None; never the current time."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.strip().isdigit():
            raise InputError("environment", "SOURCE_DATE_EPOCH", "whole seconds since 1970-01-01", value)
        return int(value)
    stamp = _git(repo, "log", "-1", "--format=%ct")
    return int(stamp) if stamp else None


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
    """Commit, build date (and its epoch, for the PDF's timestamp) and software versions, for the results file."""
    epoch = build_epoch(repo, environ)
    return {"commit": git_commit(repo), "date": build_date(epoch), "epoch": epoch, "software": software_versions()}
