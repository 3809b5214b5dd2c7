"""One function per rule of the models stage: the clean ETD table and the settings in, result tables out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.models.breaks import policy_breaks, segmented_fit, unknown_break
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
from emergence.models.trend import period_growth
from emergence.settings import ModelSettings, check_against_data

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
    segments, fit, tests, search = [], [], [], []
    check_against_data(settings, int(clean["year"].min()), int(clean["year"].max()), where)
    for series in iter_series(build_model_series(clean, settings, where), where):
        series_segments, series_tests = policy_breaks(series, settings)
        segments += _labelled(series, series_segments)
        fit += _labelled(series, segmented_fit(series, settings))
        tests += _labelled(series, series_tests)
        search += _labelled(series, [unknown_break(series, settings)])
    return {
        "break_segments": _frame(segments),
        "break_fit": _frame(fit),
        "break_tests": _frame(tests),
        "break_search": _frame(search),
    }


def forecast_series(
    clean: pd.DataFrame, settings: ModelSettings, where: str, workers: int = 1
) -> dict[str, pd.DataFrame]:
    """Forecasts of the series of the countries `forecast.countries` names to the horizon, with prediction intervals.

    Each level series and each country's set of shares is one task; `workers` processes share them out.
    """
    tasks = [t for t in _forecast_tasks(clean, settings, where) if _country(t) in settings.forecast.countries]
    rows = _run_tasks(tasks, _forecasts_of, settings, workers)
    return {"forecasts": _frame(rows)}


def backtest_forecasts(
    clean: pd.DataFrame, settings: ModelSettings, where: str, workers: int = 1
) -> dict[str, pd.DataFrame]:
    """The rolling-origin backtest of each model against the random walk, and the count of its winners. A rule of
    its own beside forecast_series: the two share no fit, so they run side by side."""
    scores = _with_winners(_frame(_run_tasks(_forecast_tasks(clean, settings, where), _backtest_of, settings, workers)))
    if settings.sectors is not None:
        scores = scores[scores["sector"].isin(settings.sectors)]
    return {"backtest": scores, "backtest_wins": _wins(scores)}


def _forecast_tasks(clean: pd.DataFrame, settings: ModelSettings, where: str) -> list[tuple]:
    """A positive level series alone, or (country, share variable, its composition) for the shares."""
    tidy = build_model_series(clean, settings, where)
    tasks = [(series,) for series in iter_series(tidy[~tidy["variable"].map(is_share)], where) if series.positive]
    for variable in [v for v in settings.variables if is_share(v)]:
        tasks += [(country, variable, _composition(clean, country, variable, where)) for country in settings.countries]
    return tasks


def _country(task: tuple) -> str:
    return task[0].country if len(task) == 1 else task[0]


def _run_tasks(tasks: list[tuple], work, settings: ModelSettings, workers: int) -> list[dict]:
    run = partial(work, settings=settings)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, tasks))
    else:
        results = [run(task) for task in tasks]
    return [row for rows in results for row in rows]


def _forecasts_of(task: tuple, settings: ModelSettings) -> list[dict]:
    return _level_forecasts(task[0], settings) if len(task) == 1 else _share_forecasts(*task, settings)


def _backtest_of(task: tuple, settings: ModelSettings) -> list[dict]:
    return _level_backtest(task[0], settings) if len(task) == 1 else _share_backtest(*task, settings)


def _future_years(last_year: int, settings: ModelSettings) -> np.ndarray:
    return np.arange(last_year + 1, settings.forecast.horizon + 1)


def _labels(series: Series) -> dict:
    return {"country": series.country, "sector": series.sector, "variable": series.variable, "source": series.source}


def _level_forecasts(series: Series, settings: ModelSettings) -> list[dict]:
    y = np.log(series.values)
    years = _future_years(int(series.years[-1]), settings)
    if not len(years):
        return []
    rows = []
    for model in MODELS:
        fc = level_forecast(y, len(years), model, settings)
        fitted = {"model": model, "spec": fc["spec"], "converged": fc["converged"]}
        rows += [
            {**_labels(series), **fitted, "year": int(year), "value": v, "lower": lo, "upper": hi, "unit": series.unit}
            for year, v, lo, hi in zip(years, fc["value"], fc["lower"], fc["upper"], strict=True)
        ]
    return rows


def _level_backtest(series: Series, settings: ModelSettings) -> list[dict]:
    y = np.log(series.values)
    scored = series.country in settings.forecast.backtest_countries
    rows = []
    for model in MODELS:
        errors = level_backtest_errors(y, model, settings) if scored else np.zeros(0)
        rows.append(_scored(_labels(series), model, errors, LOG_ERROR_UNIT))
    return rows


def _scored(labels: dict, model: str, errors: np.ndarray, unit: str) -> dict:
    """A backtest row: the series' labels, the model, and the accuracy of its forecast errors (in `unit`)."""
    n, rmse, mae = accuracy(errors)
    return {**labels, "model": model, "n_forecasts": n, "rmse": rmse, "mae": mae, "error_unit": unit}


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


def _share_forecasts(country: str, variable: str, composition: tuple, settings: ModelSettings) -> list[dict]:
    """Every sector's share forecast together (all sectors, so the forecasts sum to 100)."""
    comp, years_seen, unit, source = composition
    years = _future_years(int(years_seen[-1]), settings)
    if not len(years):
        return []
    rows = []
    for model in MODELS:
        fc = share_forecast(comp, len(years), model, settings, (country, variable))
        for j, sector in enumerate(comp.sectors):
            labels = {"country": country, "sector": sector, "variable": variable, "source": source, "model": model}
            fitted = {"spec": fc["spec"][j], "converged": bool(fc["converged"][j]), "unit": unit}
            rows += [
                {
                    **labels,
                    **fitted,
                    "year": int(year),
                    "value": fc["value"][i, j],
                    "lower": fc["lower"][i, j],
                    "upper": fc["upper"][i, j],
                }
                for i, year in enumerate(years)
            ]
    return rows


def _share_backtest(country: str, variable: str, composition: tuple, settings: ModelSettings) -> list[dict]:
    comp, _, _, source = composition
    scored = country in settings.forecast.backtest_countries
    rows = []
    for model in MODELS:
        errors = share_backtest_errors(comp, model, settings) if scored else np.zeros((0, len(comp.sectors)))
        for j, sector in enumerate(comp.sectors):
            labels = {"country": country, "sector": sector, "variable": variable, "source": source}
            rows.append(_scored(labels, model, errors[:, j], SHARE_ERROR_UNIT))
    return rows


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
    from emergence import registry
    from emergence.models.schemas import write_tables
    from emergence.settings import from_params

    settings = from_params(ModelSettings, params.settings)
    clean = registry.read("etd", source)
    tables = rule(clean, settings, source, workers=workers) if workers > 1 else rule(clean, settings, source)
    write_tables(tables, outputs)
    logging.getLogger(__name__).info("%s", ", ".join(f"{n}: {len(t)} rows" for n, t in sorted(tables.items())))
    return tables
