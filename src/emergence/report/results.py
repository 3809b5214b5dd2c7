"""The numbers the report's prose quotes, computed from the build's tables and written to one JSON file.

The notebook never types a number: it reads them here. Adding a section is a function and one entry in SECTIONS;
a section is computed when all its input tables are in the build.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.report.comparison import comparison
from emergence.settings import SAMPLE_ID, ViewSettings
from emergence.views.counterfactuals import named_donors, un_outcome
from emergence.views.coverage import lacking
from emergence.views.labels import country_names, short_source, source_label
from emergence.views.models import (
    BREAK_SERIES,
    DISCUSSED_BREAKS,
    FORECAST_SERIES,
    MODEL_LABELS,
    SECTOR_LABELS,
    TOTAL,
    TREND_VARIABLE,
    VERDICT_LABELS,
    best_model,
    confidence_level,
    finite,
    rows_of,
    segments_of,
    series_label,
    series_of,
    series_phrase,
    share_targets,
    tests_of,
    trend_rows,
    winner,
    wins,
)
from emergence.views.sectors import CURRENT_VA_SHARE, sector_series, share_matrix
from emergence.views.structure import DECOMPOSITION_TERMS, decomposition_terms
from emergence.views.trade import EXPORTS, FDI, PATENTS, RESEARCH


@dataclass(frozen=True)
class Section:
    name: str
    inputs: tuple[str, ...]
    build: Callable[[Mapping[str, pd.DataFrame], ViewSettings], dict]


def _first_last(series: pd.Series) -> dict:
    series = series.dropna()
    return {"first": float(series.iloc[0]), "last": float(series.iloc[-1])}


def structure(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """Shares of value added and employment of the focus country, first and last year, and its peers."""
    groups, etd = inputs["sector_groups"], inputs["etd"]
    va = share_matrix(groups, "sector_groups", settings.focus, "va_current_share", source="etd", scheme=settings.scheme)
    emp = share_matrix(groups, "sector_groups", settings.focus, "emp_share", source="etd", scheme=settings.scheme)
    manufacturing = va["manufacturing"].dropna()
    total_emp = etd[(etd["country"] == settings.focus) & (etd["sector"] == "total") & (etd["variable"] == "emp")]
    if total_emp.empty:
        raise InputError("etd", f"rows of {settings.focus}, sector total, variable emp", "at least one row")
    peers = sector_series(etd, "etd", "manufacturing", CURRENT_VA_SHARE["etd"], settings.countries)
    latest_peers = peers.loc[peers.index.max()].dropna().sort_values(ascending=False, kind="mergesort")
    un = sector_series(inputs["un_ama"], "un_ama", "manufacturing", CURRENT_VA_SHARE["un_ama"], [settings.focus])
    un_focus = un[settings.focus].dropna()
    largest = va.loc[va.index.max()].idxmax()
    return {
        "first_year": int(va.index.min()),
        "last_year": int(va.index.max()),
        "va_share": {group: _first_last(va[group]) for group in va.columns},
        "emp_share": {group: _first_last(emp[group]) for group in emp.columns},
        "largest_va_group_last": settings.group_labels.get(largest, largest),
        "manufacturing_va": {
            **_first_last(manufacturing),
            "max": float(manufacturing.max()),
            "max_year": int(manufacturing.idxmax()),
            "min": float(manufacturing.min()),
            "min_year": int(manufacturing.idxmin()),
            "at_events": {str(y): float(manufacturing[y]) for y, _ in settings.policy_events if y in manufacturing},
        },
        "emp_total": _first_last(total_emp.set_index("year")["value"].sort_index()),
        "un_manufacturing_last": {"year": int(un_focus.index.max()), "value": float(un_focus.iloc[-1])},
        "peers_year": int(peers.index.max()),
        "peers_manufacturing": {c: float(v) for c, v in latest_peers.items()},
        "focus_rank": int(list(latest_peers.index).index(settings.focus) + 1),
    }


def clusters(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """Counts from the paper's Tables 2 and 3."""
    table2, table3 = inputs["clusters"], inputs["cluster_companies"]
    sizes = table3.pivot(index="cluster_id", columns="size", values="companies")
    firms = float(sizes["sme"].sum() + sizes["large"].sum())
    return {
        "count": int(len(table2)),
        "first_year": int(table2["year"].min()),
        "last_year": int(table2["year"].max()),
        "with_member_count": int(table2["members_total"].notna().sum()),
        "by_region": {str(k): int(v) for k, v in table2["region"].value_counts().sort_index().items()},
        "survey_clusters": int(len(sizes)),
        "survey_companies": int(firms),
        "survey_sme_share": 100.0 * float(sizes["sme"].sum()) / firms,
    }


