"""File I/O that never leaves a half-written output: every write goes to a temporary file, then a rename."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from emergence.errors import InputError

if TYPE_CHECKING:  # pandas is imported where tables are read: jobs that only write files skip its import
    import pandas as pd

    from emergence.tables import TableSchema

FLOAT_FORMAT = "%.12g"


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds.

    Temporaries that a killed earlier writer of the same target left behind are removed first: each target
    has one writer (its rule), so they can only be stale.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.tmp*"):
        stale.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}{target.suffix}")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def table_to_csv(df: pd.DataFrame) -> str:
    """The one CSV dialect of the project: fixed float format, '\\n' line ends, no index."""
    return df.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_table(df: pd.DataFrame, path: str | os.PathLike, schema: TableSchema) -> pd.DataFrame:
    """Validate `df` against `schema`, sort it by the schema's key and write it atomically as CSV."""
    checked = schema.validate(df, where=str(path))
    write_text(path, table_to_csv(checked))
    return checked


def read_table(path: str | os.PathLike, schema: TableSchema | None = None) -> pd.DataFrame:
    """Read a processed CSV table, validating it when a schema is given; the schema's text columns are read as
    text, so a code such as '01' keeps its leading zero."""
    import pandas as pd

    text = {c.name: "string" for c in schema.columns if c.kind == "str"} if schema is not None else None
    try:
        df = pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError(path, "file", "an existing processed table") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "file", "a CSV table with a header row", "an empty file") from None
    return schema.validate(df, where=str(path)) if schema is not None else df
