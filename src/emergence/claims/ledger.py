"""The claims ledger: every numeric statement of the paper, read from claims.yaml, recomputed and judged.

A recipe combines scalar terms. A term is a reduction of a processed series (`series`), the figure of another
claim (`claim`: the paper's own arithmetic) or a count from the paper's Tables 2 and 3 (`paper`). A claim whose
terms are all the paper's own numbers is judged for internal consistency; any processed series makes it a
comparison with the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from emergence.claims import recipes
from emergence.errors import InputError
from emergence.paper import COMPANY_SIZES, COUNT_FIELDS
from emergence.tables import Column, TableSchema

STATUSES = ("reproduced", "close", "differs", "inconsistent", "not_recomputable")
QUALIFIERS = ("exact", "about", "more_than", "less_than")
SERIES_TABLES = ("etd", "ggdc10", "un_ama", "wdi", "sector_groups")
PAPER_TABLES = ("clusters", "cluster_companies")
PAPER_REDUCTIONS = ("value", "sum", "average", "count", "count_below", "sum_largest")
SERIES_REDUCTIONS = (*recipes.REDUCTIONS, "rank")
DEFAULT_COUNTRY = "MAR"


def _series_contract() -> dict[str, tuple[set[str], set[str]]]:
    """Sectors and variables of each processed table, as the source modules and the concordance define them."""
    from emergence.config import DEFAULT_CONFIG, load_config
    from emergence.sources import etd, ggdc10, un_ama, wdi

    def wide(module) -> tuple[set[str], set[str]]:
        levels = {variable for variable, _ in module.VARIABLES.values()}
        return {*module.LEAVES.values(), "total"}, levels | {f"{v}_share" for v in levels}

    un_levels = {f"va_{suffix}" for _, _, suffix in un_ama.TABLES.values()}
    un = (
        {*un_ama.CONCORDANCE_LEAVES, "total"},
        un_levels | {f"{v}_share" for v in un_levels} | {f"gdp_{s}" for _, _, s in un_ama.TABLES.values()},
    )
    schemes = load_config(DEFAULT_CONFIG)["concordance"]["schemes"]
    groups = {group for scheme in schemes.values() for group in scheme["groups"]} | {"total"}
    return {
        "etd": wide(etd),
        "ggdc10": wide(ggdc10),
        "un_ama": un,
        "wdi": ({s for s, _, _ in wdi.INDICATORS.values()}, {v for _, v, _ in wdi.INDICATORS.values()}),
        "sector_groups": (groups, wide(etd)[1] | (un[1] - {f"gdp_{s}" for _, _, s in un_ama.TABLES.values()})),
    }


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
        Column("basis", "str", allowed=("data", "paper", "none")),
        Column("statistic", "str", nullable=True),
        Column("recomputed", "float", nullable=True),
        Column("deviation", "float", nullable=True),
        Column("status", "str", allowed=STATUSES),
        Column("source_series", "str", nullable=True),
        Column("note", "str", nullable=True),
    ),
    key=("id",),
)
SUMMARY_SCHEMA = TableSchema(
    name="claims_summary",
    columns=(
        Column("status", "str", allowed=STATUSES),
        Column("basis", "str", allowed=("data", "paper", "none")),
        Column("claims", "int", min=0),
    ),
    key=("status", "basis"),
)


@dataclass(frozen=True)
class Tolerance:
    """When a recomputed figure counts as reproduced or close (data), or the paper's arithmetic as consistent.

    Relative tolerances are fractions of the claimed value; for claims in % or percentage points the allowance is
    also capped at `points` percentage points, so a share of 52% is not allowed five points of slack.
    """

    reproduced_relative: float
    reproduced_points: float
    close_relative: float
    close_points: float
    paper_relative: float

    @classmethod
    def from_params(cls, params: dict) -> Tolerance:
        return cls(
            reproduced_relative=params["reproduced"]["relative"],
            reproduced_points=params["reproduced"]["points"],
            close_relative=params["close"]["relative"],
            close_points=params["close"]["points"],
            paper_relative=params["paper_relative"],
        )


def is_percent(unit: str) -> bool:
    return unit.startswith("%") or unit.startswith("percentage point")


def printed_decimals(value: float) -> int:
    """Decimals the paper prints for a figure (66.37 -> 2, 252 -> 0)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(-int(exponent), 0)


