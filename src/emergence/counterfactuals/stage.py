"""The counterfactual stage: what the focus country's manufacturing and productivity would have done without the
strategies, by three routes that fail in different ways.

- Synthetic controls against the ETD panel (every country but the excluded ones), for each outcome and treatment
  year, with in-space and in-time placebos and leave-one-out donors (`fit_synthetic_controls`).
- Event studies of the focus country against its peers around each treatment year (`estimate_event_studies`).
- Multiple unknown breaks in the focus country's own series (`search_breaks`).

Each function takes the clean full ETD panel and the stage's settings and returns its tables by file name; the
rules of the same names write them. The synthetic-control fits, which are the cost, run in `workers` processes;
the results do not depend on how many.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from emergence.counterfactuals.bai_perron import bai_perron
from emergence.counterfactuals.donors import donor_pool
from emergence.counterfactuals.event_study import event_study
from emergence.counterfactuals.panel import outcome_panel, series_of
from emergence.counterfactuals.placebos import (
    FIT,
    SPACE,
    Run,
    leave_one_out,
    placebo_test,
    space_placebos,
    synth_design,
    time_placebos,
)
from emergence.counterfactuals.synth import Panel, SynthFit, fit
from emergence.errors import InputError
from emergence.settings import CounterfactualSettings

PANEL_TABLE = "counterfactuals_etd_panel"
CHUNK = 4  # fits handed to a worker at a time: small enough to balance two workers over a few hundred fits

# The panel each worker process fits on, built once per process (and once per cut-off year of the in-time
# placebos) instead of being sent with every fit.
_WORKER: dict[object, object] = {}


def fit_synthetic_controls(
    etd: pd.DataFrame, settings: CounterfactualSettings, where: str, workers: int = 1
) -> dict[str, pd.DataFrame]:
    """Synthetic controls of the focus country for every outcome and treatment year, and their inference runs:
    in-space placebos (main treatment year, and the variants if asked), in-time placebos and leave-one-out."""
    countries = sorted(set(etd["country"]))
    if settings.focus not in countries:
        raise InputError(where, "column 'country'", f"rows of the focus country {settings.focus}")
    donors = donor_pool(settings, countries)
    absent = sorted(set(donors) - set(countries))
    if absent:
        raise InputError(where, "column 'country'", "rows of every donor", absent)
    panel = outcome_panel(etd, settings.outcomes, settings.productivity_base_year, where)
    design = {
        "first_year": settings.first_year,
        "windows": settings.windows,
        "last_value": settings.last_value,
        "starts": settings.starts,
    }
    runs: list[Run] = []
    for outcome in settings.outcomes:
        for i, year in enumerate(settings.treatment_years):
            spec = synth_design(outcome, year, **design)
            runs.append(Run(FIT, settings.focus, tuple(donors), spec, settings.focus))
            if i == 0 or settings.placebo_variants:
                runs += space_placebos(settings.focus, donors, spec)
            if i == 0:
                runs += time_placebos(settings.focus, donors, spec, settings.fake_years, design)
    fits = fit_runs(panel, runs, where, workers)
    if settings.leave_one_out:
        dropped = [
            r
            for run, result in zip(runs, fits, strict=True)
            if run.run == FIT
            for r in leave_one_out(run.treated, run.donors, run.spec, result.weights.to_dict())
        ]
        runs, fits = runs + dropped, fits + fit_runs(panel, dropped, where, workers)
    logging.getLogger(__name__).info("%d synthetic-control fits on %d donors", len(runs), len(donors))
    return _synth_tables(runs, fits, settings)


def fit_runs(panel: pd.DataFrame, runs: Sequence[Run], where: str, workers: int = 1) -> list[SynthFit]:
    """`synth.fit` of every run, in order, shared out among `workers` processes."""
    if workers > 1 and len(runs) > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(panel, where)) as pool:
            return list(pool.map(_fit_run, runs, chunksize=CHUNK))
    _start_worker(panel, where)
    return [_fit_run(run) for run in runs]


def _start_worker(panel: pd.DataFrame, where: str) -> None:
    _WORKER.clear()
    _WORKER["long"], _WORKER["where"] = panel, where


def _fit_run(run: Run) -> SynthFit:
    key = ("panel", run.before)
    if key not in _WORKER:
        long = _WORKER["long"]
        rows = long if run.before is None else long[long["year"] < run.before].reset_index(drop=True)
        _WORKER[key] = Panel(rows, str(_WORKER["where"]))
    return fit(_WORKER[key], run.treated, run.donors, run.spec)


def _ratio(result: SynthFit) -> float | None:
    return None if math.isinf(result.rmspe_ratio) else result.rmspe_ratio


def _synth_tables(runs: list[Run], fits: list[SynthFit], settings: CounterfactualSettings) -> dict[str, pd.DataFrame]:
    main = settings.treatment_years[0]
    weights, balance, summary, run_rows, paths = [], [], [], [], []
    by_design: dict[tuple[str, int], list[tuple[Run, SynthFit]]] = {}
    for run, result in zip(runs, fits, strict=True):
        by_design.setdefault((run.spec.outcome, run.before or run.spec.treatment_year), []).append((run, result))
    for (outcome, year), members in sorted(by_design.items()):
        (treated_run, treated), *others = [m for m in members if m[0].run == FIT] + [
            m for m in members if m[0].run != FIT
        ]
        key = {"outcome": outcome, "treatment_year": year}
        weights.append(treated.weights.rename_axis("donor").reset_index().assign(**key))
        balance.append(treated.balance.assign(**key))
        placebos = [(r, f) for r, f in others if r.run == SPACE]
        test, kept = None, []
        if placebos:
            test, kept = placebo_test(
                treated.rmspe_ratio,
                treated.pre_rmspe,
                [f.rmspe_ratio for _, f in placebos],
                [f.pre_rmspe for _, f in placebos],
                settings.pre_rmspe_k,
            )
        keep = dict(zip([r.unit for r, _ in placebos], kept, strict=True))
        summary.append(
            {
                **key,
                "design": "main" if year == main else "variant",
                "treated": treated_run.treated,
                "donors": len(treated_run.donors),
                "first_year": int(treated.path["year"].min()),
                "last_year": int(treated.path["year"].max()),
                **_summary(treated),
                "placebos": None if test is None else test.placebos,
                "p_value": None if test is None else test.p_value,
                "pre_rmspe_k": settings.pre_rmspe_k,
                "placebos_kept": None if test is None else test.kept,
                "p_value_kept": None if test is None else test.p_value_kept,
            }
        )
        for run, result in [(treated_run, treated), *others]:
            ids = {**key, "run": run.run, "unit": run.unit, "treated_from": run.spec.treatment_year}
            kept_flag = bool(keep[run.unit]) if run.run == SPACE else None
            run_rows.append({**ids, **_summary(result), "kept": kept_flag})
            paths.append(result.path.assign(**ids))
    return {
        "synth_weights": pd.concat(weights, ignore_index=True),
        "synth_balance": pd.concat(balance, ignore_index=True),
        "synth_fits": pd.DataFrame(summary),
        "synth_runs": pd.DataFrame(run_rows),
        "synth_paths": pd.concat(paths, ignore_index=True),
    }


def _summary(result: SynthFit) -> dict[str, float | None]:
    return {
        "pre_rmspe": result.pre_rmspe,
        "post_rmspe": result.post_rmspe,
        "rmspe_ratio": _ratio(result),
        "post_gap": result.post_gap,
    }


def estimate_event_studies(etd: pd.DataFrame, settings: CounterfactualSettings, where: str) -> dict[str, pd.DataFrame]:
    """For each outcome and treatment year, the focus country's event-time coefficients against its peers (unit
    and year fixed effects) and the pre-trend test. The window's last event time is cut to the last data year;
    an unbounded interval is left empty."""
    units = [settings.focus, *settings.peers]
    absent = [u for u in units if u not in set(etd["country"])]
    if absent:
        raise InputError(where, "column 'country'", "rows of the focus country and its peers", absent)
    panel = outcome_panel(etd[etd["country"].isin(units)], settings.outcomes, settings.productivity_base_year, where)
    last_year = int(panel["year"].max())
    coefficients, pretrends = [], []
    for outcome in settings.outcomes:
        for year in settings.treatment_years:
            first, last = settings.event_window
            result = event_study(
                panel,
                outcome,
                settings.focus,
                year,
                window=(first, min(last, last_year - year)),
                draws=settings.draws,
                weights=settings.weights,
                seed=settings.seed,
                level=settings.level,
                where=where,
            )
            key = {"outcome": outcome, "event_year": year}
            coefficients.append(result.coefficients.assign(**key))
            pretrends.append(result.pretrend.assign(**key))
    table = pd.concat(coefficients, ignore_index=True)
    for bound in ("ci_low", "ci_high"):
        table[bound] = table[bound].where(table[bound].abs() != math.inf)
    return {"event_coefficients": table, "event_pretrend": pd.concat(pretrends, ignore_index=True)}


def search_breaks(etd: pd.DataFrame, settings: CounterfactualSettings, where: str) -> dict[str, pd.DataFrame]:
    """Bai-Perron breaks in each of the focus country's break series: the dates with their intervals for the
    number of breaks the configured criterion chooses, and every criterion's choice."""
    rows = etd[etd["country"] == settings.focus]
    panel = outcome_panel(rows, settings.break_series, settings.productivity_base_year, where)
    dates, counts = [], []
    for name in settings.break_series:
        result = bai_perron(
            series_of(panel, name, settings.focus),
            settings.break_model,
            trimming=settings.trimming,
            max_breaks=settings.max_breaks,
            cov=settings.cov,
            alpha=settings.alpha,
            level=settings.break_level,
            select=settings.select,
            where=f"{where}: {settings.focus} {name}",
        )
        dates.append(result.breaks.assign(country=settings.focus, series=name))
        counts += [
            {
                "country": settings.focus,
                "series": name,
                "criterion": criterion,
                "breaks": n,
                "chosen": criterion == settings.select,
                "model": settings.break_model,
                "cov": settings.cov,
                "trimming": settings.trimming,
            }
            for criterion, n in sorted(result.selected.items())
        ]
    return {"break_dates": pd.concat(dates, ignore_index=True), "break_counts": pd.DataFrame(counts)}


RULES = {
    "fit_synthetic_controls": fit_synthetic_controls,
    "estimate_event_studies": estimate_event_studies,
    "search_breaks": search_breaks,
}


def run_rule(rule: str, params, source: str, outputs: Mapping[str, str], workers: int = 1) -> dict[str, pd.DataFrame]:
    """What the stage's script does: read the panel, type the settings, run the rule's function, write its
    tables."""
    from emergence import registry
    from emergence.counterfactuals.schemas import write_tables
    from emergence.settings import from_params

    settings = from_params(CounterfactualSettings, params.settings)
    etd = registry.read(PANEL_TABLE, source)
    function = RULES[rule]
    tables = (
        function(etd, settings, source, workers)
        if rule == "fit_synthetic_controls"
        else function(etd, settings, source)
    )
    write_tables(tables, outputs)
    logging.getLogger(__name__).info("%s", ", ".join(f"{n}: {len(t)} rows" for n, t in sorted(tables.items())))
    return tables