def decomposition(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The focus country's productivity growth and its three terms, by period and over the whole sample."""
    terms = decomposition_terms(
        inputs["structure_decomposition"], "structure_decomposition", [settings.focus], list(settings.periods)
    )
    if terms.empty:
        raise InputError("structure_decomposition", f"rows of {settings.focus}", "the focus country's decomposition")
    by_period = {
        row.period: {
            "base_year": int(row.base_year),
            "end_year": int(row.end_year),
            **{t: float(getattr(row, t)) for t in (*DECOMPOSITION_TERMS, "total")},
        }
        for row in terms.itertuples()
    }
    periods = [p for p in by_period if p != SAMPLE_ID]
    fastest = max(periods, key=lambda p: by_period[p]["total"]) if periods else None
    return {
        "by_period": by_period,
        "whole_sample": by_period.get(SAMPLE_ID),
        "fastest_period": fastest,
        "fastest_label": settings.periods.get(fastest, fastest) if fastest else None,
    }


def claims(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """How many of the paper's statements and targets the claims stage could check, and with what verdict."""
    ledger, targets = inputs["claims_ledger"], inputs["claims_targets"]
    status = ledger["status"].value_counts()
    target_status = targets["status"].value_counts()
    return {
        "statements": int(len(ledger)),
        "by_status": {str(k): int(v) for k, v in status.sort_index().items()},
        "checked": int(len(ledger) - status.get("not_recomputable", 0) - status.get("not_evaluated", 0)),
        "targets": int(len(targets)),
        "targets_by_status": {str(k): int(v) for k, v in target_status.sort_index().items()},
        "targets_measured": int(targets["progress_pct"].notna().sum()),
    }


def _year(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _fit(row) -> dict:
    return {
        "first_year": _year(row.first_year),
        "last_year": _year(row.last_year),
        "n": int(row.n),
        "status": str(row.status),
        "growth": finite(row.growth_pct),
        "low": finite(row.ci_low_pct),
        "high": finite(row.ci_high_pct),
    }


def _trend(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """Trend growth of real value added by sector and period; the periods fitted with classical intervals and the
    fits that could not be made."""
    from emergence.models.trend import SHORT

    rows = trend_rows(
        inputs["models_trend_growth"], "models_trend_growth", settings.focus, TREND_VARIABLE, list(settings.periods)
    )
    labels = {**settings.periods, SAMPLE_ID: "Whole sample"}
    short = rows[rows["status"] == SHORT].drop_duplicates("period")
    whole = rows[(rows["period"] == SAMPLE_ID) & (rows["sector"] != TOTAL) & rows["growth_pct"].notna()]
    whole = whole.set_index("sector")["growth_pct"]
    return {
        "periods": list(dict.fromkeys(rows["period"])),
        "period_labels": {p: labels.get(p, p) for p in dict.fromkeys(rows["period"])},
        "by_sector": {
            sector: {row.period: _fit(row) for row in part.itertuples()}
            for sector, part in rows.groupby("sector", sort=False)
        },
        "classical": [{"period": labels.get(r.period, r.period), "years": int(r.n)} for r in short.itertuples()],
        "not_estimated": [
            {
                "sector": SECTOR_LABELS.get(r.sector, r.sector),
                "period": labels.get(r.period, r.period),
                "status": r.status,
            }
            for r in rows[rows["growth_pct"].isna()].itertuples()
        ],
        "fastest_whole": SECTOR_LABELS.get(whole.idxmax(), whole.idxmax()) if len(whole) else None,
        "slowest_whole": SECTOR_LABELS.get(whole.idxmin(), whole.idxmin()) if len(whole) else None,
    }


def _break_series(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings, sector: str, variable: str, alpha: float):
    """One series' tests at each launch year and jointly, its segments' growth and the search for a break."""
    rows = tests_of(inputs["models_break_tests"], "models_break_tests", settings.focus, sector, variable)
    at_years = rows[rows["policy_year"].notna()]
    joint = rows[rows["policy_year"].isna()]
    parts = segments_of(
        inputs["models_break_segments"], "models_break_segments", settings.focus, sector, variable, required=False
    )
    found = rows_of(
        inputs["models_break_search"], "models_break_search", country=settings.focus, sector=sector, variable=variable
    ).iloc[0]
    tested = {int(r.policy_year): (str(r.status), finite(r.bootstrap_p_value)) for r in at_years.itertuples()}
    return {
        "sector": sector,
        "variable": variable,
        "label": series_label(sector, variable),
        "phrase": series_phrase(sector, variable),
        "discussed": (sector, variable) in DISCUSSED_BREAKS,
        "tests": {str(year): {"status": status, "p": p} for year, (status, p) in tested.items()},
        "joint": {"status": str(joint["status"].iloc[0]), "p": finite(joint["bootstrap_p_value"].iloc[0])}
        if len(joint)
        else None,
        "changed_at": [year for year, (_, p) in tested.items() if p is not None and p < alpha],
        "untestable": [{"year": year, "status": status} for year, (status, p) in tested.items() if p is None],
        "segments": [
            {"first_year": int(r.first_year), "last_year": int(r.last_year), "growth": finite(r.growth_pct)}
            for r in parts.itertuples()
        ],
        "search": {
            "status": str(found["status"]),
            "break_year": _year(found["break_year"]),
            "p": finite(found["sup_f_p_value"]),
            "first_candidate": _year(found["first_candidate"]),
            "last_candidate": _year(found["last_candidate"]),
            "nearest_policy_year": _year(found["nearest_policy_year"]),
            "years_from_policy": _year(found["years_from_policy"]),
            "cusum_p": finite(found["cusum_p_value"]),
        },
    }


def _unit_roots(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """How the focus country's series read under ADF and KPSS together: counts by verdict, and the main series."""
    rows = rows_of(inputs["models_unit_root"], "models_unit_root", country=settings.focus)
    tested = rows[rows["verdict"].notna()]
    counts = tested["verdict"].value_counts()
    main = []
    for sector, variable in BREAK_SERIES:
        match = tested[(tested["sector"] == sector) & (tested["variable"] == variable)]
        if len(match):
            r = match.iloc[0]
            main.append(
                {
                    "label": series_label(sector, variable),
                    "phrase": series_phrase(sector, variable),
                    "verdict": str(r["verdict"]),
                    "adf_p": finite(r["adf_p_value"]),
                    "kpss_p": finite(r["kpss_p_value"]),
                    "kpss_bound": None if pd.isna(r["kpss_p_value_bound"]) else str(r["kpss_p_value_bound"]),
                }
            )
    return {
        "series": int(len(rows)),
        "tested": int(len(tested)),
        "by_verdict": {v: int(counts.get(v, 0)) for v in VERDICT_LABELS},
        "main": main,
    }


def _forecast_at(path: pd.DataFrame, year: int) -> dict | None:
    """One year of a model's forecast (rows indexed by year) with its interval, if the forecast reaches it."""
    if year not in path.index:
        return None
    row = path.loc[year]
    return {"year": year, "value": float(row["value"]), "lower": float(row["lower"]), "upper": float(row["upper"])}


def _forecasts(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings, target: dict | None) -> list[dict]:
    """Per forecast series: the last observation, the backtest's best model, its forecasts at the horizon and, for
    a share, in the target's year."""
    etd, backtest = inputs["etd"], inputs["models_backtest"]
    out = []
    for sector, variable in FORECAST_SERIES:
        history = series_of(etd, "etd", settings.focus, sector, variable)
        best = best_model(backtest, "models_backtest", settings.focus, sector, variable)
        paths = rows_of(
            inputs["models_forecasts"], "models_forecasts", country=settings.focus, sector=sector, variable=variable
        )
        chosen = paths[paths["model"] == best].set_index("year")
        scores = rows_of(backtest, "models_backtest", country=settings.focus, sector=sector, variable=variable)
        ratio = scores.loc[scores["model"] == best, "rmse_ratio"]
        share = variable.endswith("_share")
        out.append(
            {
                "label": series_label(sector, variable),
                "phrase": series_phrase(sector, variable),
                "unit": str(rows_of(etd, "etd", variable=variable)["unit"].iloc[0]),
                "share": share,
                "last_year": int(history.index[-1]),
                "last_value": float(history.iloc[-1]),
                "best": best,
                "best_label": MODEL_LABELS.get(best, best) if best else None,
                "best_ratio": finite(ratio.iloc[0]) if len(ratio) else None,
                "horizon": _forecast_at(chosen, int(paths["year"].max())),
                "at_target": _forecast_at(chosen, target["horizon_end"]) if share and target else None,
            }
        )
    return out


def _share_target(targets: pd.DataFrame) -> dict | None:
    """The first of the plans' measurable share targets, if any."""
    shares = share_targets(targets)
    if shares.empty:
        return None
    t = shares.iloc[0]
    return {
        "plan": str(t["plan"]),
        "indicator": str(t["indicator"]),
        "target": float(t["target"]),
        "unit": str(t["unit"]),
        "horizon_end": int(t["horizon_end"]),
        "outcome": finite(t["outcome"]),
        "outcome_unit": None if pd.isna(t["outcome_unit"]) else str(t["outcome_unit"]),
        "measured_to": _year(t["measured_to"]),
    }


def models(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The focus country's trend growth, breaks, unit-root reading, forecasts and backtest, and the plan's share
    target the forecasts are set against. Tests are read at the intervals' level (alpha = 1 - confidence)."""
    from emergence.models.forecast import RANDOM_WALK

    confidence = confidence_level(inputs["models_trend_growth"], "models_trend_growth")
    alpha = round(1.0 - confidence, 6)
    target = _share_target(inputs["claims_targets"])
    present = set(zip(inputs["models_break_tests"]["sector"], inputs["models_break_tests"]["variable"], strict=True))
    table = wins(inputs["models_backtest_wins"], "models_backtest_wins", settings.focus)
    return {
        "confidence": 100.0 * confidence,
        "alpha": alpha,
        "trend": _trend(inputs, settings),
        "breaks": [_break_series(inputs, settings, s, v, alpha) for s, v in BREAK_SERIES if (s, v) in present],
        "unit_root": _unit_roots(inputs, settings),
        "target": target,
        "forecasts": _forecasts(inputs, settings, target),
        "backtest": {
            "series": int(table["series"].max()),
            "models": list(table.index),
            "labels": {m: MODEL_LABELS.get(m, m) for m in table.index},
            "wins": {m: int(r["wins"]) for m, r in table.iterrows()},
            "median_ratio": {m: finite(r["median_rmse_ratio"]) for m, r in table.iterrows()},
            "winner": winner(table),
            "benchmark": RANDOM_WALK,
        },
    }


def coverage(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The sources that hold no row for some configured country, with those countries, so the report says so in
    words where a table would print "n/a" or a figure leave a line out."""
    gaps = lacking(inputs["coverage"], settings.countries)
    return {"lacking": [{"source": s, "label": source_label(s), "countries": c} for s, c in gaps.items()]}


def names(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """Each configured country's name as its publisher writes it."""
    return country_names(inputs["countries"])


def targets(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The plans' targets from their stated baselines: one entry per target, and the counts by status."""
    df = inputs["claims_targets"]
    rows = [
        {
            "plan": str(r.plan),
            "indicator": str(r.indicator),
            "unit": str(r.unit),
            "baseline": finite(r.baseline),
            "target": finite(r.target),
            "outcome": finite(r.outcome),
            "measured_to": _year(r.measured_to),
            "window_start": _year(r.window_start),
            "horizon_end": _year(r.horizon_end),
            "progress": finite(r.progress_pct),
            "alt_label": None if pd.isna(r.alt_label) else str(r.alt_label),
            "alt_progress": finite(r.alt_progress_pct),
            "status": str(r.status),
        }
        for r in df.itertuples()
    ]
    measured = [t for t in rows if t["progress"] is not None]
    return {
        "all": rows,
        "count": len(rows),
        "measured": len(measured),
        "met": sum(t["status"] == "met" for t in measured),
        "by_status": {str(k): int(v) for k, v in df["status"].value_counts().sort_index().items()},
        "country": str(df["country"].iloc[0]),
        "about_focus": bool(df["is_focus"].iloc[0]),
    }


def trade(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The focus country's WDI series on exports, FDI, R&D and patents: first and last year published, and the
    average before and from the first launch year; empty when the World Bank rows do not cover the country."""
    wdi = inputs["wdi"]
    first_launch = settings.policy_events[0][0] if settings.policy_events else None
    out = {}
    for sector, variable in (*EXPORTS, *FDI, *RESEARCH, *PATENTS):
        rows = wdi[(wdi["country"] == settings.focus) & (wdi["sector"] == sector) & (wdi["variable"] == variable)]
        series = rows.set_index("year")["value"].sort_index().dropna()
        if series.empty:
            continue
        before = series[series.index < first_launch] if first_launch else series.iloc[:0]
        after = series[series.index >= first_launch] if first_launch else series
        out[variable] = {
            "first_year": int(series.index[0]),
            "first": float(series.iloc[0]),
            "last_year": int(series.index[-1]),
            "last": float(series.iloc[-1]),
            "max": float(series.max()),
            "max_year": int(series.idxmax()),
            "mean_before": finite(before.mean()) if len(before) else None,
            "mean_after": finite(after.mean()) if len(after) else None,
        }
    return {"series": out, "first_launch": first_launch}


def regions(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The census view of industry by region: each region's share and location quotient, the concentration of
    industry, where the paper's clusters sit, and the national activity and unemployment rates."""
    summary = inputs["regions_summary"].sort_values("industry_lq_employment", ascending=False, kind="mergesort")
    concentration = inputs["regions_concentration"]
    industry = concentration[concentration["category"] == "industry"].set_index("dataset")
    names = dict(zip(summary["region_code"], summary["region_name"], strict=True))
    clusters = inputs["regions_clusters"]
    rates = inputs["regions_labour_rates"]
    national = rates[rates["region_code"] == "MAR"].set_index("variable")
    return {
        "by_region": [
            {
                "name": str(r.region_name),
                "share": float(r.industry_employment_share),
                "lq_employment": float(r.industry_lq_employment),
                "establishments": int(r.industry_establishments),
                "lq_establishments": float(r.industry_lq_establishments),
                "clusters": int(r.clusters),
            }
            for r in summary.itertuples()
        ],
        "concentration": {
            dataset: {
                "top_share": float(row.top_share),
                "top_n": int(row.top_n),
                "hhi": float(row.hhi),
                "top_regions": [names.get(code, code) for code in str(row.top_regions).split(";")],
            }
            for dataset, row in industry.iterrows()
        },
        "clusters": {
            "count": int(len(clusters)),
            "specialised_employment": int(clusters["specialised_employment"].sum()),
            "specialised_establishments": int(clusters["specialised_establishments"].sum()),
        },
        "rates": {
            str(v): {
                "2014": float(r["value_2014"]),
                "2024": float(r["value_2024"]),
                "comparable": bool(r["comparable"]),
            }
            for v, r in national.iterrows()
        },
    }


OUTCOME_LABELS = {
    "manufacturing_va_constant_share": "manufacturing's share of value added at constant prices",
    "manufacturing_va_current_share": "manufacturing's share of value added at current prices",
    "manufacturing_va_current_share_un": "manufacturing's share of value added at current prices, from the UN",
    "manufacturing_emp_share": "manufacturing's share of employment",
    "labour_productivity_log": "labour productivity (log, relative to its first year)",
    "manufacturing_va_constant_log": "real manufacturing value added (log)",
}


def counterfactuals(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> dict:
    """The synthetic controls of the first launch year (source, years after it, weights, fit, gap, placebo
    p-values), the other launch years' gaps, the UN outcome's pool and its gaps beside the ETD's over their
    common years, the event studies' pre-trend tests and largest effects, and the Bai-Perron break dates."""
    fits, weights = inputs["counterfactuals_synth_fits"], inputs["counterfactuals_synth_weights"]
    main = fits[fits["design"] == "main"]
    synth = []
    for r in main.itertuples():
        top = named_donors(weights, r.outcome, r.treatment_year, top=5)
        variants = fits[(fits["outcome"] == r.outcome) & (fits["design"] != "main")]
        synth.append(
            {
                "outcome": str(r.outcome),
                "label": OUTCOME_LABELS.get(r.outcome, r.outcome),
                "source": short_source(str(r.source)),
                "year": int(r.treatment_year),
                "last_year": int(r.last_year),
                "post_years": int(r.last_year) - int(r.treatment_year) + 1,
                "pre_rmspe": float(r.pre_rmspe),
                "post_gap": float(r.post_gap),
                "p": finite(r.p_value),
                "p_kept": finite(r.p_value_kept),
                "placebos": None if pd.isna(r.placebos) else int(r.placebos),
                "kept": None if pd.isna(r.placebos_kept) else int(r.placebos_kept),
                "donors": [{"code": str(d.donor), "weight": float(d.weight)} for d in top.itertuples()],
                "variants": {str(int(v.treatment_year)): float(v.post_gap) for v in variants.itertuples()},
            }
        )
    pretrend = inputs["counterfactuals_event_pretrend"]
    breaks = inputs["counterfactuals_break_dates"]
    variants = fits[fits["design"] != "main"]
    return {
        "synth": synth,
        "un": un_outcome(fits, inputs["counterfactuals_synth_pool"], inputs["counterfactuals_synth_paths"]),
        "pre_rmspe_k": float(main["pre_rmspe_k"].iloc[0]),
        "variant_placebos": bool(variants["placebos"].notna().any()),
        "pretrend_p": {"min": float(pretrend["p_bootstrap"].min()), "max": float(pretrend["p_bootstrap"].max())},
        "breaks": [
            {
                "series": OUTCOME_LABELS.get(s, s),
                "dates": [int(d) for d in g["new_regime_from"]],
                "intervals": [[int(a), int(b)] for a, b in zip(g["ci_low"], g["ci_high"], strict=True)],
            }
            for s, g in breaks.groupby("series", sort=True)
        ],  # fmt: skip
    }


SECTIONS: tuple[Section, ...] = (
    Section("names", ("countries",), names),
    Section("coverage", ("coverage",), coverage),
    Section("paper", ("claims_ledger",), comparison),
    Section("targets", ("claims_targets",), targets),
    Section("trade", ("wdi",), trade),
    Section(
        "counterfactuals",
        (
            "counterfactuals_break_dates",
            "counterfactuals_event_pretrend",
            "counterfactuals_synth_fits",
            "counterfactuals_synth_paths",
            "counterfactuals_synth_pool",
            "counterfactuals_synth_weights",
        ),
        counterfactuals,
    ),
    Section(
        "regions", ("regions_clusters", "regions_concentration", "regions_labour_rates", "regions_summary"), regions
    ),
    Section("structure", ("etd", "sector_groups", "un_ama"), structure),
    Section("clusters", ("clusters", "cluster_companies"), clusters),
    Section("decomposition", ("structure_decomposition",), decomposition),
    Section("claims", ("claims_ledger", "claims_targets"), claims),
    Section(
        "models",
        (
            "claims_targets",
            "etd",
            "models_backtest",
            "models_backtest_wins",
            "models_break_search",
            "models_break_segments",
            "models_break_tests",
            "models_forecasts",
            "models_trend_growth",
            "models_unit_root",
        ),
        models,
    ),
)


def sections_for(available: set[str] | frozenset[str]) -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if set(s.inputs) <= set(available))


def build_results(
    inputs: Mapping[str, pd.DataFrame],
    settings: ViewSettings,
    build: Mapping,
    sources: pd.DataFrame,
) -> dict:
    """Every section whose inputs are present, plus the settings, the build and the sources' citations."""
    results = {
        "settings": {
            "countries": list(settings.countries),
            "focus": settings.focus,
            "policy_events": [{"year": y, "name": n} for y, n in settings.policy_events],
            "periods": dict(settings.periods),
            "group_labels": dict(settings.group_labels),
        },
        "build": dict(build),
        "sources": sources.to_dict(orient="records"),
    }
    for section in sections_for(set(inputs)):
        results[section.name] = section.build({name: inputs[name] for name in section.inputs}, settings)
    return results


def _plain(value: object) -> object:
    """JSON-ready values: numpy scalars to Python, NaN refused (a quoted number must exist)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("results", "value", "a finite number", value)
    return value


def results_json(results: Mapping) -> str:
    """The results file's text: sorted keys, plain JSON values, so the same results give the same bytes."""
    return json.dumps(_plain(results), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
