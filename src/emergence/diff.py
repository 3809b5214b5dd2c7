"""What changed between two releases of one source: rows added, removed and revised, and the largest revisions.

National accounts are revised with every release, so before a new release replaces the old one in the build its
readers must know by how much the figures moved. Both releases are read through the source's own clean(), so the
comparison is of the numbers the build would use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from emergence import manifest
from emergence.errors import InputError
from emergence.io import write_all
from emergence.sources import source
from emergence.tables import Column, TableSchema

KEY = ["country", "sector", "variable", "year"]
STATUSES = ("added", "removed", "revised", "unchanged")
NOISE = 1e-9  # relative: smaller differences are floating-point noise, not revisions
SHARE = "_share"

CHANGES_SCHEMA = TableSchema(
    name="release_changes",
    columns=(
        Column("variable", "str"),
        Column("country", "str"),
        Column("sector", "str"),
        Column("year", "int", min=1900, max=2100),
        Column("unit", "str"),
        Column("status", "str", allowed=STATUSES),
        Column("old", "float", nullable=True),
        Column("new", "float", nullable=True),
        Column("change", "float", nullable=True),
        Column("change_pct", "float", nullable=True),
    ),
    key=("variable", "country", "sector", "year"),
)
SUMMARY_SCHEMA = TableSchema(
    name="release_changes_summary",
    columns=(
        Column("variable", "str"),
        Column("country", "str"),
        Column("years_old", "str", nullable=True),
        Column("years_new", "str", nullable=True),
        *(Column(c, "int", min=0) for c in ("rows_old", "rows_new", *STATUSES)),
        Column("max_abs_change", "float", nullable=True, min=0),
    ),
    key=("variable", "country"),
)


@dataclass(frozen=True)
class ReleaseDiff:
    """Two releases of a source compared: every compared row with its status, and what was set aside and why."""

    source: str
    old: str
    new: str
    changes: pd.DataFrame
    notes: tuple[str, ...]


def release_table(name: str, folder: str | os.PathLike, countries: list[str] | None = None) -> pd.DataFrame:
    """The cleaned table of one release folder, for the countries its manifest holds (those wanted among them)."""
    folder = Path(folder)
    path = folder / manifest.MANIFEST
    entry = manifest.load(path)
    kept = [c for c in entry.get("countries", []) if countries is None or c in countries]
    if not kept:
        raise InputError(
            path, "countries", f"some of {countries}" if countries else "some countries", entry.get("countries")
        )
    files = entry["files"]
    if all("table" in f for f in files):
        raw = {f["table"]: folder / f["name"] for f in files}
    elif len(files) == 1:
        raw = folder / files[0]["name"]
    else:
        raise InputError(path, "files", "one data file, or one per UN table", [f["name"] for f in files])
    return source(name).clean(raw, kept)


def comparable(
    old: pd.DataFrame, new: pd.DataFrame, labels: tuple[str, str], shares_only: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The rows of two releases that measure the same thing, and notes on what was set aside and why.

    Variables are matched by name. When the releases have no level variable in common (the same table in another
    currency) or `shares_only` is asked, only sector shares are compared, matched by their unit: a sector's share
    does not depend on the currency its levels are counted in.
    """
    levels = [{v for v in t["variable"].unique() if not v.endswith(SHARE)} for t in (old, new)]
    if not shares_only and levels[0] & levels[1]:
        notes = [
            f"variables only in {label} (their rows count as {verb}): {', '.join(sorted(only))}"
            for label, only, verb in (
                (labels[0], set(old["variable"]) - set(new["variable"]), "removed"),
                (labels[1], set(new["variable"]) - set(old["variable"]), "added"),
            )
            if only
        ]
        return old, new, notes
    units = [_share_units(t, label) for t, label in zip((old, new), labels, strict=True)]
    common = sorted(set(units[0]) & set(units[1]))
    pairs = {units[0][u]: units[1][u] for u in common}
    if not pairs:
        raise InputError(
            f"releases {labels[0]} and {labels[1]}",
            "variables",
            "sector shares with the same unit in both releases",
            f"shares {sorted(units[0].values())} and {sorted(units[1].values())}",
        )
    if shares_only:
        notes = ["sector shares only, as asked"]
    else:
        held = "; ".join(
            f"{label}: {_described(t, lv)}" for label, t, lv in zip(labels, (old, new), levels, strict=True)
        )
        notes = [
            f"the releases have no level variable in common ({held}), so levels are not compared; "
            "sector shares are, since a share does not depend on the currency"
        ]
    notes += [f"{units[0][u]} ({labels[0]}) compared with {units[1][u]} ({labels[1]}): both in '{u}'" for u in common]
    old_part = old[old["variable"].isin(list(pairs))]
    return old_part.assign(variable=old_part["variable"].map(pairs)), new[new["variable"].isin(pairs.values())], notes


def _share_units(table: pd.DataFrame, label: str) -> dict[str, str]:
    """unit -> share variable; two share variables in one unit could not be told apart."""
    shares = table[table["variable"].str.endswith(SHARE)].groupby("variable", sort=True)["unit"].first()
    by_unit: dict[str, str] = {}
    for variable, unit in shares.items():
        if unit in by_unit:
            raise InputError(label, f"unit '{unit}'", "one share variable per unit", [by_unit[unit], variable])
        by_unit[unit] = variable
    return by_unit


def _described(table: pd.DataFrame, variables: set[str]) -> str:
    units = table[table["variable"].isin(variables)].groupby("variable", sort=True)["unit"].first()
    return ", ".join(f"{v} in {u}" for v, u in units.items())


