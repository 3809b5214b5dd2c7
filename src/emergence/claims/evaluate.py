"""Evaluating a recipe: its terms resolved against the processed tables, the paper's Tables 2 and 3 and the
paper's other figures, then combined into one number.

A term is a reduction of a processed series (`series`), a count from the regions stage's tables (`regions`: the
HCP census by region, the clusters placed in their regions), the figure of another claim (`claim`: the paper's
own arithmetic), a count from the paper's Tables 2 and 3 (`paper`) or a nested recipe. Series are read for the
context's country, which the stage takes from the claims file and the build's countries, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from emergence.claims import recipes
from emergence.errors import InputError


@dataclass(frozen=True)
class Context:
    """What terms are resolved against: processed tables by name, the claimed value of every claim and the
    country whose series are read."""

    tables: dict[str, pd.DataFrame]
    claimed: dict[str, float]
    country: str


def context(claims: list[dict], tables: dict[str, pd.DataFrame], country: str) -> Context:
    return Context(tables=tables, claimed={c["id"]: float(c["claimed"]) for c in claims}, country=country)


def sectors_of(ref: dict) -> list[str]:
    return ref["sector"] if isinstance(ref["sector"], list) else [ref["sector"]]


def _series(ref: dict, ctx: Context, where: str) -> tuple[pd.DataFrame, str]:
    """Rows of one variable (all sectors) of a processed table, and a label for the ledger."""
    table = ctx.tables.get(ref["table"])
    if table is None:
        raise InputError(where, "series 'table'", f"one of the tables given {sorted(ctx.tables)}", ref["table"])
    country = ref.get("country", ctx.country)
    mask = (table["country"] == country) & (table["variable"] == ref["variable"])
    label_parts = [ref["table"], country]
    for extra in ("scheme", "source"):
        if extra in ref:
            mask &= table[extra] == ref[extra]
            label_parts.append(ref[extra])
    rows = table[mask]
    if rows.empty:
        raise InputError(where, f"series {ref}", "rows in the processed table", "none")
    label = " ".join([*label_parts, "+".join(sectors_of(ref)), ref["variable"]])
    return rows, label


def yearly(ref: dict, ctx: Context, where: str) -> tuple[pd.Series, str]:
    """The yearly values of a series reference (its sectors summed, in the years where all of them are present)."""
    rows, label = _series(ref, ctx, where)
    sectors = sectors_of(ref)
    chosen = rows[rows["sector"].isin(sectors)]
    missing = sorted(set(sectors) - set(chosen["sector"]))
    if missing:
        raise InputError(where, f"series {ref}", "rows for every sector named", f"none for {missing}")
    counts = chosen.groupby("year")["sector"].nunique()
    complete = counts[counts == len(sectors)].index
    return chosen[chosen["year"].isin(complete)].groupby("year")["value"].sum(), label


def _series_term(term: dict, ctx: Context, where: str) -> tuple[float, str]:
    years = term["years"]
    if not isinstance(years, list):
        raise InputError(where, f"series {term['series']}, field 'years'", "a list of years", years)
    if term["reduce"] == "rank":
        rows, label = _series(term["series"], ctx, where)
        cross = rows[(rows["year"] == years[0]) & (rows["sector"] != "total")].set_index("sector")["value"]
        return recipes.rank(cross, term["series"]["sector"], where), f"{label} rank {years[0]}"
    series, label = yearly(term["series"], ctx, where)
    value = recipes.REDUCTIONS[term["reduce"]](series, *years, where=f"{where}: {label}")
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


def _regions_term(term: dict, ctx: Context, where: str) -> tuple[float, str]:
    """A count from the regions stage: the 2024 establishments (or 2014 employed) of some categories summed over
    the regions or in one region, one region's rank by them, or the Table 2 clusters placed in regions (those
    with a flag set)."""
    name = f"regions_{term['regions']}"
    table = ctx.tables.get(name)
    if table is None:
        raise InputError(where, "regions term", f"one of the tables given {sorted(ctx.tables)}", name)
    if term["regions"] == "clusters":
        rows = table[table[term["flag"]].astype(bool)] if "flag" in term else table
        return float(len(rows)), "hcp_census Table 2 clusters" + (f" {term['flag']}" if "flag" in term else "")
    categories = term["categories"]
    rows = table[(table["dataset"] == term["dataset"]) & table["category"].isin(categories)]
    missing = sorted(set(categories) - set(rows["category"]))
    if missing:
        raise InputError(where, f"regions term {term}", "rows for every category named", f"none for {missing}")
    by_region = rows.groupby("region_code")["count"].sum()
    label = f"hcp_census {term['dataset']} {'+'.join(categories)}"
    region = term.get("region")
    if region is not None and region not in by_region.index:
        raise InputError(where, f"regions term {term}, field 'region'", f"one of {sorted(by_region.index)}", region)
    if term["reduce"] == "rank":
        return recipes.rank(by_region, region, where), f"{label} rank of region {region}"
    if region is not None:
        return float(by_region[region]), f"{label} of region {region}"
    return float(by_region.sum()), f"{label} sum of the regions"


def evaluate_recipe(recipe: dict, ctx: Context, where: str) -> tuple[float, str, list[str]]:
    """The recipe's value, its basis ('data' or 'paper') and a label for each of its terms."""
    values, labels = [], []
    for term in recipe["terms"]:
        if "series" in term:
            value, label = _series_term(term, ctx, where)
        elif "claim" in term:
            value, label = float(ctx.claimed[term["claim"]]), f"paper claim {term['claim']}"
        elif "regions" in term:
            value, label = _regions_term(term, ctx, where)
        elif "recipe" in term:
            value, _, inner = evaluate_recipe(term["recipe"], ctx, where)
            label = f"{term['recipe']['statistic']}({'; '.join(inner)})"
        else:
            value, label = _paper_term(term, ctx, where)
        values.append(value * term.get("scale", 1))
        labels.append(label)
    result = recipes.combine(recipe["statistic"], values, where) * recipe.get("scale", 1)
    return result, recipe_basis(recipe), labels


def data_terms(recipe: dict) -> list[dict]:
    """Every term of a recipe, at any depth, that reads data: a processed series or a regions count."""
    found = []
    for term in recipe["terms"]:
        if "series" in term or "regions" in term:
            found.append(term)
        elif "recipe" in term:
            found += data_terms(term["recipe"])
    return found


def recipe_basis(recipe: dict) -> str:
    """'data' when any term, at any depth, reads data; 'paper' when all are the paper's numbers."""
    return "data" if data_terms(recipe) else "paper"


def recipe_source(recipe: dict) -> str:
    """The publisher(s) a recipe reads ('etd', 'un_ama+wdi', 'hcp_census'; 'paper' for the paper's own figures)."""
    names = {
        t["series"].get("source", t["series"]["table"]) if "series" in t else "hcp_census" for t in data_terms(recipe)
    }
    return "+".join(sorted(names)) or "paper"


def fmt(value: float) -> str:
    """A number for a note: grouped digits for large amounts, six significant digits otherwise."""
    return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.6g}"
