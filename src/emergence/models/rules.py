"""One function per rule of the models stage: the clean ETD table and the settings in, result tables out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.models.breaks import policy_breaks, unknown_break
from emergence.models.diagnostics import unit_root_tests
from emergence.models.filters import trend_cycle
from emergence.models.forecast import (
    MODELS,
    RANDOM_WALK,
    Composition,
    accuracy,
    level_backtest_errors,
    level_forecast,
    share_backtest_errors,
    share_forecast,
)
from emergence.models.series import TOTAL, Series, build_model_series, is_share, iter_series
from emergence.models.settings import ModelSettings, check_against_data
from emergence.models.trend import period_growth

LOG_ERROR_UNIT = "% (100 x log of forecast / actual)"
SHARE_ERROR_UNIT = "percentage points"
ALL_VARIABLES = "all"


def _labelled(series: Series, rows: list[dict]) -> list[dict]:
    labels = {"country": series.country, "sector": series.sector, "variable": series.variable, "source": series.source}
    return [{**labels, **row} for row in rows]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows)


def fit_trends(clean: pd.DataFrame, settings: ModelSettings, where: str) -> dict[str, pd.DataFrame]:
    """Trend growth by period, unit-root diagnostics and HP/Hamilton trend and cycle of every series."""
    growth, unit_root, cycles = [], [], []
    check_against_data(settings, int(clean["year"].min()), int(clean["year"].max()), where)
    for series in iter_series(build_model_series(clean, settings, where), where):
        growth += _labelled(series, period_growth(series, settings))
        unit_root += _labelled(series, [unit_root_tests(series, settings)])
        cycles.append(trend_cycle(series, settings))
    return {"trend_growth": _frame(growth), "unit_root": _frame(unit_root), "trend_cycle": pd.concat(cycles)}


def test_breaks(clean: pd.DataFrame, settings: ModelSettings, where: str) -> dict[str, pd.DataFrame]:
    """Segmented trends and F tests at the policy years, and the sup-F / CUSUM search for an unknown break."""
    segments, tests, search = [], [], []
    check_against_data(settings, int(clean["year"].min()), int(clean["year"].max()), where)
    for series in iter_series(build_model_series(clean, settings, where), where):
        series_segments, series_tests = policy_breaks(series, settings)
        segments += _labelled(series, series_segments)
        tests += _labelled(series, series_tests)
        search += _labelled(series, [unknown_break(series, settings)])
    return {"break_segments": _frame(segments), "break_tests": _frame(tests), "break_search": _frame(search)}


def forecast_series(
    clean: pd.DataFrame, settings: ModelSettings, where: str, workers: int = 1
) -> dict[str, pd.DataFrame]:
    """Forecasts to the horizon with intervals, the rolling-origin backtest and the count of its winners.

    Each level series and each country's set of shares is one task; `workers` processes share them out.
    """
    tidy = build_model_series(clean, settings, where)
    tasks = [(series,) for series in iter_series(tidy[~tidy["variable"].map(is_share)], where) if series.positive]
    for variable in [v for v in settings.variables if is_share(v)]:
        tasks += [(country, variable, _composition(clean, country, variable, where)) for country in settings.countries]
    run = partial(_forecast_task, settings=settings)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, tasks))
    else:
        results = [run(task) for task in tasks]
    forecasts = [row for rows, _ in results for row in rows]
    scores = _with_winners(_frame([row for _, rows in results for row in rows]))
    if settings.sectors is not None:
        scores = scores[scores["sector"].isin(settings.sectors)]
    return {"forecasts": _frame(forecasts), "backtest": scores, "backtest_wins": _wins(scores)}


def _forecast_task(task: tuple, settings: ModelSettings) -> tuple[list[dict], list[dict]]:
    return _level_models(task[0], settings) if len(task) == 1 else _share_models(*task, settings)


def _future_years(last_year: int, settings: ModelSettings) -> np.ndarray:
    return np.arange(last_year + 1, settings.forecast.horizon + 1)


def _level_models(series: Series, settings: ModelSettings) -> tuple[list[dict], list[dict]]:
    y = np.log(series.values)
    years = _future_years(int(series.years[-1]), settings)
    labels = {"country": series.country, "sector": series.sector, "variable": series.variable, "source": series.source}
    forecasts, backtest = [], []
    for model in MODELS:
        fc = level_forecast(y, len(years), model, settings) if len(years) else None
        if fc is not None:
            forecasts += [
                {**labels, "model": model, "year": int(year), "value": v, "lower": lo, "upper": hi, "unit": series.unit}
                for year, v, lo, hi in zip(years, fc["value"], fc["lower"], fc["upper"], strict=True)
            ]
        scored = series.country in settings.forecast.backtest_countries
        n, rmse, mae = accuracy(level_backtest_errors(y, model, settings) if scored else np.zeros(0))
        spec, converged = (fc["spec"], fc["converged"]) if fc else (None, True)
        backtest.append(
            {
                **labels,
                "model": model,
                "spec": spec,
                "converged": converged,
                "n_forecasts": n,
                "rmse": rmse,
                "mae": mae,
                "error_unit": LOG_ERROR_UNIT,
            }
        )
    return forecasts, backtest


def _composition(clean: pd.DataFrame, country: str, variable: str, where: str) -> tuple:
    """All sectors' shares of one country and variable (years x sectors), their years, unit and source."""
    rows = clean[(clean["country"] == country) & (clean["variable"] == variable) & (clean["sector"] != TOTAL)]
    if rows.empty:
        raise InputError(where, f"rows of {country}/{variable}", "sector shares (config models.variables)")
    wide = rows.pivot(index="year", columns="sector", values="value").sort_index()
    if wide.isna().any().any():
        raise InputError(where, f"shares of {country}/{variable}", "every sector in every year", "gaps")
    comp = Composition(tuple(wide.columns), wide.to_numpy(dtype=float))
    return comp, wide.index.to_numpy(dtype=int), str(rows["unit"].iloc[0]), str(rows["source"].iloc[0])


