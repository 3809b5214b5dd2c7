"""The replication package: the archive is byte-reproducible and complete, the generated README states what the
manifests, the lock file and the workflow say, LICENSE and CITATION.cff are valid, and the archive unpacked where
there is no git builds the same outputs and passes the unit tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
import zipfile
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml
from builds import BIN, ENV, output_checksums, planned_rules, reference_build

import emergence
from emergence import manifest, registry
from emergence.checkout import PROVENANCE, provenance_text
from emergence.errors import InputError
from emergence.package import REQUIRED, archive_name, main, write_package
from emergence.replication import (
    band,
    benchmark_measures,
    lock_versions,
    memory_band,
    replication_readme,
    report_map,
    report_sections,
)
from emergence.report.catalog import TABLES as REPORT_TABLES
from emergence.workbook import ZIP_TIME

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted(ROOT.glob("data/raw/*/*/manifest.yaml")) + [ROOT / "data/raw/paper/manifest.yaml"]
CFF_SCHEMA = Path(__file__).parent / "fixtures" / "cff-1.2.0.schema.json"
RECORD = {
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "commit_date": "2001-02-03T04:05:06Z",
    "commit_epoch": 981173106,
    "modified": False,
    "modified_files": [],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plain_tree(root: Path) -> Path:
    """A built project without git: its provenance file, the required files, a source file, build outputs and a
    benchmark file; a log, a stale temporary of an atomic write and an earlier archive (none of which belongs in
    the package)."""
    files = {
        PROVENANCE: provenance_text(RECORD),
        ".gitignore": (ROOT / ".gitignore").read_text(),
        "src/emergence/x.py": "X = 1\n",
        "data/processed/clean/etd.csv": "country\nMAR\n",
        "data/processed/.etd.csv.tmp99.csv": "half written",
        "reports/report.html": "<html></html>",
        "logs/clean.log": "a log",
        "logs/benchmarks/clean_etd.tsv": "s\n1.5\n",
        "dist/emergence-0.0.1.zip": "an earlier archive",
        **{name: f"{name}\n" for name in REQUIRED},
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_archive_holds_the_tree_and_its_outputs_under_one_folder(tmp_path):
    tree = plain_tree(tmp_path / "tree")
    with zipfile.ZipFile(write_package(tree, tmp_path / "dist")) as archive:
        names = archive.namelist()
        infos = archive.infolist()
        assert archive.read(f"{archive_name()}/{PROVENANCE}").decode() == provenance_text(RECORD)
    top = f"{archive_name()}/"
    assert names == sorted(names) and all(n.startswith(top) for n in names)
    assert {n.removeprefix(top) for n in names} == {
        PROVENANCE,
        ".gitignore",
        "src/emergence/x.py",
        "data/processed/clean/etd.csv",
        "reports/report.html",
        "logs/benchmarks/clean_etd.tsv",
        *REQUIRED,
    }
    assert {(i.date_time, i.external_attr >> 16, i.create_system) for i in infos} == {(ZIP_TIME, 0o100644, 3)}


def test_the_same_tree_gives_the_same_bytes_whatever_its_times_and_modes(tmp_path):
    tree = plain_tree(tmp_path / "tree")
    first = sha256(write_package(tree, tmp_path / "one"))
    for i, path in enumerate(sorted(p for p in tree.rglob("*") if p.is_file())):
        os.utime(path, (1e9 + i, 1e9 + i))
        path.chmod(0o755 if i % 2 else 0o600)
    assert sha256(write_package(tree, tmp_path / "two")) == first
    (tree / "src/emergence/x.py").write_text("X = 2\n")
    assert sha256(write_package(tree, tmp_path / "three")) != first


def test_the_command_writes_the_archive_and_prints_its_size_and_checksum(tmp_path, capsys):
    main(["--root", str(plain_tree(tmp_path / "tree")), "--dist", str(tmp_path / "dist")])
    path = tmp_path / "dist" / f"{archive_name()}.zip"
    assert capsys.readouterr().out == f"{path}: {path.stat().st_size} bytes, sha256 {sha256(path)}\n"


def test_an_unbuilt_tree_or_one_without_provenance_is_refused(tmp_path):
    tree = plain_tree(tmp_path / "tree")
    (tree / "reports/README.md").unlink()
    with pytest.raises(InputError, match=r"run `make report` first.*reports/README.md"):
        write_package(tree, tmp_path / "dist")
    (tree / "reports/README.md").write_text("back\n")
    (tree / PROVENANCE).unlink()
    with pytest.raises(InputError, match=PROVENANCE):
        write_package(tree, tmp_path / "dist")


def test_the_licence_is_mit_as_the_project_metadata_says():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 The emergence authors" in text
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()


def test_the_citation_file_is_valid_against_the_cff_schema():
    validator = jsonschema.Draft7Validator(
        json.loads(CFF_SCHEMA.read_text()), format_checker=jsonschema.FormatChecker()
    )
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(citation)) == []
    assert citation["version"] == emergence.__version__ and citation["license"] == "MIT"
    broken = {k: v for k, v in citation.items() if k != "authors"}
    assert [e.message for e in validator.iter_errors(broken)] == ["'authors' is a required property"]


def workflow_rules() -> list[dict]:
    """Three rules as the workflow gives them: a clean table, the report tables and numbers, a figure family."""
    return [
        {
            "rule": "clean_etd",
            "script": "workflow/scripts/clean_source.py",
            "outputs": ["data/processed/clean/etd.csv"],
        },
        {
            "rule": "tabulate_report",
            "script": "workflow/scripts/tabulate_report.py",
            "outputs": ["reports/results.json"] + [f"reports/tables/{t.name}.md" for t in REPORT_TABLES],
        },
        {
            "rule": "draw_sectors_figures",
            "script": "workflow/scripts/draw_figures.py",
            "outputs": [f"{registry.FIGURES_DIR}/{f.name}.svg" for f in registry.figures_of("sectors")],
        },
    ]


@pytest.fixture
def readme(tmp_path) -> str:
    codebook = tmp_path / "datapackage.json"
    codebook.write_text(json.dumps({"resources": [{"name": "etd", "path": "clean/etd.csv"}]}))
    bench = tmp_path / "clean_etd.tsv"
    bench.write_text("s\th:m:s\tmax_rss\n3.5\t0:00:03\t200.1\n")
    return replication_readme(
        title="A title",
        commit=RECORD["commit"],
        manifests=MANIFESTS,
        datapackage=codebook,
        lock=ROOT / "requirements.lock",
        rules=workflow_rules(),
        benchmarks={"clean_etd": bench},
        machine_info={"processor": "a test processor", "cores": "2"},
        seed=7,
        benchmark_dir="logs/benchmarks",
        root=ROOT,
    )


def test_the_readme_states_every_source_file_licence_and_checksum_from_the_manifests(readme):
    for path in MANIFESTS:
        entry = manifest.load(path)
        assert f"- Licence: {entry['licence']}" in readme and f"- Date accessed: {entry['accessed']}" in readme
        for item in entry["files"]:
            assert f"| `{item['name']}` | `{item['sha256']}` |" in readme


def test_the_readme_follows_the_template_and_states_the_build(readme):
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Overview",
        "## Data availability and provenance statements",
        "## Dataset list",
        "## Computational requirements",
        "## Description of programs/code",
        "## Instructions to replicators",
        "## List of tables, figures and numbers",
        "## References",
    ]
    assert RECORD["commit"] in readme and "- processor: a test processor" in readme and "configuration, 7" in readme
    assert "| `clean_etd` | under 10 minutes |" in readme and "| `tabulate_report` | not measured |" in readme
    assert f"pins {len(lock_versions(ROOT / 'requirements.lock'))} packages" in readme
    assert "| `etd` | `data/processed/clean/etd.csv` | `clean_etd` |" in readme
    modules = next(line for line in readme.splitlines() if line.startswith("| `clean_etd` | `workflow/scripts/"))
    assert "emergence.clean" in modules and "emergence.sources.etd" in modules and "emergence.errors" not in modules


def test_the_readme_lists_every_report_table_and_figure_with_the_rule_that_makes_it(readme):
    for table in REPORT_TABLES:
        assert re.search(
            rf"\| Table `{table.name}` \| [^|]+ \| `tabulate_report` \| `workflow/scripts/tabulate_report.py` \|",
            readme,
        )
    for spec in registry.figures_of("sectors"):
        line = f"| Figure `{spec.name}` | {spec.title} | `draw_sectors_figures` | `workflow/scripts/draw_figures.py` | "
        assert line + f"`{registry.FIGURES_DIR}/{spec.name}.svg` |" in readme


def test_runtimes_fall_in_the_template_bands():
    hour, day = 3600, 86400
    seconds = (0.2, 599, 600, hour - 1, hour, 2 * hour, 8 * hour, day, 3 * day, 14 * day)
    assert [band(s) for s in seconds] == [
        "under 10 minutes",
        "under 10 minutes",
        "10-60 minutes",
        "10-60 minutes",
        "1-2 hours",
        "2-8 hours",
        "8-24 hours",
        "1-3 days",
        "3-14 days",
        "over 14 days",
    ]


def runtime_rows(readme: str) -> dict[str, tuple[str, str]]:
    """The README's runtime table: (runtime, peak memory) by rule."""
    table = readme[readme.index("| rule | runtime | peak memory |") : readme.index("## Description of programs")]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$", table, re.M)
    return {rule: (runtime.strip(), memory.strip()) for rule, runtime, memory in rows}


