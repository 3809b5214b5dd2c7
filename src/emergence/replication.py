"""The replication README (reports/README.md), in the structure of the AEA Data Editor's template.

Everything it states is read from the build: the sources from the snapshots' manifests, the datasets from the
codebook, the software from the lock file, the programs from the workflow's rules and the imports of their scripts,
the runtimes and peak memory from Snakemake's benchmark files, the report's sections from its notebook. No clock:
the same build on the same machine gives the same bytes (runtimes and memory are given in the coarse bands the
template asks for, so a rebuild does not change them).

The trace of outputs to rules and raw files is emergence.report.lineage, which the HTML report shares.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from emergence import registry
from emergence.codedeps import script_code
from emergence.errors import InputError
from emergence.io import write_text
from emergence.report.lineage import (
    REPORT,
    RESULTS,
    artefacts,
    producers_of,
)
from emergence.report.provenance import manifest_frames

NOT_MEASURED = "not measured"
# The template's bands of "approximate time needed", by upper bound in seconds: wide enough that the load of the
# machine does not move a rule from one to the next between two builds (the seconds are in the benchmark files).
BANDS = (
    (600, "under 10 minutes"),
    (3600, "10-60 minutes"),
    (7200, "1-2 hours"),
    (28800, "2-8 hours"),
    (86400, "8-24 hours"),
    (259200, "1-3 days"),
    (1209600, "3-14 days"),
)
README = "reports/README.md"
OWN_RUN = "in its benchmark file (it runs last)"
# Peak resident memory, by upper bound in MB (Snakemake's max_rss), as wide as the bands of time.
MEMORY_BANDS = ((1024, "under 1 GiB"), (4096, "1-4 GiB"), (16384, "4-16 GiB"), (65536, "16-64 GiB"))
# Modules nearly every script imports: named once, not in each rule's row.
BASE_MODULES = ("config", "errors", "io", "runner", "settings", "tables")


def band(seconds: float) -> str:
    return next((text for bound, text in BANDS if seconds < bound), "over 14 days")


def memory_band(megabytes: float | None) -> str:
    if megabytes is None:
        return NOT_MEASURED
    return next((text for bound, text in MEMORY_BANDS if megabytes < bound), "over 64 GiB")


def benchmark_measures(path: str | os.PathLike) -> tuple[float, float | None]:
    """The wall-clock seconds and the peak resident memory (MB) a Snakemake benchmark file records, the means of
    its repeats; the memory is None when Snakemake could not measure it (NA: a job shorter than its sampling)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    try:
        seconds = [float(row["s"]) for row in rows]
        memory = [float(row["max_rss"]) for row in rows if row.get("max_rss", "NA") not in ("NA", "-", "")]
    except (KeyError, TypeError, ValueError):
        raise InputError(path, "columns 's', 'max_rss'", "numbers, as Snakemake's benchmark files give them") from None
    if not seconds:
        raise InputError(path, "rows", "at least one measurement", "none")
    return sum(seconds) / len(seconds), (sum(memory) / len(memory) if memory else None)


def machine() -> dict[str, str]:
    """The machine the build runs on: system, processor, cores, memory (rounded), Python."""
    cpu, memory = platform.processor() or platform.machine(), "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    if Path("/proc/meminfo").exists():
        kib = next(
            int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
        )
        memory = f"{round(kib / 2**20)} GiB"
    return {
        "system": f"{platform.system()} {platform.machine()}",
        "processor": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
    }


def lock_versions(path: str | os.PathLike) -> list[tuple[str, str]]:
    """The exact versions of requirements.lock, as (package, version)."""
    pins = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("--hash="):  # the sha256 of a file of the pin above
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise InputError(path, f"line {number}", "a pin 'package==version'", line)
        pins.append((name.strip(), version.split(" --hash=", 1)[0].rstrip("\\").strip()))
    return pins


def modules_of(script: str, root: str | os.PathLike = ".") -> list[str]:
    """The package modules a script imports (transitively), as dotted names, the base ones left out."""
    names = []
    for path in script_code(Path(root) / script):
        parts = Path(path).with_suffix("").parts[1:]  # src/emergence/x/y.py -> emergence.x.y
        name = ".".join(parts[1:-1] if parts[-1] == "__init__" else parts[1:])
        if name and name not in BASE_MODULES:
            names.append(f"emergence.{name}")
    return sorted(set(names))


