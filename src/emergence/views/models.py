"""Selections of the models stage's tables that the figures, the report tables and the quoted numbers share.

The series the report discusses are named here once, so a figure and the sentence about it cannot drift apart.
The models stage's modules (and scipy with them) are imported where they are used: the workflow reads the report's
catalog when it starts, and should not pay for them there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from emergence.errors import InputError
from emergence.models.series import TOTAL
from emergence.settings import SAMPLE_ID
from emergence.sources.etd import LEAVES as ETD_LEAVES
from emergence.views.sectors import ordered

TREND_VARIABLE = "va_constant"  # trend growth by sector and period is shown for real value added
SEGMENTED_SERIES = (("manufacturing", "va_constant"), (TOTAL, "emp"))  # (sector, variable)
FORECAST_SERIES = (("manufacturing", "va_constant_share"), (TOTAL, "emp"))
BREAK_SERIES = tuple((s, v) for v in ("va_constant", "emp", "labour_productivity") for s in (TOTAL, "manufacturing"))
DISCUSSED_BREAKS = ((TOTAL, "va_constant"), *SEGMENTED_SERIES)  # described in words; the table has them all
VARIABLE_LABELS = {
    "va_constant": "real value added",
    "emp": "employment",
    "labour_productivity": "labour productivity",
    "va_constant_share": "share of real value added",
    "emp_share": "share of employment",
}
SECTOR_LABELS = {TOTAL: "Total economy", **{sector: name for name, sector in ETD_LEAVES.items()}}
# Model names as they read inside a sentence; `capitalised` turns them into titles.
MODEL_LABELS = {
    "rw_drift": "random walk with drift",
    "ets_damped": "ETS with damped trend",
    "arima": "ARIMA with drift",
}
VERDICT_LABELS = {
    "trend_stationary": "trend-stationary",
    "difference_stationary": "difference-stationary",
    "conflicting": "conflicting",
    "inconclusive": "inconclusive",
}


def series_label(sector: str, variable: str) -> str:
    """A title: 'Manufacturing, real value added'."""
    return f"{SECTOR_LABELS.get(sector, sector)}, {VARIABLE_LABELS.get(variable, variable)}"


def series_phrase(sector: str, variable: str) -> str:
    """The series inside a sentence: 'total employment', 'manufacturing real value added', 'manufacturing's share
    of real value added'."""
    name = "total" if sector == TOTAL else SECTOR_LABELS.get(sector, sector).lower()
    what = VARIABLE_LABELS.get(variable, variable)
    return f"{name}'s {what}" if variable.endswith("_share") else f"{name} {what}"


def capitalised(text: str) -> str:
    """The first letter upper case, the rest as written (so acronyms stay)."""
    return text[:1].upper() + text[1:]


def rows_of(df: pd.DataFrame, where: str, **match: object) -> pd.DataFrame:
    """The rows whose columns equal `match`; none is an error naming what was looked for."""
    rows = df
    for column, value in match.items():
        rows = rows[rows[column] == value]
    if rows.empty:
        raise InputError(where, f"rows {match}", "at least one row")
    return rows


def confidence_level(trend: pd.DataFrame, where: str) -> float:
    """The one level of the trend table's intervals, as the models stage recorded it beside them."""
    levels = sorted(set(trend["ci_level"].dropna()))
    if len(levels) != 1:
        raise InputError(where, "column ci_level", "intervals at one confidence level", levels)
    return float(levels[0])


def trend_rows(trend: pd.DataFrame, where: str, country: str, variable: str, periods: Sequence[str]) -> pd.DataFrame:
    """One country's trend growth rows of one variable: the total first, then the sectors, each by period."""
    rows = rows_of(trend, where, country=country, variable=variable)
    order = [*periods, SAMPLE_ID]
    rows = rows[rows["period"].isin(order)]
    sectors = ordered(rows["sector"].unique(), list(SECTOR_LABELS))
    return (
        rows.assign(
            _s=rows["sector"].map({s: i for i, s in enumerate(sectors)}),
            _p=rows["period"].map({p: i for i, p in enumerate(order)}),
        )
        .sort_values(["_s", "_p"], kind="mergesort")
        .drop(columns=["_s", "_p"])
        .reset_index(drop=True)
    )


