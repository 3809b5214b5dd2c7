"""Results a workflow start keeps between runs, under `.snakemake/emergence`, each in a file named by the digest of
everything it depends on: a changed input names another file, so a kept result is never stale, only unused."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

START_CACHE = Path(".snakemake") / "emergence"


def read_kept(path: str | os.PathLike) -> object | None:
    """The JSON value kept at `path`, or None where there is none (or it cannot be read)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def keep(path: str | os.PathLike, value: object) -> None:
    """Write `value` as JSON at `path` whole or not at all, under a name of its own first: the jobs of a cluster
    run start the workflow too, maybe at the same time."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as tmp:
        tmp.write(json.dumps(value, ensure_ascii=False))
    os.replace(tmp.name, path)
