"""Snapshots: the same upstream gives the same bytes (those committed in data/raw), taking a snapshot again is a
no-op, and a different extract for a release already taken is refused without touching it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from emergence import manifest
from emergence.cli import main
from emergence.errors import InputError
from emergence.snapshot import register_paper, snapshot
from emergence.sources import etd, ggdc10, un_ama

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
REFERENCE = ROOT.parent / "shared" / "reference" / "amraoui-et-al-2019-clusters-morocco.txt"
ETD_RELEASE = RAW / "etd" / "2021-07-15"


def committed(source: str) -> dict[str, dict]:
    """The manifests of a source in data/raw, by release."""
    return {m.parent.name: manifest.load(m) for m in sorted((RAW / source).glob(f"*/{manifest.MANIFEST}"))}


def take(source: str, upstream: list[Path], raw_root: Path, **options) -> list[Path]:
    """A snapshot with the countries, release and access date the committed one was taken with."""
    (entry, *_) = committed(source).values()
    options = {"countries": entry["countries_requested"], "accessed": entry["accessed"], **options}
    release = entry["release"] if source == "wdi" else None
    return snapshot(source, upstream, raw_root, options.pop("countries"), release=release, **options)


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


def test_an_extract_of_the_extract_is_the_extract(tmp_path):
    """The extract keeps the publisher's layout: cutting the same countries out of it again changes nothing."""
    (path,) = manifest.files(ETD_RELEASE / manifest.MANIFEST)
    requested = manifest.load(ETD_RELEASE / manifest.MANIFEST)["countries_requested"]
    (again,) = snapshot("etd", [path], tmp_path, requested, release="x", accessed="2026-01-01")
    assert (again.parent / path.name).read_bytes() == path.read_bytes()


def test_manifest_records_provenance_and_missing_countries(upstreams, tmp_path):
    (path,) = snapshot("ggdc10", upstreams["ggdc10"], tmp_path, ["MAR", "TUN"], accessed="2026-01-01")
    entry = manifest.load(path)
    assert entry["release"] == "2015-01" and entry["accessed"] == "2026-01-01"
    assert entry["countries"] == ["MAR"] and entry["countries_not_in_upstream"] == ["TUN"]
    (item,) = entry["files"]
    assert item["bytes"] == (path.parent / item["name"]).stat().st_size
    assert item["upstream"][0]["sha256"] == committed("ggdc10")["2015-01"]["files"][0]["upstream"][0]["sha256"]


def test_taking_a_snapshot_again_is_a_no_op(upstreams, tmp_path, folder_checksums):
    shutil.copytree(RAW / "etd", tmp_path / "etd")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "etd").rglob("*")}
    checksums = folder_checksums(tmp_path / "etd")
    (path,) = take("etd", upstreams["etd"], tmp_path, accessed="2030-12-31")  # a later day: manifest kept
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


def test_a_snapshot_of_several_releases_is_taken_whole_or_not_at_all(upstreams, tmp_path):
    """Each UN workbook is its own release: one refused, none written (the others would be a partial snapshot)."""
    workbooks = [path for path in upstreams["un_ama"] if "NCU" in path.name or "constant" in path.name]
    (tmp_path / "un_ama" / "2024-02").mkdir(parents=True)  # the later of the two: the earlier is handled first
    with pytest.raises(InputError, match="releases are never overwritten"):
        snapshot("un_ama", workbooks, tmp_path, ["MAR"], accessed="2026-01-01")
    assert os.listdir(tmp_path / "un_ama") == ["2024-02"]
    assert os.listdir(tmp_path / "un_ama" / "2024-02") == []


def test_a_release_folder_without_manifest_is_refused(upstreams, tmp_path):
    (tmp_path / "etd" / "2021-07-15").mkdir(parents=True)
    with pytest.raises(InputError, match="a release not taken before"):
        take("etd", upstreams["etd"], tmp_path)
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
