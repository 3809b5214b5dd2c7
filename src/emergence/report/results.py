"""The numbers the report's prose quotes, computed from the build's tables and written to one JSON file.

The notebook never types a number: it reads them here. Adding a section is a function and one entry in SECTIONS;
a section is computed when all its input tables are in the build.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.io import write_text
from emergence.report.frames import (
    CURRENT_VA_SHARE,
    DECOMPOSITION_TERMS,
    WHOLE_SAMPLE,
    decomposition_terms,
    sector_series,
    share_matrix,
)
from emergence.report.settings import Settings


@dataclass(frozen=True)
class Section:
    name: str
    inputs: tuple[str, ...]
    build: Callable[[Mapping[str, pd.DataFrame], Settings], dict]


def _first_last(series: pd.Series) -> dict:
    series = series.dropna()
    return {"first": float(series.iloc[0]), "last": float(series.iloc[-1])}


def structure(inputs: Mapping[str, pd.DataFrame], settings: Settings) -> dict:
    """Shares of value added and employment of the focus country, first and last year, and its peers."""
    groups, etd = inputs["sector_groups"], inputs["etd"]
    va = share_matrix(groups, "sector_groups", settings.focus, "va_current_share", source="etd", scheme=settings.scheme)
    emp = share_matrix(groups, "sector_groups", settings.focus, "emp_share", source="etd", scheme=settings.scheme)
    manufacturing = va["manufacturing"].dropna()
    total_emp = etd[(etd["country"] == settings.focus) & (etd["sector"] == "total") & (etd["variable"] == "emp")]
    if total_emp.empty:
        raise InputError("etd", f"rows of {settings.focus}, sector total, variable emp", "at least one row")
    peers = sector_series(etd, "etd", "manufacturing", CURRENT_VA_SHARE["etd"], settings.countries)
    latest_peers = peers.loc[peers.index.max()].dropna().sort_values(ascending=False, kind="mergesort")
    un = sector_series(inputs["un_ama"], "un_ama", "manufacturing", CURRENT_VA_SHARE["un_ama"], [settings.focus])
    un_focus = un[settings.focus].dropna()
    largest = va.loc[va.index.max()].idxmax()
    return {
        "first_year": int(va.index.min()),
        "last_year": int(va.index.max()),
        "va_share": {group: _first_last(va[group]) for group in va.columns},
        "emp_share": {group: _first_last(emp[group]) for group in emp.columns},
        "largest_va_group_last": settings.group_labels.get(largest, largest),
        "manufacturing_va": {
            **_first_last(manufacturing),
            "max": float(manufacturing.max()),
            "max_year": int(manufacturing.idxmax()),
            "min": float(manufacturing.min()),
            "min_year": int(manufacturing.idxmin()),
            "at_events": {str(y): float(manufacturing[y]) for y, _ in settings.policy_events if y in manufacturing},
        },
        "emp_total": _first_last(total_emp.set_index("year")["value"].sort_index()),
        "un_manufacturing_last": {"year": int(un_focus.index.max()), "value": float(un_focus.iloc[-1])},
        "peers_year": int(peers.index.max()),
        "peers_manufacturing": {c: float(v) for c, v in latest_peers.items()},
        "focus_rank": int(list(latest_peers.index).index(settings.focus) + 1),
    }


def clusters(inputs: Mapping[str, pd.DataFrame], settings: Settings) -> dict:
    """Counts from the paper's Tables 2 and 3."""
    table2, table3 = inputs["clusters"], inputs["cluster_companies"]
    sizes = table3.pivot(index="cluster_id", columns="size", values="companies")
    firms = float(sizes["sme"].sum() + sizes["large"].sum())
    return {
        "count": int(len(table2)),
        "first_year": int(table2["year"].min()),
        "last_year": int(table2["year"].max()),
        "with_member_count": int(table2["members_total"].notna().sum()),
        "by_region": {str(k): int(v) for k, v in table2["region"].value_counts().sort_index().items()},
        "survey_clusters": int(len(sizes)),
        "survey_companies": int(firms),
        "survey_sme_share": 100.0 * float(sizes["sme"].sum()) / firms,
    }


def decomposition(inputs: Mapping[str, pd.DataFrame], settings: Settings) -> dict:
    """The focus country's productivity growth and its three terms, by period and over the whole sample."""
    terms = decomposition_terms(
        inputs["structure_decomposition"], "structure_decomposition", [settings.focus], list(settings.periods)
    )
    if terms.empty:
        raise InputError("structure_decomposition", f"rows of {settings.focus}", "the focus country's decomposition")
    by_period = {
        row.period: {
            "base_year": int(row.base_year),
            "end_year": int(row.end_year),
            **{t: float(getattr(row, t)) for t in (*DECOMPOSITION_TERMS, "total")},
        }
        for row in terms.itertuples()
    }
    periods = [p for p in by_period if p != WHOLE_SAMPLE]
    fastest = max(periods, key=lambda p: by_period[p]["total"]) if periods else None
    return {
        "by_period": by_period,
        "whole_sample": by_period.get(WHOLE_SAMPLE),
        "fastest_period": fastest,
        "fastest_label": settings.periods.get(fastest, fastest) if fastest else None,
    }


def claims(inputs: Mapping[str, pd.DataFrame], settings: Settings) -> dict:
    """How many of the paper's statements and targets the claims stage could check, and with what verdict."""
    ledger, targets = inputs["claims_ledger"], inputs["claims_targets"]
    status = ledger["status"].value_counts()
    target_status = targets["status"].value_counts()
    return {
        "statements": int(len(ledger)),
        "by_status": {str(k): int(v) for k, v in status.sort_index().items()},
        "checked": int(len(ledger) - status.get("not_recomputable", 0)),
        "targets": int(len(targets)),
        "targets_by_status": {str(k): int(v) for k, v in target_status.sort_index().items()},
        "targets_measured": int(targets["achieved_pct"].notna().sum()),
    }


SECTIONS: tuple[Section, ...] = (
    Section("structure", ("etd", "sector_groups", "un_ama"), structure),
    Section("clusters", ("clusters", "cluster_companies"), clusters),
    Section("decomposition", ("structure_decomposition",), decomposition),
    Section("claims", ("claims_ledger", "claims_targets"), claims),
)


def sections_for(available: set[str] | frozenset[str]) -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if set(s.inputs) <= set(available))


def build_results(
    inputs: Mapping[str, pd.DataFrame],
    settings: Settings,
    build: Mapping,
    sources: pd.DataFrame,
    stages: Sequence[str] = (),
) -> dict:
    """Every section whose inputs are present, plus the settings, the build, the sources' citations and the
    analysis stages that are part of the workflow."""
    results = {
        "settings": {
            "countries": list(settings.countries),
            "focus": settings.focus,
            "policy_events": [{"year": y, "name": n} for y, n in settings.policy_events],
        },
        "build": dict(build),
        "sources": sources.to_dict(orient="records"),
        "stages": sorted(stages),
    }
    for section in sections_for(set(inputs)):
        results[section.name] = section.build({name: inputs[name] for name in section.inputs}, settings)
    return results


def _plain(value: object) -> object:
    """JSON-ready values: numpy scalars to Python, NaN refused (a quoted number must exist)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("results", "value", "a finite number", value)
    return value


def write_results(results: Mapping, path: str | os.PathLike) -> None:
    write_text(path, json.dumps(_plain(results), indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_results(path: str | os.PathLike) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(path, "file", "the results file written by the report's tabulate step") from None
