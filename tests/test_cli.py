"""The command line in daily use: its version, output piped into a reader that leaves early, and a release asked
for that was never taken."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from emergence import __version__
from emergence.cli import main
from emergence.codes import COUNTRY, RELEASE, VERSION

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


def test_the_config_schema_states_the_patterns_the_command_line_checks():
    """One pattern per code: what the command line refuses, the config refuses too."""
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    whole = {code: f"^{code.pattern}$" for code in (COUNTRY, RELEASE, VERSION)}
    properties = schema["properties"]
    assert schema["$defs"]["release"]["pattern"] == whole[RELEASE]
    assert properties["countries"]["items"]["pattern"] == whole[COUNTRY]
    assert properties["focus"]["pattern"] == whole[COUNTRY]
    assert properties["releases"]["properties"]["hcp_census"]["pattern"] == whole[VERSION]
    releases = properties["releases"]["properties"]
    assert {name for name, spec in releases.items() if spec.get("$ref") == "#/$defs/release"} == {
        "etd",
        "ggdc10",
        "wdi",
    }
    assert {spec["$ref"] for spec in releases["un_ama"]["properties"].values()} == {"#/$defs/release"}


@pytest.mark.parametrize(
    ("text", "found"), [("MAR,,TUN,tun", "MAR,,TUN,tun"), ("MAR;TUN", "MAR;TUN"), ("MAR, EG", "EG"), (" , ", " , ")]
)
def test_countries_on_the_command_line_are_codes_each_given_once(text, found, tmp_path, capsys):
    assert main(["diff", "un_ama", "2024-02", "2026-02", "--raw-dir", str(tmp_path), "--countries", text]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("emergence diff: error: command line: --countries: expected ")
    assert line.endswith(f"found {found!r}")
