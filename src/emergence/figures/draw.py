"""Draw one family of figures from its input tables, in the project style, and save every format."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.style  # noqa: E402
import pandas as pd  # noqa: E402

from emergence import registry  # noqa: E402
from emergence.errors import InputError  # noqa: E402
from emergence.figures.common import figure_files  # noqa: E402
from emergence.io import write_files  # noqa: E402
from emergence.registry import figures_of  # noqa: E402
from emergence.settings import ViewSettings


def draw_family(
    family: str,
    tables: Mapping[str, pd.DataFrame],
    settings: ViewSettings,
    outdir: str | Path,
    formats: Sequence[str],
    style: str | Path,
) -> list[Path]:
    """Draw every figure of `family` with the style file `style` and save it as outdir/<name>.<format>: all of
    them once every one is drawn, so a figure that fails leaves none of the family."""
    files: dict[Path, bytes] = {}
    for spec in figures_of(family):
        missing = [t for t in spec.tables if t not in tables]
        if missing:
            raise InputError(f"figure {spec.name}", "input tables", f"tables {list(spec.tables)}", f"missing {missing}")
        module_name, function_name = spec.draw.rsplit(".", 1)
        draw = getattr(importlib.import_module(f"emergence.figures.{module_name}"), function_name)
        with matplotlib.style.context(str(style)):
            fig = draw({t: tables[t] for t in spec.tables}, settings, spec.title)
            files.update(figure_files(fig, Path(outdir) / spec.name, formats))
    write_files(files)
    return list(files)


def draw_family_files(
    family: str,
    tables: Mapping[str, str | Path],
    settings: ViewSettings,
    outdir: str | Path,
    formats: Sequence[str],
    style: str | Path,
) -> list[Path]:
    """draw_family on the processed tables at the given paths (name -> CSV), each validated as it is read."""
    frames = {name: registry.read(name, path) for name, path in tables.items()}
    return draw_family(family, frames, settings, outdir, formats, style)
