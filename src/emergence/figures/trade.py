"""Figure of the World Bank's series on the focus country's exports, foreign investment and innovation, the
outcomes the strategies aimed at beside output and jobs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from emergence.figures.common import WIDTH_IN, FigureText, events_note, mark_events, new_figure, series_styles
from emergence.settings import ViewSettings
from emergence.views.labels import country_names, source_label
from emergence.views.trade import EXPORTS, FDI, LABELS, PATENTS, RESEARCH, wdi_series

PANELS = (
    ("Exports", EXPORTS, "%"),
    ("Foreign direct investment", FDI, "% of GDP"),
    ("Research and development", RESEARCH, "% of GDP"),
    ("Patent applications", PATENTS, "applications"),
)


def trade_and_innovation(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Four panels: manufactured and high-technology exports, FDI net inflows, R&D spending, patent applications."""
    names = country_names(tables["countries"])
    text = FigureText(
        f"{title}, {names[settings.focus]}",
        "as the World Bank publishes them; years without a value are left blank",
        source_label("wdi"),
        "FDI: net inflows (new investment less disinvestment) from the balance of payments, not gross receipts. "
        + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, 2, 2, figsize=(WIDTH_IN, 6.0), sharex=True)
    covered = set(tables["wdi"]["country"])
    for ax, (label, series, unit) in zip(axes.flat, PANELS, strict=True):
        if settings.focus not in covered:  # the snapshot may lack the focus country: the panels say so
            ax.text(0.5, 0.5, f"No World Bank rows for\n{names[settings.focus]} in this snapshot", ha="center",
                    va="center", transform=ax.transAxes, fontsize=8)  # fmt: skip
            ax.set_title(label)
            continue
        wide = wdi_series(tables["wdi"], "wdi", settings.focus, series)
        for column, style in zip(wide.columns, series_styles(len(wide.columns)), strict=True):
            values = wide[column].dropna()
            ax.plot(
                values.index,
                values,
                color=style.color,
                linestyle=style.linestyle,
                marker=style.marker,
                markersize=3,
                linewidth=1.5,
                label=LABELS[column],
            )
        mark_events(ax, settings.policy_events)
        ax.set_title(label)
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        if len(wide.columns) > 1:
            ax.legend(loc="upper left", fontsize=7)
    return fig
