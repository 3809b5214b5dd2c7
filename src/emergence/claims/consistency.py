"""The paper's own arithmetic: row identities of Tables 2 and 3 and the sums its figures must respect."""

from __future__ import annotations

import pandas as pd

from emergence.claims.evaluate import Context, evaluate_recipe
from emergence.claims.judging import Tolerance, agrees_internally
from emergence.tables import Column, TableSchema

CHECK_STATUSES = ("consistent", "incomplete", "inconsistent")
CONSISTENCY_SCHEMA = TableSchema(
    name="claims_consistency",
    columns=(
        Column("check_id", "str"),
        Column("subject", "str"),
        Column("description", "str"),
        Column("expected", "float"),
        Column("found", "float"),
        Column("status", "str", allowed=CHECK_STATUSES),
    ),
    key=("check_id", "subject"),
)
_MEMBER_PARTS = ("smes", "large_companies", "research_training")


def table3_checks(companies: pd.DataFrame) -> list[dict]:
    """Each cluster's SMEs plus large companies against the printed total."""
    wide = companies.pivot(index="cluster_id", columns="size", values="companies")
    return [
        {
            "check_id": "table3_row_total",
            "subject": cluster,
            "description": "SMEs plus large companies equal the printed total",
            "expected": float(row["total"]),
            "found": float(row["sme"] + row["large"]),
            "status": "consistent" if row["sme"] + row["large"] == row["total"] else "inconsistent",
        }
        for cluster, row in wide.iterrows()
    ]


def table2_checks(clusters: pd.DataFrame) -> list[dict]:
    """Stated member counts of a cluster against its stated total (parts may not exceed it).

    A breakdown that names every category (SMEs, large firms, research bodies) yet falls short of the total is
    'incomplete': the table leaves members unaccounted for.
    """
    rows = []
    for _, cluster in clusters.iterrows():
        total = cluster["members_total"]
        if pd.isna(total):
            continue
        parts = [cluster[p] for p in _MEMBER_PARTS if not pd.isna(cluster[p])]
        firms = cluster["companies"] if not pd.isna(cluster["companies"]) else None
        for check_id, found, description in (
            ("table2_member_parts", sum(parts) if parts else None, "stated member categories within the total"),
            ("table2_member_firms", firms, "stated firms within the total"),
        ):
            if found is None:
                continue
            if found > total:
                status = "inconsistent"
            elif check_id == "table2_member_parts" and len(parts) == len(_MEMBER_PARTS) and found < total:
                status = "incomplete"
            else:
                status = "consistent"
            rows.append(
                {
                    "check_id": check_id,
                    "subject": cluster["cluster_id"],
                    "description": description,
                    "expected": float(total),
                    "found": float(found),
                    "status": status,
                }
            )
    return rows


def claim_checks(checks: list[dict], ctx: Context, tol: Tolerance, where: str) -> list[dict]:
    """The `checks` of claims.yaml (validated with the claims): a recipe over the paper's figures against the
    value it must take."""
    rows = []
    for check in checks:
        found, _, _ = evaluate_recipe(check["recipe"], ctx, f"{where}: check {check['id']}")
        expected = float(check["expected"])
        rows.append(
            {
                "check_id": check["id"],
                "subject": "paper",
                "description": check["description"],
                "expected": expected,
                "found": found,
                "status": "consistent" if agrees_internally(expected, found, tol) else "inconsistent",
            }
        )
    return rows


def consistency_table(checks: list[dict], ctx: Context, tol: Tolerance, where: str) -> pd.DataFrame:
    """All internal checks: Table 3 rows, Table 2 member counts and the file's own checks."""
    rows = [
        *table3_checks(ctx.tables["cluster_companies"]),
        *table2_checks(ctx.tables["clusters"]),
        *claim_checks(checks, ctx, tol, where),
    ]
    return CONSISTENCY_SCHEMA.validate(pd.DataFrame(rows, columns=CONSISTENCY_SCHEMA.column_names), where)