def period_years(rows: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """The first and last year of each period, from the rows that have them."""
    spans = rows.dropna(subset=["first_year", "last_year"]).groupby("period", sort=False)
    return {p: (int(g["first_year"].min()), int(g["last_year"].max())) for p, g in spans}


def series_of(df: pd.DataFrame, where: str, country: str, sector: str, variable: str) -> pd.Series:
    """One series of a tidy table, indexed by year."""
    rows = rows_of(df, where, country=country, sector=sector, variable=variable)
    return rows.set_index("year")["value"].sort_index().astype(float)


def segments_of(
    segments: pd.DataFrame, where: str, country: str, sector: str, variable: str, required: bool = True
) -> pd.DataFrame:
    """The segments of one series' continuous (hinge) fit, in time order (none for a series that could not be
    fitted, unless `required`)."""
    from emergence.models.breaks import HINGE

    match = {"country": country, "sector": sector, "variable": variable, "spec": HINGE}
    rows = rows_of(segments, where, **match) if required else segments
    for column, value in match.items():
        rows = rows[rows[column] == value]
    return rows.sort_values("segment", kind="mergesort").reset_index(drop=True)


def fitted_of(fit: pd.DataFrame, where: str, country: str, sector: str, variable: str) -> pd.Series:
    """The fitted levels of one series' continuous (hinge) segmented trend, indexed by year."""
    from emergence.models.breaks import HINGE

    rows = rows_of(fit, where, country=country, sector=sector, variable=variable, spec=HINGE)
    return rows.set_index("year")["fitted"].sort_index().astype(float)


def tests_of(tests: pd.DataFrame, where: str, country: str, sector: str, variable: str) -> pd.DataFrame:
    """The hinge spec's tests of one series: each policy year in time order, then the joint test."""
    from emergence.models.breaks import HINGE, JOINT

    rows = rows_of(tests, where, country=country, sector=sector, variable=variable, spec=HINGE)
    return rows.assign(_j=rows["tested"] == JOINT).sort_values(["_j", "tested"], kind="mergesort").drop(columns="_j")


def best_model(backtest: pd.DataFrame, where: str, country: str, sector: str, variable: str) -> str | None:
    """The model with the smallest backtest RMSE for one series, or None when it was not scored."""
    rows = rows_of(backtest, where, country=country, sector=sector, variable=variable)
    best = rows[rows["best"].astype(bool)]
    return str(best["model"].iloc[0]) if len(best) else None


def wins(backtest_wins: pd.DataFrame, where: str, country: str) -> pd.DataFrame:
    """Series scored, wins and median RMSE ratio of each model over all the country's series (rows in the stage's
    model order)."""
    from emergence.models.forecast import MODELS
    from emergence.models.rules import ALL_VARIABLES

    rows = rows_of(backtest_wins, where, country=country, variable=ALL_VARIABLES).set_index("model")
    return rows.loc[[m for m in MODELS if m in rows.index], ["series", "wins", "median_rmse_ratio"]]


def winner(table: pd.DataFrame) -> str:
    """The model with the most wins; a tie goes to the simpler model, as in the stage."""
    return str(table["wins"].idxmax())


def share_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The plans' measurable targets stated as a percentage (a share), to set beside a share's forecast: only
    where the plans are the focus country's own."""
    measurable = targets[
        targets["is_focus"].astype(bool) & ~targets["status"].isin(("not_measurable", "not_evaluated"))
    ]
    return measurable[measurable["unit"].astype(str).str.startswith("%")].reset_index(drop=True)


def finite(value: object) -> float | None:
    """A number for the results file, or None where the table has none."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None