def compare(old: pd.DataFrame, new: pd.DataFrame, tolerance: float = 0.0) -> pd.DataFrame:
    """Every row of either release with its status: added, removed, revised (by more than `tolerance`, in the
    variable's unit, and more than float noise) or unchanged."""
    merged = pd.merge(
        old[[*KEY, "value", "unit"]].rename(columns={"value": "old"}),
        new[[*KEY, "value", "unit"]].rename(columns={"value": "new"}),
        on=KEY,
        how="outer",
        suffixes=("_old", "_new"),
        validate="one_to_one",
    )
    old_v, new_v = merged["old"].to_numpy(float), merged["new"].to_numpy(float)
    change = new_v - old_v
    limit = np.maximum(tolerance, NOISE * np.fmax(np.abs(old_v), np.abs(new_v)))
    with np.errstate(invalid="ignore"):
        revised = np.abs(change) > limit
        pct = np.where(old_v != 0, change / np.abs(old_v) * 100.0, np.nan)
    status = np.select([np.isnan(old_v), np.isnan(new_v), revised], list(STATUSES[:3]), STATUSES[3])
    return pd.DataFrame(
        {
            **{c: merged[c] for c in ("variable", "country", "sector", "year")},
            "unit": merged["unit_new"].fillna(merged["unit_old"]),
            "status": status,
            "old": old_v,
            "new": new_v,
            "change": change,
            "change_pct": pct,
        }
    )


def summarise(changes: pd.DataFrame) -> pd.DataFrame:
    """Per variable and country: the years and rows of each release, how many rows of each status, the largest
    revision."""
    rows = []
    for (variable, country), part in changes.groupby(["variable", "country"], sort=True):
        counts = part["status"].value_counts()
        revised = part.loc[part["status"] == "revised", "change"].abs()
        rows.append(
            {
                "variable": variable,
                "country": country,
                "years_old": _span(part.loc[part["old"].notna(), "year"]),
                "years_new": _span(part.loc[part["new"].notna(), "year"]),
                "rows_old": int(part["old"].notna().sum()),
                "rows_new": int(part["new"].notna().sum()),
                **{s: int(counts.get(s, 0)) for s in STATUSES},
                "max_abs_change": float(revised.max()) if len(revised) else np.nan,
            }
        )
    return SUMMARY_SCHEMA.validate(pd.DataFrame(rows, columns=SUMMARY_SCHEMA.column_names), where="diff summary")


def _span(years: pd.Series) -> str | None:
    return f"{int(years.min())}-{int(years.max())}" if len(years) else None


def largest(changes: pd.DataFrame, top: int) -> pd.DataFrame:
    """The `top` largest revisions (in absolute value) of each variable and country."""
    revised = changes[changes["status"] == "revised"].assign(size=lambda d: d["change"].abs())
    order = ["variable", "country", "size", "sector", "year"]
    ordered = revised.sort_values(order, ascending=[True, True, False, True, True], kind="mergesort")
    return ordered.groupby(["variable", "country"], sort=True).head(top).drop(columns="size").reset_index(drop=True)


def diff_releases(
    name: str,
    raw_root: str | os.PathLike,
    old: str,
    new: str,
    countries: list[str] | None = None,
    shares_only: bool = False,
    tolerance: float = 0.0,
) -> ReleaseDiff:
    """Compare the cleaned tables of releases OLD and NEW of one source."""
    source(name)  # an unknown source is refused before its folder is looked for
    taken = manifest.releases(raw_root, name)
    for rel in (old, new):
        if rel not in taken:
            raise InputError(Path(raw_root) / name, "release", f"a release taken there, one of {taken}", rel)
    tables = [release_table(name, Path(raw_root) / name / rel, countries) for rel in (old, new)]
    old_rows, new_rows, notes = comparable(*tables, (old, new), shares_only)
    return ReleaseDiff(name, old, new, compare(old_rows, new_rows, tolerance), tuple(notes))


def write_diff(diff: ReleaseDiff, changes_csv: str | os.PathLike | None, summary_csv: str | os.PathLike | None) -> None:
    """The changed rows (not the unchanged ones) and the summary, as CSV tables."""
    tables = {
        changes_csv: (diff.changes[diff.changes["status"] != "unchanged"], CHANGES_SCHEMA),
        summary_csv: (summarise(diff.changes), SUMMARY_SCHEMA),
    }
    write_all({path: table for path, table in tables.items() if path})


def render(diff: ReleaseDiff, top: int = 3) -> str:
    """The comparison as text: notes, the summary table and the largest revisions."""
    summary = summarise(diff.changes)
    biggest = largest(diff.changes, top)
    totals = summary[list(STATUSES)].sum()
    lines = [
        f"{diff.source}: release {diff.old} -> {diff.new}, {len(diff.changes)} rows compared: "
        + ", ".join(f"{int(totals[s])} {s}" for s in STATUSES),
        *(f"note: {n}" for n in diff.notes),
        "",
        summary.to_string(index=False, formatters={"max_abs_change": _fixed(4)}, na_rep="-"),
    ]
    if len(biggest):
        columns = ["variable", "country", "sector", "year", "old", "new", "change", "change_pct", "unit"]
        formats = {"old": _fixed(4), "new": _fixed(4), "change": _fixed(4), "change_pct": _fixed(2)}
        lines += [
            "",
            f"largest revisions (top {top} of each variable and country):",
            biggest[columns].to_string(index=False, formatters=formats),
        ]
    return "\n".join(lines)


def _fixed(decimals: int):
    return lambda v: "-" if pd.isna(v) else f"{v:,.{decimals}f}"