def matches_printed(claimed: float, recomputed: float) -> bool:
    """Whether `recomputed`, rounded or truncated to the paper's printed decimals, gives the printed figure."""
    factor = 10.0 ** printed_decimals(claimed)
    scaled, target = recomputed * factor, claimed * factor
    tiny = 1e-9 * max(abs(target), 1.0)
    return abs(round(scaled) - target) <= tiny or abs(math.trunc(scaled + math.copysign(tiny, scaled)) - target) <= tiny


def judge(claimed: float, recomputed: float | None, qualifier: str, unit: str, basis: str, tol: Tolerance) -> str:
    """The status of one claim (see STATUSES)."""
    if recomputed is None:
        return "not_recomputable"
    deviation = recomputed - claimed
    bound = qualifier in ("more_than", "less_than")
    if (qualifier == "more_than" and deviation >= 0) or (qualifier == "less_than" and deviation <= 0):
        return "reproduced"
    gap = abs(deviation)
    if basis == "paper":
        agrees = matches_printed(claimed, recomputed) or gap <= tol.paper_relative * abs(claimed)
        return "reproduced" if agrees and not bound else "inconsistent"

    def allowance(relative: float, points: float) -> float:
        scaled = relative * abs(claimed)
        return min(scaled, points) if is_percent(unit) else scaled

    if gap <= allowance(tol.reproduced_relative, tol.reproduced_points) and not bound:
        return "reproduced"
    if gap <= allowance(tol.close_relative, tol.close_points):
        return "close"
    return "differs"


# ---------------------------------------------------------------------------------------------- validation

_CLAIM_FIELDS = {
    "id",
    "section",
    "statement",
    "claimed",
    "qualifier",
    "unit",
    "years",
    "attributed_to",
    "recipe",
    "also",
    "recomputable",
    "reason",
    "note",
    "target",
}
_REQUIRED = ("id", "section", "statement", "claimed", "unit")


def _fail(where: str, location: str, expected: str, found: object = None) -> None:
    raise InputError(where, location, expected, found)


def _check_term(term: object, location: str, ids: set[str], where: str) -> None:
    if not isinstance(term, dict):
        _fail(where, location, "a term mapping with 'series', 'claim' or 'paper'", term)
    kinds = [k for k in ("series", "claim", "paper", "recipe") if k in term]
    if len(kinds) != 1:
        _fail(where, location, "exactly one of 'series', 'claim', 'paper', 'recipe'", sorted(term))
    if "scale" in term and not isinstance(term["scale"], (int, float)):
        _fail(where, f"{location}, field 'scale'", "a number", term["scale"])
    if kinds == ["recipe"]:
        check_recipe(term["recipe"], f"{location}, recipe", ids, where)
    elif kinds == ["claim"]:
        if term["claim"] not in ids:
            _fail(where, f"{location}, field 'claim'", "the id of a claim in the file", term["claim"])
    elif kinds == ["paper"]:
        _check_paper_term(term, location, where)
    else:
        ref = term["series"]
        if not isinstance(ref, dict) or not {"table", "variable", "sector"} <= set(ref):
            _fail(where, f"{location}, field 'series'", "a mapping with 'table', 'variable' and 'sector'", ref)
        if ref["table"] not in SERIES_TABLES:
            _fail(where, f"{location}, series 'table'", f"one of {list(SERIES_TABLES)}", ref["table"])
        if ref["table"] == "sector_groups" and not {"scheme", "source"} <= set(ref):
            _fail(where, f"{location}, field 'series'", "'scheme' and 'source' for table sector_groups", ref)
        if term.get("reduce") not in SERIES_REDUCTIONS:
            _fail(where, f"{location}, field 'reduce'", f"one of {list(SERIES_REDUCTIONS)}", term.get("reduce"))
        years = term.get("years")
        size = 1 if term["reduce"] in ("level", "rank") else 2
        if not (isinstance(years, list) and len(years) == size and all(isinstance(y, int) for y in years)):
            _fail(where, f"{location}, field 'years'", f"a list of {size} year(s)", years)


