"""The trace of the build's outputs back to the rules that made them and the raw files behind them, from the
workflow's rules (name, script, inputs, outputs): the HTML report's provenance (`number_origins` for the numbers the
prose quotes, `artefact_captions` for its figures and tables) and the replication README's lists of programs."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from emergence import manifest, registry
from emergence.errors import InputError
from emergence.report.catalog import TABLES as REPORT_TABLES
from emergence.report.results import SECTIONS
from emergence.report.tabulate import FORMATS as TABLE_FORMATS

RAW = "data/raw"  # as the workflow names the raw files
RESULTS = "reports/results.json"
REPORT = "reports/report.html"
CONFIG = "config/config.yaml"
CONFIG_SCHEMA = "workflow/schemas/config.schema.yaml"


def producers_of(rules: Sequence[Mapping]) -> dict[str, Mapping]:
    return {output: rule for rule in rules for output in rule["outputs"]}


def artefacts(rules: Sequence[Mapping]) -> list[dict]:
    """Every table, figure and group of numbers the report shows: its label in the report (fig-x, tbl-x; none for
    numbers), item, title, files, the tables it reads and the rule that makes it (None if no rule does)."""
    producers = producers_of(rules)
    out = [
        {
            "label": f"tbl-{t.name}",
            "item": f"Table `{t.name}`",
            "title": t.title,
            "files": [f"reports/tables/{t.name}.{fmt}" for fmt in TABLE_FORMATS],
            "tables": [name for name in t.inputs if name in registry.BY_NAME],
        }
        for t in REPORT_TABLES
    ]
    for spec in registry.FIGURES:
        files = [f for f in producers if f.startswith(f"{registry.FIGURES_DIR}/{spec.name}.")]
        item = {"label": f"fig-{spec.name}", "item": f"Figure `{spec.name}`", "title": spec.title}
        out.append({**item, "files": sorted(files), "tables": list(spec.tables)})
    out += [
        {
            "label": None,
            "item": f"Numbers `{s.name}`",
            "title": "numbers quoted in the prose",
            "files": [RESULTS],
            "tables": list(s.inputs),
        }
        for s in SECTIONS
    ]
    for entry in out:
        entry["rule"] = next((producers[f] for f in entry["files"] if f in producers), None)
    return out


def raw_inputs(path: str, rules: Sequence[Mapping]) -> list[str]:
    """The raw data files a build output is made from: its rule's data inputs, followed back to `data/raw`. The
    check of the raw files (verify_raw's table) is a gate every stage waits for, not data it reads, so it is not
    followed; the manifests are the raw files' descriptions, not data."""
    producers, gate = producers_of(rules), registry.table("ingest_verified").path
    seen, todo, raw = set(), [path], set()
    while todo:
        item = todo.pop()
        if item in seen or item == gate:
            continue
        seen.add(item)
        if item.startswith(f"{RAW}/"):
            if Path(item).name != manifest.MANIFEST:
                raw.add(item)
        elif item in producers:
            todo += producers[item]["inputs"]
    return sorted(raw)


def raw_checksums(manifests: Sequence[str | os.PathLike]) -> dict[str, str]:
    """The sha256 each manifest records, by raw file path (as the workflow names it)."""
    return {
        path.as_posix(): item["sha256"]
        for m in sorted(str(p) for p in manifests)
        for path, item in zip(manifest.files(m), manifest.load(m)["files"], strict=True)
    }


def made_by(rule: Mapping) -> str:
    return f"rule {rule['rule']}" + (f" ({rule['script']})" if rule["script"] else "")


def number_origins(rules: Sequence[Mapping], manifests: Sequence[str | os.PathLike]) -> dict[str, str]:
    """Where each section of the results file comes from, as the lines of a tooltip: the rule that writes the
    results, each table the section reads with its file and rule, and each raw file behind them with the sha256
    its manifest records. `settings` come from the configuration."""
    producers, checksums = producers_of(rules), raw_checksums(manifests)
    origins = {"settings": f"the build's settings: {CONFIG} with the defaults of {CONFIG_SCHEMA}"}
    for section in SECTIONS:
        lines = [f"section {section.name}, written by {made_by(producers[RESULTS])} from:"]
        raw = set()
        for name in section.inputs:
            path = registry.table(name).path
            if path not in producers:
                raise InputError("workflow", f"table {name}", "a rule that writes it", "none")
            lines.append(f"table {name} ({path}, {made_by(producers[path])})")
            raw |= set(raw_inputs(path, rules))
        for path in sorted(raw):
            if path not in checksums:
                raise InputError(path, "manifest", "a raw file its manifest lists with a sha256", "not listed")
            lines.append(f"raw {path} sha256 {checksums[path]}")
        origins[section.name] = "\n".join(lines)
    return origins


def artefact_captions(rules: Sequence[Mapping]) -> dict[str | None, str]:
    """The line each figure and table of the report carries in the HTML, by its label: the rule and script that
    made it and the tables it reads; under None, the line of the notebook's own tables (made with the report)."""
    out: dict[str | None, str] = {}
    for entry in artefacts(rules):
        if entry["label"] is not None and entry["rule"] is not None:
            tables = f" from the tables {', '.join(entry['tables'])}" if entry["tables"] else ""
            out[entry["label"]] = f"Made by {made_by(entry['rule'])}{tables}."
    report = producers_of(rules).get(REPORT)
    if report is not None:
        out[None] = f"Made by {made_by(report)} from {RESULTS}."
    return out
