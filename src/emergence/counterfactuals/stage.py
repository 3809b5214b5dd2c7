"""The counterfactual stage: what the focus country's manufacturing and productivity would have done without the
strategies, by three routes that fail in different ways.

- Synthetic controls against the ETD panel (every country but the excluded ones), for each outcome and treatment
  year, with in-space and in-time placebos and leave-one-out donors (`fit_synthetic_controls`); the same for the
  outcomes of the UN main aggregates, whose years reach past the ETD's last, against the donors the UN covers.
- Event studies of the focus country against its peers around each treatment year (`estimate_event_studies`).
- Multiple unknown breaks in the focus country's own series (`search_breaks`).

Each function takes the clean full ETD panel (and the UN's, for the synthetic controls) and the stage's settings
and returns its tables by file name; the rules of the same names write them. The synthetic-control fits, which are
the cost, run in `workers` processes; the results do not depend on how many.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from emergence.counterfactuals.bai_perron import bai_perron
from emergence.counterfactuals.donors import (
    DONOR,
    EXCLUDED,
    KEY,
    NO_SERIES,
    NOT_INCLUDED,
    TREATED,
    UN_KEY,
    donor_pool,
    un_donor_pool,
)
from emergence.counterfactuals.event_study import event_study
from emergence.counterfactuals.panel import ETD, FIT, SOURCE_OF, SPACE, UN, outcome_panel, series_of
from emergence.counterfactuals.placebos import (
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
UN_PANEL_TABLE = "counterfactuals_un_panel"
NO_SERIES_REASON = "no series in the UN main aggregates snapshot"
CHUNK = 4  # fits handed to a worker at a time: small enough to balance two workers over a few hundred fits

# The panel each worker process fits on, built once per process (and once per cut-off year of the in-time
# placebos) instead of being sent with every fit.
_WORKER: dict[object, object] = {}


def fit_synthetic_controls(
    etd: pd.DataFrame,
    settings: CounterfactualSettings,
    where: str,
    workers: int = 1,
    un: pd.DataFrame | None = None,
    un_where: str = UN_PANEL_TABLE,
) -> dict[str, pd.DataFrame]:
    """Synthetic controls of the focus country for every outcome and treatment year, and their inference runs:
    in-space placebos (main treatment year, and the variants if asked), in-time placebos and leave-one-out.

    With `un`, the clean UN panel, the UN outcomes too, on the donors of the ETD's pool that the UN covers
    (`un_donor_pool`), to the UN's last year; every one of them must have the outcome in every year from
    synth.first_year on. Every path starts at synth.first_year, so that the pre-period RMSPE is over the years
    the predictors describe whatever the source's first year. `synth_pool` says what each country of the ETD
    panel is to each source's fits: treated, donor, or why not."""
    countries = sorted(set(etd["country"]))
    if settings.focus not in countries:
        raise InputError(where, "column 'country'", f"rows of the focus country {settings.focus}")
    donors = donor_pool(settings, countries)
    absent = sorted(set(donors) - set(countries))
    if absent:
        raise InputError(where, "column 'country'", "rows of every donor", absent)
    panel = outcome_panel(etd, settings.outcomes, settings.productivity_base_year, where)
    pools = dict.fromkeys(settings.outcomes, donors)
    members = _pool(ETD, countries, settings, donors)
    if un is not None and settings.un_outcomes:
        covered = sorted(set(un["country"]))
        if settings.focus not in covered:
            raise InputError(un_where, "column 'country'", f"rows of the focus country {settings.focus}")
        un_donors = un_donor_pool(settings, countries, covered)
        long = outcome_panel(un, settings.un_outcomes, settings.productivity_base_year, un_where)
        _check_complete(long, [settings.focus, *un_donors], settings.first_year, un_where)
        panel = pd.concat([panel, long], ignore_index=True)
        pools.update(dict.fromkeys(settings.un_outcomes, un_donors))
        members += _pool(UN, countries, settings, un_donors, covered)
        where = f"{where} and {un_where}"  # the fits' panel holds both
    panel = panel[panel["year"] >= settings.first_year].reset_index(drop=True)
    design = {
        "first_year": settings.first_year,
        "windows": settings.windows,
        "last_value": settings.last_value,
        "starts": settings.starts,
    }
    runs: list[Run] = []
    for outcome, pool in pools.items():
        for i, year in enumerate(settings.treatment_years):
            spec = synth_design(outcome, year, **design)
            runs.append(Run(FIT, settings.focus, tuple(pool), spec, settings.focus))
            if i == 0 or settings.placebo_variants:
                runs += space_placebos(settings.focus, pool, spec)
            if i == 0:
                runs += time_placebos(settings.focus, pool, spec, settings.fake_years, design)
    fits = fit_runs(panel, runs, where, workers)
    if settings.leave_one_out:
        dropped = [
            r
            for run, result in zip(runs, fits, strict=True)
            if run.run == FIT
            for r in leave_one_out(run.treated, run.donors, run.spec, result.weights.to_dict())
        ]
        runs, fits = runs + dropped, fits + fit_runs(panel, dropped, where, workers)
    sizes = ", ".join(f"{outcome}: {len(pool)}" for outcome, pool in pools.items())
    logging.getLogger(__name__).info("%d synthetic-control fits; donors by outcome: %s", len(runs), sizes)
    return {**_synth_tables(runs, fits, settings), "synth_pool": pd.DataFrame(members)}