_PAPER_TERM_FIELDS = {"paper", "reduce", "size", "clusters", "year_max", "sectors", "field", "threshold", "n", "scale"}


def _check_paper_term(term: dict, location: str, where: str) -> None:
    """A count from Tables 2 or 3: which table, which rows, which reduction (with its parameter)."""
    unknown = sorted(set(term) - _PAPER_TERM_FIELDS)
    if unknown:
        _fail(where, f"{location}, field '{unknown[0]}'", f"only fields {sorted(_PAPER_TERM_FIELDS)}", unknown[0])
    if term["paper"] not in PAPER_TABLES:
        _fail(where, f"{location}, field 'paper'", f"one of {list(PAPER_TABLES)}", term["paper"])
    reduce = term.get("reduce", "value")
    if reduce not in PAPER_REDUCTIONS:
        _fail(where, f"{location}, field 'reduce'", f"one of {list(PAPER_REDUCTIONS)}", reduce)
    needs = {"count_below": "threshold", "sum_largest": "n"}.get(reduce)
    if needs and not isinstance(term.get(needs), (int, float)):
        _fail(where, f"{location}, field '{needs}'", f"a number for reduce '{reduce}'", term.get(needs))
    if term.get("size", "total") not in COMPANY_SIZES:
        _fail(where, f"{location}, field 'size'", f"one of {list(COMPANY_SIZES)}", term.get("size"))
    if term.get("field", "year") not in ("year", *COUNT_FIELDS):
        _fail(where, f"{location}, field 'field'", f"year or one of {list(COUNT_FIELDS)}", term.get("field"))


def check_recipe(recipe: object, location: str, ids: set[str], where: str) -> None:
    """A recipe: a statistic over a list of terms, with an optional scale."""
    if not isinstance(recipe, dict) or recipe.get("statistic") not in recipes.STATISTICS:
        found = recipe.get("statistic") if isinstance(recipe, dict) else recipe
        _fail(where, f"{location}, field 'statistic'", f"one of {list(recipes.STATISTICS)}", found)
    terms = recipe.get("terms")
    if not isinstance(terms, list) or not terms:
        _fail(where, f"{location}, field 'terms'", "a non-empty list of terms", terms)
    for i, term in enumerate(terms):
        _check_term(term, f"{location}, terms[{i}]", ids, where)


_TARGET_FIELDS = {"plan", "indicator", "horizon_end", "outcome", "outcome_unit", "not_measurable", "note"}


def check_target(target: object, label: str, ids: set[str], where: str) -> dict:
    """A target block: plan, indicator, horizon, and either an outcome recipe (with its unit) or a reason."""
    if not isinstance(target, dict):
        raise InputError(where, f"{label}, target", "a mapping", target)
    unknown = sorted(set(target) - _TARGET_FIELDS)
    if unknown:
        raise InputError(
            where, f"{label}, target, field '{unknown[0]}'", f"only fields {sorted(_TARGET_FIELDS)}", unknown
        )
    for name in ("plan", "indicator"):
        if not isinstance(target.get(name), str):
            raise InputError(where, f"{label}, target, field '{name}'", "a string", target.get(name))
    if not isinstance(target.get("horizon_end"), int):
        raise InputError(where, f"{label}, target, field 'horizon_end'", "a year", target.get("horizon_end"))
    if ("outcome" in target) == ("not_measurable" in target):
        raise InputError(
            where, f"{label}, target", "either 'outcome' (with 'outcome_unit') or 'not_measurable'", sorted(target)
        )
    if "outcome" in target:
        if not isinstance(target.get("outcome_unit"), str):
            raise InputError(where, f"{label}, target, field 'outcome_unit'", "a string", target.get("outcome_unit"))
        check_recipe(target["outcome"], f"{label}, target, outcome", ids, where)
    return target


