"""Figures of the claims stage: the paper's numeric statements by verdict, checks against the data apart from
checks of the paper against itself, and the plans' targets as the distance covered from baseline to target."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from emergence.claims.judging import BASIS_LABELS, STATUS_LABELS, STATUSES
from emergence.figures.common import WIDTH_IN, FigureText, legend_below, new_figure, series_styles
from emergence.settings import ViewSettings
from emergence.views.labels import country_names, name_of, number

TARGET_STATUS_LABELS = {
    "met": "Met",
    "short_at_data_end": "Short at the end of the data",
    "not_met": "Not met",
}
LABEL_CHARS = 80
PAPER = "Amraoui et al. (2019); the project's claims stage"
CHECKED = ("data", "paper")  # the two panels: against the data, the paper against itself


def verdict_counts(ledger: pd.DataFrame, basis: str) -> pd.Series:
    """Claims of one basis by status, in verdict order, only the statuses that occur."""
    counts = ledger.loc[ledger["basis"] == basis, "status"].value_counts()
    return pd.Series({s: int(counts[s]) for s in STATUSES if s in counts.index}, dtype="int64")


def claims_status(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """How many statements the data reproduce, come close to, contradict or cannot be compared with (left), and
    how often the paper's figures agree with each other (right)."""
    ledger = tables["claims_ledger"]
    unchecked = ledger[ledger["basis"] == "none"]
    note = (
        f"{len(unchecked)} further statements cannot be recomputed from the sources (no series). Reproduced and "
        "close: within the stage's tolerances. Not comparable: the data's definition differs from the paper's. "
        "Unit error: the paper's unit does not fit its figure."
    )
    if not ledger.empty and not bool(ledger["is_focus"].iloc[0]):
        note += f" The statements are about {country_names(tables['countries']).get(ledger['country'].iloc[0], ledger['country'].iloc[0])}, not {name_of(tables, settings.focus)}."
    text = FigureText(title, "number of statements", PAPER, note)
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 3.4), gridspec_kw={"width_ratios": (1, 1)})
    styles = dict(zip(STATUSES, series_styles(len(STATUSES)), strict=True))
    for ax, basis in zip(axes[0], CHECKED, strict=True):
        counts = verdict_counts(ledger, basis)
        rows = np.arange(len(counts))
        for y, (status, n) in zip(rows, counts.items(), strict=True):
            style = styles[status]
            ax.barh(y, n, color=style.color, hatch=style.hatch, edgecolor="white", linewidth=0.4)
            ax.text(n, y, f" {n}", va="center", fontsize=8)
        ax.set_yticks(rows, [STATUS_LABELS[s] for s in counts.index])
        ax.invert_yaxis()
        ax.set_title(f"{BASIS_LABELS[basis]} ({int(counts.sum())})")
        ax.set_xlabel("statements")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(int(counts.max()) if len(counts) else 1, 1) * 1.2)
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    return fig


def _printed(value: float) -> str:
    """Whole numbers without decimals, others with one."""
    return number(value, 0 if float(value).is_integer() or abs(value) >= 100 else 1)


def target_rows(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with an outcome, in table order, with a label and the baseline -> outcome -> target values."""
    measured = targets[targets["progress_pct"].notna()].reset_index(drop=True)

    def values(row) -> str:
        baseline, outcome, target = (_printed(v) for v in (row.baseline, row.outcome, row.target))
        return f"{baseline} \u2192 {outcome} ({int(row.measured_to)}) \u2192 {target} {row.unit}"

    labels = [
        textwrap.shorten(f"{plan.split(' (')[0]}: {indicator}", LABEL_CHARS, placeholder="...")
        for plan, indicator in zip(measured["plan"], measured["indicator"], strict=True)
    ]
    return measured.assign(label=labels, values=[values(r) for r in measured.itertuples()])


def policy_targets(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Each measured target as an arrow from the plan's baseline (0) to the outcome, on the way to the target
    (100): the distance covered, negative when the outcome moved away from the target."""
    targets = tables["claims_targets"]
    rows = target_rows(targets)
    note = (
        "Each arrow runs from the plan's stated baseline (0) to the outcome measured at the plan's horizon or the "
        "last year of the data; 100 is the target. Labels: baseline \u2192 outcome (year measured) \u2192 target. "
        "Open diamond: jobs including business services (offshoring). Targets no series can measure are left out."
    )
    if not targets.empty and not bool(targets["is_focus"].iloc[0]):
        note += f" The plans are {country_names(tables['countries']).get(targets['country'].iloc[0], targets['country'].iloc[0])}'s, not {name_of(tables, settings.focus)}'s."
    text = FigureText(title, "distance covered from the baseline to the target, %", PAPER, note)
    fig, axes = new_figure(text, figsize=(WIDTH_IN, 2.2 + 0.42 * max(len(rows), 1)))
    ax = axes[0, 0]
    statuses = [s for s in TARGET_STATUS_LABELS if s in set(rows["status"])]
    styles = dict(zip(TARGET_STATUS_LABELS, series_styles(len(TARGET_STATUS_LABELS)), strict=True))
    label_at = blended_transform_factory(ax.transAxes, ax.transData)  # x from the left edge, y at the row
    for y, row in enumerate(rows.itertuples()):
        style = styles[row.status]
        ax.annotate(
            "",
            xy=(row.progress_pct, y),
            xytext=(0, y),
            arrowprops={"arrowstyle": "-|>", "color": style.color, "linewidth": 1.6, "shrinkA": 0, "shrinkB": 0},
        )
        ax.plot(0, y, marker="o", color="black", markerfacecolor="white", linestyle="none", zorder=4)
        ax.plot(100, y, marker="|", color="black", markersize=12, markeredgewidth=1.6, linestyle="none", zorder=4)
        if not pd.isna(row.alt_progress_pct):
            ax.plot(row.alt_progress_pct, y, marker="D", color=style.color, markerfacecolor="white", zorder=5)
        ax.text(
            0.0,
            y - 0.22,
            f"{row.label}:  {row.values}",
            transform=label_at,
            ha="left",
            va="bottom",
            fontsize=7.5,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4},
        )
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.axvline(100, color="#444444", linewidth=0.8, linestyle=(0, (4, 2)))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(len(rows) - 0.5, -0.8)
    lows = [0.0, *rows["progress_pct"], *rows["alt_progress_pct"].dropna()]
    highs = [100.0, *rows["progress_pct"], *rows["alt_progress_pct"].dropna()]
    ax.set_xlim(min(lows) - 12, max(highs) + 12)
    ax.set_xlabel("% of the distance from the baseline (0) to the target (100)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    for status in statuses:  # legend entries (drawn nowhere)
        ax.plot([], [], color=styles[status].color, linewidth=1.6, label=TARGET_STATUS_LABELS[status])
    ax.plot([], [], marker="o", color="black", markerfacecolor="white", linestyle="none", label="Baseline")
    ax.plot([], [], marker="|", color="black", markersize=10, markeredgewidth=1.6, linestyle="none", label="Target")
    legend_below(axes, ncols=len(statuses) + 2)
    return fig
