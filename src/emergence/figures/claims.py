"""Figures of the claims stage: the paper's numeric statements by verdict, and the plans' targets against outcomes."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from emergence.figures.common import FigureText, legend_below, new_figure, series_styles
from emergence.report.frames import BASIS_LABELS, STATUS_LABELS, status_counts
from emergence.report.settings import Settings

TARGET_STATUS_LABELS = {
    "met": "Met",
    "short_at_data_end": "Short at the end of the data",
    "not_met": "Not met",
    "not_measurable": "Not measurable",
}
LABEL_CHARS = 70
PAPER = "Amraoui et al. (2019); the project's claims stage"


def claims_status(tables: Mapping[str, pd.DataFrame], settings: Settings, title: str) -> Figure:
    """How many of the paper's numeric statements were reproduced, came close, differ, or cannot be checked."""
    counts = status_counts(tables["claims_ledger"])
    text = FigureText(
        title,
        "number of statements",
        PAPER,
        "Reproduced and close: within the stage's tolerances; the basis is what a claim is checked against.",
    )
    fig, axes = new_figure(text, figsize=(7.0, 3.6))
    ax = axes[0, 0]
    labels = [STATUS_LABELS.get(s, s) for s in counts.index]
    left = np.zeros(len(counts))
    for basis, style in zip(counts.columns, series_styles(len(counts.columns)), strict=True):
        ax.barh(
            labels,
            counts[basis],
            left=left,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
            label=BASIS_LABELS.get(basis, basis),
        )
        left += counts[basis].to_numpy()
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total)}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("statements")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    legend_below(axes, ncols=len(counts.columns))
    return fig


def policy_targets(tables: Mapping[str, pd.DataFrame], settings: Settings, title: str) -> Figure:
    """Each measurable target's outcome as a percentage of the target, against the full mark."""
    targets = tables["claims_targets"]
    measured = targets[targets["achieved_pct"].notna()].reset_index(drop=True)
    text = FigureText(
        title,
        "outcome as % of the target",
        PAPER,
        "Targets the paper states for each plan; outcomes from the data to its last year, or from the "
        "paper's own counts. Targets that no series can measure are left out.",
    )
    fig, axes = new_figure(text, figsize=(7.0, 1.8 + 0.36 * len(measured)))
    ax = axes[0, 0]
    statuses = [s for s in TARGET_STATUS_LABELS if s in set(measured["status"])]
    styles = dict(zip(statuses, series_styles(len(statuses)), strict=True))
    labels = [
        textwrap.shorten(f"{plan}: {indicator}", LABEL_CHARS, placeholder="...")
        for plan, indicator in zip(measured["plan"], measured["indicator"], strict=True)
    ]
    for status in statuses:
        rows = measured.index[measured["status"] == status]
        ax.barh(
            rows,
            measured.loc[rows, "achieved_pct"],
            color=styles[status].color,
            hatch=styles[status].hatch,
            edgecolor="white",
            linewidth=0.4,
            label=TARGET_STATUS_LABELS[status],
        )
    ax.axvline(100, color="black", linestyle=(0, (4, 2)), linewidth=0.9)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("% of the target")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    legend_below(axes, ncols=len(statuses))
    return fig
