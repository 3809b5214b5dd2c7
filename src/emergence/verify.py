"""The record of a verified snapshot set (a report input). The build's safety does not rest on it: the same check
runs as the gate at every start of the workflow, before any job."""

from __future__ import annotations

import os

import pandas as pd

from emergence.io import write_table
from emergence.manifest import verify
from emergence.tables import Column, TableSchema

VERIFIED_SCHEMA = TableSchema(
    name="verified",
    columns=(Column("path", "str"), Column("sha256", "str"), Column("manifest", "str")),
    key=("path",),
)


def write_verification(manifest_paths: list[str | os.PathLike], output: str | os.PathLike) -> None:
    """Verify every listed file against its manifest (the gate's own function), then write what was verified."""
    write_table(pd.DataFrame(verify(manifest_paths), columns=VERIFIED_SCHEMA.column_names), output, VERIFIED_SCHEMA)
