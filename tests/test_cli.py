"""The command line in daily use: its version, output piped into a reader that leaves early, and a release asked
for that was never taken."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from emergence import __version__
from emergence.cli import main

ROOT = Path(__file__).resolve().parents[1]
EMERGENCE = Path(sys.executable).parent / "emergence"


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"emergence {__version__}\n"


def test_output_to_a_reader_that_has_left_ends_quietly_without_a_traceback():
    # The reading end is closed before the command writes: every write meets a broken pipe, as after `| head -1`.
    proc = subprocess.Popen([EMERGENCE, "check"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_piped_into_head_the_first_line_comes_and_nothing_else():
    run = subprocess.run(
        f"{EMERGENCE} diff un_ama 2024-02 2026-02 --top 1000 | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.startswith("un_ama: release 2024-02 -> 2026-02") and run.stdout.count("\n") == 1
    assert run.stderr == ""


def test_diff_of_a_release_never_taken_names_the_releases_there(tmp_path, capsys):
    for release in ("2022-01", "2024-02"):
        (tmp_path / "un_ama" / release).mkdir(parents=True)
        (tmp_path / "un_ama" / release / "manifest.yaml").write_text("source: un_ama\n")
    (tmp_path / "un_ama" / "notes").mkdir()  # a folder without a manifest is no release
    assert main(["diff", "un_ama", "2022-01", "2026-02", "--raw-dir", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        f"emergence diff: error: {tmp_path / 'un_ama'}: release: expected a release taken there, "
        "one of ['2022-01', '2024-02'], found '2026-02'"
    )
