"""File I/O that never leaves a half-written output: every write goes to a temporary file, then a rename."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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
def atomic_paths(paths: Sequence[str | os.PathLike]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each of `paths`; rename them onto `paths` only if the block succeeds.

    A job that writes several files writes them all here, so one that fails after the first leaves none: its
    checks run inside the block, before any rename. Temporaries that a killed earlier writer of the same target
    left behind are removed first: each target has one writer (its rule), so they can only be stale.
    """
    targets = [Path(p) for p in paths]
    tmps = []
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f".{target.name}.tmp*"):
            stale.unlink(missing_ok=True)
        tmps.append(target.with_name(f".{target.name}.tmp{os.getpid()}{target.suffix}"))
    try:
        yield tmps
        for tmp, target in zip(tmps, targets, strict=True):
            os.replace(tmp, target)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """atomic_paths for one file."""
    with atomic_paths([path]) as (tmp,):
        yield tmp


def write_files(files: Mapping[str | os.PathLike, bytes]) -> None:
    """Write every file or none (see atomic_paths)."""
    with atomic_paths(list(files)) as tmps:
        for tmp, data in zip(tmps, files.values(), strict=True):
            tmp.write_bytes(data)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    write_files({path: data})


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def table_to_csv(df: pd.DataFrame) -> str:
    """The one CSV dialect of the project: fixed float format, '\\n' line ends, no index."""
    return df.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_table(df: pd.DataFrame, path: str | os.PathLike, schema: TableSchema) -> pd.DataFrame:
    """Validate `df` against `schema`, sort it by the schema's key and write it atomically as CSV."""
    return write_all({path: (df, schema)})[path]


def write_all(
    tables: Mapping[str | os.PathLike, tuple[pd.DataFrame, TableSchema]],
    files: Mapping[str | os.PathLike, bytes] | None = None,
) -> dict:
    """Validate every table (path -> (table, schema)), then write them and the other `files` of the job together:
    a job whose last table fails its schema leaves none of its outputs behind. Returns the validated tables."""
    checked = {path: schema.validate(df, where=str(path)) for path, (df, schema) in tables.items()}
    write_files({**{path: table_to_csv(df).encode("utf-8") for path, df in checked.items()}, **(files or {})})
    return checked


def read_table(path: str | os.PathLike | BinaryIO, schema: TableSchema | None = None) -> pd.DataFrame:
    """Read a processed CSV table (or the bytes of one not yet written), validating it when a schema is given; the
    schema's text columns are read as text, so a code such as '01' keeps its leading zero."""
    import pandas as pd

    text = {c.name: "string" for c in schema.columns if c.kind == "str"} if schema is not None else None
    try:
        df = pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError(path, "file", "an existing processed table") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "file", "a CSV table with a header row", "an empty file") from None
    return schema.validate(df, where=str(path)) if schema is not None else df
