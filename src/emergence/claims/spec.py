"""Reading claims.yaml: its JSON Schema (workflow/schemas/claims.schema.yaml) checks every field, then the
cross-references a schema cannot express (claim and plan ids) are checked here. Errors name the claim by its
position and id, and the key."""

from __future__ import annotations

import os
from functools import cache

from emergence.config import ROOT, read_yaml
from emergence.errors import InputError

CLAIMS_SCHEMA = ROOT / "workflow" / "schemas" / "claims.schema.yaml"
_NAMED = ("claims", "checks", "plans")  # lists whose items are named by their id in error messages


@cache
def _validator(schema_path: str):
    import jsonschema

    schema = read_yaml(schema_path)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _location(path: list, doc: object) -> str:
    """'claims[3] (id 'x'), recipe, terms[0], field 'scale'' for the path ['claims', 3, 'recipe', ...]."""
    parts, node = [], doc
    for i, key in enumerate(path):
        if isinstance(key, int):
            parts[-1] += f"[{key}]"
            if len(path[:i]) == 1 and path[0] in _NAMED and isinstance(node[key], dict) and "id" in node[key]:
                parts[-1] += f" (id {node[key]['id']!r})"
        else:
            parts.append(f"field '{key}'" if i == len(path) - 1 else str(key))
        node = node[key] if i < len(path) - 1 else None
    return ", ".join(parts) or "(top level)"


