"""Snapshots: the same upstream gives the same bytes (those committed in data/raw), taking a snapshot again is a
no-op, and a different extract for a release already taken is refused without touching it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from bad_input.cases import GGDC_ROW, set_cell, set_header
from http_replay import with_modified_date

from emergence import manifest
from emergence.cli import main
from emergence.config import load_config
from emergence.errors import InputError
from emergence.snapshot import ALL, register_paper, snapshot
from emergence.sources import etd, ggdc10, un_ama

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
REFERENCE = ROOT.parent / "shared" / "reference" / "amraoui-et-al-2019-clusters-morocco.txt"
ETD_RELEASE = RAW / "etd" / "2021-07-15"
CONFIG = ROOT / "config" / "config.yaml"


def committed(source: str) -> dict[str, dict]:
    """The manifests of a source in data/raw, by release."""
    return {m.parent.name: manifest.load(m) for m in sorted((RAW / source).glob(f"*/{manifest.MANIFEST}"))}


def take(source: str, upstream: list[Path], raw_root: Path, **options) -> list[Path]:
    """A snapshot with the countries, release and access date the committed one was taken with; a snapshot of
    every country is read back for the build's countries, as the command does."""
    (entry, *_) = committed(source).values()
    options = {"countries": entry["countries_requested"], "accessed": entry["accessed"], **options}
    release = entry["release"] if source == "wdi" else None
    every = options["countries"] in (ALL, list(un_ama.COUNTRIES))  # every country, or all the UN reader names
    check = load_config(CONFIG)["countries"] if every else None
    return snapshot(source, upstream, raw_root, options.pop("countries"), release=release, check=check, **options)


@pytest.mark.build  # whole published files read and cut: data/raw rebuilt from upstream, byte for byte
@pytest.mark.parametrize("source", ["etd", "ggdc10", "un_ama", "wdi"])
def test_snapshot_reproduces_the_committed_bytes(source, upstreams, tmp_path, folder_checksums):
    written = take(source, upstreams[source], tmp_path)
    assert sorted(p.parent.name for p in written) == sorted(committed(source))
    assert folder_checksums(tmp_path / source) == folder_checksums(RAW / source)


def test_same_upstream_same_bytes(upstreams, tmp_path, folder_checksums):
    for root in ("a", "b"):
        snapshot("etd", upstreams["etd"], tmp_path / root, ["MAR", "TUN"], accessed="2026-01-01")
    first, second = folder_checksums(tmp_path / "a"), folder_checksums(tmp_path / "b")
    assert first == second and len(first) == 2


def test_an_extract_of_the_extract_is_the_extract(small_raw, tmp_path):
    """The extract keeps the publisher's layout: cutting the same countries out of it again changes nothing."""
    release = small_raw / "etd" / "2021-07-15"
    (path,) = manifest.files(release / manifest.MANIFEST)
    requested = manifest.load(release / manifest.MANIFEST)["countries_requested"]
    (again,) = snapshot("etd", [path], tmp_path, requested, release="2021-07", accessed="2026-01-01")
    assert (again.parent / path.name).read_bytes() == path.read_bytes()


def test_manifest_records_provenance_and_missing_countries(upstreams, tmp_path):
    (path,) = snapshot("ggdc10", upstreams["ggdc10"], tmp_path, ["MAR", "TUN"], accessed="2026-01-01")
    entry = manifest.load(path)
    assert entry["release"] == "2015-01" and entry["accessed"] == "2026-01-01"
    assert entry["countries"] == ["MAR"] and entry["countries_not_in_upstream"] == ["TUN"]
    (item,) = entry["files"]
    assert item["bytes"] == (path.parent / item["name"]).stat().st_size
    assert item["upstream"][0]["sha256"] == committed("ggdc10")["2015-01"]["files"][0]["upstream"][0]["sha256"]


def test_taking_a_snapshot_again_is_a_no_op(small_raw, tmp_path, folder_checksums):
    """The small snapshot was cut from the committed extract: cut again from it, nothing is written."""
    shutil.copytree(small_raw / "etd", tmp_path / "etd")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "etd").rglob("*")}
    checksums = folder_checksums(tmp_path / "etd")
    (upstream,) = manifest.files(ETD_RELEASE / manifest.MANIFEST)
    countries = manifest.load(tmp_path / "etd" / "2021-07-15" / manifest.MANIFEST)["countries_requested"]
    (path,) = snapshot("etd", [upstream], tmp_path, countries, accessed="2026-11-30")  # a later day: manifest kept
    assert path == tmp_path / "etd" / "2021-07-15" / manifest.MANIFEST
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "etd").rglob("*")} == before
    assert folder_checksums(tmp_path / "etd") == checksums


