"""Manifests: what each raw file is, where it came from, and the checksums that prove it is unchanged.

`verify` is the gate every build passes before any job runs (`emergence.check`, called from the workflow's
start-up): a release folder holds exactly the files its manifest lists, each a regular file inside the folder with
the recorded sha256. Hashing the few MB of `data/raw` takes milliseconds, so nothing is cached and nothing is
trusted from a modification time.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml

from emergence.config import read_yaml
from emergence.errors import InputError
from emergence.io import sha256_file

MANIFEST = "manifest.yaml"
README = "README.md"  # a release folder's own notes, beside its manifest: neither is a listed data file
REQUIRED = ("source", "publisher", "dataset", "release", "citation", "licence", "url", "accessed", "files")


def load(path: str | os.PathLike) -> dict:
    """A manifest, checked for the fields every entry must have and for file names that stay in its folder."""
    if not os.path.lexists(path):
        raise InputError(path, "file", "a manifest written by 'emergence snapshot'")
    entry = read_yaml(path)
    if not isinstance(entry, dict):
        raise InputError(path, "top level", "a mapping of manifest fields", type(entry).__name__)
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise InputError(path, "fields", f"all of {list(REQUIRED)}", f"missing {missing}")
    if not isinstance(entry["files"], list):
        raise InputError(path, "files", "a list of files", type(entry["files"]).__name__)
    names = set()
    for i, item in enumerate(entry["files"]):
        if not isinstance(item, dict) or "name" not in item or "sha256" not in item:
            raise InputError(path, f"files[{i}]", "a mapping with 'name' and 'sha256'", item)
        check_name(path, i, item["name"])
        if item["name"] in names:
            raise InputError(path, f"files[{i}].name", "each file listed once", item["name"])
        names.add(item["name"])
    return entry


def check_name(manifest_path: str | os.PathLike, i: int, name: object) -> None:
    """A listed name is a plain relative path inside the release folder: never absolute, never through '..'."""
    parts = PurePosixPath(name).parts if isinstance(name, str) else ()
    if (
        not parts
        or PurePosixPath(name).as_posix() != name
        or PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or "\\" in name
        or any(part in (".", "..") for part in parts)
    ):
        raise InputError(
            manifest_path, f"files[{i}].name", "a relative path inside the release folder (no '..', not absolute)", name
        )


def dump(entry: dict) -> str:
    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100)


def files(manifest_path: str | os.PathLike) -> list[Path]:
    """The data files a manifest lists, as paths beside it."""
    folder = Path(manifest_path).parent
    return [folder / item["name"] for item in load(manifest_path)["files"]]


def inspect(manifest_path: str | os.PathLike) -> tuple[list[dict], list[InputError]]:
    """What one release folder holds against its manifest: a row per listed file that is verified, and an error per
    problem (a file missing, changed, unlisted, or a symbolic link), each naming the file and the manifest."""
    manifest_path = Path(manifest_path)
    folder = manifest_path.parent
    if manifest_path.is_symlink() or folder.is_symlink():
        link = manifest_path if manifest_path.is_symlink() else folder
        return [], [InputError(link, "file", f"a real file or folder, as {manifest_path} needs", _link(link))]
    listed = {item["name"]: item["sha256"] for item in load(manifest_path)["files"]}
    rows, errors = [], []
    for path in _tree(folder):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            errors.append(
                InputError(
                    path, "file", f"a regular file inside {folder} (raw files are copies, not links)", _link(path)
                )
            )
        elif path.is_file() and name not in listed and name not in (MANIFEST, README):
            errors.append(
                InputError(
                    path,
                    "file",
                    f"only the files {manifest_path} lists (take a new snapshot into a new release to add one)",
                    "a file it does not list",
                )
            )
    for name, recorded in listed.items():
        path = folder / name
        if any(p.is_symlink() for p in (path, *path.parents) if p.is_relative_to(folder)):
            continue  # reported by the walk above
        if not path.is_file():
            found = "a folder" if path.is_dir() else "no such file"
            errors.append(InputError(path, "file", f"the file listed in {manifest_path}", found))
            continue
        actual = sha256_file(path)
        if actual != recorded:
            errors.append(
                InputError(
                    path,
                    "sha256",
                    f"{recorded} as recorded in {manifest_path} (raw data are immutable: restore the file from "
                    "version control, or take a new snapshot into a new release)",
                    actual,
                )
            )
        else:
            rows.append({"path": str(path), "sha256": actual, "manifest": str(manifest_path)})
    return rows, errors


def _tree(folder: Path) -> list[Path]:
    """Every entry under `folder`, links included but not followed."""
    found = []
    for top, dirs, names in os.walk(folder):  # os.walk does not enter a linked folder; it lists it in `dirs`
        found += [Path(top) / d for d in dirs if (Path(top) / d).is_symlink()]
        found += [Path(top) / n for n in names]
    return sorted(found)


def _link(path: Path) -> str:
    return f"a symbolic link to {os.readlink(path)}"


def verify(manifest_paths: list[str | os.PathLike]) -> list[dict]:
    """The gate: every listed file of every manifest checked; all problems at once, one line each."""
    report, errors = [], []
    for manifest_path in manifest_paths:
        rows, found = inspect(manifest_path)
        report += rows
        errors += found
    if errors:
        raise VerificationError(tuple(errors))
    return report


class VerificationError(InputError):
    """Every problem of the raw files against their manifests, one per line; `where` is the first file named."""

    def __init__(self, errors: tuple[InputError, ...]):
        first = errors[0]
        super().__init__(first.where, first.location, first.expected, first.found)
        self.errors = errors
        self.args = ("\n".join(map(str, errors)),)

    def __str__(self) -> str:
        return "\n".join(map(str, self.errors))


def releases(raw_root: str | os.PathLike, name: str) -> list[str]:
    """The releases of a source taken under `raw_root`: its folders that hold a manifest."""
    folder = Path(raw_root) / name
    return sorted(p.name for p in folder.iterdir() if (p / MANIFEST).is_file()) if folder.is_dir() else []
