"""The plans' stated targets against outcomes, scored as the distance covered from the plan's baseline:
(outcome - baseline) / (target - baseline). Every target of a plan is measured over the plan's one window, from
its launch to its horizon or to the end of the data, whichever comes first."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import pandas as pd

from emergence.claims.evaluate import Context, evaluate_recipe, recipe_basis, yearly
from emergence.claims.scope import Scope
from emergence.errors import InputError
from emergence.tables import Column, TableSchema

TARGET_STATUSES = ("met", "not_met", "short_at_data_end", "not_measurable", "not_evaluated")
# The years a reduction reads within a window: a change from the year before the launch, a level at its end.
_WINDOW_YEARS = {
    "level": lambda start, end: [end],
    "rank": lambda start, end: [end],
    "change": lambda start, end: [start - 1, end],
    "cagr": lambda start, end: [start - 1, end],
    "mean_growth": lambda start, end: [start, end],
    "average": lambda start, end: [start, end],
    "total": lambda start, end: [start, end],
}
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
        Column("plan_id", "str"),
        Column("window_start", "int", min=1900, max=2100),
        Column("baseline", "float", nullable=True),
        Column("baseline_year", "int", nullable=True, min=1900, max=2100),
        Column("baseline_source", "str", nullable=True),
        Column("progress_pct", "float", nullable=True),
        Column("alt_label", "str", nullable=True),
        Column("alt_outcome", "float", nullable=True),
        Column("alt_outcome_unit", "str", nullable=True),
        Column("alt_progress_pct", "float", nullable=True),
        Column("country", "str"),
        Column("is_focus", "bool"),
    ),
    key=("target_id",),
)


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    launch: int
    horizon: int


def plans_of(doc: dict) -> dict[str, Plan]:
    return {p["id"]: Plan(p["id"], p["name"], p["launch"], p["horizon"]) for p in doc.get("plans", [])}


def in_window(recipe: dict, plan: Plan, ctx: Context, where: str) -> dict:
    """The recipe with each `years: window` replaced by the years its reduction reads in the plan's window,
    the window ending at the plan's horizon or the series' last year, whichever is earlier."""
    resolved = copy.deepcopy(recipe)
    for term in resolved["terms"]:
        if "recipe" in term:
            term["recipe"] = in_window(term["recipe"], plan, ctx, where)
        elif "series" in term and term["years"] == "window":
            series, label = yearly(term["series"], ctx, where)
            end = min(plan.horizon, int(series.dropna().index.max()))
            if end < plan.launch:
                raise InputError(where, f"series {label}", f"data from the launch of {plan.name} ({plan.launch})", end)
            term["years"] = _WINDOW_YEARS[term["reduce"]](plan.launch, end)
    return resolved


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


def progress(outcome: float | None, baseline: float, target: float) -> float | None:
    """The share (%) of the distance from the baseline to the target that the outcome covers; negative when the
    outcome moved away from the target."""
    if outcome is None or target == baseline:
        return None
    return (outcome - baseline) / (target - baseline) * 100.0


def _baseline(target: dict, claims: dict[str, dict], ctx: Context, where: str) -> tuple[float, int | None, str]:
    stated = target["baseline"]
    if "claim" in stated:
        claim = claims[stated["claim"]]
        year = int(claim["years"]) if re.fullmatch(r"\d{4}", str(claim.get("years", ""))) else None
        return float(claim["claimed"]), year, f"the paper (claim {claim['id']})"
    if "recipe" in stated:
        value, _, labels = evaluate_recipe(stated["recipe"], ctx, where)
        return value, stated["year"], f"{stated['note']} ({'; '.join(labels)})"
    return float(stated["value"]), stated["year"], stated.get("note", "stated")


def target_row(
    claim: dict, claims: dict[str, dict], plans: dict[str, Plan], ctx: Context, scope: Scope, where: str
) -> dict:
    target, plan = claim["target"], plans[claim["target"]["plan"]]
    where = f"{where}: claim {claim['id']}, target"
    row = dict.fromkeys(TARGETS_SCHEMA.column_names)
    row.update(
        target_id=claim["id"],
        plan=plan.name,
        plan_id=plan.id,
        indicator=target["indicator"],
        target=float(claim["claimed"]),
        unit=claim["unit"],
        window_start=plan.launch,
        horizon_end=plan.horizon,
        status="not_measurable",
        basis="none",
        note=target.get("note"),
        country=scope.country,
        is_focus=scope.country == scope.focus,
    )
    if "not_measurable" in target:
        reason = f"not measurable from our sources: {target['not_measurable']}"
        return {**row, "note": "; ".join(filter(None, [reason, target.get("note")]))}
    recipe = target["outcome"]
    if recipe_basis(recipe) == "data" and not scope.evaluated:
        return {**row, "status": "not_evaluated", "note": scope.reason()}
    recipe = in_window(recipe, plan, ctx, where)
    outcome, basis, labels = evaluate_recipe(recipe, ctx, where)
    baseline, baseline_year, baseline_source = _baseline(target, claims, ctx, where)
    last = measured_to(recipe, claims, ctx)
    covered = progress(outcome, baseline, row["target"])
    if covered is not None and covered >= 100.0:
        status = "met"
    elif last is not None and last < plan.horizon:
        status = "short_at_data_end"
    else:
        status = "not_met"
    row.update(
        outcome=outcome,
        outcome_unit=target["outcome_unit"],
        measured_to=last,
        basis=basis,
        achieved_pct=outcome / row["target"] * 100.0 if row["target"] else None,
        progress_pct=covered,
        baseline=baseline,
        baseline_year=baseline_year,
        baseline_source=baseline_source,
        status=status,
        source_series="; ".join(labels),
    )
    if "alternative" in target:
        alt = target["alternative"]
        value, _, _ = evaluate_recipe(in_window(alt["recipe"], plan, ctx, where), ctx, where)
        row.update(
            alt_label=alt["label"],
            alt_outcome=value,
            alt_outcome_unit=alt["outcome_unit"],
            alt_progress_pct=progress(value, baseline, row["target"]),
        )
    return row


def targets_table(doc: dict, ctx: Context, scope: Scope, where: str) -> pd.DataFrame:
    """One row per claim that carries a target (claims checked by spec.check_claims)."""
    claims = {c["id"]: c for c in doc["claims"]}
    plans = plans_of(doc)
    rows = [target_row(c, claims, plans, ctx, scope, where) for c in doc["claims"] if "target" in c]
    return TARGETS_SCHEMA.validate(pd.DataFrame(rows, columns=TARGETS_SCHEMA.column_names), where)
