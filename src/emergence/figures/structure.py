"""Figures of the structure stage: labour productivity growth split into within-sector and reallocation terms."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from emergence.figures.common import FigureText, legend_below, new_figure, series_styles
from emergence.report.frames import DECOMPOSITION_TERMS, WHOLE_SAMPLE, decomposition_terms
from emergence.report.settings import Settings
from emergence.report.text import source_label

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


def productivity_decomposition(tables: Mapping[str, pd.DataFrame], settings: Settings, title: str) -> Figure:
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
        "between sectors; the marker is their sum.",
    )
    fig, axes = new_figure(text, nrows, ncols, figsize=(7.6, 1.6 + 2.6 * nrows), sharey=True)
    styles = series_styles(len(DECOMPOSITION_TERMS))
    for ax, country in zip(axes.flat, countries, strict=False):
        part = terms[terms["country"] == country]
        labels = [settings.periods.get(p, "Whole sample" if p == WHOLE_SAMPLE else p) for p in part["period"]]
        ticks = [f"{label}\n{b}-{e}" for label, b, e in zip(labels, part["base_year"], part["end_year"], strict=True)]
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
        ax.set_xticks(x, [period_label(t) for t in ticks], fontsize=6)
        ax.set_title(country)
    for ax in axes.flat[len(countries) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("% a year")
    legend_below(axes, ncols=4)
    return fig


def period_label(text: str, width: int = 12) -> str:
    """A period label broken into short lines under its bar, its years on the last line."""
    head, _, years = text.partition("\n")
    return "\n".join([*textwrap.wrap(head, width), years])