def _schema_error(error, doc: object, where: str) -> InputError:
    """The first violation as an InputError: the location of the offending key, what was expected and found."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return InputError(where, _location([*path, missing[0]], doc), "a value", None)
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = sorted(error.schema.get("properties", {}))
        return InputError(where, _location([*path, unknown[0]], doc), f"only fields {allowed}", unknown[0])
    if error.validator == "type":
        expected = f"a value of type {error.validator_value}"
    elif error.validator in ("enum", "const"):
        values = error.validator_value if error.validator == "enum" else [error.validator_value]
        expected = f"one of {list(values)}"
    elif error.validator == "oneOf" and error.schema.get("oneOf", [{}])[0].get("required"):
        expected = "exactly one of " + ", ".join(repr(s["required"][0]) for s in error.schema["oneOf"])
    else:
        expected = f"a value that satisfies '{error.validator}' ({error.message})"
    found = sorted(error.instance) if isinstance(error.instance, dict) else error.instance
    return InputError(where, _location(path, doc), expected, found)


def _order(error) -> tuple:
    """Errors in document order, the deepest first where one lies inside another."""
    return (*((0, p) if isinstance(p, int) else (1, p) for p in error.absolute_path), (2, -len(error.absolute_path)))


def validate(doc: object, where: str, schema_path: str | os.PathLike = CLAIMS_SCHEMA) -> dict:
    """The document, checked against the JSON Schema; the first violation is an InputError naming claim and key."""
    errors = sorted(_validator(str(schema_path)).iter_errors(doc), key=_order)
    if errors:
        raise _schema_error(errors[0], doc, where)
    return doc


def _recipes(claim: dict) -> list[tuple[str, dict]]:
    """(location, recipe) of everything a claim evaluates: recipe, variants, notes, target outcomes."""
    found = [("recipe", claim["recipe"])] if "recipe" in claim else []
    found += [(f"variants[{j}]", v) for j, v in enumerate(claim.get("variants", []))]
    found += [(f"also[{j}]", v) for j, v in enumerate(claim.get("also", []))]
    target = claim.get("target", {})
    if "outcome" in target:
        found.append(("target, outcome", target["outcome"]))
    if "alternative" in target:
        found.append(("target, alternative, recipe", target["alternative"]["recipe"]))
    if "recipe" in target.get("baseline", {}):
        found.append(("target, baseline, recipe", target["baseline"]["recipe"]))
    return found


def _check_refs(recipe: dict, location: str, ids: set[str], window: bool, where: str) -> None:
    for i, term in enumerate(recipe["terms"]):
        here = f"{location}, terms[{i}]"
        if "claim" in term and term["claim"] not in ids:
            raise InputError(where, f"{here}, field 'claim'", "the id of a claim in the file", term["claim"])
        if "series" in term and term["years"] == "window" and not window:
            raise InputError(where, f"{here}, field 'years'", "a list of years ('window' only in a target)", "window")
        if "recipe" in term:
            _check_refs(term["recipe"], here, ids, window, where)


def _unique(items: list[dict], key: str, where: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item["id"] in seen:
            raise InputError(where, f"{key}[{i}], field 'id'", "an id not used before", item["id"])
        seen.add(item["id"])
    return seen


def check_claims(doc: object, where: str, schema_path: str | os.PathLike = CLAIMS_SCHEMA) -> list[dict]:
    """The claims of claims.yaml, checked against the schema and for their references to claims and plans."""
    validate(doc, where, schema_path)
    ids = _unique(doc["claims"], "claims", where)
    plans = _unique(doc.get("plans", []), "plans", where)
    for i, claim in enumerate(doc["claims"]):
        label = f"claims[{i}] (id {claim['id']!r})"
        for location, recipe in _recipes(claim):
            _check_refs(recipe, f"{label}, {location}", ids, location.startswith("target"), where)
        target = claim.get("target")
        if target and target["plan"] not in plans:
            raise InputError(
                where, f"{label}, target, field 'plan'", f"one of the plans {sorted(plans)}", target["plan"]
            )
        baseline = (target or {}).get("baseline", {})
        if "claim" in baseline and baseline["claim"] not in ids:
            raise InputError(where, f"{label}, target, baseline, field 'claim'", "the id of a claim", baseline["claim"])
    _unique(doc.get("checks", []), "checks", where)
    for i, check in enumerate(doc.get("checks", [])):
        _check_refs(check["recipe"], f"checks[{i}] (id {check['id']!r}), recipe", ids, False, where)
    return doc["claims"]


def load_claims(path: str | os.PathLike, schema_path: str | os.PathLike = CLAIMS_SCHEMA) -> dict:
    """claims.yaml read and checked (see check_claims)."""
    doc = read_yaml(path)
    check_claims(doc, str(path), schema_path)
    return doc


def series_refs(doc: dict) -> list[tuple[str, dict]]:
    """Every (location, series reference) of the file: recipes, variants, notes, target outcomes and checks."""
    found = []

    def visit(recipe: dict, location: str) -> None:
        for i, term in enumerate(recipe["terms"]):
            if "series" in term:
                found.append((f"{location}, terms[{i}]", term["series"]))
            if "recipe" in term:
                visit(term["recipe"], f"{location}, terms[{i}]")

    for claim in doc["claims"]:
        for location, recipe in _recipes(claim):
            visit(recipe, f"claim {claim['id']}" + ("" if location == "recipe" else f", {location}"))
    for check in doc.get("checks", []):
        visit(check["recipe"], f"check {check['id']}")
    return found


def series_contract(schemes: dict) -> dict[str, tuple[set[str], set[str]]]:
    """Sectors and variables of each processed table, as the source modules and the concordance's `schemes`
    define them."""
    from emergence.sources import etd, ggdc10, un_ama, wdi

    def wide(module) -> tuple[set[str], set[str]]:
        levels = {variable for variable, _ in module.VARIABLES.values()}
        return {*module.LEAVES.values(), "total"}, levels | {f"{v}_share" for v in levels}

    un_levels = {f"va_{suffix}" for _, _, suffix in un_ama.TABLES.values()}
    gdp = {f"gdp_{s}" for _, _, s in un_ama.TABLES.values()}
    un = ({*un_ama.CONCORDANCE_LEAVES, "total"}, un_levels | {f"{v}_share" for v in un_levels} | gdp)
    groups = {group for scheme in schemes.values() for group in scheme["groups"]} | {"total"}
    return {
        "etd": wide(etd),
        "ggdc10": wide(ggdc10),
        "un_ama": un,
        "wdi": ({s for s, _, _ in wdi.INDICATORS.values()}, {v for _, v, _ in wdi.INDICATORS.values()}),
        "sector_groups": (groups, wide(etd)[1] | un[1]),
    }


def contract_violations(doc: dict, schemes: dict) -> list[str]:
    """Series references that name a sector or variable the data contract does not define."""
    problems = []
    contract = series_contract(schemes)
    for location, ref in series_refs(doc):
        sectors, variables = contract[ref["table"]]
        wanted = ref["sector"] if isinstance(ref["sector"], list) else [ref["sector"]]
        problems += [f"{location}: sector {s}" for s in wanted if s not in sectors]
        if ref["variable"] not in variables:
            problems.append(f"{location}: variable {ref['variable']}")
    return problems
