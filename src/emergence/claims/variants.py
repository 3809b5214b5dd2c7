"""Source sensitivity: a claim evaluated against every source that holds its series and under every reading of
an ambiguous wording, so that a verdict resting on one choice of source or reading is flagged, not hidden."""

from __future__ import annotations

import pandas as pd

from emergence.claims.evaluate import Context, evaluate_recipe, recipe_source
from emergence.claims.judging import Tolerance, judge, verdict
from emergence.claims.schemas import SOURCES_SCHEMA
from emergence.errors import InputError

MAIN = "main"
AS_STATED = "as stated"


def variants_of(claim: dict) -> list[dict]:
    """The claim's recipe (variant 'main') followed by its declared variants."""
    main = {"label": MAIN, **claim["recipe"]}
    if claim.get("reading"):
        main["reading"] = claim["reading"]
    return [main, *claim.get("variants", [])]


def evaluate_variants(claim: dict, ctx: Context, tol: Tolerance, where: str) -> list[dict]:
    """One row per variant: its value, its numeric verdict and the claim's status under it."""
    rows = []
    claimed, qualifier = float(claim["claimed"]), claim.get("qualifier", "exact")
    for variant in variants_of(claim):
        location = f"claim {claim['id']}" + ("" if variant["label"] == MAIN else f", variant {variant['label']!r}")
        try:
            value, basis, labels = evaluate_recipe(variant, ctx, where)
        except InputError as error:
            raise InputError(where, f"{location}: {error.location}", error.expected, error.found) from None
        numeric = judge(claimed, value, qualifier, claim["unit"], basis, tol)
        rows.append(
            {
                "id": claim["id"],
                "variant": variant["label"],
                "reading": variant.get("reading", AS_STATED),
                "source": recipe_source(variant),
                "recomputed": value,
                "deviation": value - claimed,
                "numeric_status": numeric,
                "status": verdict(numeric, claim)[0],
                "source_series": "; ".join(labels),
            }
        )
    return rows


def depends_on(rows: list[dict]) -> str | None:
    """What the numeric verdict depends on: the source (same reading, different sources disagree), the reading
    (same source, different readings disagree), either (they disagree only across both), or nothing."""
    if len({r["numeric_status"] for r in rows}) <= 1:
        return None

    def splits(key: str) -> bool:
        groups: dict[str, set[str]] = {}
        for r in rows:
            groups.setdefault(r[key], set()).add(r["numeric_status"])
        return any(len(statuses) > 1 for statuses in groups.values())

    by_source, by_reading = splits("reading"), splits("source")
    if by_source and by_reading:
        return "source and reading"
    return "source" if by_source else "reading" if by_reading else "source or reading"


def sensitivity(rows: list[dict]) -> dict:
    """The ledger's summary of a claim's variants: how many, the range of their values, what the verdict depends on."""
    values = [r["recomputed"] for r in rows]
    return {
        "variants": len(rows),
        "recomputed_min": min(values),
        "recomputed_max": max(values),
        "verdict_depends_on": depends_on(rows),
    }


def sources_table(rows: list[dict], where: str) -> pd.DataFrame:
    """The long table of every variant of every evaluated claim."""
    return SOURCES_SCHEMA.validate(pd.DataFrame(rows, columns=SOURCES_SCHEMA.column_names), where)