def _check_complete(long: pd.DataFrame, units: Sequence[str], first_year: int, where: str) -> None:
    """Each unit has each outcome in every year from `first_year` to the outcome's last year in the panel (the
    source's own last year, not a typed one): a path cut short by one donor would cut every path."""
    for outcome, rows in long.groupby("variable", sort=True):
        last = int(rows["year"].max())
        wanted = set(range(first_year, last + 1))
        for unit in units:
            missing = sorted(wanted - set(rows.loc[rows["unit"] == unit, "year"]))
            if missing:
                raise InputError(
                    where,
                    f"variable '{outcome}', country {unit}",
                    f"a value in every year {first_year}-{last} (or the country in {UN_KEY}/exclude, with the reason)",
                    f"none in {len(missing)} years from {missing[0]} to {missing[-1]}",
                )


def _pool(
    source: str,
    countries: Sequence[str],
    settings: CounterfactualSettings,
    donors: Sequence[str],
    covered: Sequence[str] | None = None,
) -> list[dict[str, str | None]]:
    """Rows of synth_pool: each country of the ETD panel for one source, the focus treated, the donors, and why
    each other country is not one (for the UN, `covered` are the countries of its panel)."""
    reasons, un_reasons = dict(settings.excluded), dict(settings.un_excluded) if covered is not None else {}
    rows = []
    for country in countries:
        if country == settings.focus:
            role, reason = TREATED, None
        elif country in donors:
            role, reason = DONOR, None
        elif country in un_reasons:
            role, reason = EXCLUDED, un_reasons[country]
        elif covered is not None and country not in covered:
            role, reason = NO_SERIES, NO_SERIES_REASON
        elif country in reasons:
            role, reason = EXCLUDED, reasons[country]
        else:
            role, reason = NOT_INCLUDED, f"not in {KEY}/donors/include"
        rows.append({"source": source, "country": country, "role": role, "reason": reason})
    return rows


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
                "source": SOURCE_OF[outcome],
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


def run_rule(
    rule: str, params, source: str, outputs: Mapping[str, str], workers: int = 1, un_source: str | None = None
) -> dict[str, pd.DataFrame]:
    """What the stage's script does: read the panel (and the UN's, `un_source`, for the synthetic controls), type
    the settings, run the rule's function, write its tables."""
    from emergence import registry
    from emergence.counterfactuals.schemas import write_tables
    from emergence.settings import from_params

    settings = from_params(CounterfactualSettings, params.settings)
    etd = registry.read(PANEL_TABLE, source)
    function = RULES[rule]
    if rule == "fit_synthetic_controls":
        un = None if un_source is None else registry.read(UN_PANEL_TABLE, un_source)
        tables = function(etd, settings, source, workers, un, un_source or UN_PANEL_TABLE)
    else:
        tables = function(etd, settings, source)
    write_tables(tables, outputs)
    logging.getLogger(__name__).info("%s", ", ".join(f"{n}: {len(t)} rows" for n, t in sorted(tables.items())))
    return tables