def check_claims(doc: object, where: str) -> list[dict]:
    """The claims of claims.yaml, each checked for its fields and, if it has one, its recipe."""
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list) or not doc["claims"]:
        _fail(where, "key 'claims'", "a non-empty list of claims")
    claims = doc["claims"]
    ids: set[str] = set()
    for i, claim in enumerate(claims):
        if not isinstance(claim, dict):
            _fail(where, f"claims[{i}]", "a mapping of fields", claim)
        if claim.get("id") in ids:
            _fail(where, f"claims[{i}], field 'id'", "an id not used before", claim.get("id"))
        ids.add(claim.get("id"))
    for i, claim in enumerate(claims):
        label = f"claims[{i}] (id {claim.get('id')!r})"
        unknown = sorted(set(claim) - _CLAIM_FIELDS)
        if unknown:
            _fail(where, f"{label}, field '{unknown[0]}'", f"only fields {sorted(_CLAIM_FIELDS)}", unknown[0])
        for name in _REQUIRED:
            if claim.get(name) is None:
                _fail(where, f"{label}, field '{name}'", "a value", None)
        if isinstance(claim["claimed"], bool) or not isinstance(claim["claimed"], (int, float)):
            _fail(where, f"{label}, field 'claimed'", "a number", claim["claimed"])
        for name in ("id", "section", "statement", "unit"):
            if not isinstance(claim[name], str):
                _fail(where, f"{label}, field '{name}'", "a string", claim[name])
        if claim.get("qualifier", "exact") not in QUALIFIERS:
            _fail(where, f"{label}, field 'qualifier'", f"one of {list(QUALIFIERS)}", claim.get("qualifier"))
        has_recipe = "recipe" in claim
        if has_recipe == (claim.get("recomputable", True) is False) or (not has_recipe and not claim.get("reason")):
            _fail(where, label, "either a 'recipe' or 'recomputable: false' with a 'reason'", sorted(claim))
        if has_recipe:
            check_recipe(claim["recipe"], f"{label}, recipe", ids, where)
        if "target" in claim:
            check_target(claim["target"], label, ids, where)
        for j, extra in enumerate(claim.get("also", [])):
            if not isinstance(extra, dict) or not isinstance(extra.get("label"), str):
                _fail(where, f"{label}, also[{j}]", "a recipe with a 'label'", extra)
            check_recipe(extra, f"{label}, also[{j}]", ids, where)
    return claims


def series_refs(doc: dict) -> list[tuple[str, dict]]:
    """Every (location, series reference) of the file: recipes, alternatives, target outcomes and checks."""
    found = []

    def visit(recipe: dict | None, location: str) -> None:
        for i, term in enumerate((recipe or {}).get("terms", [])):
            if "series" in term:
                found.append((f"{location}, terms[{i}]", term["series"]))
            if "recipe" in term:
                visit(term["recipe"], f"{location}, terms[{i}]")

    for claim in doc.get("claims", []):
        visit(claim.get("recipe"), f"claim {claim['id']}")
        for j, extra in enumerate(claim.get("also", [])):
            visit(extra, f"claim {claim['id']}, also[{j}]")
        visit((claim.get("target") or {}).get("outcome"), f"claim {claim['id']}, target outcome")
    for check in doc.get("checks", []):
        visit(check.get("recipe"), f"check {check['id']}")
    return found


def contract_violations(doc: dict) -> list[str]:
    """Series references that name a sector or variable the data contract does not define."""
    problems = []
    contract = _series_contract()
    for location, ref in series_refs(doc):
        sectors, variables = contract[ref["table"]]
        wanted = ref["sector"] if isinstance(ref["sector"], list) else [ref["sector"]]
        problems += [f"{location}: sector {s}" for s in wanted if s not in sectors]
        if ref["variable"] not in variables:
            problems.append(f"{location}: variable {ref['variable']}")
    return problems


# ---------------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Context:
    """What terms are resolved against: processed tables by name and the claimed value of every claim."""

    tables: dict[str, pd.DataFrame]
    claimed: dict[str, float]


