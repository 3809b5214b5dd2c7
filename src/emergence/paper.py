"""Tables 2 and 3 of the reference paper (Amraoui et al. 2019), read from their transcriptions and validated.

The transcriptions in data/raw/paper/ are hand-typed, so every field is checked here and a bad one is reported
with its file, row and field instead of surfacing later as a wrong count.
"""

from __future__ import annotations

import os

import pandas as pd

from emergence.config import read_yaml
from emergence.errors import InputError
from emergence.tables import Column, TableSchema

# The paper's four strategic sectors of EU-Morocco cluster cooperation (section 4.1), plus everything else.
SECTOR_GROUPS = ("agro_food", "textile", "ict_electronics", "renewable_energy", "other")
COUNT_FIELDS = ("members_total", "companies", "smes", "large_companies", "research_training")
COMPANY_SIZES = ("sme", "large", "total")

# Table 2 fields: name -> (kind, nullable). Kinds: "str", "int", "list".
_TABLE2_FIELDS = {
    "id": ("str", False),
    "name": ("str", False),
    "acronym": ("str", True),
    "year": ("int", False),
    "month": ("int", True),
    "sector": ("str", False),
    "sector_group": ("str", False),
    "specialisation": ("str", False),
    "members": ("str", False),
    **{count: ("int", True) for count in COUNT_FIELDS},
    "approximate_counts": ("list", False),
    "location": ("str", False),
    "region": ("str", False),
}
_TABLE3_FIELDS = {
    "id": ("str", False),
    "smes": ("int", False),
    "large_companies": ("int", False),
    "total_companies": ("int", False),
}
_TABLE3_SIZES = {"smes": "sme", "large_companies": "large", "total_companies": "total"}

_COUNT = {"kind": "int", "nullable": True, "min": 0}
CLUSTERS_SCHEMA = TableSchema(
    name="clusters",
    columns=(
        Column("cluster_id", "str"),
        Column("name", "str"),
        Column("acronym", "str", nullable=True),
        Column("year", "int", min=1900, max=2100),
        Column("month", "int", nullable=True, min=1, max=12),
        Column("sector", "str"),
        Column("sector_group", "str", allowed=SECTOR_GROUPS),
        Column("specialisation", "str"),
        Column("members", "str"),
        *(Column(count, **_COUNT) for count in COUNT_FIELDS),
        Column("approximate_counts", "str", nullable=True),
        Column("location", "str"),
        Column("region", "str"),
        Column("section", "str"),
        Column("table", "str"),
    ),
    key=("cluster_id",),
)
CLUSTER_COMPANIES_SCHEMA = TableSchema(
    name="cluster_companies",
    columns=(
        Column("cluster_id", "str"),
        Column("size", "str", allowed=COMPANY_SIZES),
        Column("companies", "int", min=0),
        Column("section", "str"),
        Column("table", "str"),
    ),
    key=("cluster_id", "size"),
)
PAPER_SCHEMAS = {"clusters": CLUSTERS_SCHEMA, "cluster_companies": CLUSTER_COMPANIES_SCHEMA}


def _records(doc: object, where: str) -> tuple[dict, list[dict]]:
    """The `source` block and the list of `clusters` records of a transcription document."""
    if not isinstance(doc, dict):
        raise InputError(where, "document", "a mapping with keys 'source' and 'clusters'", type(doc).__name__)
    source = doc.get("source")
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("section", "table")):
        raise InputError(where, "key 'source'", "a mapping with string fields 'section' and 'table'", source)
    records = doc.get("clusters")
    if not isinstance(records, list) or not records:
        raise InputError(where, "key 'clusters'", "a non-empty list of clusters", records)
    return source, records


def _check_record(record: object, index: int, fields: dict, where: str) -> dict:
    """One record with every field present and of its declared kind; unique ids are checked by the caller."""
    if not isinstance(record, dict):
        raise InputError(where, f"clusters[{index}]", "a mapping of fields", record)
    label = f"clusters[{index}] (id {record.get('id')!r})"
    unknown = sorted(set(record) - set(fields))
    if unknown:
        raise InputError(where, f"{label}, field '{unknown[0]}'", f"only fields {list(fields)}", unknown[0])
    for name, (kind, nullable) in fields.items():
        if name not in record:
            raise InputError(where, f"{label}, field '{name}'", "the field to be present", "nothing")
        value = record[name]
        if value is None:
            if not nullable:
                raise InputError(where, f"{label}, field '{name}'", f"a value ({kind})", None)
            continue
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise InputError(where, f"{label}, field '{name}'", "a whole number >= 0", value)
        if kind == "str" and (not isinstance(value, str) or not value.strip()):
            raise InputError(where, f"{label}, field '{name}'", "a non-empty string", value)
        if kind == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise InputError(where, f"{label}, field '{name}'", "a list of field names", value)
    return record


def _unique_ids(records: list[dict], where: str) -> None:
    seen: set[str] = set()
    for index, record in enumerate(records):
        if record["id"] in seen:
            raise InputError(where, f"clusters[{index}], field 'id'", "a cluster id not used before", record["id"])
        seen.add(record["id"])


def table2_frame(doc: object, where: str) -> pd.DataFrame:
    """Table 2 as one validated row per cluster."""
    source, records = _records(doc, where)
    records = [_check_record(r, i, _TABLE2_FIELDS, where) for i, r in enumerate(records)]
    _unique_ids(records, where)
    for index, record in enumerate(records):
        label = f"clusters[{index}] (id {record['id']!r})"
        odd = [name for name in record["approximate_counts"] if name not in COUNT_FIELDS or record[name] is None]
        if odd:
            raise InputError(
                where, f"{label}, field 'approximate_counts'", f"stated counts among {COUNT_FIELDS}", odd[0]
            )
        if record["sector_group"] not in SECTOR_GROUPS:
            raise InputError(
                where, f"{label}, field 'sector_group'", f"one of {list(SECTOR_GROUPS)}", record["sector_group"]
            )
    rows = [
        {
            "cluster_id": r["id"],
            **{k: r[k] for k in _TABLE2_FIELDS if k not in ("id", "approximate_counts")},
            "approximate_counts": ";".join(r["approximate_counts"]) or None,
            "section": source["section"],
            "table": source["table"],
        }
        for r in records
    ]
    return CLUSTERS_SCHEMA.validate(pd.DataFrame(rows), where)


def table3_frame(doc: object, where: str) -> pd.DataFrame:
    """Table 3 as one validated row per cluster and company size (SMEs, large companies, stated total)."""
    source, records = _records(doc, where)
    records = [_check_record(r, i, _TABLE3_FIELDS, where) for i, r in enumerate(records)]
    _unique_ids(records, where)
    rows = [
        {
            "cluster_id": r["id"],
            "size": size,
            "companies": r[field],
            "section": source["section"],
            "table": source["table"],
        }
        for r in records
        for field, size in _TABLE3_SIZES.items()
    ]
    return CLUSTER_COMPANIES_SCHEMA.validate(pd.DataFrame(rows), where)


def clean_paper(table2_path: str | os.PathLike, table3_path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """The paper's Tables 2 and 3 as tidy tables, keyed like PAPER_SCHEMAS."""
    return {
        "clusters": table2_frame(read_yaml(table2_path), str(table2_path)),
        "cluster_companies": table3_frame(read_yaml(table3_path), str(table3_path)),
    }
