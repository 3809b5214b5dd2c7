"""The claims ledger: one row per numeric statement of the paper, with its recomputation and verdict, whether it
was checked against the data or against the paper's own figures, and how far the verdict rests on the source.

The claims are about one country (claims.yaml `country`). They are evaluated for that country when the build
includes it, and labelled with it, so a build focused on another country never presents them as its own.
"""

from __future__ import annotations

import pandas as pd

from emergence.claims.evaluate import Context, context, evaluate_recipe, fmt, recipe_basis
from emergence.claims.judging import BASES, STATUSES, Tolerance, verdict
from emergence.claims.schemas import LEDGER_SCHEMA, SUMMARY_SCHEMA
from emergence.claims.scope import Scope
from emergence.claims.variants import evaluate_variants, sensitivity


def _notes(claim: dict, ctx: Context, scope: Scope, where: str) -> list[str]:
    """The claim's note and its related figures (those that read data only when the data are there)."""
    notes = [claim["note"]] if claim.get("note") else []
    for extra in claim.get("also", []):
        if recipe_basis(extra) == "data" and not scope.evaluated:
            continue
        value, _, labels = evaluate_recipe(extra, ctx, f"{where}: claim {claim['id']}")
        notes.append(f"{extra['label']}: {fmt(value)} ({'; '.join(labels)})")
    return notes


def ledger_row(claim: dict, ctx: Context, tol: Tolerance, scope: Scope, where: str) -> tuple[dict, list[dict]]:
    """One ledger row (the claim, its recomputation and verdict, notes) and the rows of its variants."""
    basis = recipe_basis(claim["recipe"]) if "recipe" in claim else "none"
    row = {
        "id": claim["id"],
        "section": str(claim["section"]),
        "statement": claim["statement"],
        "claimed": float(claim["claimed"]),
        "qualifier": claim.get("qualifier", "exact"),
        "unit": claim["unit"],
        "years": claim.get("years"),
        "attributed_to": claim.get("attributed_to"),
        "basis": basis,
        "statistic": claim["recipe"]["statistic"] if "recipe" in claim else None,
        "recomputed": None,
        "deviation": None,
        "status": "not_recomputable",
        "source_series": None,
        "note": None,
        "country": scope.country,
        "is_focus": scope.country == scope.focus,
        "numeric_status": None,
        "status_reason": claim.get("reason"),
        "variants": 0,
        "recomputed_min": None,
        "recomputed_max": None,
        "verdict_depends_on": None,
    }
    if basis == "data" and not scope.evaluated:
        return {**row, "status": "not_evaluated", "status_reason": scope.reason()}, []
    notes = _notes(claim, ctx, scope, where)
    if basis == "none":
        return {**row, "note": " | ".join(notes) or None}, []
    variants = evaluate_variants(claim, ctx, tol, where)
    main = variants[0]
    status, reason = verdict(main["numeric_status"], claim)
    row.update(
        recomputed=main["recomputed"],
        deviation=main["deviation"],
        status=status,
        status_reason=reason,
        numeric_status=main["numeric_status"],
        source_series=main["source_series"],
        note=" | ".join(notes) or None,
        **(sensitivity(variants) if basis == "data" else {}),
    )
    return row, variants if basis == "data" else []


def build_ledger(
    claims: list[dict], tables: dict[str, pd.DataFrame], tol: Tolerance, scope: Scope, where: str
) -> tuple[pd.DataFrame, list[dict]]:
    """One row per claim, validated against LEDGER_SCHEMA, and every variant of the claims checked against data."""
    ctx = context(claims, tables, scope.country)
    rows, variants = [], []
    for claim in claims:
        row, extra = ledger_row(claim, ctx, tol, scope, where)
        rows.append(row)
        variants += extra
    frame = pd.DataFrame(rows, columns=LEDGER_SCHEMA.column_names)
    return LEDGER_SCHEMA.validate(frame, where), variants


# The status/basis pairs that can occur; they are always listed, with zero when empty.
_EXPECTED_CELLS = {
    ("reproduced", "data"),
    ("reproduced", "paper"),
    ("close", "data"),
    ("differs", "data"),
    ("inconsistent", "paper"),
    ("not_comparable", "data"),
    ("unit_error", "data"),
    ("not_recomputable", "none"),
}


def summarise(ledger: pd.DataFrame) -> pd.DataFrame:
    """Count of claims by status and basis (against the data, the paper against itself, neither), every
    possible pair listed even when no claim has it."""
    counts = ledger.groupby(["status", "basis"]).size()
    rows = [
        {"status": s, "basis": b, "claims": int(counts.get((s, b), 0))}
        for s in STATUSES
        for b in BASES
        if counts.get((s, b), 0) or (s, b) in _EXPECTED_CELLS
    ]
    return SUMMARY_SCHEMA.validate(pd.DataFrame(rows, columns=SUMMARY_SCHEMA.column_names), "claims summary")