def _table(header: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


# In the report notebook (jupytext percent source): a top-level heading, and a figure or table placed by a code cell.
HEADING = re.compile(r"^# # (?P<title>.+?)(?: \{[^}]*\})?$", re.M)
PLACED = re.compile(r'^(?P<kind>figure|table)\("(?P<name>\w+)"', re.M)
TEMPLATE_NAME = re.compile(r"\{\{.*?\}\}")


def report_sections(notebook: str) -> list[dict]:
    """Each top-level section of the report notebook, in order: its heading (a name the prose fills in reads "the
    focus country") and the figures and tables placed in it."""
    headings = list(HEADING.finditer(notebook))
    sections = []
    for heading, after in zip(headings, [*headings[1:], None], strict=True):
        body = notebook[heading.end() : after.start() if after else len(notebook)]
        placed = [(m["kind"], m["name"]) for m in PLACED.finditer(body)]
        title = TEMPLATE_NAME.sub("the focus country", heading["title"]).strip()
        sections.append(
            {
                "title": title[:1].upper() + title[1:],
                "figures": [name for kind, name in placed if kind == "figure"],
                "tables": [name for kind, name in placed if kind == "table"],
            }
        )
    return sections


def report_map(notebook: str, rules: Sequence[Mapping]) -> list[tuple[str, str, str, str]]:
    """(section, figures, tables, rules) of each section of the report: the rules that drew its figures and wrote
    its tables, and the one that computed the numbers its prose quotes."""
    producers = producers_of(rules)
    rows = []
    for section in report_sections(notebook):
        files = [f"{registry.FIGURES_DIR}/{f}.svg" for f in section["figures"]]
        files += [f"reports/tables/{t}.md" for t in section["tables"]]
        made = sorted({producers[f]["rule"] for f in [*files, RESULTS] if f in producers})
        rows.append(
            (
                section["title"],
                ", ".join(f"`{f}`" for f in section["figures"]),
                ", ".join(f"`{t}`" for t in section["tables"]),
                ", ".join(f"`{r}`" for r in made),
            )
        )
    return rows


def replication_readme(
    *,
    title: str,
    commit: str,
    manifests: Sequence[str | os.PathLike],
    datapackage: str | os.PathLike,
    lock: str | os.PathLike,
    rules: Sequence[Mapping],
    benchmarks: Mapping[str, str | os.PathLike],
    machine_info: Mapping[str, str],
    seed: int,
    root: str | os.PathLike = ".",
    benchmark_dir: str,
    notebook: str = "",
) -> str:
    """The README's text. `rules`: the workflow's rules as {rule, script, outputs}; `benchmarks`: the benchmark
    file of each rule that has one; `root`: the project, where the scripts are; `notebook`: the report notebook's
    source, whose sections are mapped to the rules behind them."""
    sources, files = manifest_frames(manifests)
    package = json.loads(Path(datapackage).read_text(encoding="utf-8"))
    producers = producers_of(rules)
    by_rule = {rule["rule"]: rule for rule in rules}
    # This README's own rule is measured once it has written it: its file is left out, or a rebuild would differ.
    own = producers.get(README, {}).get("rule")
    runtimes = {name: benchmark_measures(path) for name, path in sorted(benchmarks.items()) if name != own}
    lines = [
        f"# Replication package: {title}",
        "",
        "This README follows the structure of the AEA Data Editor's template. It is generated by the build "
        "(rule `write_replication_readme`) from the snapshots' manifests, the codebook, the lock file and the "
        "workflow, so it states what the build did.",
        "",
        "## Overview",
        "",
        "The code in this package turns published national statistics on Morocco and its peers, as republished in "
        "harmonised international releases, into tidy validated tables, growth and structural-change models, "
        "figures and a report (HTML, PDF, Word) that re-examines Amraoui et al. (2019). One command, `make report`, "
        f"runs the whole workflow ({len(rules)} rules) from the raw snapshots in `data/raw/`. "
        f"The code is that of commit `{commit}` (`PROVENANCE.json`, at the top of the archive, records the commit, "
        "its date and any file modified from it).",
        "",
        "## Data availability and provenance statements",
        "",
        "### Statement about rights",
        "",
        "The raw files are extracts of published releases (the rows of the project's countries, in the "
        "publisher's own layout). The code is under the MIT licence (`LICENSE`); the data keep their publishers' "
        'terms, stated for each source below as its manifest records them ("not stated" where the publisher '
        "states none: cite the source as given).",
        "",
        "### Summary of availability",
        "",
        "Every source is published at the address given below; the extracts the build reads are included in the "
        "package (`data/raw/`), each checked against the sha256 its manifest records.",
        "",
        "### Details on each data source",
        "",
    ]
    for row in sources.itertuples(index=False):
        lines += [
            f"#### `{row.source}` {row.release}: {row.dataset}",
            "",
            f"- Publisher: {row.publisher}",
            f"- Citation: {row.citation}",
            f"- Licence: {row.licence}",
            f"- Address: {row.url}",
            f"- Date accessed: {row.accessed}",
            f"- Files (in `data/raw/{row.source}/" + ("" if row.source == "paper" else f"{row.release}/") + "`):",
            "",
        ]
        chosen = files[(files["source"] == row.source) & (files["release"] == row.release)]
        lines += _table(
            ["file", "sha256", "bytes"],
            [(f"`{f.file}`", f"`{f.sha256}`", "" if f.bytes is None else f.bytes) for f in chosen.itertuples()],
        )
        lines.append("")
    lines += [
        "## Dataset list",
        "",
        "The raw files are listed above with their checksums (the rule `verify_raw` checks every one before the "
        "build goes on). The processed tables, each described column by column in the codebook "
        "`data/processed/datapackage.json` (a Frictionless Data Package: types, constraints, primary keys, "
        "units, sources), are:",
        "",
    ]
    lines += _table(
        ["table", "file", "rule", "sources"],
        [
            (
                f"`{r['name']}`",
                f"`{registry.PROCESSED}/{r['path']}`",
                f"`{producers[registry.PROCESSED + '/' + r['path']]['rule']}`"
                if f"{registry.PROCESSED}/{r['path']}" in producers
                else "",
                ", ".join(sorted({f"{s['title'].split(',')[0]} ({s['version']})" for s in r.get("sources", [])}))
                or "several",
            )
            for r in package["resources"]
        ],
    )
    pins = lock_versions(lock)
    lines += [
        "",
        "## Computational requirements",
        "",
        "### Software requirements",
        "",
        f"Python 3.11 or newer and `make`. `make report` creates the virtual environment `.venv` from "
        f"`requirements.lock`, which pins {len(pins)} packages:",
        "",
        ", ".join(f"{name} {version}" for name, version in pins) + ".",
        "",
        "### Controlled randomness",
        "",
        f"Every random draw (bootstrap p-values, simulated share intervals) is seeded from `models.seed` in the "
        f"configuration, {seed} in this build.",
        "",
        "### Memory, runtime and storage requirements",
        "",
        "The build was run on this machine:",
        "",
        *(f"- {key}: {value}" for key, value in machine_info.items()),
        "",
        f"Wall-clock time and peak memory (resident set) per rule, as Snakemake's `benchmark:` files of this build "
        f"measured them on that machine ({len(runtimes)} of the {len(rules)} rules measured), in bands wide enough "
        f"that a rebuild states the same; the seconds, megabytes and input/output of each are in "
        f"`{benchmark_dir}/RULE.tsv`:",
        "",
    ]
    lines += _table(
        ["rule", "runtime", "peak memory"],
        [
            (f"`{r['rule']}`", band(runtimes[r["rule"]][0]), memory_band(runtimes[r["rule"]][1]))
            if r["rule"] in runtimes
            else (f"`{r['rule']}`", *([OWN_RUN] * 2 if r["rule"] == own else [NOT_MEASURED] * 2))
            for r in rules
        ],
    )
    lines += [
        "",
        "## Description of programs/code",
        "",
        "The workflow (`Snakefile`, `workflow/rules/*.smk`) runs each rule's script in `workflow/scripts/`, which "
        "unpacks its inputs and calls the package `emergence` (`src/emergence/`). The modules each script reaches "
        f"(read from its imports), besides the base ones every script uses ({', '.join(BASE_MODULES)}):",
        "",
    ]
    lines += _table(
        ["rule", "script", "package modules"],
        [
            (
                f"`{r['rule']}`",
                f"`{r['script']}`" if r["script"] else "",
                ", ".join(modules_of(r["script"], root)) if r["script"] else "",
            )
            for r in rules
        ],
    )
    lines += [
        "",
        "## Instructions to replicators",
        "",
        "1. Unpack the archive and enter its folder (no git needed: the commit is read from `PROVENANCE.json`).",
        "2. `make report` builds every output from the raw files (creating `.venv` from `requirements.lock`).",
        "3. `make test` runs every check: lint, the unit tests, the full build, then rebuilds in copies that are "
        "compared byte for byte.",
        "4. `make package` writes this archive again, `dist/emergence-<version>.zip`, byte for byte the same from "
        "the same tree.",
        "",
        "## List of tables, figures and numbers",
        "",
        "Every table, figure and group of quoted numbers of the report, the rule and script that make it, and "
        "its files:",
        "",
    ]
    rows = [
        (
            a["item"],
            a["title"],
            f"`{a['rule']['rule']}`" if a["rule"] else "",
            f"`{a['rule']['script']}`" if a["rule"] and a["rule"]["script"] else "",
            ", ".join(f"`{o}`" for o in a["files"]),
        )
        for a in artefacts(rules)
    ]
    lines += _table(["item", "title", "rule", "script", "files"], rows)
    if notebook:
        lines += ["", "Each section of the report, the figures and tables it shows and the rules that make them:", ""]
        lines += _table(["section", "figures", "tables", "rules"], report_map(notebook, rules))
    report_rule = producers.get(REPORT)
    if report_rule is not None and report_rule["rule"] in by_rule:
        lines += ["", f"The report itself (`reports/report.html`, `.pdf`, `.docx`) is made by `{report_rule['rule']}`."]
    lines += ["", "## References", ""]
    lines += [f"- {c}" for c in sorted(set(sources["citation"]))]
    return "\n".join(lines) + "\n"


def write_replication_readme(path: str | os.PathLike, **kwargs) -> Path:
    write_text(path, replication_readme(**kwargs))
    return Path(path)
