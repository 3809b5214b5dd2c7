"""Copies of the project as a clean clone would hold it, for builds that must not touch the working tree.

A tree is either a git checkout or a plain copy (a copy made here, an unpacked archive). From a checkout, git lists
the files and states the commit; a plain copy carries that statement in its provenance file, written when the copy
or the archive was made, and its files are those the `.gitignore` files do not exclude, as git would list them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from pathspec import GitIgnoreSpec

from emergence.config import ROOT
from emergence.errors import InputError
from emergence.io import write_text

PROVENANCE = "PROVENANCE.json"
PROVENANCE_KEYS = ("commit", "commit_date", "commit_epoch", "modified", "modified_files")


def git(repo: str | os.PathLike, *args: str) -> str | None:
    """git's output in `repo` (without its final newline: a status line may start with a space), or None where
    git is missing, `repo` is no repository, the command fails or says nothing."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 and done.stdout.strip() else None


def is_checkout(root: str | os.PathLike) -> bool:
    return (Path(root) / ".git").exists()


def _ignored(path: str, specs: list[tuple[str, GitIgnoreSpec]]) -> bool:
    """git's verdict: the last pattern that matches decides, a deeper .gitignore over a shallower one."""
    verdict = False
    for folder, spec in specs:
        result = spec.check_file(path[len(folder) :] if folder else path)
        if result.include is not None:
            verdict = result.include
    return verdict


def _walk(root: Path) -> list[str]:
    """The files of a plain tree that git would list: an excluded folder is not entered (so nothing under it can
    be re-included, as in git), and `.git` is never listed."""
    found: list[str] = []

    def visit(folder: Path, specs: list[tuple[str, GitIgnoreSpec]]) -> None:
        prefix = "" if folder == root else folder.relative_to(root).as_posix() + "/"
        ignore = folder / ".gitignore"
        if ignore.is_file():
            specs = [*specs, (prefix, GitIgnoreSpec.from_lines(ignore.read_text(encoding="utf-8").splitlines()))]
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            name = prefix + entry.name
            if entry.name == ".git":
                continue
            if entry.is_dir(follow_symlinks=False):
                if not _ignored(name + "/", specs):
                    visit(Path(entry.path), specs)
            elif entry.is_file() and not _ignored(name, specs):
                found.append(name)

    visit(root, [])
    return found


def project_files(root: Path = ROOT) -> list[str]:
    """Tracked files and untracked ones that git does not ignore, relative to `root`; from a plain copy, the same
    list read from the tree and its `.gitignore` files."""
    root = Path(root)
    if not is_checkout(root):
        return sorted(_walk(root))
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({p for p in out.split("\0") if p and (root / p).is_file()})


def _modified_files(root: Path) -> list[str]:
    """Paths that differ from the commit: changed, added, deleted, renamed (both names) or untracked, not ignored."""
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all") or ""
    fields = out.split("\0")
    paths, i = set(), 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        paths.add(entry[3:])
        if "R" in entry[:2] or "C" in entry[:2]:  # a rename or copy is followed by its original name
            paths.add(fields[i])
            i += 1
    return sorted(paths)


def read_provenance(root: str | os.PathLike) -> dict:
    """What a plain copy's provenance file states; {} in a git checkout (git answers there) or without the file."""
    path = Path(root) / PROVENANCE
    if is_checkout(root) or not path.is_file():
        return {}
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(path, "file", "a JSON object", str(exc)) from None
    missing = [k for k in PROVENANCE_KEYS if not isinstance(entry, dict) or k not in entry]
    if missing:
        raise InputError(path, "keys", f"all of {list(PROVENANCE_KEYS)}", f"missing {missing}")
    if not isinstance(entry["commit_epoch"], int) or isinstance(entry["commit_epoch"], bool):
        raise InputError(path, "commit_epoch", "whole seconds since 1970-01-01", entry["commit_epoch"])
    return entry


def provenance(root: str | os.PathLike = ROOT) -> dict:
    """Where a tree comes from: in a git checkout, its commit, the commit's date and the files that differ from it;
    in a plain copy, what its provenance file recorded; {} when neither says (no commit yet, no file)."""
    root = Path(root)
    if not is_checkout(root):
        return read_provenance(root)
    commit, stamp = git(root, "rev-parse", "HEAD"), git(root, "log", "-1", "--format=%ct")
    if commit is None or stamp is None:
        return {}
    modified = _modified_files(root)
    return {
        "commit": commit,
        "commit_date": datetime.fromtimestamp(int(stamp), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit_epoch": int(stamp),
        "modified": bool(modified),
        "modified_files": modified,
    }


def provenance_text(entry: dict) -> str:
    """The provenance file's bytes: keys in a fixed order, so the same tree gives the same file."""
    return json.dumps({k: entry[k] for k in PROVENANCE_KEYS}, indent=2) + "\n"


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """Copy the project's files to `dest`; from a git checkout, record its commit there in the provenance file
    (a plain copy carries its own along as one of its files)."""
    dest, root = Path(dest), Path(root)
    for name in project_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    if is_checkout(root) and (entry := provenance(root)):
        write_text(dest / PROVENANCE, provenance_text(entry))
    return dest
