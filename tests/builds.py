"""Whole builds of the default workflow in temporary copies of the project, shared by the slow tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from emergence.checkout import copy_project
from emergence.io import sha256_file

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
OUTPUT_DIRS = ("data/processed", "reports")
_REFERENCE: dict[str, Path] = {}


def snakemake(copy: Path, *args: str, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "snakemake"), "--cores", "2", *args],
        cwd=copy,
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build(copy: Path, *args: str, env: dict | None = None) -> Path:
    result = snakemake(copy, *args, env=env)
    assert result.returncode == 0, f"build failed in {copy}:\n{result.stderr[-4000:]}"
    return copy


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by path relative to it."""
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def output_checksums(copy: Path) -> dict[str, str]:
    """sha256 of every build output (the files under data/processed and reports), by path in the copy."""
    return {f"{d}/{name}": digest for d in OUTPUT_DIRS for name, digest in checksums(copy / d).items()}


def differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def stray_temporaries(copy: Path) -> list[str]:
    """Temporary files of the atomic writes that a finished build must not leave behind."""
    return sorted(str(p.relative_to(copy)) for d in OUTPUT_DIRS for p in (copy / d).rglob(".*.tmp*"))


def reference_build(tmp_path_factory) -> Path:
    """One uninterrupted default build per test session, for the other builds to be compared with."""
    if "default" not in _REFERENCE:
        _REFERENCE["default"] = build(copy_project(tmp_path_factory.mktemp("reference")))
    return _REFERENCE["default"]


def planned_rules(copy: Path, *args: str) -> set[str]:
    """The rules a dry run would execute (the default target excluded)."""
    result = snakemake(copy, "--dry-run", "--quiet", "rules", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    rules = set()
    in_table = False
    for line in result.stdout.splitlines():
        parts = line.split()
        if parts[:2] == ["job", "count"]:
            in_table = True
            continue
        if in_table and parts[:1] == ["total"]:
            break  # the table ends here; what follows (reasons, a forced run's notes) names no rule
        if in_table and parts and parts[0] != "all" and not set(parts[0]) <= {"-"}:
            rules.add(parts[0])
    return rules