def test_the_readme_states_each_rules_runtime_and_peak_memory_from_its_benchmark_file(tmp_path):
    bench = tmp_path / "b.tsv"
    bench.write_text("s\th:m:s\tmax_rss\tmax_vms\n700.5\t0:11:40\t1500.2\t2000\n699.5\t0:11:39\t1499.8\t2000\n")
    short = tmp_path / "short.tsv"
    short.write_text("s\th:m:s\tmax_rss\n0.2\t0:00:00\tNA\n")
    assert benchmark_measures(bench) == (700.0, 1500.0) and benchmark_measures(short) == (0.2, None)
    assert [memory_band(m) for m in (None, 1023, 1024, 20000, 70000)] == [
        "not measured", "under 1 GiB", "1-4 GiB", "16-64 GiB", "over 64 GiB",
    ]  # fmt: skip
    (tmp_path / "bad.tsv").write_text("s\tmax_rss\nsoon\t1\n")
    with pytest.raises(InputError, match="columns 's', 'max_rss'"):
        benchmark_measures(tmp_path / "bad.tsv")
    codebook = tmp_path / "datapackage.json"
    codebook.write_text(json.dumps({"resources": []}))
    own = {"rule": "write_replication_readme", "script": None, "outputs": ["reports/README.md"]}
    rules = [*workflow_rules(), own]
    benchmarks = {"clean_etd": bench, "draw_sectors_figures": short, "write_replication_readme": bench}
    text = replication_readme(
        title="T", commit=RECORD["commit"], manifests=MANIFESTS, datapackage=codebook, lock=ROOT / "requirements.lock",
        rules=rules, benchmarks=benchmarks, machine_info={"cores": "2"}, seed=1, benchmark_dir="logs/benchmarks",
        root=ROOT,
    )  # fmt: skip
    own_run = ("in its benchmark file (it runs last)",) * 2  # its file, from an earlier run, would change a rebuild
    assert runtime_rows(text) == {
        "clean_etd": ("10-60 minutes", "1-4 GiB"),
        "tabulate_report": ("not measured", "not measured"),
        "draw_sectors_figures": ("under 10 minutes", "not measured"),
        "write_replication_readme": own_run,
    }
    assert "(2 of the 4 rules measured)" in text and "- cores: 2" in text


