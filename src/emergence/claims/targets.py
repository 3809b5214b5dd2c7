"""The plans' stated targets set against what the data (or, failing that, the paper itself) show."""

from __future__ import annotations

import re

import pandas as pd

from emergence.claims.ledger import Context, evaluate_recipe
from emergence.tables import Column, TableSchema

TARGET_STATUSES = ("met", "not_met", "short_at_data_end", "not_measurable")
TARGETS_SCHEMA = TableSchema(
    name="policy_targets",
    columns=(
        Column("target_id", "str"),
        Column("plan", "str"),
        Column("indicator", "str"),
        Column("target", "float"),
        Column("unit", "str"),
        Column("horizon_end", "int", min=1900, max=2100),
        Column("outcome", "float", nullable=True),
        Column("outcome_unit", "str", nullable=True),
        Column("measured_to", "int", nullable=True, min=1900, max=2100),
        Column("achieved_pct", "float", nullable=True),
        Column("status", "str", allowed=TARGET_STATUSES),
        Column("basis", "str", allowed=("data", "paper", "none")),
        Column("source_series", "str", nullable=True),
        Column("note", "str", nullable=True),
    ),
    key=("target_id",),
)


def measured_to(recipe: dict, claims: dict[str, dict], ctx: Context) -> int | None:
    """The last year an outcome recipe observes: series years, Table 2 creation years or a claim's year."""
    years = []
    for term in recipe["terms"]:
        if "series" in term:
            years.append(term["years"][-1])
        elif "recipe" in term:
            years.append(measured_to(term["recipe"], claims, ctx))
        elif "paper" in term and term["paper"] == "clusters":
            years.append(term.get("year_max", int(ctx.tables["clusters"]["year"].max())))
        elif "claim" in term and re.fullmatch(r"\d{4}", str(claims[term["claim"]].get("years", ""))):
            years.append(int(claims[term["claim"]]["years"]))
    known = [y for y in years if y is not None]
    return max(known) if known else None


def target_row(claim: dict, claims: dict[str, dict], ctx: Context, where: str) -> dict:
    target = claim["target"]
    row = {
        "target_id": claim["id"],
        "plan": target["plan"],
        "indicator": target["indicator"],
        "target": float(claim["claimed"]),
        "unit": claim["unit"],
        "horizon_end": target["horizon_end"],
        "outcome": None,
        "outcome_unit": None,
        "measured_to": None,
        "achieved_pct": None,
        "status": "not_measurable",
        "basis": "none",
        "source_series": None,
        "note": target.get("note"),
    }
    if "not_measurable" in target:
        row["note"] = "; ".join(
            filter(None, [f"not measurable from our sources: {target['not_measurable']}", target.get("note")])
        )
        return row
    outcome, basis, labels = evaluate_recipe(target["outcome"], ctx, f"{where}: claim {claim['id']}, target")
    last = measured_to(target["outcome"], claims, ctx)
    if outcome >= row["target"]:
        status = "met"
    elif last is not None and last < target["horizon_end"]:
        status = "short_at_data_end"
    else:
        status = "not_met"
    row.update(
        outcome=outcome,
        outcome_unit=target["outcome_unit"],
        measured_to=last,
        basis=basis,
        achieved_pct=outcome / row["target"] * 100.0 if row["target"] else None,
        status=status,
        source_series="; ".join(labels),
    )
    return row


def targets_table(claims: list[dict], ctx: Context, where: str) -> pd.DataFrame:
    """One row per claim that carries a target (checked by ledger.check_claims)."""
    by_id = {c["id"]: c for c in claims}
    rows = [target_row(claim, by_id, ctx, where) for claim in claims if "target" in claim]
    return TARGETS_SCHEMA.validate(pd.DataFrame(rows, columns=TARGETS_SCHEMA.column_names), where)