def _share_models(
    country: str, variable: str, composition: tuple, settings: ModelSettings
) -> tuple[list[dict], list[dict]]:
    """Every sector's share forecast together (all sectors, so the forecasts sum to 100)."""
    comp, years_seen, unit, source = composition
    years = _future_years(int(years_seen[-1]), settings)
    forecasts, backtest = [], []
    for model in MODELS:
        scored = country in settings.forecast.backtest_countries
        errors = share_backtest_errors(comp, model, settings) if scored else np.zeros((0, len(comp.sectors)))
        fc = share_forecast(comp, len(years), model, settings, (country, variable)) if len(years) else None
        for j, sector in enumerate(comp.sectors):
            labels = {"country": country, "sector": sector, "variable": variable, "source": source}
            if fc is not None:
                forecasts += [
                    {
                        **labels,
                        "model": model,
                        "year": int(year),
                        "value": fc["value"][i, j],
                        "lower": fc["lower"][i, j],
                        "upper": fc["upper"][i, j],
                        "unit": unit,
                    }
                    for i, year in enumerate(years)
                ]
            n, rmse, mae = accuracy(errors[:, j])
            spec, converged = (fc["spec"][j], bool(fc["converged"][j])) if fc else (None, True)
            backtest.append(
                {
                    **labels,
                    "model": model,
                    "spec": spec,
                    "converged": converged,
                    "n_forecasts": n,
                    "rmse": rmse,
                    "mae": mae,
                    "error_unit": SHARE_ERROR_UNIT,
                }
            )
    return forecasts, backtest


def _with_winners(backtest: pd.DataFrame) -> pd.DataFrame:
    """RMSE relative to the random walk, and the best model of each series (ties to the simpler model)."""
    keys = ["country", "sector", "variable"]
    rw = backtest[backtest["model"] == RANDOM_WALK].set_index(keys)["rmse"]
    out = backtest.assign(rmse_ratio=backtest["rmse"] / backtest.set_index(keys).index.map(rw).to_numpy())
    order = out.assign(rank=out["model"].map({m: i for i, m in enumerate(MODELS)}))
    order = order[order["rmse"].notna()].sort_values([*keys, "rmse", "rank"], kind="mergesort")
    winners = set(order.groupby(keys, sort=True).head(1).index)
    return out.assign(best=out.index.isin(winners)).reset_index(drop=True)


def _wins(backtest: pd.DataFrame) -> pd.DataFrame:
    """Per country and variable (and over all variables): series scored, wins and median RMSE ratio by model."""
    scored = backtest[backtest["rmse"].notna()]
    parts = []
    for variable, rows in [*scored.groupby("variable", sort=True), (ALL_VARIABLES, scored)]:
        summary = rows.groupby(["country", "model", "source"], sort=True).agg(
            series=("best", "size"), wins=("best", "sum"), median_rmse_ratio=("rmse_ratio", "median")
        )
        parts.append(summary.reset_index().assign(variable=variable))
    return pd.concat(parts, ignore_index=True)


def run_rule(rule, params, source: str, outputs: Mapping[str, str], workers: int = 1) -> dict[str, pd.DataFrame]:
    """What each models script does: read the clean table, type the settings, run `rule`, write its tables."""
    from emergence.clean import SCHEMAS
    from emergence.io import read_table
    from emergence.models.schemas import write_tables
    from emergence.models.settings import model_settings

    settings = model_settings(params.countries, params.periods, params.policy_events, params.models)
    clean = read_table(source, SCHEMAS["etd"])
    tables = rule(clean, settings, source, workers=workers) if workers > 1 else rule(clean, settings, source)
    write_tables(tables, outputs)
    logging.getLogger(__name__).info("%s", ", ".join(f"{n}: {len(t)} rows" for n, t in sorted(tables.items())))
    return tables
