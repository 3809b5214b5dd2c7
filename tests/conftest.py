"""Fixtures shared by the tests: the repository, its settings and raw snapshots, the clean tables built from them,
and throwaway copies of the workflow that snakemake runs."""

from __future__ import annotations

import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from builds import BIN, ENV, checksums
from regions_tables import build_regions

from emergence import manifest, registry
from emergence.clean import GROUPS_SCHEMA, SCHEMAS, clean_source, write_groups
from emergence.config import load_config
from emergence.io import read_table
from emergence.reconcile import SCHEMA as RECONCILIATION_SCHEMA
from emergence.reconcile import SUMMARY_SCHEMA, write_reconciliation
from emergence.snapshot import snapshot

pytest_plugins = ["census_copies"]  # the release_copy fixture of the census tests
ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CONFIG = ROOT / "config" / "config.yaml"
UPSTREAM = ROOT.parent / "shared" / "data"  # the published files the snapshots were cut from (see README)
WORKFLOW_PARTS = ("Snakefile", "workflow", "config", "src", "notebooks")  # src: rules list the package files as inputs
CLEAN_SCHEMAS = {
    **SCHEMAS,
    "sector_groups": GROUPS_SCHEMA,
    "reconciliation": RECONCILIATION_SCHEMA,
    "reconciliation_summary": SUMMARY_SCHEMA,
}


def raw_inputs(raw_root: Path, config: dict) -> dict[str, Path | dict[str, Path]]:
    """Each source's raw file in the release the config selects (a dict by table for the UN workbooks)."""

    def data_file(source: str, release: str, table: str | None = None) -> Path:
        path = raw_root / source / release / manifest.MANIFEST
        (name,) = [f["name"] for f in manifest.load(path)["files"] if table is None or f.get("table") == table]
        return path.parent / name

    releases = config["releases"]
    return {
        "etd": data_file("etd", releases["etd"]),
        "ggdc10": data_file("ggdc10", releases["ggdc10"]),
        "un_ama": {table: data_file("un_ama", rel, table) for table, rel in sorted(releases["un_ama"].items())},
        "wdi": data_file("wdi", releases["wdi"]),
    }


def build_clean_tables(raw_root: Path, config: dict, folder: Path) -> dict[str, Path]:
    """The clean stage's tables, written by the package functions the workflow scripts call."""
    inputs = raw_inputs(raw_root, config)
    paths = {name: folder / f"{name}.csv" for name in CLEAN_SCHEMAS}
    for name in SCHEMAS:
        clean_source(name, inputs[name], config["countries"], paths[name])
    write_groups({name: paths[name] for name in config["concordance"]["sources"]}, config["concordance"],
                 paths["sector_groups"])  # fmt: skip
    write_reconciliation(
        {name: paths[name] for name in (*SCHEMAS, "sector_groups")},
        CLEAN_SCHEMAS,
        config["reconciliation"]["tolerance_pp"],
        paths["reconciliation"],
        paths["reconciliation_summary"],
    )
    return paths


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def upstreams() -> dict[str, list[Path]]:
    """The published files of each source."""
    found = {
        "etd": sorted((UPSTREAM / "ggdc_etd").glob("*.xlsx")),
        "ggdc10": sorted((UPSTREAM / "ggdc_10sd").glob("*.xlsx")),
        "un_ama": sorted((UPSTREAM / "un_snaama").glob("*.xlsx")),
        "wdi": sorted((UPSTREAM / "wdi_morocco").glob("*.csv")),
    }
    if not all(found.values()):
        pytest.skip(
            f"needs the published files under {UPSTREAM} (the folder shared/ beside the repository), absent here"
        )
    return found


@pytest.fixture(scope="session")
def config() -> dict:
    """The repository's settings, validated, defaults filled."""
    return load_config(CONFIG)


@pytest.fixture(scope="session")
def raw_files(config) -> Callable[..., dict[str, Path | dict[str, Path]]]:
    """raw_inputs for a raw folder (by default the repository's) and settings (by default the repository's)."""
    return lambda raw_root=RAW, settings=None: raw_inputs(raw_root, settings or config)


@pytest.fixture(scope="session")
def folder_checksums() -> Callable[[Path], dict[str, str]]:
    return checksums


