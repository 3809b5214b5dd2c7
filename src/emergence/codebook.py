"""The codebook: every processed table as a Frictionless Data Package (data/processed/datapackage.json).

Generated from the registry's table schemas (types, required columns, ranges, allowed values, primary keys) and
the snapshots' manifests (sources), so anyone can read and validate the tables with the Frictionless tools alone,
without this package. Each resource also carries its file's size and sha256, and, where the table has a unit
column, the units its rows use.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import emergence
from emergence import manifest, registry
from emergence.io import read_table, sha256_file, write_text
from emergence.tables import Column, TableSchema

TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
STAGES = {
    "ingest": "The raw files checked against their manifests",
    "clean": "A tidy table cleaned from the raw snapshots",
    "models": "Growth, trend, break and forecast models of the clean tables",
    "structure": "Structural change: productivity decompositions, elasticities, shift-share and peers",
    "regions": "The HCP census by region: specialisation, concentration and the paper's clusters",
    "claims": "The reference paper's statements recomputed from the processed tables",
}
# What the columns shared by many tables mean; other columns are described by their name and constraints.
COLUMNS = {
    "country": "ISO 3166-1 alpha-3 code of the country",
    "sector": "Sector or activity group, in the source's classification or the concordance's scheme",
    "variable": "The measure the row holds",
    "year": "Calendar year",
    "value": "The value, in the unit named in the row's `unit` column",
    "unit": "The unit of the row's value",
    "source": "The source (as named in data/raw/SOURCE) the row was computed from",
    "period": "Policy period, as named in config/config.yaml",
    "scheme": "Sector grouping scheme of the concordance",
    "measure": "What the value measures",
    "method": "Decomposition method",
    "term": "Term of the decomposition",
    "status": "Whether the row could be computed, or its verdict",
    "first_year": "First year used",
    "last_year": "Last year used",
    "n": "Number of observations used",
    "region_code": "HCP code of the region",
    "region_name": "Name of the region",
    "cluster_id": "Identifier of the cluster in the paper's Table 2",
    "path": "Path of the file, relative to the project",
    "sha256": "SHA-256 checksum of the file",
    "manifest": "Manifest that lists the file",
}
SUFFIXES = (
    ("_pct", "in percent"),
    ("_pp", "in percentage points"),
    ("_p_value", "a p-value"),
    ("_year", "a calendar year"),
    ("_code", "a code"),
    ("_name", "a name"),
    ("_share", "a share, in percent"),
)


def describe(column: Column) -> str:
    if column.name in COLUMNS:
        return COLUMNS[column.name]
    words = column.name.replace("_", " ")
    kind = next((text for suffix, text in SUFFIXES if column.name.endswith(suffix)), None)
    return f"{words[0].upper()}{words[1:]}" + (f" ({kind})" if kind else "")


def field(column: Column) -> dict:
    """A Table Schema field: type, description and the schema's own constraints."""
    cast = int if column.kind == "int" else float
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    if column.min is not None:
        constraints["minimum"] = cast(column.min)
    if column.max is not None:
        constraints["maximum"] = cast(column.max)
    if column.allowed is not None:
        constraints["enum"] = list(column.allowed)
    out = {"name": column.name, "type": TYPES[column.kind], "description": describe(column)}
    return {**out, "constraints": constraints} if constraints else out


def table_schema(schema: TableSchema) -> dict:
    return {
        "fields": [field(c) for c in schema.columns],
        "primaryKey": list(schema.key),
        "missingValues": [""],
    }


def _units(df) -> list:
    """The units a table's rows use: per variable where the table has one, else the units alone."""
    if "unit" not in df.columns:
        return []
    if "variable" in df.columns:
        pairs = df[["variable", "unit"]].dropna().drop_duplicates().sort_values(["variable", "unit"])
        return [{"variable": v, "unit": u} for v, u in pairs.itertuples(index=False)]
    return sorted(df["unit"].dropna().unique().tolist())


def source_entries(manifests: Sequence[str | os.PathLike]) -> dict[str, list[dict]]:
    """Data Package sources by source name, one per release: citation, address, release and licence."""
    out: dict[str, list[dict]] = {}
    for path in sorted(str(p) for p in manifests):
        entry = manifest.load(path)
        item = {"title": str(entry["citation"]), "version": str(entry["release"]), "license": str(entry["licence"])}
        if str(entry["url"]).startswith(("http://", "https://")):
            item["path"] = str(entry["url"])
        out.setdefault(str(entry["source"]), []).append(item)
    return out


def resource(table: registry.Table, path: Path, sources: Mapping[str, list[dict]]) -> dict:
    schema = registry.schema_of(table.name)
    df = read_table(path, schema)
    out = {
        "name": table.name,
        "path": f"{table.stage}/{table.file}.csv",
        "profile": "tabular-data-resource",
        "title": f"{table.stage}: {table.file}",
        "description": f"{STAGES.get(table.stage, table.stage)}. One row per {', '.join(schema.key)}.",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256_file(path)}",
        "schema": table_schema(schema),
    }
    used = sorted(set(df["source"].dropna())) if "source" in df.columns else []
    if used and all(name in sources for name in used):
        out["sources"] = [item for name in used for item in sources[name]]
    if units := _units(df):
        out["units"] = units
    return out


def datapackage(tables: Mapping[str, str | os.PathLike], manifests: Sequence[str | os.PathLike], title: str) -> dict:
    """The Data Package of the given processed tables (by registry name), in registry order."""
    sources = source_entries(manifests)
    chosen = [t for t in registry.TABLES if t.name in tables]
    return {
        "profile": "tabular-data-package",
        "name": "emergence-processed-tables",
        "title": title,
        "version": emergence.__version__,
        "description": "Every table the emergence pipeline writes under data/processed, validated on write against "
        "these schemas. The raw data keep their publishers' terms: see each source's license.",
        "sources": [item for name in sorted(sources) for item in sources[name]],
        "resources": [resource(t, Path(tables[t.name]), sources) for t in chosen],
    }


def write_datapackage(
    tables: Mapping[str, str | os.PathLike],
    manifests: Sequence[str | os.PathLike],
    title: str,
    path: str | os.PathLike,
) -> Path:
    write_text(path, json.dumps(datapackage(tables, manifests, title), indent=2, ensure_ascii=False) + "\n")
    return Path(path)