def test_a_different_extract_for_a_release_taken_is_refused(upstreams, tmp_path, folder_checksums):
    shutil.copytree(RAW / "etd", tmp_path / "etd")
    checksums = folder_checksums(tmp_path / "etd")
    with pytest.raises(InputError) as caught:
        snapshot("etd", upstreams["etd"], tmp_path, ["MAR"], accessed="2026-01-01")
    assert caught.value.where == str(tmp_path / "etd" / "2021-07-15")
    assert "releases are never overwritten" in str(caught.value)
    assert folder_checksums(tmp_path / "etd") == checksums
    assert os.listdir(tmp_path / "etd") == ["2021-07-15"]


def test_a_snapshot_of_several_releases_is_taken_whole_or_not_at_all(small_raw, tmp_path):
    """Each UN workbook is its own release: one refused, none written (the others would be a partial snapshot)."""
    workbooks = []
    for release in ("2022-01", "2024-02"):  # each saved, as the UN does, in its release month
        (path,) = manifest.files(small_raw / "un_ama" / release / manifest.MANIFEST)
        workbooks.append(tmp_path / "upstream" / path.name)
        workbooks[-1].parent.mkdir(exist_ok=True)
        workbooks[-1].write_bytes(with_modified_date(path.read_bytes(), f"{release}-15"))
    (tmp_path / "un_ama" / "2024-02").mkdir(parents=True)  # the later of the two: the earlier is handled first
    with pytest.raises(InputError, match="releases are never overwritten"):
        snapshot("un_ama", workbooks, tmp_path, ["MAR"], accessed="2026-01-01")
    assert os.listdir(tmp_path / "un_ama") == ["2024-02"]
    assert os.listdir(tmp_path / "un_ama" / "2024-02") == []


def test_a_release_folder_without_manifest_is_refused(small_raw, tmp_path):
    (tmp_path / "etd" / "2021-07-15").mkdir(parents=True)
    upstream = manifest.files(small_raw / "etd" / "2021-07-15" / manifest.MANIFEST)
    with pytest.raises(InputError, match="a release not taken before"):
        snapshot("etd", upstream, tmp_path, ["MAR"], accessed="2026-01-01")
    assert os.listdir(tmp_path / "etd" / "2021-07-15") == []


@pytest.mark.parametrize(
    ("source", "files", "fragment"),
    [
        ("ilo", ["x.csv"], "SOURCE: expected one of ['etd', 'ggdc10', 'un_ama', 'wdi']"),
        ("etd", ["missing.xlsx"], "file: expected an existing upstream file"),
        ("wdi", None, "pass --release"),
    ],
)
def test_snapshot_errors(upstreams, source, files, fragment, tmp_path):
    paths = upstreams["wdi"] if files is None else [tmp_path / f for f in files]
    with pytest.raises(InputError) as caught:
        snapshot(source, paths, tmp_path / "raw", ["MAR"])
    assert fragment in str(caught.value)
    assert not (tmp_path / "raw").exists()


def test_release_is_read_from_the_publishers_file(upstreams):
    assert etd.release_of(upstreams["etd"][0]) == "2021-07-15"
    assert ggdc10.release_of(upstreams["ggdc10"][0]) == "2015-01"
    releases = {un_ama.table_of(path): un_ama.release_of(path) for path in upstreams["un_ama"]}
    assert releases == {"current_usd": "2026-02", "current_ncu": "2024-02", "constant_usd": "2022-01"}
    assert releases == {item["table"]: release for release, e in committed("un_ama").items() for item in e["files"]}


def test_command_line_snapshot_and_error(upstreams, tmp_path, capsys):
    upstream = str(upstreams["etd"][0])
    options = ["--raw-dir", str(tmp_path), "--accessed", "2026-01-01"]
    args = ["snapshot", "etd", upstream, "--countries", "mar,tun", *options]
    assert main(args) == 0
    path = tmp_path / "etd" / "2021-07-15" / manifest.MANIFEST
    assert capsys.readouterr().out.strip() == str(path)
    assert manifest.load(path)["countries"] == ["MAR", "TUN"]
    assert main(["snapshot", "etd", upstream, "--countries", "mar", *options]) == 2
    assert "emergence snapshot: error:" in capsys.readouterr().err


