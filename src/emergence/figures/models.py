"""Figures of the models stage: trend growth by period, segmented trends at the policy dates, forecasts against the
plan's target, and the forecasts' backtest against the random walk."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from emergence.figures.common import (
    WIDTH_IN,
    FigureText,
    events_note,
    legend_below,
    mark_events,
    new_figure,
    series_styles,
)
from emergence.models.forecast import MODELS, RANDOM_WALK
from emergence.models.rules import ALL_VARIABLES
from emergence.models.trend import OK, SHORT
from emergence.settings import SAMPLE_ID, ViewSettings
from emergence.views.labels import name_of, number, source_label
from emergence.views.models import (
    FORECAST_SERIES,
    MODEL_LABELS,
    SECTOR_LABELS,
    SEGMENTED_SERIES,
    TREND_VARIABLE,
    VARIABLE_LABELS,
    best_model,
    capitalised,
    confidence_level,
    fitted_of,
    period_years,
    rows_of,
    segments_of,
    series_label,
    series_of,
    series_phrase,
    share_targets,
    trend_rows,
)
from emergence.views.sectors import unit_of

STAGE = f"{source_label('etd')}; the project's models stage"
NCOLS = 4  # most panels in a row of the trend growth figure
WHOLE_BAND = "#e3e3e3"
WHOLE_LINE = "#777777"


def _level_pct(tables: Mapping[str, pd.DataFrame]) -> str:
    return number(100.0 * confidence_level(tables["models_trend_growth"], "models_trend_growth"), 0)


def _plain_numbers(axis) -> None:
    """A handful of evenly spaced values with thousands separators (also on a log axis, where the default would
    label powers of ten only)."""
    axis.set_major_locator(MaxNLocator(6))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0) if abs(v) >= 100 else number(v, 1)))


def _legend(fig: Figure, entries: list[tuple[object, str]], ncols: int) -> None:
    """A legend of (handle, label) entries under the panels; a tuple handle draws its parts side by side."""
    fig.bottom_legend = fig.legend(
        [handle for handle, _ in entries],
        [label for _, label in entries],
        loc="lower center",
        ncols=ncols,
        bbox_to_anchor=(0.5, fig.body[0]),
        borderaxespad=0.2,
        handler_map={tuple: HandlerTuple(ndivide=None)},
    )


def _period_label(period: str, settings: ViewSettings, years: Mapping[str, tuple[int, int]]) -> str:
    label = "Whole sample" if period == SAMPLE_ID else settings.periods.get(period, period)
    return f"{label}, {years[period][0]}-{years[period][1]}" if period in years else label


def trend_growth(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One panel per sector: each policy period's trend growth with its interval, over the whole sample's band."""
    rows = trend_rows(
        tables["models_trend_growth"], "models_trend_growth", settings.focus, TREND_VARIABLE, list(settings.periods)
    )
    periods = [p for p in settings.periods if p in set(rows["period"])]
    years = period_years(rows)
    sectors = list(dict.fromkeys(rows["sector"]))
    missing = rows[~rows["status"].isin((OK, SHORT))]
    note = (
        "Trend growth: OLS slope of log real value added on time within each period (from the year before it "
        "starts, so periods chain). Filled markers: HAC (Newey-West) intervals; open markers: periods too short "
        "for HAC intervals, with classical OLS intervals that ignore autocorrelation. Band: the whole sample's "
        "trend and interval."
    )
    if len(missing):
        note += (
            " No estimate (too few years or no data): "
            + "; ".join(
                f"{SECTOR_LABELS.get(r.sector, r.sector)}, {_period_label(r.period, settings, {})}"
                for r in missing.itertuples()
            )
            + "."
        )
    text = FigureText(
        f"{title}, {name_of(tables, settings.focus)}",
        f"% a year, with {_level_pct(tables)} % intervals; value added at constant prices",
        STAGE,
        note,
    )
    ncols = min(NCOLS, len(sectors))
    nrows = math.ceil(len(sectors) / ncols)
    fig, axes = new_figure(text, nrows, ncols, figsize=(WIDTH_IN, 1.9 + 1.55 * nrows))
    styles = dict(zip(periods, series_styles(len(periods)), strict=True))
    for ax, sector in zip(axes.flat, sectors, strict=False):
        part = rows[rows["sector"] == sector].set_index("period")
        if SAMPLE_ID in part.index and part.loc[SAMPLE_ID, "status"] in (OK, SHORT):
            whole = part.loc[SAMPLE_ID]
            ax.axhspan(whole["ci_low_pct"], whole["ci_high_pct"], color=WHOLE_BAND, linewidth=0, zorder=1)
            ax.axhline(whole["growth_pct"], color=WHOLE_LINE, linewidth=1.0, zorder=2)
        for x, period in enumerate(periods):
            if period not in part.index or part.loc[period, "status"] not in (OK, SHORT):
                continue
            row, style = part.loc[period], styles[period]
            ax.errorbar(
                x,
                row["growth_pct"],
                yerr=[[row["growth_pct"] - row["ci_low_pct"]], [row["ci_high_pct"] - row["growth_pct"]]],
                color=style.color,
                marker=style.marker,
                markersize=5,
                markerfacecolor=style.color if row["status"] == OK else "white",
                markeredgewidth=1.1,
                elinewidth=1.3,
                linestyle="none",
                zorder=4,
            )
        ax.axhline(0, color="black", linewidth=0.7, zorder=3)
        ax.set_xlim(-0.6, len(periods) - 0.4)
        ax.set_xticks([])
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_title(SECTOR_LABELS.get(sector, sector), fontsize=8.5)
    for ax in axes.flat[len(sectors) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("% a year")
    entries = [
        (
            Line2D([], [], color=styles[p].color, marker=styles[p].marker, linestyle="none", markersize=5),
            _period_label(p, settings, years),
        )
        for p in periods
    ]
    entries += [
        (Patch(facecolor=WHOLE_BAND, edgecolor=WHOLE_LINE), _period_label(SAMPLE_ID, settings, years)),
        (
            Line2D([], [], color="black", marker="o", markerfacecolor="white", linestyle="none", markersize=5),
            "Open marker: too short for HAC, classical interval",
        ),
    ]
    _legend(fig, entries, ncols=2)
    return fig


def segmented_trends(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Each series' data on a log scale with the stage's hinge trend, and its growth in each segment."""
    etd, segments, fit = tables["etd"], tables["models_break_segments"], tables["models_break_fit"]
    text = FigureText(
        f"{title}, {name_of(tables, settings.focus)}",
        "log scale; boxes: trend growth in each segment between the dashed lines, % a year",
        STAGE,
        "Continuous segmented (hinge) trend: OLS of the log level on time, with the slope free to change in each "
        "policy launch year and no jump in the level; a new slope starts with the growth into the launch year, so "
        "the line bends in the year before each dashed line. " + events_note(settings.policy_events),
    )
    fig, axes = new_figure(text, 1, len(SEGMENTED_SERIES), figsize=(WIDTH_IN, 4.2))
    data_style, fit_style = series_styles(2)
    for ax, (sector, variable) in zip(axes[0], SEGMENTED_SERIES, strict=True):
        series = series_of(etd, "etd", settings.focus, sector, variable)
        parts = segments_of(segments, "models_break_segments", settings.focus, sector, variable)
        fitted = fitted_of(fit, "models_break_fit", settings.focus, sector, variable)
        ax.plot(
            series.index, series, linestyle="none", marker="o", markersize=3.5, color=data_style.color, label="Data"
        )
        ax.plot(fitted.index, fitted, color=fit_style.color, linewidth=1.8, label="Segmented trend")
        for segment in parts.itertuples():
            ax.text(
                (segment.first_year + segment.last_year) / 2,
                0.03,
                f"{number(segment.growth_pct)} %",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#888888", "linewidth": 0.5},
                zorder=6,
            )
        mark_events(ax, settings.policy_events)
        ax.set_yscale("log")
        _plain_numbers(ax.yaxis)
        ax.set_title(series_label(sector, variable))
        ax.set_ylabel(unit_of(etd, variable))
    legend_below(axes, ncols=2)
    return fig


def _target_note(target) -> str:
    note = f"Star: the {target.plan} target for {target.indicator}, {number(target.target, 0)} {target.unit} by "
    note += f"{target.horizon_end}"
    if "GDP" in str(target.unit):
        note += " (a share of GDP, as the plan states it, while the series drawn is a share of value added)"
    return note + f"; diamond: the outcome measured ({target.outcome_unit})."


def forecasts(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """One row per series, one column per model: the data, the median forecast and its prediction interval, and
    on the share's row the plans' share targets."""
    etd, fc, backtest = tables["etd"], tables["models_forecasts"], tables["models_backtest"]
    targets = share_targets(tables["claims_targets"])
    units = "; ".join(f"{capitalised(series_phrase(s, v))}: {unit_of(etd, v)}" for s, v in FORECAST_SERIES)
    note = (
        f"Shaded: {_level_pct(tables)} % prediction interval. Levels are modelled in logs; shares through "
        "log-ratios, so that all sectors' shares sum to 100. (best): the model with the smallest error in the "
        "backtest. " + " ".join(_target_note(t) for t in targets.itertuples())
    )
    text = FigureText(f"{title}, {name_of(tables, settings.focus)}", units, STAGE, note)
    fig, axes = new_figure(text, len(FORECAST_SERIES), len(MODELS), figsize=(WIDTH_IN, 5.6), sharey="row", sharex=True)
    history, forecast = series_styles(2)
    for row, (sector, variable) in enumerate(FORECAST_SERIES):
        series = series_of(etd, "etd", settings.focus, sector, variable)
        best = best_model(backtest, "models_backtest", settings.focus, sector, variable)
        paths = rows_of(fc, "models_forecasts", country=settings.focus, sector=sector, variable=variable)
        for ax, model in zip(axes[row], MODELS, strict=True):
            path = paths[paths["model"] == model].sort_values("year")
            ax.plot(series.index, series, color=history.color, linewidth=1.4, label="Data")
            ax.fill_between(
                path["year"],
                path["lower"],
                path["upper"],
                color=forecast.color,
                alpha=0.3,
                linewidth=0,
                label="Prediction interval",
            )
            ax.plot(
                [series.index[-1], *path["year"]],
                [series.iloc[-1], *path["value"]],
                color=forecast.color,
                linestyle=forecast.linestyle,
                linewidth=1.6,
                label="Median forecast",
            )
            if variable.endswith("_share"):
                _draw_targets(ax, targets)
            mark_events(ax, settings.policy_events)
            ax.set_title(
                capitalised(MODEL_LABELS.get(model, model)) + (" (best)" if model == best else ""), fontsize=8.5
            )
            ax.xaxis.set_major_locator(MaxNLocator(3, integer=True))
            if not variable.endswith("_share"):
                _plain_numbers(ax.yaxis)
        axes[row, 0].set_ylabel(capitalised(series_phrase(sector, variable)).replace(" share", "\nshare"))
    legend_below(axes, ncols=5 if len(targets) else 3)
    return fig


def _draw_targets(ax: Axes, targets: pd.DataFrame) -> None:
    for target in targets.itertuples():
        ax.plot(
            target.horizon_end,
            target.target,
            linestyle="none",
            marker="*",
            markersize=10,
            color="black",
            label="Plan target",
            zorder=6,
        )
        if not pd.isna(target.outcome):
            ax.plot(
                target.measured_to,
                target.outcome,
                linestyle="none",
                marker="D",
                markersize=5,
                color="black",
                markerfacecolor="white",
                label="Outcome measured",
                zorder=6,
            )


def forecast_backtest(tables: Mapping[str, pd.DataFrame], settings: ViewSettings, title: str) -> Figure:
    """Left: each model's RMSE relative to the random walk, series by series and their median, by variable.
    Right: the share of series each model forecast best."""
    backtest = rows_of(tables["models_backtest"], "models_backtest", country=settings.focus)
    backtest = backtest[backtest["rmse"].notna()]
    wins = rows_of(tables["models_backtest_wins"], "models_backtest_wins", country=settings.focus)
    variables = [ALL_VARIABLES, *[v for v in VARIABLE_LABELS if v in set(backtest["variable"])]]
    counts = wins.pivot_table(index="variable", columns="model", values="wins", aggfunc="sum").reindex(
        index=variables, columns=list(MODELS), fill_value=0
    )
    scored = counts.sum(axis=1)
    labels = [
        f"{'All series' if v == ALL_VARIABLES else capitalised(VARIABLE_LABELS[v])} ({int(scored[v])})"
        for v in variables
    ]
    text = FigureText(
        f"{title}, {name_of(tables, settings.focus)}",
        "RMSE relative to the random walk (log scale); % of series forecast best. In brackets: series scored",
        STAGE,
        "Rolling-origin backtest: forecasts one or more years ahead from the last origins of the data; errors in "
        "% of the level for levels and in percentage points for shares. Below 1: more accurate than the random "
        "walk with drift. Small markers: one series (sector) each; large markers: their median.",
    )
    fig, axes = new_figure(text, 1, 2, figsize=(WIDTH_IN, 1.9 + 0.5 * len(variables)), width_ratios=(1.7, 1.0))
    left, right = axes[0]
    styles = dict(zip(MODELS, series_styles(len(MODELS)), strict=True))
    compared = [m for m in MODELS if m != RANDOM_WALK]
    offsets = dict(zip(compared, np.linspace(-0.17, 0.17, len(compared)), strict=True))
    for i, variable in enumerate(variables):
        part = backtest if variable == ALL_VARIABLES else backtest[backtest["variable"] == variable]
        for model in compared:
            ratios = part.loc[part["model"] == model, "rmse_ratio"].to_numpy(dtype=float)
            style = styles[model]
            y = i + offsets[model]
            left.plot(
                ratios,
                np.full(len(ratios), y),
                linestyle="none",
                marker=style.marker,
                markersize=3,
                color=style.color,
                alpha=0.45,
            )
            left.plot(
                np.median(ratios),
                y,
                linestyle="none",
                marker=style.marker,
                markersize=8,
                color=style.color,
                markeredgecolor="black",
            )
    left.axvline(1.0, color="black", linewidth=1.0)
    left.set_xscale("log")
    _plain_numbers(left.xaxis)
    left.set_xlabel("RMSE / RMSE of the random walk")
    left.set_title("Accuracy against the random walk")
    shares = 100.0 * counts.div(scored.where(scored > 0), axis=0).fillna(0.0)
    start = np.zeros(len(variables))
    for model in MODELS:
        style = styles[model]
        right.barh(
            range(len(variables)),
            shares[model],
            left=start,
            color=style.color,
            hatch=style.hatch,
            edgecolor="white",
            linewidth=0.4,
        )
        start += shares[model].to_numpy()
    right.set_xlim(0, 100)
    right.set_xlabel("% of series")
    right.set_title("Series forecast best")
    for ax, ticks in ((left, labels), (right, [""] * len(labels))):
        ax.set_yticks(range(len(variables)), ticks)
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    entries = []
    for model in MODELS:
        bar = Patch(facecolor=styles[model].color, hatch=styles[model].hatch, edgecolor="white")
        marker = Line2D(
            [],
            [],
            color=styles[model].color,
            marker=styles[model].marker,
            markeredgecolor="black",
            linestyle="none",
            markersize=7,
        )
        entries.append((bar if model == RANDOM_WALK else (marker, bar), capitalised(MODEL_LABELS[model])))
    _legend(fig, entries, ncols=len(MODELS))
    return fig
