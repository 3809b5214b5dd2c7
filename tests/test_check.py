"""The config against the selected snapshots, before any job runs: each error one line naming the key and the
config file, a peer that a publisher does not cover a note; on the embedded snapshots and on copies whose
manifests say otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from emergence import manifest
from emergence.check import ConfigCheckError, check_snapshots, enforce, sheet_columns
from emergence.cli import main
from emergence.config import load_config
from emergence.errors import InputError
from emergence.io import sha256_file
from emergence.settings import from_config

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CONFIG = ROOT / "config" / "config.yaml"
BASE = load_config(CONFIG)
ETD = RAW / "etd" / BASE["releases"]["etd"]


def findings(overrides: dict | None = None, where: str = "bad.yaml", raw: Path = RAW):
    config = load_config(CONFIG, overrides)
    return check_snapshots(config, from_config(config, where), raw)


def etd_years() -> tuple[int, int]:
    """The first and last year of the ETD snapshot, read the slow way (the source's own reader)."""
    from emergence.sources import etd

    years = etd.clean(ETD / manifest.load(ETD / manifest.MANIFEST)["files"][0]["name"], BASE["countries"])["year"]
    return int(years.min()), int(years.max())


def test_the_default_config_fits_its_snapshots_with_notes_for_the_peers_a_publisher_lacks():
    result = findings(where="config/config.yaml")
    assert result.errors == ()
    ggdc10 = manifest.load(RAW / "ggdc10" / BASE["releases"]["ggdc10"] / manifest.MANIFEST)
    lacking = [c for c in from_config(BASE).countries if c not in ggdc10["countries"]]
    assert lacking == ["TUN", "TUR"]
    assert any(n.startswith(f"coverage: ggdc10 {BASE['releases']['ggdc10']} has no TUN, TUR") for n in result.notes)
    enforce(result)  # no error: nothing raised


def test_an_unknown_country_is_one_line_naming_the_key_the_file_and_the_snapshots():
    result = findings({"countries": [*BASE["countries"], "XYZ"]})
    (error,) = result.errors
    assert "\n" not in error
    assert error.startswith("bad.yaml: key 'countries': expected countries the selected snapshots hold")
    assert f"etd {BASE['releases']['etd']}" in error and error.endswith("found 'XYZ'")


def test_a_period_beyond_the_data_is_one_line_naming_the_key_the_file_and_the_years():
    first, last = etd_years()
    periods = [*BASE["periods"], {"id": "later", "label": "Later", "start": last + 2}]
    (error,) = findings({"periods": periods}).errors
    assert "\n" not in error
    assert error.startswith(f"bad.yaml: periods[{len(periods) - 1}] (later): expected at least models.trend.min_years")
    assert f"({first}-{last})" in error and error.endswith("found '0 years'")


def test_a_period_shorter_than_the_trend_needs_is_an_error_and_one_cut_by_the_data_a_note():
    first, last = etd_years()
    min_years = BASE["models"]["trend"]["min_years"]
    short = {"id": "short", "label": "Short", "start": last - min_years + 3}
    assert findings({"periods": [*BASE["periods"][:3], short]}).errors[0].endswith(f"found '{min_years - 1} years'")
    long = {**BASE["periods"][3], "end": last + 5}
    result = findings({"periods": [*BASE["periods"][:3], long]})
    assert result.errors == ()
    assert f"bad.yaml: key 'periods/3/end' (acceleration): {last + 5} is outside" in "\n".join(result.notes)


def test_a_policy_year_beyond_the_data_is_one_line_naming_the_key_and_the_file():
    first, last = etd_years()
    events = [*BASE["policy_events"], {"year": last + 1, "name": "A later plan"}]
    (error,) = findings({"policy_events": events}).errors
    assert "\n" not in error
    assert error.startswith(f"bad.yaml: policy_events[{len(events) - 1}].year: expected a year after {first}")
    assert error.endswith(f"found {last + 1}")


def test_a_release_not_taken_names_the_releases_there():
    result = findings({"releases": {**BASE["releases"], "wdi": "2030-01-01"}})
    (error,) = result.errors
    taken = sorted(p.name for p in (RAW / "wdi").iterdir() if (p / manifest.MANIFEST).is_file())
    assert (
        error
        == f"bad.yaml: key 'releases/wdi': expected a release of wdi taken in {RAW / 'wdi'}, one of {taken}, found '2030-01-01'"
    )


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    shutil.copytree(RAW, tmp_path / "raw", ignore=shutil.ignore_patterns("hcp_census"))
    return tmp_path / "raw"


def edit_manifest(folder: Path, **fields) -> None:
    path = folder / manifest.MANIFEST
    entry = manifest.load(path)
    path.write_text(manifest.dump({**entry, **fields}), encoding="utf-8")


def test_a_country_the_snapshot_did_not_ask_for_is_an_error_one_the_publisher_lacks_a_note(raw_copy):
    un = raw_copy / "un_ama" / BASE["releases"]["un_ama"]["current_usd"]
    edit_manifest(un, countries=["EGY", "MAR", "TUR"], countries_requested=["MAR", "EGY", "TUR"])
    (error,) = findings(raw=raw_copy).errors
    assert "TUN is not in un_ama" in error and "emergence snapshot SOURCE FILE --countries all" in error
    edit_manifest(un, countries_requested=["MAR", "TUN", "EGY", "TUR"], countries_not_in_upstream=["TUN"])
    result = findings(raw=raw_copy)
    assert result.errors == ()
    assert any(n.startswith(f"coverage: un_ama {un.name} has no TUN") for n in result.notes)


def test_the_source_the_models_read_may_not_lack_a_country(raw_copy):
    edit_manifest(raw_copy / "etd" / ETD.name, countries=["EGY", "MAR", "TUR"], countries_not_in_upstream=["TUN"])
    (error,) = findings(raw=raw_copy).errors
    assert error.startswith("bad.yaml: key 'countries': expected countries that etd cover")
    assert error.endswith("found 'TUN'")


def test_years_a_manifest_records_are_used_without_reading_the_data(raw_copy):
    folder = raw_copy / "etd" / ETD.name
    entry = manifest.load(folder / manifest.MANIFEST)
    workbook = folder / entry["files"][0]["name"]
    workbook.write_bytes(b"no workbook: the years cannot come from here")
    files = [{**entry["files"][0], "sha256": sha256_file(workbook)}]  # the gate passes: the manifest records it
    edit_manifest(folder, years={c: [1990, 2010] for c in BASE["countries"]}, files=files)
    (error,) = findings(raw=raw_copy).errors  # the last launch year, 2014, is after the recorded 2010
    assert "policy_events[2].year: expected a year after 1990 and up to 2010" in error and error.endswith("2014")


def test_years_read_from_the_workbook_are_kept_by_its_checksum_and_give_the_same_findings(tmp_path, raw_copy):
    config = load_config(CONFIG, {"periods": [{"id": "late", "label": "Late", "start": 2030}]})
    settings = from_config(config, "bad.yaml")
    fresh = check_snapshots(config, settings, RAW)
    assert any("periods" in e for e in fresh.errors)  # the period starts after the last data year
    assert check_snapshots(config, settings, RAW, cache=tmp_path) == fresh
    (kept,) = tmp_path.glob("years-*.json")
    sha = manifest.load(ETD / manifest.MANIFEST)["files"][0]["sha256"]
    assert kept.name == f"years-{sha}.json"
    assert max(json.loads(kept.read_text())["MAR"]) == etd_years()[1]
    kept.write_text('{"MAR": [1990, 2040], "TUN": [1990], "EGY": [1990], "TUR": [1990]}')  # a kept answer is used
    assert not any("periods" in e for e in check_snapshots(config, settings, RAW, cache=tmp_path).errors)
    folder = raw_copy / "etd" / ETD.name  # a changed workbook fails the gate and its years are not read
    workbook = folder / manifest.load(folder / manifest.MANIFEST)["files"][0]["name"]
    workbook.write_bytes(workbook.read_bytes() + b"\0")
    changed = check_snapshots(config, settings, raw_copy, cache=tmp_path)
    assert any("sha256" in e for e in changed.errors) and len(list(tmp_path.glob("years-*.json"))) == 1


def test_enforce_prints_the_notes_and_stops_with_every_error_one_per_line(capsys):
    result = findings({"countries": [*BASE["countries"], "XYZ", "ABC"]})
    with pytest.raises(ConfigCheckError) as raised:
        enforce(result)
    assert str(raised.value).splitlines() == list(result.errors) and len(result.errors) == 2
    assert capsys.readouterr().err.splitlines() == list(result.notes)


def test_the_check_command_takes_a_configfile_as_snakemake_does(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "config/config.yaml: the settings fit the selected snapshots in data/raw"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"policy_events": [*BASE["policy_events"], {"year": 2099, "name": "Later"}]}))
    assert main(["check", "--configfile", str(bad)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"emergence check: error: {bad}: policy_events[3].year: expected a year after")
    bad.write_text("countires: [MAR]\n")
    assert main(["check", "--configfile", str(bad)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"{bad}: key 'countires'" in line and "did you mean 'countries'?" in line


def test_the_quick_reader_finds_the_cells_openpyxl_finds():
    from emergence.sources import etd
    from emergence.workbook import read_sheet

    path = ETD / manifest.load(ETD / manifest.MANIFEST)["files"][0]["name"]
    rows = read_sheet(path, etd.DATA_SHEET)
    cnt, year = rows[0].index("cnt"), rows[0].index("year")
    expected = [(r[cnt], str(r[year])) for r in rows[1:] if r[cnt] is not None]
    assert sheet_columns(path, etd.DATA_SHEET, ("cnt", "year")) == expected
    with pytest.raises(
        InputError, match=r"header row: expected columns \['cnt', 'years'\], found \"missing \['years'\]\""
    ):
        sheet_columns(path, etd.DATA_SHEET, ("cnt", "years"))
