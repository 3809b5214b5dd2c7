"""Figures of the structure stage: labour productivity growth split into within-sector and reallocation terms, by
period and by sector, and the McMillan-Rodrik view of where workers moved."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from emergence.figures.common import WIDTH_IN, FigureText, legend_below, new_figure, series_styles
from emergence.settings import SAMPLE_ID, ViewSettings
from emergence.views.labels import country_names, source_label
from emergence.views.models import SECTOR_LABELS
from emergence.views.sectors import relative_productivity
from emergence.views.structure import DECOMPOSITION_TERMS, decomposition_terms, sector_terms

TERM_LABELS = {
    "within": "Within sectors",
    "static": "Static reallocation",
    "dynamic": "Dynamic reallocation",
    "total": "Total growth",
}


def stacked_bottoms(values: np.ndarray) -> np.ndarray:
    """Where each signed part's bar starts when the parts of a row are stacked: positive parts upwards from
    zero, negative parts downwards from zero, each in column order."""
    bottoms = np.zeros_like(values, dtype=float)
    for i, row in enumerate(values):
        up = down = 0.0
        for j, v in enumerate(row):
            if v >= 0:
                bottoms[i, j], up = up, up + v
            else:
                bottoms[i, j], down = down, down + v
    return bottoms


def productivity_decomposition(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One panel per country: for each policy period, the three terms as stacked bars and their total."""
    terms = decomposition_terms(
        tables["structure_decomposition"], "structure_decomposition", settings.countries, list(settings.periods)
    )
    countries = list(dict.fromkeys(terms["country"]))
    ncols = min(2, len(countries))
    nrows = math.ceil(len(countries) / ncols)
    text = FigureText(
        title,
        "% a year (parts of the compound growth rate of value added per person engaged)",
        f"{source_label('etd')}; the project's structure stage",
        "Three-term shift-share at constant prices: within-sector growth, static and dynamic reallocation "
        "between sectors; the marker is their sum. Bars by span of years: "
        + "; ".join(f"{label}" for label in settings.periods.values())
        + " (the focus country's policy periods, for every country), then the whole sample.",
    )
    fig, axes = new_figure(text, nrows, ncols, figsize=(WIDTH_IN, 1.6 + 2.6 * nrows), sharey=True)
    styles = series_styles(len(DECOMPOSITION_TERMS))
    for ax, country in zip(axes.flat, countries, strict=False):
        part = terms[terms["country"] == country]
        ticks = [
            f"{'all' if p == SAMPLE_ID else ''}\n{b}-{e}"
            for p, b, e in zip(part["period"], part["base_year"], part["end_year"], strict=True)
        ]
        x = np.arange(len(part))
        values = part[list(DECOMPOSITION_TERMS)].to_numpy(dtype=float)
        bottoms = stacked_bottoms(values)
        for j, (term, style) in enumerate(zip(DECOMPOSITION_TERMS, styles, strict=True)):
            ax.bar(
                x,
                values[:, j],
                bottom=bottoms[:, j],
                width=0.62,
                color=style.color,
                hatch=style.hatch,
                edgecolor="white",
                linewidth=0.4,
                label=TERM_LABELS[term],
            )
        ax.plot(
            x,
            part["total"],
            linestyle="none",
            marker="D",
            markersize=5,
            color="white",
            markeredgecolor="black",
            markeredgewidth=1.0,
            label=TERM_LABELS["total"],
            zorder=6,
        )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, [t.strip() for t in ticks], fontsize=7)
        ax.set_title(country)
    for ax in axes.flat[len(countries) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("% a year")
    legend_below(axes, ncols=4)
    return fig


def sector_contributions(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Two panels for the focus country: each sector's within-sector part of productivity growth, and its
    reallocation part, one bar per policy period."""
    periods = list(settings.periods)
    terms = sector_terms(tables["structure_decomposition"], "structure_decomposition", settings.focus, periods)
    names = country_names(tables["countries"])
    sectors = list(dict.fromkeys(terms["sector"]))
    text = FigureText(
        f"{title}, {names[settings.focus]}",
        "percentage points of aggregate labour productivity growth, % a year",
        f"{source_label('etd')}; the project's structure stage",
        "Three-term shift-share at constant prices. Within: the sector's own productivity growth, weighted by its "
        "employment share; reallocation: the static and dynamic terms, from workers moving between sectors. "
        "Bars of one sector add up, over the two panels, to its part of the aggregate.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 1.6 + 0.45 * len(sectors)), sharey=True)
    styles = series_styles(len(periods))
    height = 0.8 / max(1, len(periods))
    y = np.arange(len(sectors))
    for ax, (column, label) in zip(
        axes[0], (("within", "Within sectors"), ("reallocation", "Reallocation")), strict=True
    ):
        for j, (period, style) in enumerate(zip(periods, styles, strict=True)):
            part = terms[terms["period"] == period].set_index("sector").reindex(sectors)
            ax.barh(
                y + (j - (len(periods) - 1) / 2) * height,
                part[column].to_numpy(dtype=float),
                height=height,
                color=style.color,
                hatch=style.hatch,
                edgecolor="white",
                linewidth=0.3,
                label=settings.periods[period],
            )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(label)
        ax.set_xlabel("points, % a year")
    axes[0, 0].set_yticks(y, [SECTOR_LABELS.get(s, s) for s in sectors])
    axes[0, 0].invert_yaxis()
    legend_below(axes, ncols=min(2, len(periods)))
    return fig


def reallocation_scatter(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """McMillan and Rodrik's scatter for the focus country: sectors by relative labour productivity (end year)
    against the change in their share of employment, bubbles sized by employment."""
    etd = tables["etd"]
    years = etd.loc[etd["country"] == settings.focus, "year"]
    base, end = int(years.min()), int(years.max())
    points = relative_productivity(etd, "etd", settings.focus, base, end)
    names = country_names(tables["countries"])
    text = FigureText(
        f"{title}, {names[settings.focus]}, {base}-{end}",
        f"log of sector productivity relative to the economy's in {end}, against the change in the sector's "
        "share of employment (points)",
        source_label("etd"),
        "Constant prices; bubble area proportional to employment in the last year. A positive relation means "
        "workers moved towards sectors of above-average productivity (growth-enhancing structural change), as "
        "in McMillan, Rodrik and Verduzco-Gallo (2014). Sectors without employment in either year are left out.",
    )
    fig, axes = new_figure(text, 1, 1, figsize=(WIDTH_IN, 5.6))
    ax = axes[0, 0]
    style = series_styles(1)[0]
    sizes = 1200.0 * points["emp"] / points["emp"].max()
    ax.scatter(
        points["emp_share_change"],
        points["log_relative_productivity"],
        s=sizes,
        color=style.color,
        alpha=0.55,
        edgecolor="black",
        linewidth=0.6,
        zorder=4,
    )
    for row in points.itertuples():
        ax.annotate(
            SECTOR_LABELS.get(row.sector, row.sector),
            (row.emp_share_change, row.log_relative_productivity),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7.5,
            zorder=5,
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change in share of employment, {base}-{end} (points)")
    ax.set_ylabel(f"log relative productivity, {end}")
    return fig
