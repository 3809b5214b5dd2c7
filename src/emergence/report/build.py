"""The report's tabulate step: read the build's tables and manifests, write the report tables and results JSON."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from emergence import registry
from emergence.report.catalog import tables_for
from emergence.report.provenance import build_info, manifest_frames
from emergence.report.results import build_results, write_results
from emergence.report.tabulate import write_report_table, write_tables_workbook
from emergence.settings import ViewSettings


def tabulate_report(
    tables: Mapping[str, str | os.PathLike],
    manifests: Sequence[str | os.PathLike],
    settings: ViewSettings,
    tables_dir: str | os.PathLike,
    results_path: str | os.PathLike,
    repo: str | os.PathLike,
    environ: Mapping[str, str],
) -> list[Path]:
    """Write every report table whose inputs are given, and the results JSON; return the paths written."""
    inputs = {name: registry.read(name, path) for name, path in tables.items()}
    inputs["sources"], inputs["files"] = manifest_frames(manifests)
    written = []
    for table in tables_for(set(inputs)):
        written += write_report_table(table, inputs, settings, tables_dir)
    written.append(write_tables_workbook(tables_for(set(inputs)), tables_dir))
    results = build_results(inputs, settings, build_info(repo, environ), inputs["sources"])
    write_results(results, results_path)
    return [*written, Path(results_path)]