def test_every_rule_of_the_workflow_has_a_benchmark_file_named_after_it():
    """Each rule, or rule made in a loop, of workflow/rules/*.smk writes its benchmark as logs/benchmarks/NAME.tsv,
    NAME being the name of its log file (the rule's name)."""
    rule = re.compile(r"^( *)rule(?: (\w+))?:\n(.*?)(?=^\1\S|^rule|\Z)", re.M | re.S)
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for found in rule.finditer(path.read_text(encoding="utf-8")):
            body = found.group(3)
            log = re.search(r'log:\n\s+f?"logs/[^"]*/([^"/]+)\.log"', body)
            bench = re.search(r'benchmark:\n\s+f"\{BENCHMARKS\}/([^"]+)\.tsv"', body)
            assert log and bench and bench.group(1) == log.group(1), (path.name, found.group(2), body[:200])


def test_the_readme_maps_each_report_section_to_its_figures_tables_and_rules(tmp_path):
    notebook = (ROOT / "notebooks" / "report.py").read_text(encoding="utf-8")
    sections = report_sections(notebook)
    headings = re.findall(r"^# # (.+?)(?: \{[^}]*\})?$", notebook, re.M)
    assert len(sections) == len(headings) and sections[0]["title"] == "Abstract"
    placed = [f for s in sections for f in s["figures"]]
    assert sorted(placed) == sorted(f.name for f in registry.FIGURES)  # each figure shown once, in one section
    assert sorted(t for s in sections for t in s["tables"]) == sorted(t.name for t in REPORT_TABLES)
    rows = {row[0]: row for row in report_map(notebook, workflow_rules())}
    growth = rows["Growth and the structure of value added"]
    assert growth[1] == "`value_added_structure`, `manufacturing_prices`"
    assert growth[3] == "`draw_sectors_figures`, `tabulate_report`"
    assert "The focus country and its peers" in rows  # a heading the prose fills in


