"""The paper side by side with the data: its recomputable figures by section of the report, with the verdicts
counted apart for checks against the data and checks of the paper against itself, and the figures whose verdict
depends on the source or on how the paper's words are read."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from emergence.claims.judging import STATUS_LABELS
from emergence.settings import ViewSettings
from emergence.views.labels import SHORT_NAMES, short_source

# Report section -> the paper's sections whose figures it sets beside the data.
GROUPS = {
    "growth": ("2",),
    "strategies": ("3.1", "3.2", "3.3"),
    "employment": ("3.4",),
    "clusters": ("1", "4", "4.1", "4.1 (Table 2)", "5"),  # the introduction's figures are on firms and clusters
}
UNCHECKED = ("not_recomputable", "not_evaluated")


def checked(ledger: pd.DataFrame) -> pd.DataFrame:
    """The claims set against a number: every status but not recomputable and not evaluated."""
    return ledger[~ledger["status"].isin(UNCHECKED)]


def _sources(series: object) -> str:
    """The sources a recomputed figure came from, by their short names: each part of the ledger's source series
    ('etd MAR trade ...; sector_groups MAR broad3 un_ama ...') names one; parts that read only the paper name none."""
    if not isinstance(series, str) or not series:
        return "the paper"
    names = []
    for part in series.split(";"):
        found = [token for token in part.split() if token in SHORT_NAMES]
        if found:
            names.append(short_source(found[0]))
    return ", ".join(dict.fromkeys(names)) or "the paper"


def side_by_side(ledger: pd.DataFrame, group: str) -> pd.DataFrame:
    """The recomputable figures of one group's paper sections: what the paper says, its figure, ours, the range
    across sources where several hold the series, where ours comes from, and the verdict."""
    rows = checked(ledger)
    rows = rows[rows["section"].astype(str).isin(GROUPS[group])]
    spread = rows["recomputed_max"].notna() & (rows["recomputed_max"] != rows["recomputed_min"])
    return pd.DataFrame(
        {
            "The paper says": rows["statement"].str.slice(0, 1).str.upper() + rows["statement"].str.slice(1),
            "Years": rows["years"].fillna("").astype(str).to_numpy(),
            "Paper": rows["claimed"].astype(float).to_numpy(),
            "Data": rows["recomputed"].astype(float).to_numpy(),
            "Unit": rows["unit"].astype(str).to_numpy(),
            "Across sources": [
                f"{lo:,.1f} to {hi:,.1f}" if wide else ""
                for lo, hi, wide in zip(rows["recomputed_min"], rows["recomputed_max"], spread, strict=True)
            ],
            "From": [
                _sources(s) if basis == "data" else "the paper itself"
                for s, basis in zip(rows["source_series"], rows["basis"], strict=True)
            ],
            "Verdict": [STATUS_LABELS.get(s, s) for s in rows["status"]],
        }
    ).reset_index(drop=True)


def _counts(rows: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in rows["status"].value_counts().sort_index().items()}


def comparison(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """Counts of the verdicts, against the data and internal, overall and by report section; the figures whose
    verdict depends on the source or the reading; whose claims they are."""
    ledger = inputs["claims_ledger"]
    rows = checked(ledger)
    data, internal = rows[rows["basis"] == "data"], rows[rows["basis"] == "paper"]
    depends = rows[rows["verdict_depends_on"].notna()]
    return {
        "country": str(ledger["country"].iloc[0]),
        "about_focus": bool(ledger["is_focus"].iloc[0]),
        "statements": int(len(ledger)),
        "checked": int(len(rows)),
        "not_recomputable": int((ledger["status"] == "not_recomputable").sum()),
        "data": {"count": int(len(data)), "by_status": _counts(data)},
        "internal": {"count": int(len(internal)), "by_status": _counts(internal)},
        "by_group": {
            group: {"count": int(rows["section"].astype(str).isin(sections).sum())}
            for group, sections in GROUPS.items()
        },
        "depends": [
            {
                "statement": str(r.statement),
                "on": str(r.verdict_depends_on),
                "low": float(r.recomputed_min),
                "high": float(r.recomputed_max),
            }
            for r in depends.itertuples()
        ],  # fmt: skip
    }
