"""Copies of the HCP census snapshot for tests that break one of its files."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

RELEASE = Path(__file__).resolve().parents[1] / "data" / "raw" / "hcp_census" / "1.9.1"


def rewrite_gz(path: Path, change) -> None:
    """Rewrite a gzipped CSV of a snapshot copy through `change` (a function of a DataFrame of text cells)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        change(frame).to_csv(handle, index=False, lineterminator="\n")


@pytest.fixture
def release_copy(tmp_path) -> Path:
    """A writable copy of the census snapshot."""
    shutil.copytree(RELEASE, tmp_path / "1.9.1")
    return tmp_path / "1.9.1"
