"""Manifests: what each raw file is, where it came from, and the checksums that prove it is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from emergence.config import SAFE_LOADER
from emergence.errors import InputError
from emergence.io import sha256_file

MANIFEST = "manifest.yaml"
REQUIRED = ("source", "publisher", "dataset", "release", "citation", "licence", "url", "accessed", "files")


def load(path: str | os.PathLike) -> dict:
    """A manifest, checked for the fields every entry must have."""
    try:
        with open(path, encoding="utf-8") as handle:
            entry = yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise InputError(path, "file", "a manifest written by 'emergence snapshot'") from None
    except yaml.YAMLError as exc:
        raise InputError(path, "file", "valid YAML", str(exc).splitlines()[0]) from None
    if not isinstance(entry, dict):
        raise InputError(path, "top level", "a mapping of manifest fields", type(entry).__name__)
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise InputError(path, "fields", f"all of {list(REQUIRED)}", f"missing {missing}")
    for i, item in enumerate(entry["files"]):
        if not isinstance(item, dict) or "name" not in item or "sha256" not in item:
            raise InputError(path, f"files[{i}]", "a mapping with 'name' and 'sha256'", item)
    return entry


def dump(entry: dict) -> str:
    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100)


def files(manifest_path: str | os.PathLike) -> list[Path]:
    """The data files a manifest lists, as paths beside it."""
    folder = Path(manifest_path).parent
    return [folder / item["name"] for item in load(manifest_path)["files"]]


def verify(manifest_paths: list[str | os.PathLike]) -> list[dict]:
    """Check every listed file against its recorded sha256; the first mismatch or missing file is an error."""
    report = []
    for manifest_path in manifest_paths:
        folder = Path(manifest_path).parent
        for item in load(manifest_path)["files"]:
            path = folder / item["name"]
            if not path.exists():
                raise InputError(path, "file", f"the file listed in {manifest_path}", "no such file")
            actual = sha256_file(path)
            if actual != item["sha256"]:
                raise InputError(
                    path,
                    "sha256",
                    f"{item['sha256']} as recorded in {manifest_path} (raw data are immutable: restore the file "
                    "from version control, or take a new snapshot into a new release)",
                    actual,
                )
            report.append({"path": str(path), "sha256": actual, "manifest": str(manifest_path)})
    return report


def releases(raw_root: str | os.PathLike, name: str) -> list[str]:
    """The releases of a source taken under `raw_root`: its folders that hold a manifest."""
    folder = Path(raw_root) / name
    return sorted(p.name for p in folder.iterdir() if (p / MANIFEST).is_file()) if folder.is_dir() else []