def _series(ref: dict, ctx: Context, where: str) -> tuple[pd.DataFrame, str]:
    """Rows of one variable (all sectors) of a processed table, and a label for the ledger."""
    table = ctx.tables.get(ref["table"])
    if table is None:
        raise InputError(where, "series 'table'", f"one of the tables given {sorted(ctx.tables)}", ref["table"])
    country = ref.get("country", DEFAULT_COUNTRY)
    mask = (table["country"] == country) & (table["variable"] == ref["variable"])
    label_parts = [ref["table"], country]
    for extra in ("scheme", "source"):
        if extra in ref:
            mask &= table[extra] == ref[extra]
            label_parts.append(ref[extra])
    rows = table[mask]
    if rows.empty:
        raise InputError(where, f"series {ref}", "rows in the processed table", "none")
    sectors = ref["sector"] if isinstance(ref["sector"], list) else [ref["sector"]]
    label = " ".join([*label_parts, "+".join(sectors), ref["variable"]])
    return rows, label


def _series_term(term: dict, ctx: Context, where: str) -> tuple[float, str]:
    rows, label = _series(term["series"], ctx, where)
    years = term["years"]
    if term["reduce"] == "rank":
        cross = rows[(rows["year"] == years[0]) & (rows["sector"] != "total")].set_index("sector")["value"]
        value = recipes.rank(cross, term["series"]["sector"], where)
        return value, f"{label} rank {years[0]}"
    sectors = term["series"]["sector"] if isinstance(term["series"]["sector"], list) else [term["series"]["sector"]]
    chosen = rows[rows["sector"].isin(sectors)]
    missing = sorted(set(sectors) - set(chosen["sector"]))
    if missing:
        raise InputError(where, f"series {term['series']}", "rows for every sector named", f"none for {missing}")
    counts = chosen.groupby("year")["sector"].nunique()
    complete = counts[counts == len(sectors)].index
    series = chosen[chosen["year"].isin(complete)].groupby("year")["value"].sum()
    reduce = recipes.REDUCTIONS[term["reduce"]]
    value = reduce(series, *years, where=f"{where}: {label}")
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[1]}"
    return value, f"{label} {term['reduce']} {span}"


def _paper_term(term: dict, ctx: Context, where: str) -> tuple[float, str]:
    table = ctx.tables[term["paper"]]
    reduce = term.get("reduce", "value")
    if term["paper"] == "cluster_companies":
        rows = table[table["size"] == term.get("size", "total")]
        label = f"Table 3 {term.get('size', 'total')} companies"
    else:
        rows = table
        label = "Table 2 clusters"
    if "clusters" in term:
        rows = rows[rows["cluster_id"].isin(term["clusters"])]
        label += f" of {'+'.join(term['clusters'])}"
    if "year_max" in term:
        rows = rows[rows["year"] <= term["year_max"]]
        label += f" created by {term['year_max']}"
    if "sectors" in term:
        rows = rows[rows["sector"].isin(term["sectors"])]
        label += f" in sectors {'/'.join(term['sectors'])}"
    if rows.empty and reduce != "count":
        raise InputError(where, f"paper term {term}", "matching rows of the paper's table", "none")
    values = rows["companies"] if term["paper"] == "cluster_companies" else rows.get(term.get("field", "year"))
    if reduce == "count":
        return float(len(rows)), f"{label}: count"
    if reduce == "count_below":
        return recipes.count_below(values, term["threshold"]), f"{label}: count below {term['threshold']}"
    if reduce == "sum_largest":
        return recipes.sum_largest(values, term["n"]), f"{label}: sum of the {term['n']} largest"
    if reduce == "average":
        return float(values.mean()), f"{label}: average"
    if reduce == "value" and len(values) != 1:
        raise InputError(where, f"paper term {term}", "exactly one matching row for 'value'", len(values))
    return float(values.sum()), label + ("" if reduce == "value" else ": sum")


def evaluate_recipe(recipe: dict, ctx: Context, where: str) -> tuple[float, str, list[str]]:
    """The recipe's value, its basis ('data' or 'paper') and a label for each of its terms."""
    values, labels = [], []
    for term in recipe["terms"]:
        if "series" in term:
            value, label = _series_term(term, ctx, where)
        elif "claim" in term:
            value, label = float(ctx.claimed[term["claim"]]), f"paper claim {term['claim']}"
        elif "recipe" in term:
            value, _, inner = evaluate_recipe(term["recipe"], ctx, where)
            label = f"{term['recipe']['statistic']}({'; '.join(inner)})"
        else:
            value, label = _paper_term(term, ctx, where)
        values.append(value * term.get("scale", 1))
        labels.append(label)
    result = recipes.combine(recipe["statistic"], values, where) * recipe.get("scale", 1)
    return result, recipe_basis(recipe), labels


