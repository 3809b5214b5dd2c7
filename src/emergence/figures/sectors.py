"""Figures of the economy's structure from the clean tables: value added and employment by sector, peers."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from emergence.errors import InputError
from emergence.figures.common import (
    WIDTH_IN,
    FigureText,
    events_note,
    legend_below,
    mark_events,
    new_figure,
    series_styles,
)
from emergence.settings import ViewSettings
from emergence.sources.etd import LEAVES as ETD_LEAVES
from emergence.views.labels import country_names, name_of, short_source, source_label
from emergence.views.sectors import CURRENT_VA_SHARE, ordered, price_bases, sector_series, share_matrix, unit_of

ETD_LABELS = {sector: name for name, sector in ETD_LEAVES.items()}


def stacked_area(ax: Axes, shares: pd.DataFrame, labels: Mapping[str, str]) -> None:
    """Shares stacked bottom-up in column order, each band with its own colour and hatch."""
    base = pd.Series(0.0, index=shares.index)
    for column, style in zip(shares.columns, series_styles(shares.shape[1]), strict=True):
        top = base + shares[column].fillna(0.0)
        ax.fill_between(
            shares.index,
            base,
            top,
            facecolor=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
            label=labels.get(column, column),
        )
        base = top
    ax.set_xlim(shares.index.min(), shares.index.max())
    ax.set_ylim(0, 100)


def value_added_structure(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One stacked panel per source that covers the focus country: the paper's Table 1, every year published."""
    groups = tables["sector_groups"]
    panels = []
    for source, variable in CURRENT_VA_SHARE.items():
        rows = groups[(groups["source"] == source) & (groups["scheme"] == settings.scheme)]
        rows = rows[rows["country"] == settings.focus]
        if not rows.empty:
            panels.append((source, variable, share_matrix(rows, "sector_groups", settings.focus, variable)))
    if not panels:
        where = f"rows of {settings.focus}, scheme {settings.scheme}"
        raise InputError("sector_groups", where, "a current-price value-added share")
    text = FigureText(
        f"{title}, {name_of(tables, settings.focus)}",
        unit_of(groups, panels[0][1]),
        "; ".join(source_label(s) for s, _, _ in panels),
        "Sources differ in sector definitions and vintages. " + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, len(panels), 1, figsize=(WIDTH_IN, 2.0 + 1.9 * len(panels)), sharex=True)
    for ax, (source, _, shares) in zip(axes[:, 0], panels, strict=True):
        shares = shares[ordered(list(shares.columns), list(settings.group_labels))]
        stacked_area(ax, shares, settings.group_labels)
        mark_events(ax, settings.policy_events)
        ax.set_title(f"{short_source(source)}, {shares.index.min()}-{shares.index.max()}")
        ax.set_ylabel("% of value added")
    start = min(s.index.min() for _, _, s in panels)
    end = max(s.index.max() for _, _, s in panels)
    for ax in axes[:, 0]:
        ax.set_xlim(start, end)
    legend_below(axes, ncols=3)
    return fig


def employment_structure(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """The paper's Figure 2 (employment by branch, first and last year) and its evolution year by year."""
    etd, groups = tables["etd"], tables["sector_groups"]
    leaves = share_matrix(etd, "etd", settings.focus, "emp_share", source="etd")
    evolution = share_matrix(groups, "sector_groups", settings.focus, "emp_share", source="etd", scheme=settings.scheme)
    first, last = int(leaves.index.min()), int(leaves.index.max())
    text = FigureText(
        f"{title}, {name_of(tables, settings.focus)}",
        unit_of(etd, "emp_share"),
        source_label("etd"),
        "Persons engaged. Left: the sectors of the database; right: the same grouped into activities. "
        + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 4.6), width_ratios=(1.0, 1.25))
    left, right = axes[0]
    order = ordered(list(leaves.columns), list(ETD_LEAVES.values()))[::-1]
    positions = range(len(order))
    for offset, year, style in zip((0.2, -0.2), (first, last), series_styles(2), strict=True):
        left.barh(
            [p + offset for p in positions],
            leaves.loc[year, order],
            height=0.38,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
            label=str(year),
        )
    left.set_yticks(list(positions), [ETD_LABELS.get(s, s) for s in order])
    left.set_xlabel("% of persons engaged")
    left.grid(axis="x")
    left.grid(axis="y", visible=False)
    left.legend(loc="lower right")
    left.set_title(f"By sector, {first} and {last}")
    shares = evolution[ordered(list(evolution.columns), list(settings.group_labels))]
    stacked_area(right, shares, settings.group_labels)
    mark_events(right, settings.policy_events)
    right.set_title(f"By activity, {first}-{last}")
    right.set_ylabel("% of persons engaged")
    legend_below(axes[:, 1:], ncols=3)
    return fig


def manufacturing_peers(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Manufacturing's share of current-price value added for every configured country, one panel per source."""
    panels = []
    for source in ("etd", "un_ama"):
        panels.append(
            (
                source,
                sector_series(tables[source], source, "manufacturing", CURRENT_VA_SHARE[source], settings.countries),
            )
        )
    text = FigureText(
        title,
        "% of total value added, current prices",
        "; ".join(source_label(s) for s, _ in panels),
        f"The focus country ({name_of(tables, settings.focus)}) is drawn thicker. "
        + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, 1, len(panels), figsize=(WIDTH_IN, 4.4), sharey=True)
    styles = dict(zip(settings.countries, series_styles(len(settings.countries)), strict=True))
    for ax, (source, wide) in zip(axes[0], panels, strict=True):
        for country in [c for c in settings.countries if c in wide.columns]:
            style = styles[country]
            series = wide[country].dropna()
            ax.plot(
                series.index,
                series,
                color=style.color,
                linestyle=style.linestyle,
                marker=style.marker,
                markevery=max(1, len(series) // 8),
                linewidth=2.6 if country == settings.focus else 1.3,
                label=name_of(tables, country),
                zorder=5 if country == settings.focus else 4,
            )
        mark_events(ax, settings.policy_events)
        ax.set_title(f"{short_source(source)}, {wide.index.min()}-{wide.index.max()}")
    axes[0, 0].set_ylabel("% of value added")
    axes[0, 0].set_ylim(bottom=0)
    legend_below(axes, ncols=len(settings.countries))
    return fig


def manufacturing_prices(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """The focus country's manufacturing share of value added at current and at constant prices: where the lines
    part, manufacturing's prices moved against the economy's."""
    shares = price_bases(tables["etd"], "etd", settings.focus)
    names = country_names(tables["countries"])
    text = FigureText(
        f"{title}, {names[settings.focus]}",
        "% of total value added",
        source_label("etd"),
        "Constant prices of 2015, so the two lines meet in 2015; before it, a constant-price share above the "
        "current-price one means manufacturing's prices rose less than the economy's. "
        + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, 1, 1, figsize=(WIDTH_IN, 4.0))
    ax = axes[0, 0]
    for column, label, style in zip(
        ("current", "constant"), ("Current prices", "Constant 2015 prices"), series_styles(2), strict=True
    ):
        ax.plot(shares.index, shares[column], color=style.color, linestyle=style.linestyle, linewidth=1.8, label=label)
    mark_events(ax, settings.policy_events)
    ax.set_ylabel("% of value added")
    legend_below(axes, ncols=2)
    return fig
