"""What the report notebook's code cells call: quoted numbers, figure and table blocks, as Markdown outputs.

Every number a reader sees in the prose passes through `number`, from the results file; figures and tables are
the build's own files, referenced relative to the notebook's folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from IPython.display import Markdown, display

from emergence.errors import InputError
from emergence.registry import spec
from emergence.report.results_file import read_results
from emergence.views.labels import number

__all__ = ["Markdown", "display", "figure", "join", "load", "number", "table"]


def load(results_path: str | os.PathLike) -> dict:
    return read_results(results_path)


def figure(name: str, figures_dir: str | os.PathLike, fmt: str = "svg") -> Markdown:
    """The figure as a captioned image labelled fig-<name> (caption from the catalog). The renderer numbers it, and
    prose refers to it as `@fig-<name>`, which reads "Figure N" in every format."""
    path = Path(figures_dir) / f"{name}.{fmt}"
    if not path.exists():
        raise InputError(path, "file", f"figure '{name}' drawn by the build")
    return Markdown(f"![{spec(name).title}]({path.as_posix()}){{#fig-{name}}}")


def table(name: str, tables_dir: str | os.PathLike) -> Markdown:
    """The report table's Markdown rendering, as written by the tabulate step, with its caption labelled
    tbl-<name>: the renderer numbers it, and prose refers to it as `@tbl-<name>` ("Table N")."""
    path = Path(tables_dir) / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    if f"{{#tbl-{name}}}" not in text:
        raise InputError(path, "caption", f"a table caption labelled {{#tbl-{name}}}")
    return Markdown(text)


def join(*parts: Markdown | str) -> Markdown:
    """Several blocks as one Markdown output (so a section that may be absent is a single cell's output)."""
    return Markdown("\n\n".join(p.data if isinstance(p, Markdown) else p for p in parts))
