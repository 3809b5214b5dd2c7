"""The claims stage's output tables: the ledger, its summary by verdict and the claims' values by source and
reading (the targets and the internal checks have theirs beside their code)."""

from __future__ import annotations

from emergence.claims.judging import BASES, NUMERIC_STATUSES, QUALIFIERS, STATUSES
from emergence.tables import Column, TableSchema

# What a claim's verdict depends on, when its sources or readings disagree.
DEPENDS = ("source", "reading", "source and reading", "source or reading")
LEDGER_SCHEMA = TableSchema(
    name="claims_ledger",
    columns=(
        Column("id", "str"),
        Column("section", "str"),
        Column("statement", "str"),
        Column("claimed", "float"),
        Column("qualifier", "str", allowed=QUALIFIERS),
        Column("unit", "str"),
        Column("years", "str", nullable=True),
        Column("attributed_to", "str", nullable=True),
        Column("basis", "str", allowed=BASES),
        Column("statistic", "str", nullable=True),
        Column("recomputed", "float", nullable=True),
        Column("deviation", "float", nullable=True),
        Column("status", "str", allowed=STATUSES),
        Column("source_series", "str", nullable=True),
        Column("note", "str", nullable=True),
        Column("country", "str"),
        Column("is_focus", "bool"),
        Column("numeric_status", "str", nullable=True, allowed=STATUSES),
        Column("status_reason", "str", nullable=True),
        Column("variants", "int", min=0),
        Column("recomputed_min", "float", nullable=True),
        Column("recomputed_max", "float", nullable=True),
        Column("verdict_depends_on", "str", nullable=True, allowed=DEPENDS),
    ),
    key=("id",),
)
SUMMARY_SCHEMA = TableSchema(
    name="claims_summary",
    columns=(
        Column("status", "str", allowed=STATUSES),
        Column("basis", "str", allowed=BASES),
        Column("claims", "int", min=0),
    ),
    key=("status", "basis"),
)
SOURCES_SCHEMA = TableSchema(
    name="claims_sources",
    columns=(
        Column("id", "str"),
        Column("variant", "str"),
        Column("reading", "str"),
        Column("source", "str"),
        Column("recomputed", "float"),
        Column("deviation", "float"),
        Column("numeric_status", "str", allowed=NUMERIC_STATUSES),
        Column("status", "str", allowed=STATUSES),
        Column("source_series", "str"),
    ),
    key=("id", "variant"),
)
