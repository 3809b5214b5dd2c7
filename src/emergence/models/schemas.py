"""Schemas of the model result tables written to data/processed/models/."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from emergence.io import write_all
from emergence.models.breaks import SPECS
from emergence.models.diagnostics import VERDICTS
from emergence.models.forecast import MODELS
from emergence.models.trend import STATUSES
from emergence.tables import Column, TableSchema, tidy_schema

SHARE_VARIABLES = ("va_current_share", "va_constant_share", "emp_share")
SERIES = (Column("country", "str"), Column("sector", "str"), Column("variable", "str"))
SERIES_KEY = ("country", "sector", "variable")
STATUS = Column("status", "str", allowed=STATUSES)
SOURCE = Column("source", "str")


def _pct(name: str) -> Column:
    return Column(name, "float", nullable=True)


TREND_GROWTH = TableSchema(
    name="trend_growth",
    columns=(
        *SERIES,
        Column("period", "str"),
        Column("first_year", "int", nullable=True),
        Column("last_year", "int", nullable=True),
        Column("n", "int", min=0),
        STATUS,
        _pct("growth_pct"),
        _pct("ci_low_pct"),
        _pct("ci_high_pct"),
        Column("ci_level", "float", nullable=True, min=0, max=1),
        Column("slope_se", "float", nullable=True, min=0),
        Column("cov_type", "str", nullable=True),
        Column("df_resid", "int", nullable=True, min=1),
        _pct("cagr_pct"),
        _pct("mean_growth_pct"),
        SOURCE,
    ),
    key=(*SERIES_KEY, "period"),
)

UNIT_ROOT = TableSchema(
    name="unit_root",
    columns=(
        *SERIES,
        Column("n", "int", min=0),
        STATUS,
        Column("adf_statistic", "float", nullable=True),
        Column("adf_p_value", "float", nullable=True, min=0, max=1),
        Column("adf_lags", "int", nullable=True, min=0),
        Column("kpss_statistic", "float", nullable=True, min=0),
        Column("kpss_p_value", "float", nullable=True, min=0, max=1),
        Column("kpss_p_value_bound", "str", nullable=True, allowed=("below", "above")),
        Column("kpss_lags", "int", nullable=True, min=0),
        Column("verdict", "str", nullable=True, allowed=tuple(VERDICTS.values())),
        SOURCE,
    ),
    key=SERIES_KEY,
)

TREND_CYCLE = tidy_schema(
    "trend_cycle",
    extra_key=(
        Column("filter", "str", allowed=("hp", "hamilton")),
        Column("component", "str", allowed=("trend", "cycle")),
    ),
)

BREAK_SEGMENTS = TableSchema(
    name="break_segments",
    columns=(
        *SERIES,
        Column("spec", "str", allowed=SPECS),
        Column("segment", "int", min=1),
        Column("first_year", "int"),
        Column("last_year", "int"),
        Column("years", "int", min=1),
        Column("n", "int", min=1),
        STATUS,
        Column("growth_pct", "float"),
        Column("ci_low_pct", "float"),
        Column("ci_high_pct", "float"),
        Column("slope_se", "float", min=0),
        Column("cov_type", "str"),
        SOURCE,
    ),
    key=(*SERIES_KEY, "spec", "segment"),
)

BREAK_FIT = TableSchema(
    name="break_fit",
    columns=(
        *SERIES,
        Column("spec", "str", allowed=SPECS),
        Column("year", "int"),
        Column("fitted", "float", min=0),
        SOURCE,
    ),
    key=(*SERIES_KEY, "spec", "year"),
    contiguous_years=(*SERIES_KEY, "spec"),
)

BREAK_TESTS = TableSchema(
    name="break_tests",
    columns=(
        *SERIES,
        Column("spec", "str", allowed=SPECS),
        Column("tested", "str"),
        Column("policy_year", "int", nullable=True),
        Column("n", "int", min=0),
        STATUS,
        Column("f_stat", "float", nullable=True, min=0),
        Column("df_num", "int", nullable=True, min=1),
        Column("df_den", "int", nullable=True, min=1),
        Column("p_value", "float", nullable=True, min=0, max=1),
        Column("bootstrap_p_value", "float", nullable=True, min=0, max=1),
        SOURCE,
    ),
    key=(*SERIES_KEY, "spec", "tested"),
)

BREAK_SEARCH = TableSchema(
    name="break_search",
    columns=(
        *SERIES,
        Column("n", "int", min=0),
        STATUS,
        Column("first_candidate", "int", nullable=True),
        Column("last_candidate", "int", nullable=True),
        Column("sup_f", "float", nullable=True, min=0),
        Column("break_year", "int", nullable=True),
        Column("sup_f_p_value", "float", nullable=True, min=0, max=1),
        Column("draws", "int", min=1),
        Column("cusum_stat", "float", nullable=True, min=0),
        Column("cusum_p_value", "float", nullable=True, min=0, max=1),
        Column("nearest_policy_year", "int", nullable=True),
        Column("years_from_policy", "int", nullable=True),
        SOURCE,
    ),
    key=SERIES_KEY,
)

FORECASTS = TableSchema(
    name="forecasts",
    columns=(
        *SERIES,
        Column("model", "str", allowed=MODELS),
        Column("spec", "str"),  # the fitted model, or 'base' / 'held' for shares not forecast through a log-ratio
        Column("converged", "bool"),
        Column("year", "int", min=1900, max=2100),
        Column("value", "float"),
        Column("lower", "float"),
        Column("upper", "float"),
        Column("unit", "str"),
        SOURCE,
    ),
    key=("source", "country", "model", "variable", "sector", "year"),
    contiguous_years=("source", "country", "model", "variable", "sector"),
    shares=(SHARE_VARIABLES, "total"),
)

BACKTEST = TableSchema(
    name="backtest",
    columns=(
        *SERIES,
        Column("model", "str", allowed=MODELS),
        Column("n_forecasts", "int", min=0),
        Column("rmse", "float", nullable=True, min=0),
        Column("mae", "float", nullable=True, min=0),
        Column("rmse_ratio", "float", nullable=True, min=0),
        Column("best", "bool"),
        Column("error_unit", "str"),
        SOURCE,
    ),
    key=(*SERIES_KEY, "model"),
)

BACKTEST_WINS = TableSchema(
    name="backtest_wins",
    columns=(
        Column("country", "str"),
        Column("variable", "str"),
        Column("model", "str", allowed=MODELS),
        Column("series", "int", min=0),
        Column("wins", "int", min=0),
        Column("median_rmse_ratio", "float", nullable=True, min=0),
        SOURCE,
    ),
    key=("country", "variable", "model"),
)

OUTPUTS = {
    "trend_growth": TREND_GROWTH,
    "unit_root": UNIT_ROOT,
    "trend_cycle": TREND_CYCLE,
    "break_segments": BREAK_SEGMENTS,
    "break_fit": BREAK_FIT,
    "break_tests": BREAK_TESTS,
    "break_search": BREAK_SEARCH,
    "forecasts": FORECASTS,
    "backtest": BACKTEST,
    "backtest_wins": BACKTEST_WINS,
}


def write_tables(tables: Mapping[str, pd.DataFrame], paths: Mapping[str, str]) -> None:
    """Write each table to the path given under its name, validated by its schema (all of them, or none)."""
    write_all({path: (tables[name], OUTPUTS[name]) for name, path in paths.items()})
