"""The replication package: one zip of the source, the raw data, the built tables and report, the generated README,
the licence, the citation and the provenance file, so the work can be checked from the archive alone.

The same tree gives the same bytes: entries sorted under one top folder, every entry stamped with the fixed time
and permissions of the raw extracts (emergence.workbook), the provenance file written with its keys in order.
"""

from __future__ import annotations

import argparse
import os
import zipfile
from pathlib import Path

import emergence
from emergence import registry
from emergence.checkout import PROVENANCE, project_files, provenance, provenance_text
from emergence.config import ROOT
from emergence.errors import InputError
from emergence.io import atomic_path, sha256_file
from emergence.workbook import ZIP_TIME

NAME = "emergence"
DIST = "dist"
OUTPUT_DIRS = (registry.PROCESSED, "reports")
BENCHMARKS = "logs/benchmarks"  # Snakemake's benchmark files, RULE.tsv: the measurements the README sums up
# The files a package without which it would not be one: built by `make report` (the codebook and the README last).
REQUIRED = ("LICENSE", "CITATION.cff", "requirements.lock", "data/processed/datapackage.json", "reports/README.md")


def archive_name(version: str = emergence.__version__) -> str:
    return f"{NAME}-{version}"


def built_outputs(root: Path) -> list[str]:
    """The build's files under data/processed and reports, without the temporaries of an atomic write, and the
    benchmark files."""
    found = []
    for folder in (*OUTPUT_DIRS, BENCHMARKS):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not (path.name.startswith(".") and ".tmp" in path.name):
                found.append(path.relative_to(root).as_posix())
    return found


def package_files(root: Path) -> list[str]:
    """Every file the archive holds, relative to `root`: the project's files and the built outputs (not earlier
    archives, which git does not ignore)."""
    names = {n for n in project_files(root) if not n.startswith(f"{DIST}/")} | set(built_outputs(root))
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise InputError(root, "files", "a built tree (run `make report` first)", f"missing {missing}")
    return sorted(names - {PROVENANCE})


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, wherever the archive is made, so the permission bits below are read
    info.external_attr = 0o100644 << 16
    return info


def write_package(root: str | os.PathLike = ROOT, dist: str | os.PathLike | None = None) -> Path:
    """Write dist/emergence-<version>.zip from the built tree `root` and return its path."""
    root = Path(root)
    entry = provenance(root)
    if not entry:
        raise InputError(root, PROVENANCE, "a git checkout with a commit, or a copy that carries its provenance file")
    top = archive_name()
    target = Path(dist) if dist is not None else root / DIST
    path = target / f"{top}.zip"
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        members = {name: (root / name).read_bytes() for name in package_files(root)}
        members[PROVENANCE] = provenance_text(entry).encode("utf-8")
        for name in sorted(members):
            archive.writestr(_entry(f"{top}/{name}"), members[name], compresslevel=9)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emergence.package", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the built project (default: here)")
    parser.add_argument("--dist", type=Path, default=None, help="where the zip goes (default: ROOT/dist)")
    args = parser.parse_args(argv)
    path = write_package(args.root, args.dist)
    print(f"{path}: {path.stat().st_size} bytes, sha256 {sha256_file(path)}")


if __name__ == "__main__":
    main()
