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
