"""Run the report notebook (its jupytext source) with injected parameters and keep the executed notebook.

Cell ids are set from their position and timings are not recorded, so the executed notebook has the same bytes
on every build of the same inputs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from emergence.errors import InputError
from emergence.io import write_text

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


def inject_parameters(nb: nbformat.NotebookNode, parameters: Mapping[str, object], where: str) -> None:
    """Insert a cell assigning `parameters` right after the cell tagged 'parameters' (papermill's convention)."""
    tagged = [i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise InputError(where, "cells", f"exactly one code cell tagged '{PARAMETERS_TAG}'", len(tagged))
    source = "# Parameters injected by the workflow\n" + "\n".join(
        f"{key} = {value!r}" for key, value in sorted(parameters.items())
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(tagged[0] + 1, cell)


def stable_ids(nb: nbformat.NotebookNode) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"


def execute_notebook(
    source: str | os.PathLike,
    output: str | os.PathLike,
    parameters: Mapping[str, object],
    kernel: str = "python3",
    timeout: int = 600,
) -> nbformat.NotebookNode:
    """Execute the jupytext notebook `source` in the folder of `output` and write the executed notebook there.

    A failing cell raises (with the cell's error) and no notebook is written.
    """
    nb = jupytext.read(source)
    inject_parameters(nb, parameters, str(source))
    stable_ids(nb)
    workdir = Path(output).parent
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
        # the kernel's own start-up notices (its transport on this local machine) would land in the build's output;
        # a cell's error still reaches the build through the client
        extra_arguments=["--log-level=ERROR"],
    )
    client.execute()
    nb.metadata.pop("jupytext", None)
    write_text(output, nbformat.writes(nb))
    return nb


def notebook_parameters(
    output: str | os.PathLike,
    results: str | os.PathLike,
    figures: Sequence[str | os.PathLike],
    tables: Sequence[str | os.PathLike],
) -> dict[str, str]:
    """The notebook's parameters as paths relative to the executed notebook's folder (no absolute paths, so the
    executed notebook is the same in every clone)."""
    base = Path(output).parent

    def folder(paths: Sequence[str | os.PathLike], what: str) -> str:
        parents = sorted({str(Path(p).parent) for p in paths})
        if len(parents) != 1:
            raise InputError(f"inputs of {output}", what, "files in one folder", parents)
        return Path(os.path.relpath(parents[0], base)).as_posix()

    return {
        "results_path": Path(os.path.relpath(results, base)).as_posix(),
        "figures_dir": folder(figures, "figures"),
        "tables_dir": folder(tables, "tables"),
    }