@pytest.fixture(scope="session")
def small_raw(config, tmp_path_factory) -> Path:
    """The embedded workbooks of the ETD, the GGDC 10-sector database and the UN cut down to the build's countries
    by the snapshot command, beside the (small) WDI snapshot, in a raw folder of their own: the publishers' layouts
    at a tenth of the size, for tests that serve, mutate, read or take a whole workbook again."""
    root = tmp_path_factory.mktemp("small_raw")
    shutil.copytree(RAW / "wdi", root / "wdi")
    for source in ("etd", "ggdc10", "un_ama"):
        for path in sorted((RAW / source).glob(f"*/{manifest.MANIFEST}")):
            entry = manifest.load(path)
            snapshot(source, manifest.files(path), root, config["countries"], release=entry["release"],
                     accessed=entry["accessed"])  # fmt: skip
    return root


@pytest.fixture(scope="session")
def regions_paths(tmp_path_factory) -> dict[str, Path]:
    """The regions stage's tables from the real census snapshot, by registry name, built once; the census's clean
    tables (census.csv, units.csv, fields.csv) lie beside them."""
    return build_regions(tmp_path_factory.mktemp("regions"))


@pytest.fixture(scope="session")
def clean_paths(config, small_raw, tmp_path_factory) -> dict[str, Path]:
    """The clean stage's tables from the snapshots cut down to the build's countries, which is all the stage reads
    of them: the same bytes as from data/raw (test_workflow_clean compares them with a build's) in a third of the
    time."""
    return build_clean_tables(small_raw, config, tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="session")
def clean_tables(clean_paths) -> dict[str, pd.DataFrame]:
    """The clean tables as a later stage reads them back (validated against their schemas)."""
    return {name: read_table(path, CLEAN_SCHEMAS[name]) for name, path in clean_paths.items()}


class WorkflowCopy:
    """The Snakefile, workflow/, config/ and a real copy of data/raw in a temporary folder, run by snakemake."""

    def __init__(self, root: Path):
        self.root = root
        self.raw = root / "data" / "raw"
        self.raw_checksums: dict[str, str] = {}

    def freeze_raw(self) -> None:
        """Record the raw files' checksums and take away every write permission under data/raw."""
        self.raw_checksums = checksums(self.raw)
        for path in [self.raw, *self.raw.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))

    def thaw_raw(self) -> None:
        for path in [self.raw, *self.raw.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)

    def start(self, *args: str) -> Callable[[], subprocess.CompletedProcess]:
        """Start snakemake (of this interpreter's environment) in the copy on 2 cores; return what waits for it.

        Several copies may run at once: output goes to temporary files, so no pipe fills up.
        """
        command = [str(BIN / "snakemake"), "--cores", "2", *args]
        out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        process = subprocess.Popen(command, cwd=self.root, env=ENV, stdout=out, stderr=err, text=True)

        def finish() -> subprocess.CompletedProcess:
            process.wait(timeout=600)
            with out, err:
                out.seek(0)
                err.seek(0)
                return subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())

        return finish

    def snakemake(self, *args: str) -> subprocess.CompletedProcess:
        return self.start(*args)()

    def stray_files(self) -> list[Path]:
        """Temporary files left behind by an interrupted write (snakemake's own metadata aside)."""
        return [
            p for p in self.root.rglob("*") if ".tmp" in p.name and ".snakemake" not in p.relative_to(self.root).parts
        ]


@pytest.fixture(scope="session")
def workflow_copy(tmp_path_factory) -> Iterator[Callable[..., WorkflowCopy]]:
    """A factory of workflow copies; `mutate(copy)` may break the copy's raw files before data/raw is frozen."""
    made: list[WorkflowCopy] = []

    def make(mutate: Callable[[WorkflowCopy], None] | None = None) -> WorkflowCopy:
        copy = WorkflowCopy(tmp_path_factory.mktemp("workflow"))
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
        for part in WORKFLOW_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, copy.root / part, ignore=ignore)
            else:
                shutil.copy2(source, copy.root / part)
        shutil.copytree(RAW, copy.raw, ignore=ignore)
        if mutate is not None:
            mutate(copy)
        copy.freeze_raw()
        made.append(copy)
        return copy

    yield make
    for copy in made:
        copy.thaw_raw()


@pytest.fixture(scope="session")
def clean_targets() -> list[str]:
    """The clean stage's final outputs, as the registry lists them for the workflow."""
    return list(registry.paths("clean").values())