def test_register_paper_records_the_transcriptions(tmp_path):
    shutil.copytree(RAW / "paper", tmp_path / "paper")
    committed_entry = manifest.load(RAW / "paper" / manifest.MANIFEST)
    if not REFERENCE.is_file():
        pytest.skip(f"needs the reference paper at {REFERENCE} (the folder shared/ beside the repository), absent here")
    path = register_paper(REFERENCE, tmp_path / "paper", accessed=committed_entry["accessed"])
    entry = manifest.load(path)
    assert [(f["name"], f["sha256"]) for f in entry["files"]] == [
        (f["name"], f["sha256"]) for f in committed_entry["files"]
    ]
    assert manifest.verify([path])
    with pytest.raises(InputError, match="the reference paper's text"):
        register_paper(tmp_path / "none.txt", tmp_path / "paper")


# --- what the command line may ask for -------------------------------------------------------------------------


@pytest.mark.parametrize("release", ["../../x", "2021/07", "/tmp/elsewhere", "..", "", "2021-07-15\n"])
def test_a_release_label_that_is_no_date_is_refused_before_anything_is_read(release, tmp_path):
    raw_root = tmp_path / "a" / "b" / "raw"
    with pytest.raises(InputError) as caught:
        snapshot("etd", [tmp_path / "never-read.xlsx"], raw_root, ["MAR"], release=release)
    assert str(caught.value) == (
        f"command line: --release: expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {release!r}"
    )
    assert list(tmp_path.rglob("*")) == []


def test_a_source_folder_that_links_out_of_the_tree_is_refused(tmp_path):
    outside, raw_root = tmp_path / "outside", tmp_path / "raw"
    outside.mkdir()
    raw_root.mkdir()
    (raw_root / "etd").symlink_to(outside)
    (upstream,) = manifest.files(ETD_RELEASE / manifest.MANIFEST)
    with pytest.raises(InputError) as caught:
        snapshot("etd", [upstream], raw_root, ["MAR"], accessed="2026-01-01")
    assert caught.value.location == "path" and f"a path inside {raw_root / 'etd'}" in str(caught.value)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("countries", "found"), [(["MAR", "mar"], "mar"), (["MAR", "T1N"], "T1N"), (["../X"], "../X"), (["MA"], "MA")]
)
def test_a_country_that_is_no_iso_code_is_refused(countries, found, tmp_path):
    with pytest.raises(InputError) as caught:
        snapshot("etd", [tmp_path / "never-read.xlsx"], tmp_path / "raw", countries)
    assert str(caught.value) == (
        f"command line: --countries: expected an ISO 3166-1 alpha-3 country code (three capitals), found {found!r}"
    )
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize("accessed", ["2026-13-01", "2026-02-30", "01/02/2026", "20260101", "9999-01-01", "today"])
def test_an_access_date_that_is_no_past_day_is_refused(accessed, tmp_path):
    with pytest.raises(InputError) as caught:
        snapshot("etd", [tmp_path / "never-read.xlsx"], tmp_path / "raw", ["MAR"], accessed=accessed)
    assert str(caught.value).startswith("command line: --accessed: expected a date YYYY-MM-DD, a real day not after")
    assert str(caught.value).endswith(f"found {accessed!r}")
    assert not (tmp_path / "raw").exists()


def test_the_command_line_names_the_argument_the_value_and_what_was_expected(tmp_path, capsys):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    given = {
        "--countries": ["--countries", "MAR,TUN,MAR"],
        "--release": ["--countries", "MAR", "--release", "../../x"],
        "--accessed": ["--countries", "MAR", "--accessed", tomorrow],
    }
    for argument, options in given.items():
        assert main(["snapshot", "etd", str(tmp_path / "x.xlsx"), "--raw-dir", str(tmp_path / "raw"), *options]) == 2
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"emergence snapshot: error: command line: {argument}: expected ")
        assert line.endswith(repr(options[-1] if argument != "--countries" else "MAR,TUN,MAR"))
    assert main(["diff", "un_ama", "2024-02", "2026-02", "--countries", "MAR,morocco"]) == 2
    assert "--countries: expected an ISO 3166-1 alpha-3 country code" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


