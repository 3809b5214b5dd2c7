"""Manifests and verification: a changed byte in any raw file stops the build, naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from emergence import manifest
from emergence.errors import InputError
from emergence.io import sha256_file
from emergence.verify import write_verification

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
MANIFESTS = sorted(RAW.rglob(manifest.MANIFEST))
RAW_FILES = sorted(str(path.relative_to(RAW)) for m in MANIFESTS for path in manifest.files(m))


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    root = tmp_path / "raw"
    shutil.copytree(RAW, root)
    return root


def write_manifest(path: Path, entry: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(entry))
    return path


def test_every_source_has_a_manifest_with_provenance():
    sources = {m.relative_to(RAW).parts[0] for m in MANIFESTS}
    assert {"etd", "ggdc10", "un_ama", "wdi", "paper"} <= sources
    for path in MANIFESTS:
        entry = manifest.load(path)
        assert entry["source"] == path.relative_to(RAW).parts[0]
        assert all(entry[field] for field in ("publisher", "citation", "licence", "url", "accessed"))
        if entry["source"] != "paper":
            assert path.parent.name == entry["release"]
        for item in entry["files"]:
            assert len(item["sha256"]) == 64 and item["upstream"], item["name"]


def test_files_are_the_listed_names_beside_the_manifest():
    path = RAW / "etd" / "2021-07-15" / manifest.MANIFEST
    assert manifest.files(path) == [path.parent / "ETD_230918.xlsx"]


def test_verify_passes_on_the_repository_and_reports_each_file():
    report = manifest.verify(MANIFESTS)
    assert sorted(str(Path(r["path"]).relative_to(RAW)) for r in report) == RAW_FILES
    assert all(r["sha256"] == sha256_file(r["path"]) for r in report)


@pytest.mark.parametrize("name", RAW_FILES)
def test_a_changed_byte_in_any_raw_file_is_named(name, raw_copy):
    path = raw_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    release = next(
        folder for folder in path.parents if (folder / manifest.MANIFEST).is_file()
    )  # files may sit in subfolders
    entry = manifest.load(release / manifest.MANIFEST)
    name_in_release = path.relative_to(release).as_posix()
    recorded = next(item["sha256"] for item in entry["files"] if item["name"] == name_in_release)
    with pytest.raises(InputError) as caught:
        manifest.verify(sorted(raw_copy.rglob(manifest.MANIFEST)))
    assert caught.value.where == str(path)
    message = str(caught.value)
    assert "sha256" in message and f"expected {recorded}" in message and sha256_file(path) in message


def test_a_missing_raw_file_is_named(raw_copy):
    path = raw_copy / RAW_FILES[0]
    path.unlink()
    with pytest.raises(InputError) as caught:
        manifest.verify(sorted(raw_copy.rglob(manifest.MANIFEST)))
    assert caught.value.where == str(path) and "no such file" in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "fragments"),
    [
        (["a", "list"], ("top level", "a mapping of manifest fields", "'list'")),
        ({"source": "x"}, ("fields", "missing ['publisher'")),
    ],
)
def test_malformed_manifests_are_refused(tmp_path, entry, fragments):
    path = write_manifest(tmp_path / manifest.MANIFEST, entry)
    with pytest.raises(InputError) as caught:
        manifest.load(path)
    assert caught.value.where == str(path)
    assert all(fragment in str(caught.value) for fragment in fragments)


def test_a_file_entry_without_checksum_is_refused(tmp_path):
    entry = manifest.load(RAW / "etd" / "2021-07-15" / manifest.MANIFEST)
    del entry["files"][0]["sha256"]
    path = write_manifest(tmp_path / manifest.MANIFEST, entry)
    with pytest.raises(InputError, match=r"files\[0\]: expected a mapping with 'name' and 'sha256'"):
        manifest.load(path)


def test_missing_and_unreadable_manifests(tmp_path):
    with pytest.raises(InputError, match="a manifest written by 'emergence snapshot'"):
        manifest.load(tmp_path / manifest.MANIFEST)
    (tmp_path / manifest.MANIFEST).write_text("source: [unclosed\n")
    with pytest.raises(InputError, match="valid YAML"):
        manifest.load(tmp_path / manifest.MANIFEST)


def test_dump_and_load_round_trip():
    entry = manifest.load(RAW / "wdi" / "2025-10-12" / manifest.MANIFEST)
    assert yaml.safe_load(manifest.dump(entry)) == entry
    assert list(yaml.safe_load(manifest.dump(entry))) == list(entry)


def test_write_verification_records_what_was_verified(tmp_path):
    output = tmp_path / "ingest" / "verified.csv"
    write_verification(MANIFESTS, output)
    table = pd.read_csv(output)
    assert sorted(str(Path(p).relative_to(RAW)) for p in table["path"]) == RAW_FILES
    assert table["path"].tolist() == sorted(table["path"])


def test_write_verification_writes_nothing_when_a_file_changed(raw_copy, tmp_path):
    (raw_copy / RAW_FILES[-1]).write_bytes(b"changed")
    output = tmp_path / "ingest" / "verified.csv"
    with pytest.raises(InputError):
        write_verification(sorted(raw_copy.rglob(manifest.MANIFEST)), output)
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


# --- the gate: a release folder holds exactly the files its manifest lists, as regular files inside it -----------

WDI = "wdi/2025-10-12"


def wdi_file(raw: Path) -> Path:
    (path,) = manifest.files(raw / WDI / manifest.MANIFEST)
    return path


def gate_errors(raw: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        manifest.verify(sorted(raw.rglob(manifest.MANIFEST)))
    return str(caught.value).splitlines()


def test_an_unlisted_file_in_a_release_folder_is_refused_naming_it_and_the_manifest(raw_copy):
    extra = raw_copy / WDI / "extra.csv"
    extra.write_text("geo,time\nmar,2020\n")
    (line,) = gate_errors(raw_copy)
    assert line.startswith(f"{extra}: file: expected only the files {raw_copy / WDI / manifest.MANIFEST} lists")
    assert line.endswith("found 'a file it does not list'")


def test_an_unlisted_file_in_a_subfolder_is_refused_and_a_readme_beside_the_manifest_is_not(raw_copy):
    release = raw_copy / "hcp_census" / "1.9.1"
    (release / manifest.README).write_text("notes\n")
    (release / "economy" / manifest.README).write_text("not the release's own notes\n")
    (line,) = gate_errors(raw_copy)
    assert line.startswith(f"{release / 'economy' / manifest.README}: file: expected only the files")


def test_every_problem_is_one_line_at_once_a_changed_file_beside_a_missing_one(raw_copy):
    changed = raw_copy / RAW_FILES[0]
    changed.write_bytes(changed.read_bytes()[:-1])
    missing = raw_copy / RAW_FILES[-1]
    missing.unlink()
    lines = gate_errors(raw_copy)
    assert len(lines) == 2
    assert lines[0].startswith(f"{changed}: sha256: expected ") and sha256_file(changed) in lines[0]
    assert lines[1].startswith(f"{missing}: file: expected the file listed in ") and "no such file" in lines[1]


def test_a_raw_file_that_is_a_symlink_is_refused_even_with_the_recorded_bytes(raw_copy, tmp_path):
    path = wdi_file(raw_copy)
    outside = tmp_path / "outside.csv"
    shutil.copy2(path, outside)
    path.unlink()
    path.symlink_to(outside)
    (line,) = gate_errors(raw_copy)
    assert line == (
        f"{path}: file: expected a regular file inside {path.parent} (raw files are copies, not links), "
        f"found 'a symbolic link to {outside}'"
    )


def test_a_linked_folder_inside_a_release_or_a_linked_release_is_refused(raw_copy, tmp_path):
    economy = raw_copy / "hcp_census" / "1.9.1" / "economy"
    shutil.move(economy, tmp_path / "economy")
    economy.symlink_to(tmp_path / "economy")
    (line,) = gate_errors(raw_copy)
    assert line.startswith(f"{economy}: file: expected a regular file inside") and "symbolic link" in line
    release = raw_copy / WDI
    shutil.move(release, tmp_path / "wdi")
    release.symlink_to(tmp_path / "wdi")
    with pytest.raises(InputError) as caught:
        manifest.verify([release / manifest.MANIFEST])
    assert str(caught.value).startswith(f"{release}: file: expected a real file or folder")


@pytest.mark.parametrize("name", ["../../x.csv", "/etc/passwd", "a/../../x.csv", "./x.csv", "a//x.csv", "a\\x.csv", ""])
def test_a_listed_name_that_leaves_the_release_folder_is_refused_when_read(raw_copy, name):
    path = raw_copy / WDI / manifest.MANIFEST
    entry = manifest.load(path)
    (raw_copy / "x.csv").write_bytes(wdi_file(raw_copy).read_bytes())  # what '../../x.csv' would reach
    entry["files"][0]["name"] = name
    path.write_text(manifest.dump(entry))
    message = f"{path}: files[0].name: expected a relative path inside the release folder (no '..', not absolute)"
    for read in (manifest.load, manifest.files, lambda p: manifest.verify([p])):
        with pytest.raises(InputError) as caught:
            read(path)
        assert str(caught.value) == f"{message}, found {name!r}"


def test_a_file_listed_twice_or_a_folder_listed_as_a_file_is_refused(raw_copy):
    path = raw_copy / "hcp_census" / "1.9.1" / manifest.MANIFEST
    entry = manifest.load(path)
    path.write_text(manifest.dump({**entry, "files": [*entry["files"], entry["files"][0]]}))
    with pytest.raises(InputError, match=rf"files\[{len(entry['files'])}\]\.name: expected each file listed once"):
        manifest.load(path)
    path.write_text(manifest.dump({**entry, "files": [*entry["files"], {"name": "economy", "sha256": "0" * 64}]}))
    (line,) = gate_errors(raw_copy)
    assert line == f"{path.parent / 'economy'}: file: expected the file listed in {path}, found 'a folder'"


def test_the_gate_passes_the_repository_with_its_readme_and_records_every_listed_file():
    assert (RAW / "paper" / manifest.README).is_file()
    rows = manifest.verify(MANIFESTS)
    assert [r["path"] for r in rows] == [str(p) for m in MANIFESTS for p in manifest.files(m)]
