"""Copies of the project as a clean clone would hold it, for builds that must not touch the working tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from emergence.config import ROOT


def project_files(root: Path = ROOT) -> list[str]:
    """Tracked files and untracked ones that git does not ignore, relative to `root`."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({p for p in out.split("\0") if p and (root / p).is_file()})


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    for name in project_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return dest
