"""Notebooks outside the build: `emergence.explore` loads any processed table by name, validated; the example
notebook of notebooks/explore and the report notebook run from their own folders against a built project."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from emergence import explore as processed
from emergence import registry
from emergence.errors import InputError
from emergence.io import read_table

ROOT = Path(__file__).resolve().parents[1]
EXPLORE = ROOT / "notebooks" / "explore"


def run_notebook(path: Path) -> list[dict]:
    """Execute a jupytext notebook in its own folder, as JupyterLab does, and return its cells."""
    nb = jupytext.read(path)
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb.cells


def test_names_are_the_registry_tables_and_an_unknown_one_lists_them():
    assert processed.names() == sorted(t.name for t in registry.TABLES) and "etd" in processed.names()
    with pytest.raises(InputError, match="expected one of .*'etd'"):
        processed.load("edt")


def test_a_table_not_built_says_how_to_build_it(tmp_path):
    with pytest.raises(InputError, match=r"clean/etd.csv: file: expected table 'etd' built by `make report`"):
        processed.load("etd", root=tmp_path)


def test_a_table_is_read_validated_from_the_project_root(tmp_path, clean_paths):
    target = tmp_path / registry.table("etd").path
    target.parent.mkdir(parents=True)
    shutil.copy(clean_paths["etd"], target)
    loaded = processed.load("etd", root=tmp_path)
    assert loaded.equals(read_table(clean_paths["etd"], registry.schema_of("etd")))
    lines = target.read_text().splitlines(keepends=True)
    target.write_text("".join([*lines, lines[1]]))  # a row twice: the schema's unique key refuses it
    with pytest.raises(InputError, match="etd"):
        processed.load("etd", root=tmp_path)


def test_exploratory_outputs_are_ignored_by_git_and_their_sources_are_not():
    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0

    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to ask git about")
    assert ignored("notebooks/explore/example.ipynb") and ignored("notebooks/explore/shares.csv")
    assert not ignored("notebooks/explore/example.py") and not ignored("notebooks/explore/another.py")


@pytest.mark.build
def test_the_example_notebook_runs_on_the_built_tables():
    cells = run_notebook(EXPLORE / "example.py")
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "'etd'" in outputs[0]["data"]["text/plain"]  # the list of names


@pytest.mark.build
def test_the_report_notebook_runs_from_its_folder_with_its_own_parameters():
    cells = run_notebook(ROOT / "notebooks" / "report.py")
    markdown = [o["data"]["text/markdown"] for c in cells if c.cell_type == "code" for o in c.outputs if "data" in o]
    assert any("../reports/figures/" in text for text in markdown)
