"""The raw data's gate: every start of the workflow (and `emergence check`) verifies every selected raw file against
its manifest before any job runs, so no build reads a changed, missing, unlisted, linked or out-of-tree raw file,
whatever Snakemake thinks of its modification times. `data/raw` is checksummed before and after every run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from builds import checksums, output_checksums

from emergence import check, manifest
from emergence.cli import main
from emergence.config import load_config
from emergence.io import sha256_file
from emergence.settings import from_config

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CONFIG = ROOT / "config" / "config.yaml"
WDI_RELEASE = "wdi/2025-10-12"
WDI_TABLE = "data/processed/clean/wdi.csv"  # verify_raw and clean_wdi: the shortest build that reads a raw file


def wdi_file(raw: Path) -> Path:
    (path,) = manifest.files(raw / WDI_RELEASE / manifest.MANIFEST)
    return path


def recorded(path: Path) -> str:
    entry = manifest.load(path.parent / manifest.MANIFEST)
    return next(item["sha256"] for item in entry["files"] if item["name"] == path.name)


def tamper_keeping_mtime(path: Path) -> None:
    """Change one digit of a data row and put the old modification time back, so the file looks untouched."""
    stat = path.stat()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines[1:], 1) if any(c in "123456789" for c in line.split(",")[-1]))
    value = lines[row].rstrip("\n").split(",")[-1]
    digit = next(c for c in value if c in "123456789")
    lines[row] = lines[row].replace(value, value.replace(digit, str(int(digit) % 9 + 1), 1), 1)
    path.write_text("".join(lines), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path / "raw"


def findings(raw: Path) -> check.Findings:
    config = load_config(CONFIG)
    return check.check_snapshots(config, from_config(config, "config/config.yaml"), raw)


# --- the check every start runs ---------------------------------------------------------------------------------


def test_the_check_of_the_embedded_snapshots_passes_the_gate():
    assert findings(RAW).errors == ()


def test_a_changed_workbook_is_a_gate_error_and_not_read_for_its_years(raw_copy):
    etd = raw_copy / "etd" / load_config(CONFIG)["releases"]["etd"]
    (workbook,) = manifest.files(etd / manifest.MANIFEST)
    workbook.write_bytes(b"not a workbook any more")
    (error,) = findings(raw_copy).errors
    assert error.startswith(f"{workbook}: sha256: expected {recorded(workbook)} as recorded in {etd}/manifest.yaml")


def test_the_gate_covers_the_census_and_the_paper_beside_the_selected_releases(raw_copy):
    claims = raw_copy / "paper" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + "# a late edit\n", encoding="utf-8")
    (raw_copy / "hcp_census" / "1.9.1" / "economy" / "more.csv").write_text("a\n1\n")
    errors = findings(raw_copy).errors
    assert len(errors) == 2
    assert errors[0].startswith(f"{raw_copy}/hcp_census/1.9.1/economy/more.csv: file: expected only the files")
    assert errors[1].startswith(f"{claims}: sha256: expected {recorded(claims)}")


def test_the_check_command_runs_the_same_gate(raw_copy, capsys, monkeypatch):
    extra = raw_copy / WDI_RELEASE / "extra.csv"
    extra.write_text("geo,time\nmar,2020\n")
    monkeypatch.chdir(ROOT)
    assert main(["check", "--raw-dir", str(raw_copy)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"emergence check: error: {extra}: file: expected only the files")


# --- through the workflow -----------------------------------------------------------------------------------------


def gate_manifests() -> set[str]:
    """The manifests the gate checks at a workflow start, relative to the project as the workflow names them."""
    config = load_config(CONFIG)
    snapshots = [
        check.Snapshot(key, name, release, RAW / name / release, {})
        for key, name, release in check.selected_releases(config)
    ]
    return {path.relative_to(ROOT).as_posix() for path in check.gated_manifests(config, snapshots, RAW)}


def assert_stopped_before_any_job(copy, run, before: dict[str, str]) -> None:
    """The run failed at its start: no job failed (none ran), no output changed, data/raw as it was frozen."""
    assert run.returncode != 0
    assert "Error in rule" not in run.stderr
    assert output_checksums(copy.root) == before
    assert checksums(copy.raw) == copy.raw_checksums


@pytest.fixture(scope="module")
def built(workflow_copy):
    """Two copies that each built the WDI table once (verify_raw, clean_wdi), for the tampering cases."""
    copies = [workflow_copy(), workflow_copy()]
    for finish in [copy.start(WDI_TABLE) for copy in copies]:
        result = finish()
        assert result.returncode == 0, result.stderr[-3000:]
    return copies


def rebreak(copy, change) -> dict[str, str]:
    """Change the copy's raw files, freeze them again (recording their checksums) and return the outputs' sums."""
    copy.thaw_raw()
    change(copy.raw)
    copy.freeze_raw()
    return output_checksums(copy.root)


@pytest.mark.build
def test_the_job_records_what_the_gate_verified(built):
    verified = pd.read_csv(built[0].root / "data" / "processed" / "ingest" / "verified.csv")
    assert set(verified["manifest"]) == gate_manifests()
    assert all(sha256_file(built[0].root / p) == s for p, s in zip(verified["path"], verified["sha256"], strict=True))


def reordered(copy) -> str:
    """A settings change that reruns clean_wdi on its params (the countries in another order), valid otherwise."""
    countries = load_config(CONFIG)["countries"]
    (copy.root / "reordered.yaml").write_text(f"countries: [{', '.join([countries[0], *countries[:0:-1]])}]\n")
    return "reordered.yaml"


@pytest.mark.build
def test_a_file_changed_with_its_old_mtime_then_a_settings_change_is_refused(built):
    copy = built[0]
    path = wdi_file(copy.raw)
    before = rebreak(copy, lambda raw: tamper_keeping_mtime(wdi_file(raw)))
    run = copy.snakemake(WDI_TABLE, f"--configfile={reordered(copy)}")
    rel = path.relative_to(copy.root)
    assert f"{rel}: sha256: expected {recorded(RAW / WDI_RELEASE / path.name)} as recorded in" in run.stderr
    assert_stopped_before_any_job(copy, run, before)


@pytest.mark.build
def test_a_changed_file_while_another_listed_file_is_missing_is_refused_naming_both(built):
    copy = built[1]
    un_ama = sorted((copy.raw / "un_ama").rglob("*.xlsx"))[0]

    def change(raw: Path) -> None:
        tamper_keeping_mtime(wdi_file(raw))
        un_ama.unlink()

    before = rebreak(copy, change)
    run = copy.snakemake(WDI_TABLE, f"--configfile={reordered(copy)}")
    assert f"{wdi_file(copy.raw).relative_to(copy.root)}: sha256: expected" in run.stderr
    assert f"{un_ama.relative_to(copy.root)}: file: expected the file listed in" in run.stderr
    assert_stopped_before_any_job(copy, run, before)


def unlisted(copy) -> str:
    (copy.raw / WDI_RELEASE / "extra.csv").write_text("geo,time\nmar,2020\n")
    return f"data/raw/{WDI_RELEASE}/extra.csv: file: expected only the files data/raw/{WDI_RELEASE}/manifest.yaml lists"


def out_of_tree(copy) -> str:
    """The data file moved to data/raw/x.csv and the manifest naming it '../../x.csv', checksum unchanged."""
    path = wdi_file(copy.raw)
    path.rename(copy.raw / "x.csv")
    manifest_path = path.parent / manifest.MANIFEST
    entry = manifest.load(manifest_path)
    entry["files"][0]["name"] = "../../x.csv"
    manifest_path.write_text(manifest.dump(entry))
    return f"data/raw/{WDI_RELEASE}/manifest.yaml: files[0].name: expected a relative path inside the release folder"


def linked(copy) -> str:
    """The data file replaced by a link to the same bytes outside data/raw."""
    path = wdi_file(copy.raw)
    outside = copy.root / "elsewhere" / path.name
    outside.parent.mkdir()
    path.rename(outside)
    path.symlink_to(outside)
    return f"data/raw/{WDI_RELEASE}/{path.name}: file: expected a regular file inside data/raw/{WDI_RELEASE}"


FOLDER_CASES = {"unlisted file": unlisted, "name leaving the folder": out_of_tree, "symlinked file": linked}


@pytest.fixture(scope="module")
def folder_runs(workflow_copy) -> dict:
    """Each broken release folder in its own fresh copy, all started at once on the WDI table."""
    started = {}
    for name, breaks in FOLDER_CASES.items():
        found: dict[str, str] = {}
        copy = workflow_copy(lambda copy, breaks=breaks, found=found: found.update(message=breaks(copy)))
        started[name] = (copy, found["message"], copy.start(WDI_TABLE))
    return {name: (copy, message, finish()) for name, (copy, message, finish) in started.items()}


@pytest.mark.build
@pytest.mark.parametrize("name", FOLDER_CASES)
def test_a_broken_release_folder_stops_the_workflow_before_any_job(name, folder_runs):
    copy, message, run = folder_runs[name]
    assert message in run.stderr
    assert not (copy.root / "data" / "processed").exists()
    assert_stopped_before_any_job(copy, run, {})