def recipe_basis(recipe: dict) -> str:
    """'data' when any term, at any depth, reads a processed series; 'paper' when all are the paper's numbers."""
    uses_data = any("series" in t or ("recipe" in t and recipe_basis(t["recipe"]) == "data") for t in recipe["terms"])
    return "data" if uses_data else "paper"


def fmt(value: float) -> str:
    """A number for a note: grouped digits for large amounts, six significant digits otherwise."""
    return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.6g}"


def _years(value: object) -> str | None:
    return None if value is None else str(value)


def ledger_row(claim: dict, ctx: Context, tol: Tolerance, where: str) -> dict:
    """One ledger row: the claim, its recomputation and status, the series used and the notes."""
    location = f"claim {claim['id']}"
    notes = [claim["note"]] if claim.get("note") else []
    recomputed, basis, labels, statistic = None, "none", [], None
    if "recipe" in claim:
        try:
            recomputed, basis, labels = evaluate_recipe(claim["recipe"], ctx, where)
        except InputError as error:
            raise InputError(where, f"{location}: {error.location}", error.expected, error.found) from None
        statistic = claim["recipe"]["statistic"]
    else:
        notes.insert(0, f"not recomputable: {claim['reason']}")
    for extra in claim.get("also", []):
        value, _, extra_labels = evaluate_recipe(extra, ctx, f"{where}: {location}")
        notes.append(f"{extra['label']}: {fmt(value)} ({'; '.join(extra_labels)})")
    claimed = float(claim["claimed"])
    qualifier = claim.get("qualifier", "exact")
    return {
        "id": claim["id"],
        "section": str(claim["section"]),
        "statement": claim["statement"],
        "claimed": claimed,
        "qualifier": qualifier,
        "unit": claim["unit"],
        "years": _years(claim.get("years")),
        "attributed_to": claim.get("attributed_to"),
        "basis": basis,
        "statistic": statistic,
        "recomputed": recomputed,
        "deviation": None if recomputed is None else recomputed - claimed,
        "status": judge(claimed, recomputed, qualifier, claim["unit"], basis, tol),
        "source_series": "; ".join(labels) or None,
        "note": " | ".join(notes) or None,
    }


def context(claims: list[dict], tables: dict[str, pd.DataFrame]) -> Context:
    return Context(tables=tables, claimed={c["id"]: float(c["claimed"]) for c in claims})


def build_ledger(claims: list[dict], tables: dict[str, pd.DataFrame], tol: Tolerance, where: str) -> pd.DataFrame:
    """One row per claim, validated against LEDGER_SCHEMA."""
    ctx = context(claims, tables)
    rows = [ledger_row(claim, ctx, tol, where) for claim in claims]
    frame = pd.DataFrame(rows, columns=LEDGER_SCHEMA.column_names)
    return LEDGER_SCHEMA.validate(frame, where)


# The status/basis pairs that can occur; they are always listed, with zero when empty.
_EXPECTED_CELLS = {
    ("reproduced", "data"),
    ("reproduced", "paper"),
    ("close", "data"),
    ("differs", "data"),
    ("inconsistent", "paper"),
    ("not_recomputable", "none"),
}


def summarise(ledger: pd.DataFrame) -> pd.DataFrame:
    """Count of claims by status and basis, every status listed even when no claim has it."""
    counts = ledger.groupby(["status", "basis"]).size()
    rows = [
        {"status": s, "basis": b, "claims": int(counts.get((s, b), 0))}
        for s in STATUSES
        for b in ("data", "paper", "none")
        if counts.get((s, b), 0) or (s, b) in _EXPECTED_CELLS
    ]
    return SUMMARY_SCHEMA.validate(pd.DataFrame(rows, columns=SUMMARY_SCHEMA.column_names), "claims summary")