# --- the file must be the source's table ---------------------------------------------------------------------


def committed_file(source: str, release: str, tmp_path: Path, raw: Path = RAW) -> Path:
    """A copy of the committed extract (or of another raw folder's), under its own name: an extract is a file of
    its source's table."""
    (path,) = manifest.files(raw / source / release / manifest.MANIFEST)
    copy = tmp_path / "upstream" / path.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(path, copy)
    return copy


WRONG_TABLES = {
    # another table's sector column where the ETD has Manufacturing
    "etd": ("2021-07-15", set_header("Data", 0, "Manufacturing", "Manufacturing and mining"), "column"),
    # a variable the 10-sector database does not have, in Morocco's rows
    "ggdc10": ("2015-01", set_cell("dataset", 0, "Variable", "VA_Q10", **GGDC_ROW), "VA_Q10"),
    # a UN table laid out with other headers
    "un_ama": ("2022-01", set_header(0, 2, "IndicatorName", "Indicator"), "IndicatorName"),
}


@pytest.mark.parametrize("source", sorted(WRONG_TABLES))
def test_a_file_of_another_table_under_the_right_name_is_refused(source, small_raw, tmp_path):
    release, mutate, fragment = WRONG_TABLES[source]
    upstream = committed_file(source, release, tmp_path, small_raw)
    mutate(upstream)
    with pytest.raises(InputError) as caught:
        snapshot(source, [upstream], tmp_path / "raw", ["MAR"], release=release, accessed="2026-01-01")
    assert caught.value.where == str(upstream)
    assert f"a table of {source}" in str(caught.value) and fragment in str(caught.value)
    assert not (tmp_path / "raw").exists()


def test_the_same_files_unchanged_are_taken(small_raw, tmp_path):
    for source, (release, _, _) in WRONG_TABLES.items():
        upstream = committed_file(source, release, tmp_path / source, small_raw)
        (path,) = snapshot(source, [upstream], tmp_path / "raw", ["MAR"], release=release, accessed="2026-01-01")
        assert manifest.load(path)["countries"] == ["MAR"]


def test_a_wdi_file_of_another_indicator_under_an_indicators_name_is_refused(tmp_path):
    upstream = tmp_path / "ddf--datapoints--ny_gdp_mktp_kd_zg--by--geo--time.csv"
    upstream.write_text("geo,time,nv_agr_totl_zs\nmar,2000,12.5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        snapshot("wdi", [upstream], tmp_path / "raw", ["MAR"], release="2025-10-12")
    assert str(caught.value) == (
        f"{upstream}: header row: expected a column 'ny_gdp_mktp_kd_zg', as the file name says, "
        "found ['geo', 'time', 'nv_agr_totl_zs']"
    )
    assert not (tmp_path / "raw").exists()


def test_a_file_without_rows_of_the_countries_asked_for_is_refused(small_raw, tmp_path):
    upstream = committed_file("etd", "2021-07-15", tmp_path, small_raw)
    with pytest.raises(InputError, match=r"rows: expected rows of at least one of the countries \['ATA'\]"):
        snapshot("etd", [upstream], tmp_path / "raw", ["ATA"], accessed="2026-01-01")
    assert not (tmp_path / "raw").exists()


def test_a_text_that_is_not_the_reference_paper_is_refused(tmp_path):
    shutil.copytree(RAW / "paper", tmp_path / "paper")
    before = (tmp_path / "paper" / manifest.MANIFEST).read_bytes()
    other = tmp_path / "amraoui-et-al-2019-clusters-morocco.txt"
    other.write_text("Performance of clusters in Morocco (a summary, not the paper)\n", encoding="utf-8")
    (recorded,) = {
        u["sha256"] for f in manifest.load(RAW / "paper" / manifest.MANIFEST)["files"] for u in f["upstream"]
    }
    with pytest.raises(InputError) as caught:
        register_paper(other, tmp_path / "paper", accessed="2026-01-01")
    assert caught.value.location == "sha256" and recorded in caught.value.expected
    assert (tmp_path / "paper" / manifest.MANIFEST).read_bytes() == before
