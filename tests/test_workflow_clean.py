"""The workflow through the clean stage, in a copy of the repository: outputs exist and validate, they are the
bytes the package functions write, data/raw is never written, and a second run has nothing to do."""

from __future__ import annotations

import pandas as pd
import pytest

from emergence import manifest, registry

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def built(workflow_copy, clean_targets):
    copy = workflow_copy()
    run = copy.snakemake(*clean_targets)
    assert run.returncode == 0, run.stderr[-3000:]
    return copy


def test_outputs_exist_and_validate(built, clean_targets):
    for target in clean_targets:
        path = built.root / target
        table = registry.read(path.stem, path)
        # a source's accepted gaps may be none (the ETD has no blank cell); every other table has rows
        assert len(table) > 0 or path.stem.endswith("_gaps"), target
        # validation sorts by the key and fixes the column order: a written table is already in that form
        assert pd.read_csv(path, keep_default_na=False, na_values=[""]).columns.tolist() == table.columns.tolist()


def test_outputs_are_the_bytes_the_package_writes(built, clean_paths):
    for name, path in clean_paths.items():
        assert (built.root / "data" / "processed" / "clean" / f"{name}.csv").read_bytes() == path.read_bytes(), name


def test_verification_lists_every_raw_file_of_the_selected_releases(built, config):
    verified = pd.read_csv(built.root / "data" / "processed" / "ingest" / "verified.csv")
    manifests = sorted(set(verified["manifest"]))
    releases = config["releases"]
    expected = sorted(
        [
            f"data/raw/etd/{releases['etd']}/manifest.yaml",
            f"data/raw/ggdc10/{releases['ggdc10']}/manifest.yaml",
            f"data/raw/wdi/{releases['wdi']}/manifest.yaml",
            f"data/raw/hcp_census/{releases['hcp_census']}/manifest.yaml",
            "data/raw/paper/manifest.yaml",
            *{f"data/raw/un_ama/{release}/manifest.yaml" for release in releases["un_ama"].values()},
        ]
    )
    assert manifests == expected
    listed = sorted(str(path) for m in manifests for path in manifest.files(built.root / m))
    assert sorted(str(built.root / p) for p in verified["path"]) == listed


def test_each_job_wrote_its_log(built):
    logs = {p.relative_to(built.root / "logs").as_posix() for p in (built.root / "logs").rglob("*.log")}
    assert {"ingest/verify_raw.log", "clean/clean_etd.log", "clean/group_sectors.log"} <= logs


def test_raw_data_are_untouched_and_no_temporary_file_is_left(built, folder_checksums):
    assert folder_checksums(built.raw) == built.raw_checksums
    assert built.stray_files() == []


def test_second_run_has_nothing_to_do(built, clean_targets):
    run = built.snakemake("--dry-run", *clean_targets)
    assert run.returncode == 0, run.stderr
    assert "Nothing to be done" in run.stdout + run.stderr
    assert "Job stats" not in run.stdout + run.stderr
