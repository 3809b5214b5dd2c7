"""Byte-identical rebuilds, interrupted builds that recover, and reruns triggered by exactly what changed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from builds import (
    BIN,
    ENV,
    build,
    copy_project,
    differences,
    output_checksums,
    planned_rules,
    reference_build,
    stray_temporaries,
)

pytestmark = pytest.mark.build


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> Path:
    return reference_build(tmp_path_factory)


def test_two_builds_in_two_places_at_two_times_are_byte_identical(reference, tmp_path):
    time.sleep(1.1)  # a different wall-clock second, so any time stamp would show
    other = build(copy_project(tmp_path / "elsewhere" / "second"))
    first, second = output_checksums(reference), output_checksums(other)
    assert len(first) > 20
    assert differences(first, second) == []


def _start(copy: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "snakemake"), "--cores", "2"],
        cwd=copy,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(copy: Path, relative: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (copy / relative).exists():
            return
        assert proc.poll() is None, f"the build ended before {relative} appeared"
        time.sleep(0.02)
    raise AssertionError(f"{relative} did not appear within {seconds} s")


# Points in the build at which it is stopped: once the named output appears (other jobs are running then).
POINTS = ["data/processed/ingest/verified.csv", "data/processed/clean/sector_groups.csv"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
@pytest.mark.parametrize("point", POINTS)
def test_interrupted_build_recovers_to_the_same_outputs(reference, tmp_path, sig, point):
    copy = copy_project(tmp_path / "interrupted")
    proc = _start(copy)
    _wait_for(copy, point, proc)
    os.killpg(proc.pid, sig)  # the whole process group: Snakemake and its running jobs
    proc.wait(timeout=120)
    if sig == signal.SIGKILL:
        # A killed Snakemake cannot release its lock; the documented recovery is to unlock, then rebuild.
        build(copy, "--unlock")
    build(copy)
    assert stray_temporaries(copy) == []
    assert differences(output_checksums(reference), output_checksums(copy)) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(copy_project(tmp_path_factory.mktemp("triggers")))


def test_nothing_is_planned_after_a_build(built):
    assert planned_rules(built) == set()


def test_touching_a_raw_file_without_changing_it_reruns_nothing(built):
    raw = sorted((built / "data" / "raw" / "wdi").rglob("*.csv"))[0]
    os.utime(raw)
    assert planned_rules(built) == set()


def test_a_config_parameter_reruns_the_rules_that_use_it(built):
    config = built / "config" / "config.yaml"
    original = config.read_text()
    config.write_text(original + "\nreconciliation:\n  tolerance_pp: 1.5\n")  # over the schema's default of 1.0
    try:
        planned = planned_rules(built)
    finally:
        config.write_text(original)
    assert "reconcile_sources" in planned
    assert not planned & {"verify_raw", "clean_etd", "clean_wdi", "group_sectors", "analyse_structure"}


def test_a_package_edit_reruns_the_rules_whose_code_uses_it(built):
    module = built / "src" / "emergence" / "reconcile.py"
    original = module.read_text()
    module.write_text(original + "\n# an edit\n")
    try:
        planned = planned_rules(built)
    finally:
        module.write_text(original)
    assert "reconcile_sources" in planned
    assert not planned & {"verify_raw", "clean_etd", "group_sectors", "analyse_structure"}


def test_a_changed_raw_byte_stops_the_build_at_its_start(built):
    raw = sorted((built / "data" / "raw" / "etd").rglob("*.xlsx"))[0]
    original = raw.read_bytes()
    raw.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        result = subprocess.run(
            [str(BIN / "snakemake"), "--cores", "2"], cwd=built, env=ENV, capture_output=True, text=True
        )
    finally:
        raw.write_bytes(original)
    assert result.returncode != 0
    assert f"{raw.name}: sha256: expected" in result.stderr and "Error in rule" not in result.stderr