def test_the_project_readme_maps_every_report_section_and_figure_family():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The report, section by section")
    part = readme[start : readme.index("\n## ", start + 3)]
    for section in report_sections((ROOT / "notebooks" / "report.py").read_text(encoding="utf-8")):
        assert section["title"] in part, section["title"]
        for name in section["tables"]:
            row = next(line for line in part.splitlines() if line.startswith(f"| {section['title']} |"))
            assert f"`{name}`" in row, (section["title"], name)
    for family in sorted({f.family for f in registry.FIGURES}):
        assert f"`draw_{family}_figures`" in part, family


@pytest.mark.build
def test_the_built_readme_states_the_runtime_of_every_rule_of_the_default_build(tmp_path_factory):
    built = reference_build(tmp_path_factory)
    rows = runtime_rows((built / "reports" / "README.md").read_text(encoding="utf-8"))
    rules = planned_rules(built, "--forceall")
    assert rules and set(rows) == rules
    assert [rule for rule, (runtime, _) in rows.items() if runtime == "not measured"] == []
    assert rows["write_replication_readme"][0] == "in its benchmark file (it runs last)"


def unpack(archive: Path, dest: Path) -> Path:
    """Unpack as `unzip` does: each file with the archive's time, so the tree is older than the environment."""
    stamp = time.mktime((*ZIP_TIME, 0, 0, -1))
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
        for name in zf.namelist():
            os.utime(dest / name, (stamp, stamp))
    return dest / archive_name()


@pytest.mark.build
def test_the_archive_rebuilds_the_same_outputs_and_passes_the_unit_tests_without_git(tmp_path_factory, tmp_path):
    built = reference_build(tmp_path_factory)
    first, second = write_package(built, tmp_path / "one"), write_package(built, tmp_path / "two")
    assert sha256(first) == sha256(second), "two runs of the package gave different bytes"
    print(f"archive {first.name}: {first.stat().st_size} bytes, sha256 {sha256(first)}")

    package = json.loads((built / registry.PROCESSED / "datapackage.json").read_text())
    assert sorted(r["name"] for r in package["resources"]) == sorted(t.name for t in registry.TABLES)
    report = frictionless.validate(str(built / registry.PROCESSED / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:20]
    readme = (built / "reports" / "README.md").read_text()
    for name in [f"Table `{t.name}`" for t in REPORT_TABLES] + [f"Figure `{f.name}`" for f in registry.FIGURES]:
        assert re.search(rf"\| {name} \| [^|]+ \| `\w+` \| `workflow/scripts/\w+\.py` \|", readme), name

    root = unpack(first, tmp_path / "unpacked")
    assert not (root / ".git").exists()
    packaged = output_checksums(root)
    commit = json.loads((root / PROVENANCE).read_text())["commit"]
    # The project's environment stands in for the one `make` would create from the lock file (its stamp is newer
    # than the unpacked lock file), and the unpacked package is imported before the installed one: the code that
    # runs is the archive's.
    env = {**ENV, "PYTHONPATH": str(root / "src"), "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    make = ["make", f"VENV={BIN.parent}"]

    def run(*target: str, timeout: float) -> None:
        done = subprocess.run([*make, *target], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"make {' '.join(target)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    run("clean-outputs", timeout=60)
    run("report", timeout=1800)
    rebuilt = output_checksums(root)
    assert rebuilt == packaged, sorted(k for k in rebuilt.keys() | packaged.keys() if rebuilt.get(k) != packaged.get(k))
    html = (root / "reports" / "report.html").read_text().replace("\u200b", "")  # long codes may break anywhere
    assert f"built from commit <code>{commit}</code>" in html
    # `make test`'s unit tier, `pytest -m "not build"`; its build tier is left out to bound the time
    run("unit", timeout=1800)
