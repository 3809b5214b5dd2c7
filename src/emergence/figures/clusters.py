"""Figures of the paper's cluster tables: when the clusters were created, and what they are made of."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from emergence.figures.common import (
    WIDTH_IN,
    FigureText,
    events_note,
    legend_below,
    mark_events,
    new_figure,
    series_styles,
)
from emergence.paper import SECTOR_GROUPS
from emergence.settings import ViewSettings

GROUP_LABELS = {
    "agro_food": "Agro-food",
    "textile": "Textile",
    "ict_electronics": "ICT and electronics",
    "renewable_energy": "Renewable energy",
    "other": "Other sectors",
}
LABEL_CHARS = 30
TABLE2 = "Amraoui et al. (2019), Table 2"
TABLE3 = "Amraoui et al. (2019), Table 3, after El Waatmani and Makhtari (2019)"


def cluster_label(row: pd.Series) -> str:
    """The acronym where the paper gives one, else the name, shortened to fit beside the axis."""
    acronym = row["acronym"]
    return (
        acronym
        if isinstance(acronym, str) and acronym
        else textwrap.shorten(row["name"], LABEL_CHARS, placeholder="...")
    )


def timeline_rows(clusters: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster, oldest first (then by name), with its label and its position from the top."""
    rows = clusters.sort_values(["year", "name"], kind="mergesort").reset_index(drop=True)
    return rows.assign(label=rows.apply(cluster_label, axis=1), position=range(len(rows) - 1, -1, -1))


def cluster_timeline(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Each cluster at its year of creation, marked by the strategic sector group it belongs to."""
    rows = timeline_rows(tables["clusters"])
    text = FigureText(title, "year of creation", TABLE2, events_note(settings.policy_events))
    fig, axes = new_figure(text, figsize=(WIDTH_IN, 1.6 + 0.28 * len(rows)))
    ax = axes[0, 0]
    groups = [g for g in SECTOR_GROUPS if g in set(rows["sector_group"])]
    for group, style in zip(groups, series_styles(len(groups)), strict=True):
        part = rows[rows["sector_group"] == group]
        ax.scatter(
            part["year"],
            part["position"],
            s=42,
            color=style.color,
            marker=style.marker,
            edgecolors="black",
            linewidths=0.4,
            label=GROUP_LABELS.get(group, group),
            zorder=5,
        )
    ax.set_yticks(list(rows["position"]), list(rows["label"]))
    ax.set_xlim(min(rows["year"].min(), *(y for y, _ in settings.policy_events)) - 1, rows["year"].max() + 1)
    ax.grid(axis="x")
    mark_events(ax, settings.policy_events)
    legend_below(axes, ncols=min(3, len(groups)))
    return fig


def cluster_composition(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Companies of the surveyed clusters by size (Table 3) and clusters per region (Table 2)."""
    sizes = tables["cluster_companies"].pivot(index="cluster_id", columns="size", values="companies").sort_index()
    regions = tables["clusters"]["region"].value_counts().sort_index(ascending=False)
    text = FigureText(
        title,
        "number of companies; number of clusters",
        f"{TABLE3}; {TABLE2}",
        "Left: the surveyed clusters are not named in the paper.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 3.8))
    left, right = axes[0]
    labels = [c.replace("_", " ").capitalize() for c in sizes.index]
    base = pd.Series(0.0, index=sizes.index)
    for size, name, style in zip(("sme", "large"), ("SMEs", "Large companies"), series_styles(2), strict=True):
        left.barh(
            labels,
            sizes[size],
            left=base,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
            label=name,
        )
        base = base + sizes[size]
    left.invert_yaxis()
    left.set_xlabel("companies")
    left.set_title("Companies by cluster (Table 3)")
    left.grid(axis="x")
    left.grid(axis="y", visible=False)
    right.barh(list(regions.index), list(regions.to_numpy()), color=series_styles(3)[2].color)
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel("clusters")
    right.set_title("Clusters by region (Table 2)")
    right.grid(axis="x")
    right.grid(axis="y", visible=False)
    legend_below(axes, ncols=2)
    return fig
