"""Figures of the counterfactual stage: the focus country against its synthetic control with the in-space placebo
gaps in grey, the donor weights, and the event-study coefficients with their bootstrap intervals."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from emergence.counterfactuals.panel import ETD, FIT, LABELS, SERIES, SPACE, UNITS
from emergence.figures.common import (
    MAX_HEIGHT_IN,
    WIDTH_IN,
    FigureText,
    legend_below,
    new_figure,
    panel_title,
    series_styles,
)
from emergence.settings import ViewSettings
from emergence.views.counterfactuals import MIN_WEIGHT, main_designs, named_donors, stage_source
from emergence.views.labels import country_names, number, source_label

PLACEBO_GREY = "#b8b8b8"
SHORT = {
    "manufacturing_va_constant_share": "Manuf. VA, const.",
    "manufacturing_va_current_share": "Manuf. VA, current",
    "manufacturing_emp_share": "Manuf. employment",
    "labour_productivity_log": "Productivity",
}


def _name(names: Mapping[str, str], code: str) -> str:
    return names.get(code, code)


def synthetic_control(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One row per outcome: the actual and synthetic paths, then the gap among the gaps of the placebos kept."""
    names = country_names(tables["countries"])
    main = main_designs(tables["counterfactuals_synth_fits"])
    paths, runs = tables["counterfactuals_synth_paths"], tables["counterfactuals_synth_runs"]
    year = int(main["treatment_year"].iloc[0])
    focus = _name(names, str(main["treated"].iloc[0]))
    k = number(float(main["pre_rmspe_k"].iloc[0]), 1)
    text = FigureText(
        f"{title}, {focus}, treatment {year}",
        "left: actual and synthetic paths; right: actual less synthetic, with every placebo in grey",
        stage_source(main["source"]),
        f"Placebos: each donor treated in turn; those whose pre-treatment RMSPE exceeds {k} times "
        f"{focus}'s are not drawn. p: share of units whose post/pre RMSPE ratio is at least {focus}'s. "
        f"Dashed line: the treatment year {year}.",
    )
    height = min(1.65 * len(main) + 1.4, MAX_HEIGHT_IN)  # five outcomes would not fit a page at 1.65 a row
    fig, axes = new_figure(text, len(main), 2, figsize=(WIDTH_IN, height), sharex=True)
    actual, synthetic = series_styles(2)
    for row, (outcome, design) in zip(axes, main.iterrows(), strict=True):
        rows = paths[(paths["outcome"] == outcome) & (paths["treatment_year"] == year)]
        own = rows[rows["run"] == FIT].sort_values("year")
        left, right = row
        left.plot(own["year"], own["actual"], color=actual.color, linewidth=1.6, label=focus)
        left.plot(
            own["year"], own["synthetic"], color=synthetic.color, linestyle="--", linewidth=1.4, label="Synthetic"
        )
        panel_title(left, LABELS[outcome])
        left.set_ylabel(UNITS[outcome])
        kept = runs[(runs["outcome"] == outcome) & (runs["treatment_year"] == year) & (runs["run"] == SPACE)]
        kept_units = set(kept.loc[kept["kept"].astype(bool), "unit"])
        placebo = rows[(rows["run"] == SPACE) & rows["unit"].isin(kept_units)]
        for _, gap in placebo.groupby("unit", sort=True):
            right.plot(gap["year"], gap["gap"], color=PLACEBO_GREY, linewidth=0.6, zorder=1)
        right.plot(own["year"], own["gap"], color=actual.color, linewidth=1.8, zorder=3)
        right.axhline(0, color="#222222", linewidth=0.6)
        panel_title(right, f"Mean gap {number(design['post_gap'], 2)} from {year}, p = {number(design['p_value'], 2)}")
        for ax in row:
            ax.axvline(year, color="#222222", linestyle=(0, (4, 2)), linewidth=0.9, zorder=2)
    legend_below(axes, 2)
    return fig


