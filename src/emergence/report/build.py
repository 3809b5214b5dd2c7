"""The report's tabulate step: read the build's tables and manifests, write the report tables and results JSON."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from emergence import registry
from emergence.io import read_table, write_files
from emergence.report.catalog import tables_for
from emergence.report.configured import config_record
from emergence.report.provenance import build_info, manifest_frames
from emergence.report.results import build_results, results_json
from emergence.report.tabulate import WORKBOOK, report_table_files, tables_workbook
from emergence.settings import ViewSettings


def tabulate_report(
    tables: Mapping[str, str | os.PathLike],
    manifests: Sequence[str | os.PathLike],
    settings: ViewSettings,
    tables_dir: str | os.PathLike,
    results_path: str | os.PathLike,
    repo: str | os.PathLike,
    environ: Mapping[str, str],
    config: Mapping,
) -> list[Path]:
    """Write every report table whose inputs are given, and the results JSON (with the build's provenance and its
    resolved `config`), all of them once every one is made; return the paths written."""
    inputs = {name: registry.read(name, path) for name, path in tables.items()}
    inputs["sources"], inputs["files"] = manifest_frames(manifests)
    files: dict[Path, bytes] = {}
    for table in tables_for(set(inputs)):
        files.update(report_table_files(table, inputs, settings, tables_dir))

    def made(name: str):  # a report table's CSV as made above, read back as from its file
        return read_table(io.BytesIO(files[Path(tables_dir) / f"{name}.csv"]))

    files[Path(tables_dir) / WORKBOOK] = tables_workbook(tables_for(set(inputs)), made)
    build = {**build_info(repo, environ), **config_record(config)}
    results = build_results(inputs, settings, build, inputs["sources"])
    files[Path(results_path)] = results_json(results).encode("utf-8")
    write_files(files)
    return list(files)
