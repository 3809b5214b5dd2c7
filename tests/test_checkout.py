"""Copies of the project with or without git: the files listed from a plain tree are those git lists, and a copy
carries the commit it came from in its provenance file, which the report reads when there is no .git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from emergence import checkout
from emergence.checkout import PROVENANCE, copy_project, project_files, provenance, read_provenance
from emergence.errors import InputError
from emergence.report.provenance import build_epoch, git_commit

ROOT = Path(__file__).resolve().parents[1]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command to compare with")

TREE = {
    ".gitignore": "build/\n*.log\n/top_only.txt\n/data/processed/*\n!/data/processed/.gitkeep\ndocs/**/draft.md\n",
    "top_only.txt": "ignored at the top",
    "sub/top_only.txt": "kept: the pattern is anchored",
    "sub/run.log": "ignored at any depth",
    "sub/.gitignore": "*.tmp\n!keep.log\n",
    "sub/a.tmp": "ignored by the nested .gitignore",
    "sub/keep.log": "re-included by the nested .gitignore",
    "build/out.txt": "inside an ignored folder",
    "build/x/keep.log": "not re-included: its folder is ignored",
    "data/processed/.gitkeep": "",
    "data/processed/table.csv": "a build output",
    "data/processed/clean/etd.csv": "a build output in a sub-folder",
    "docs/a/b/draft.md": "ignored through **",
    "docs/a/b/final.md": "kept",
    "src/pkg/module.py": "print('kept')\n",
    "name with space.txt": "kept",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def make_tree(root: Path, files: dict[str, str] = TREE) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def make_repo(root: Path) -> Path:
    make_tree(root)
    git(root, "init", "-q")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "add", "-A")
    env = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(
        ["git", "-C", str(root), *env, "commit", "-q", "-m", "first", "--date=2001-02-03T04:05:06Z"],
        check=True,
        env={"GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z", "PATH": "/usr/bin:/bin"},
    )
    return root


@needs_git
def test_a_plain_tree_lists_the_files_git_lists(tmp_path):
    repo = make_repo(tmp_path / "repo")
    by_git = project_files(repo)
    assert "sub/keep.log" in by_git and "build/x/keep.log" not in by_git and "data/processed/table.csv" not in by_git
    shutil.rmtree(repo / ".git")
    assert project_files(repo) == by_git


@needs_git
def test_the_project_lists_the_same_files_with_and_without_git():
    if not (ROOT / ".git").exists():
        pytest.skip("the project is not a git checkout here: nothing to compare the walk with")
    # Files may appear while other work goes on: the walk must agree with git's list taken before or after it.
    before = project_files(ROOT)
    walked = sorted(checkout._walk(ROOT))
    after = project_files(ROOT)
    assert walked in (before, after)


@needs_git
def test_a_copy_records_the_commit_and_the_files_modified_from_it(tmp_path):
    repo = make_repo(tmp_path / "repo")
    (repo / "src/pkg/module.py").write_text("print('changed')\n")
    (repo / "new.txt").write_text("untracked")
    (repo / "name with space.txt").unlink()
    git(repo, "mv", "docs/a/b/final.md", "docs/final.md")
    copy = copy_project(tmp_path / "copy", repo)
    recorded = json.loads((copy / PROVENANCE).read_text())
    assert recorded["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert recorded["commit_date"] == "2001-02-03T04:05:06Z" and recorded["commit_epoch"] == 981173106
    assert recorded["modified"] is True
    assert recorded["modified_files"] == sorted(
        ["docs/a/b/final.md", "docs/final.md", "name with space.txt", "new.txt", "src/pkg/module.py"]
    )
    assert (copy / "new.txt").is_file() and not (copy / "top_only.txt").exists()


@needs_git
def test_the_report_reads_the_commit_from_the_provenance_file_without_git(tmp_path):
    repo = make_repo(tmp_path / "repo")
    commit = git(repo, "rev-parse", "HEAD").strip()
    copy = copy_project(tmp_path / "copy", repo)
    assert provenance(repo)["modified"] is False
    assert git_commit(copy) == commit and build_epoch(copy, {}) == 981173106
    assert build_epoch(copy, {"SOURCE_DATE_EPOCH": "86400"}) == 86400  # the environment still wins
    again = copy_project(tmp_path / "copy-of-copy", copy)  # a plain copy carries its file along, unchanged
    assert (again / PROVENANCE).read_bytes() == (copy / PROVENANCE).read_bytes()
    assert git_commit(again) == commit


def test_a_tree_without_git_or_provenance_file_has_no_commit(tmp_path):
    tree = make_tree(tmp_path / "plain")
    assert provenance(tree) == {} and read_provenance(tree) == {} and git_commit(tree) == "unknown"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "a JSON object"),
        (json.dumps({"commit": "abc"}), "missing ['commit_date', 'commit_epoch', 'modified', 'modified_files']"),
        (
            json.dumps(
                {"commit": "a", "commit_date": "d", "commit_epoch": "soon", "modified": False, "modified_files": []}
            ),
            "commit_epoch",
        ),
    ],
)
def test_a_bad_provenance_file_is_refused_naming_it(tmp_path, text, named):
    (tmp_path / PROVENANCE).write_text(text)
    with pytest.raises(InputError) as error:
        read_provenance(tmp_path)
    assert PROVENANCE in str(error.value) and named in str(error.value)