def synthetic_control_weights(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One panel per outcome: the donors' weights in the main design, largest first."""
    names = country_names(tables["countries"])
    main = main_designs(tables["counterfactuals_synth_fits"])
    weights = tables["counterfactuals_synth_weights"]
    year = int(main["treatment_year"].iloc[0])
    focus = _name(names, str(main["treated"].iloc[0]))
    ncols = 2 if len(main) > 1 else 1
    nrows = int(np.ceil(len(main) / ncols))
    text = FigureText(
        f"{title}, {focus}, treatment {year}",
        "weight of each donor country in the synthetic control (they sum to one)",
        stage_source(main["source"]),
        f"Donors (ISO 3166 alpha-3 codes) with weights below {number(100 * MIN_WEIGHT, 1)}% are not shown.",
    )
    fig, axes = new_figure(text, nrows, ncols, figsize=(WIDTH_IN, 2.3 * nrows + 1.4))
    (style,) = series_styles(1)
    for ax, (outcome, design) in zip(axes.flat, main.iterrows(), strict=False):
        shown = named_donors(weights, outcome, year).iloc[::-1]  # barh draws the first row at the bottom
        ax.barh(list(shown["donor"]), shown["weight"], color=style.color)
        ax.set_xlim(0, 1)
        panel_title(ax, f"{LABELS[outcome]}\npre-RMSPE {number(design['pre_rmspe'], 2)}")
    for ax in axes.flat[len(main) :]:
        ax.set_visible(False)
    return fig


def event_study(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Rows of outcomes, columns of launch years: each event time's coefficient with its bootstrap interval."""
    names = country_names(tables["countries"])
    coefficients, pretrend = tables["counterfactuals_event_coefficients"], tables["counterfactuals_event_pretrend"]
    outcomes = [s for s in SERIES if s in set(coefficients["outcome"])]
    years = sorted(set(coefficients["event_year"]))
    focus = _name(names, settings.focus)
    level = number(100 * float(coefficients["level"].iloc[0]), 0)
    peers = ", ".join(_name(names, c) for c in settings.countries[1:])
    text = FigureText(
        f"{title}, {focus}",
        f"difference from the peers relative to the year before launch, with {level}% intervals",
        f"{source_label(ETD)}; the project's counterfactual stage",
        f"Peers: {peers} (and any listed in the config). Unit and year fixed effects; intervals and p-values from "
        "the restricted wild cluster bootstrap by country (Webb weights); the end event times are binned; an "
        "interval without whiskers is unbounded. p: joint test of the leads (pre-trends).",
    )
    fig, axes = new_figure(text, len(outcomes), len(years), figsize=(WIDTH_IN, 1.55 * len(outcomes) + 1.4), sharex=True)
    (style,) = series_styles(1)
    for row, outcome in zip(axes, outcomes, strict=True):
        for ax, year in zip(row, years, strict=True):
            rows = coefficients[(coefficients["outcome"] == outcome) & (coefficients["event_year"] == year)]
            rows = rows.sort_values("event_time")
            bounded = rows.dropna(subset=["ci_low", "ci_high"])
            ax.errorbar(
                bounded["event_time"],
                bounded["estimate"],
                yerr=[bounded["estimate"] - bounded["ci_low"], bounded["ci_high"] - bounded["estimate"]],
                fmt="none",
                ecolor=PLACEBO_GREY,
                elinewidth=1.2,
            )
            ax.plot(rows["event_time"], rows["estimate"], color=style.color, marker=style.marker, markersize=3)
            ax.axhline(0, color="#222222", linewidth=0.6)
            ax.axvline(-0.5, color="#222222", linestyle=(0, (4, 2)), linewidth=0.9)
            test = pretrend[(pretrend["outcome"] == outcome) & (pretrend["event_year"] == year)]
            p = number(float(test["p_bootstrap"].iloc[0]), 2) if len(test) else "n/a"
            ax.set_title(f"{year}: pre-trend p = {p}", loc="left", fontsize=8)
        row[0].set_ylabel(f"{SHORT[outcome]}\n({UNITS[outcome]})", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("years since launch")
    return fig
