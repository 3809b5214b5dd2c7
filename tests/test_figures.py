"""Figures: data selections against known values, palette separation, catalog completeness, byte-stable saving."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from scipy import stats

from emergence import registry
from emergence import registry as catalog
from emergence.clean import group_sectors
from emergence.config import load_config
from emergence.errors import InputError
from emergence.figures.clusters import LABEL_CHARS, timeline_rows
from emergence.figures.common import FigureText, new_figure, panel_title, save_figure, series_styles
from emergence.figures.draw import draw_family
from emergence.figures.raster import RASTER_PPI, svg_to_png
from emergence.figures.structure import stacked_bottoms
from emergence.settings import ViewSettings
from emergence.sources.etd import LEAVES as ETD_LEAVES
from emergence.views.claims import status_counts
from emergence.views.models import confidence_level, share_targets, trend_rows, winner, wins
from emergence.views.sectors import milestone_years, ordered, sector_series, share_matrix
from emergence.views.trade import EXPORTS, FDI, PATENTS, RESEARCH

ROOT = Path(__file__).resolve().parents[1]
STYLE = ROOT / "workflow" / "styles" / "emergence.mplstyle"
CAPTIONS = ROOT / "workflow" / "report" / "figures"
YEARS = range(2000, 2011)
UN_YEARS = range(2000, 2013)
UN_SECTORS = (
    "agriculture",
    "mining_utilities",
    "manufacturing",
    "construction",
    "trade",
    "transport",
    "other_activities",
)
NAMES = {"MAR": "Morocco", "TUN": "Tunisia", "EGY": "Egypt"}
EVENTS = [{"year": 2005, "name": "Emergence Plan"}, {"year": 2009, "name": "National Pact"}]


def manufacturing_share(year: int, rank: int) -> float:
    """Known manufacturing share of country number `rank`: falls half a point a year from 20 - rank."""
    return 20.0 - rank - 0.5 * (year - YEARS[0])


def agriculture_employment_share(year: int) -> float:
    return 40.0 - (year - YEARS[0])


def _leaf_rows(country, sectors, variable, unit, year, total, share_of, source):
    """Rows of one country-year: levels whose shares are `share_of` (sector -> %), their total and the shares."""
    rows = [(country, s, variable, year, total * share_of[s] / 100.0, unit, source) for s in sectors]
    rows.append((country, "total", variable, year, total, unit, source))
    rows += [(country, s, f"{variable}_share", year, share_of[s], "% of total", source) for s in sectors]
    return rows


def _split(sectors, fixed: dict[str, float]) -> dict[str, float]:
    rest = [s for s in sectors if s not in fixed]
    left = 100.0 - sum(fixed.values())
    return {**fixed, **{s: left / len(rest) for s in rest}}


def synthetic_tables(countries=("MAR", "TUN")) -> dict[str, pd.DataFrame]:
    """ETD-like and UN-like tidy tables with known shares, and their sector groups (built by the clean stage)."""
    leaves = list(ETD_LEAVES.values())
    etd, un = [], []
    for rank, country in enumerate(countries):
        for year in YEARS:
            t = year - YEARS[0]
            va = _split(leaves, {"manufacturing": manufacturing_share(year, rank)})
            emp = _split(leaves, {"agriculture": agriculture_employment_share(year)})
            etd += _leaf_rows(country, leaves, "va_current", "million LCU", year, 1000.0 * 1.05**t, va, "etd")
            etd += _leaf_rows(country, leaves, "va_constant", "million LCU", year, 900.0 * 1.04**t, va, "etd")
            etd += _leaf_rows(country, leaves, "emp", "thousand persons", year, 5000.0 + 100.0 * t, emp, "etd")
        for year in UN_YEARS:
            va = _split(UN_SECTORS, {"manufacturing": 18.0 + 0.1 * (year - UN_YEARS[0]) - rank})
            un += _leaf_rows(country, UN_SECTORS, "va_current_usd", "million USD", year, 100.0, va, "un_ama")
    columns = ["country", "sector", "variable", "year", "value", "unit", "source"]
    tables = {"etd": pd.DataFrame(etd, columns=columns), "un_ama": pd.DataFrame(un, columns=columns)}
    concordance = load_config(ROOT / "config" / "config.yaml")["concordance"]
    concordance = {**concordance, "sources": {k: concordance["sources"][k] for k in ("etd", "un_ama")}}
    tables["sector_groups"] = group_sectors(tables, concordance)
    tables["countries"] = pd.DataFrame(
        {"country": list(countries), "name": [NAMES[c] for c in countries], "source": "etd"}
    )
    tables["wdi"] = pd.DataFrame(
        [
            {"country": "MAR", "sector": sector, "variable": variable, "year": year, "value": 10.0 + i + 0.1 * t,
             "unit": "u", "source": "wdi"}
            for i, (sector, variable) in enumerate((*EXPORTS, *FDI, *RESEARCH, *PATENTS))
            for t, year in enumerate(YEARS)
        ]
    )  # fmt: skip
    return tables


def synthetic_settings(countries=("MAR", "TUN")) -> ViewSettings:
    groups = load_config(ROOT / "config" / "config.yaml")["concordance"]["schemes"]["activity6"]["groups"]
    periods = [["pre2005", "Before the plan"], ["emergence", "The plan"]]
    return ViewSettings(
        tuple(countries),
        tuple(sorted((int(e["year"]), e["name"]) for e in EVENTS)),
        "activity6",
        dict(groups),
        dict(periods),
    )


DECOMPOSITION = {  # country -> period -> (within, static, dynamic); totals are their sums
    "MAR": {"pre2005": (1.5, -0.1, -0.3), "emergence": (1.8, 2.7, -0.3), "whole_sample": (2.2, 0.7, -0.3)},
    "TUN": {"pre2005": (2.0, -0.2, 0.0), "emergence": (2.9, 0.7, -0.1), "whole_sample": (1.9, 0.1, 0.0)},
}
SPANS = {"pre2005": (2000, 2004), "emergence": (2004, 2008), "whole_sample": (2000, 2010)}
SECTIONS = ("2", "3.1", "3.4", "5")
STATUSES = ["reproduced"] * 3 + ["close", "differs", "differs"] + ["not_recomputable"] * 4
BASES = ["data", "data", "paper", "data", "data", "data"] + ["none"] * 4


def conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A synthetic table in its registered schema: the columns a test does not set are filled (empty where the
    schema allows it, else the first allowed value, zero or false), then the whole is validated."""
    schema = registry.schema_of(name)
    df = df.copy()
    for col in schema.columns:
        if col.name not in df.columns:
            if col.nullable:
                fill = None
            elif col.allowed:
                fill = col.allowed[0]
            elif col.kind in ("int", "float"):
                fill = col.min if col.min is not None else 0
            else:
                fill = False if col.kind == "bool" else "unset"
            df[col.name] = fill
    return schema.validate(df, f"synthetic {name}")


def stage_tables() -> dict[str, pd.DataFrame]:
    """Tables of the structure, claims and models stages with known contents, in their published layouts."""
    rows = []
    for country, periods in DECOMPOSITION.items():
        for period, (within, static, dynamic) in periods.items():
            base, end = SPANS[period]
            three = {"within": within, "static": static, "dynamic": dynamic, "total": within + static + dynamic}
            two = {"within": within, "structural": static + dynamic, "total": within + static + dynamic}
            # a table that adds up both ways: terms to their total, and the one sector (manufacturing) to the total
            for method, measure, terms in (
                ("three_term", "annualised", three),
                ("three_term", "level", {t: 33.0 * v for t, v in three.items()}),
                ("two_term", "annualised", two),
            ):
                for term, value in terms.items():
                    for sector in ("total", "manufacturing"):
                        rows.append(
                            (country, period, base, end, method, term, sector, measure, value, "% a year", "etd")
                        )
    columns = [
        "country",
        "period",
        "base_year",
        "end_year",
        "method",
        "term",
        "sector",
        "measure",
        "value",
        "unit",
        "source",
    ]
    n = len(STATUSES)
    ledger = pd.DataFrame(
        {"id": [f"c{i}" for i in range(n)], "status": STATUSES, "basis": BASES, "country": "MAR", "is_focus": True,
         "section": [SECTIONS[i % len(SECTIONS)] for i in range(n)], "statement": [f"claim {i}" for i in range(n)],
         "years": "2005", "claimed": [10.0 + i for i in range(n)], "unit": "%",
         "recomputed": [None if s == "not_recomputable" else 10.5 + i for i, s in enumerate(STATUSES)],
         "recomputed_min": [None if s == "not_recomputable" else 10.0 + i for i, s in enumerate(STATUSES)],
         "recomputed_max": [None if s == "not_recomputable" else 11.0 + i for i, s in enumerate(STATUSES)],
         "source_series": [f"etd MAR x{i}; un_ama MAR x{i}" if b == "data" else None for i, b in enumerate(BASES)],
         "verdict_depends_on": ["source" if i == 3 else None for i in range(n)]}
    )  # fmt: skip
    targets = pd.DataFrame(
        {
            "target_id": ["a_jobs", "b_share", "b_patents"],
            "plan": ["Plan A (2005)", "Plan B (2014)", "Plan B (2014)"],
            "indicator": ["jobs created", "industrial share of GDP", "patents"],
            "target": [440000.0, 23.0, 1.6],
            "unit": ["jobs", "% of GDP", "patents"],
            "outcome": [-21024.0, 15.2, None],
            "measured_to": [2018, 2018, None],
            "achieved_pct": [-4.778, 66.0, None],
            "baseline": [0.0, 14.0, None],
            "progress_pct": [-4.778, 13.3, None],
            "alt_progress_pct": [41.3, None, None],
            "window_start": [2005, 2014, 2014],
            "alt_label": ["with business services", None, None],
            "country": "MAR",
            "is_focus": True,
            "status": ["short_at_data_end", "not_met", "not_measurable"],
            "horizon_end": [2020, 2020, 2014],
            "outcome_unit": ["jobs", "manufacturing value added, % of GDP", None],
        }
    )
    tables = {
        "structure_decomposition": pd.DataFrame(rows, columns=columns),
        "claims_ledger": ledger,
        "claims_targets": targets,
        **model_tables(),
    }
    return {name: conform(name, df) for name, df in tables.items()}


# The models stage's tables, as it publishes them, with known contents. Intervals are t intervals at CONFIDENCE.
CONFIDENCE = 0.9
TREND = {  # sector -> period -> (growth % a year, n, status); the stage's short periods have classical intervals
    "total": {"pre2005": (3.0, 5, "short"), "emergence": (5.0, 5, "short"), "whole_sample": (4.0, 11, "ok")},
    "manufacturing": {"pre2005": (2.0, 5, "short"), "emergence": (6.0, 5, "short"), "whole_sample": (3.5, 11, "ok")},
    "agriculture": {"pre2005": (1.0, 5, "short"), "emergence": (None, 5, "too_short"), "whole_sample": (1.5, 11, "ok")},
}
TREND_SPANS = {"pre2005": (2000, 2004), "emergence": (2004, 2008), "whole_sample": (2000, 2010)}
SLOPE_SE = 0.004
# (sector, variable) -> p at 2005, p jointly, segment growth before and from 2005, (break year, its p)
BREAKS = {
    ("total", "va_constant"): (0.25, 0.3, (3.0, 5.0), (2003, 0.5)),
    ("manufacturing", "va_constant"): (0.012, 0.03, (2.0, 6.0), (2006, 0.04)),
    ("total", "emp"): (0.04, 0.05, (2.0, 1.0), (2005, 0.02)),
}
# (sector, variable) -> model -> (first forecast, step a year); intervals +-(1 + 0.1 h) of the share, 1 % of employment
FORECASTS = {
    ("manufacturing", "va_constant_share"): {"rw_drift": (15.0, -0.1), "ets_damped": (15.2, 0.0), "arima": (15.5, 0.1)},
    ("total", "emp"): {"rw_drift": (6100.0, 100.0), "ets_damped": (6050.0, 50.0), "arima": (6100.0, 90.0)},
}
BEST = {
    ("manufacturing", "va_constant_share"): "arima",
    ("total", "emp"): "ets_damped",
    ("agriculture", "va_constant"): "rw_drift",
}
# variable -> model -> wins, over the series of that variable; 'all' sums them. ARIMA wins most.
WINS = {
    "va_constant": {"rw_drift": 3, "ets_damped": 1, "arima": 3},
    "va_constant_share": {"rw_drift": 0, "ets_damped": 0, "arima": 2},
    "emp": {"rw_drift": 0, "ets_damped": 1, "arima": 0},
}
VERDICTS = {
    ("total", "va_constant"): ("trend_stationary", 0.01, 0.1, "above"),
    ("manufacturing", "va_constant"): ("difference_stationary", 0.6, 0.02, None),
    ("total", "emp"): ("conflicting", 0.03, 0.01, "below"),
    ("agriculture", "va_constant"): ("inconclusive", 0.4, 0.1, "above"),
}


def t_interval(growth: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float, int]:
    """The stage's interval of a growth rate: a t interval on the log slope, turned back into % a year."""
    df = n - 2
    half = stats.t.ppf(0.5 + confidence / 2, df) * SLOPE_SE
    slope = np.log1p(growth / 100)
    return 100 * np.expm1(slope - half), 100 * np.expm1(slope + half), df


def model_tables() -> dict[str, pd.DataFrame]:
    trend = []
    for country, shift in (("MAR", 0.0), ("TUN", 10.0)):
        for sector, periods in TREND.items():
            for period, (growth, n, status) in periods.items():
                growth = None if growth is None else growth + shift
                low, high, df = t_interval(growth, n) if growth is not None else (None, None, None)
                first, last = TREND_SPANS[period]
                trend.append(
                    {
                        "country": country,
                        "sector": sector,
                        "variable": "va_constant",
                        "period": period,
                        "first_year": first,
                        "last_year": last,
                        "n": n,
                        "status": status,
                        "growth_pct": growth,
                        "ci_low_pct": low,
                        "ci_high_pct": high,
                        "ci_level": None if growth is None else CONFIDENCE,
                        "slope_se": None if growth is None else SLOPE_SE,
                        "cov_type": {"ok": "HAC(2)", "short": "OLS"}.get(status),
                        "df_resid": df,
                        "source": "etd",
                    }
                )
    segments, fit, tests, search = [], [], [], []
    for (sector, variable), (p2005, joint, growths, (year, p_year)) in BREAKS.items():
        series = {"country": "MAR", "sector": sector, "variable": variable, "source": "etd"}
        level = 100.0
        for t in range(2000, 2011):  # the hinge trend: each segment's growth compounded from a level of 100
            level *= 1 + (growths[0] if t <= 2004 else growths[1]) / 100 if t > 2000 else 1
            fit.append({**series, "spec": "hinge", "year": t, "fitted": level})
        for spec, scale in (("hinge", 1.0), ("shift", 9.0)):
            for segment, (first, last), growth in zip((1, 2), ((2000, 2004), (2005, 2010)), growths, strict=True):
                segments.append(
                    {**series, "spec": spec, "segment": segment, "first_year": first, "last_year": last,
                     "growth_pct": scale * growth, "status": "ok"}
                )  # fmt: skip
            for tested, status, p in (("2005", "ok", p2005), ("2009", "too_short", None), ("joint", "ok", joint)):
                tests.append(
                    {**series, "spec": spec, "tested": tested, "policy_year": None if tested == "joint" else int(tested),
                     "status": status, "bootstrap_p_value": None if p is None else min(1.0, scale * p)}
                )  # fmt: skip
        search.append(
            {**series, "status": "ok", "first_candidate": 2002, "last_candidate": 2008, "break_year": year,
             "sup_f_p_value": p_year, "nearest_policy_year": 2005, "years_from_policy": year - 2005,
             "cusum_p_value": 0.2}
        )  # fmt: skip
    roots = [
        {"country": "MAR", "sector": s, "variable": v, "status": "ok", "verdict": verdict, "adf_p_value": adf,
         "kpss_p_value": kpss, "kpss_p_value_bound": bound}
        for (s, v), (verdict, adf, kpss, bound) in VERDICTS.items()
    ]  # fmt: skip
    roots.append({"country": "MAR", "sector": "mining", "variable": "emp", "status": "too_short", "verdict": None})
    forecasts, backtest = [], []
    for (sector, variable), models in FORECASTS.items():
        share = variable.endswith("_share")
        for model, (start, step) in models.items():
            for h, year in enumerate(range(2011, 2021), start=1):
                value = start + step * (h - 1)
                half = 1 + 0.1 * h if share else 0.01 * value * h
                forecasts.append(
                    {"country": "MAR", "sector": sector, "variable": variable, "model": model, "year": year,
                     "value": value, "lower": value - half, "upper": value + half, "unit": "u", "source": "etd"}
                )  # fmt: skip
                if share:  # the other sectors' share, so that the shares add up to 100 as the stage's do
                    forecasts.append(
                        {**forecasts[-1], "sector": "agriculture", "value": 100 - value, "lower": 100 - value - half,
                         "upper": 100 - value + half}
                    )  # fmt: skip
    for (sector, variable), best in BEST.items():
        for i, model in enumerate(("rw_drift", "ets_damped", "arima")):
            ratio = 0.75 if model == best and model != "rw_drift" else 1.0 + 0.1 * i
            backtest.append(
                {"country": "MAR", "sector": sector, "variable": variable, "model": model, "rmse": ratio,
                 "rmse_ratio": ratio, "best": model == best, "source": "etd"}
            )  # fmt: skip
            backtest.append(
                {"country": "TUN", "sector": sector, "variable": variable, "model": model, "rmse": None,
                 "rmse_ratio": None, "best": False, "source": "etd"}
            )  # fmt: skip
    wins = [
        {"country": "MAR", "variable": variable, "model": model, "series": sum(by_model.values()), "wins": count,
         "median_rmse_ratio": 1.0, "source": "etd"}
        for variable, by_model in WINS.items()
        for model, count in by_model.items()
    ]  # fmt: skip
    totals = {m: sum(WINS[v][m] for v in WINS) for m in ("rw_drift", "ets_damped", "arima")}
    wins += [
        {"country": "MAR", "variable": "all", "model": m, "series": sum(totals.values()), "wins": count,
         "median_rmse_ratio": {"rw_drift": 1.0, "ets_damped": 1.2, "arima": 0.95}[m], "source": "etd"}
        for m, count in totals.items()
    ]  # fmt: skip
    return {
        "models_trend_growth": pd.DataFrame(trend),
        "models_break_segments": pd.DataFrame(segments),
        "models_break_fit": pd.DataFrame(fit),
        "models_break_tests": pd.DataFrame(tests),
        "models_break_search": pd.DataFrame(search),
        "models_unit_root": pd.DataFrame(roots),
        "models_forecasts": pd.DataFrame(forecasts),
        "models_backtest": pd.DataFrame(backtest),
        "models_backtest_wins": pd.DataFrame(wins),
    }


def test_share_matrix_and_sector_series_recover_the_known_shares():
    tables = synthetic_tables()
    groups = share_matrix(tables["sector_groups"], "t", "TUN", "va_current_share", source="etd", scheme="activity6")
    assert list(groups.index) == list(YEARS)
    assert "total" not in groups.columns
    expected = [manufacturing_share(y, 1) for y in YEARS]
    np.testing.assert_allclose(groups["manufacturing"], expected, rtol=1e-12)
    np.testing.assert_allclose(groups.sum(axis=1), 100.0, rtol=1e-12)
    wide = sector_series(tables["etd"], "t", "manufacturing", "va_current_share", ["TUN", "XXX", "MAR"])
    assert list(wide.columns) == ["TUN", "MAR"]
    np.testing.assert_allclose(wide["MAR"], [manufacturing_share(y, 0) for y in YEARS], rtol=1e-12)


def test_selections_name_what_is_missing():
    tables = synthetic_tables()
    with pytest.raises(InputError, match="EGY"):
        share_matrix(tables["etd"], "etd.csv", "EGY", "va_current_share")
    with pytest.raises(InputError, match="mining"):
        sector_series(tables["un_ama"], "un_ama.csv", "mining", "va_current_usd_share", ["MAR"])


def test_milestone_years_are_the_ends_and_the_events_inside_them():
    events = [(1995, "a"), (2005, "b"), (2009, "c"), (2030, "d")]
    assert milestone_years(range(2000, 2019), events) == [2000, 2005, 2009, 2018]
    assert milestone_years([2005, 2006], [(2005, "b")]) == [2005, 2006]
    with pytest.raises(InputError):
        milestone_years([], events)


def test_ordered_puts_known_columns_first_then_the_rest_alphabetically():
    assert ordered(["z", "b", "a", "y"], ["b", "q", "a"]) == ["b", "a", "y", "z"]


def _luminance(color: str) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_palette_neighbours_differ_in_grey_and_every_series_has_a_second_channel():
    with matplotlib.style.context(str(STYLE)):
        styles = series_styles(24)
    colors = [s.color for s in styles[:8]]
    assert len(set(colors)) == 8
    grey = [_luminance(c) for c in colors]
    assert min(abs(a - b) for a, b in zip(grey, grey[1:], strict=False)) >= 0.1
    assert len({(s.color, s.hatch) for s in styles}) == 24
    assert len({(s.color, s.marker, str(s.linestyle)) for s in styles}) == 24


def test_catalog_names_are_unique_and_every_figure_has_a_caption_and_a_drawing_function():
    names = [f.name for f in catalog.FIGURES]
    assert len(names) == len(set(names))
    for spec in catalog.FIGURES:
        assert (CAPTIONS / f"{spec.name}.rst").read_text(encoding="utf-8").strip()
        module, function = spec.draw.rsplit(".", 1)
        assert callable(getattr(__import__(f"emergence.figures.{module}", fromlist=[function]), function))
    with pytest.raises(InputError, match="family"):
        catalog.figures_of("no_such_family")


def test_draw_family_writes_every_format_of_every_figure(tmp_path):
    tables = synthetic_tables()
    paths = draw_family("sectors", tables, synthetic_settings(), tmp_path, ["svg", "png", "pdf"], STYLE)
    expected = {tmp_path / f"{f.name}.{fmt}" for f in catalog.figures_of("sectors") for fmt in ("svg", "png", "pdf")}
    assert set(paths) == expected
    assert all(p.stat().st_size > 1000 for p in paths)
    svg = (tmp_path / "manufacturing_peers.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "<text" not in svg  # text drawn as paths: the file looks the same without the fonts
    assert b"CreationDate" not in (tmp_path / "manufacturing_peers.pdf").read_bytes()
    assert b"Software" not in (tmp_path / "manufacturing_peers.png").read_bytes()[:400]


def test_stage_families_draw_from_the_stage_tables(tmp_path):
    tables = {**synthetic_tables(), **stage_tables()}
    for family in ("structure", "claims", "models", "trade"):
        paths = draw_family(family, tables, synthetic_settings(), tmp_path, ["svg"], STYLE)
        assert {p.stem for p in paths} == {f.name for f in catalog.figures_of(family)}


def test_signed_parts_stack_up_from_zero_and_down_from_zero():
    bottoms = stacked_bottoms(np.array([[1.5, -0.5, 2.0, -1.0], [-1.0, -2.0, 3.0, 0.0]]))
    np.testing.assert_array_equal(bottoms, [[0.0, 0.0, 1.5, -0.5], [0.0, -1.0, 0.0, 3.0]])


def test_claims_are_counted_by_verdict_in_verdict_order():
    counts = status_counts(stage_tables()["claims_ledger"])
    assert list(counts.index) == ["reproduced", "close", "differs", "not_recomputable"]
    assert list(counts.columns) == ["data", "paper", "none"]
    assert counts.loc["reproduced"].tolist() == [2, 1, 0] and int(counts.to_numpy().sum()) == len(STATUSES)


def test_cluster_timeline_rows_run_oldest_first_with_short_labels():
    clusters = pd.DataFrame(
        {
            "name": ["Zeta", "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta", "Mu"],
            "acronym": [None, None, "MC"],
            "year": [2012, 2010, 2010],
        }
    )
    rows = timeline_rows(clusters)
    assert list(rows["year"]) == [2010, 2010, 2012] and list(rows["position"]) == [2, 1, 0]
    assert rows["label"].tolist() == ["Alpha Beta Gamma Delta...", "MC", "Zeta"]
    assert all(len(label) <= LABEL_CHARS for label in rows["label"])


def test_draw_family_refuses_missing_tables(tmp_path):
    tables = synthetic_tables()
    del tables["un_ama"]
    with pytest.raises(InputError, match="un_ama"):
        draw_family("sectors", tables, synthetic_settings(), tmp_path, ["svg"], STYLE)


def test_save_figure_refuses_an_unknown_format_or_none_without_the_svg(tmp_path):
    fig, axes = new_figure(FigureText("t", "u", "s"))
    for formats in (["svg", "jpg"], ["png"]):
        with pytest.raises(InputError, match="figures.formats: expected svg and some of"):
            save_figure(fig, tmp_path / "f", formats)
    assert list(tmp_path.iterdir()) == []


def test_the_png_is_the_svg_drawn_at_the_raster_resolution(tmp_path):
    """The Word file's copy is the SVG's picture: as wide as the SVG at RASTER_PPI, the same bytes each time."""
    fig, axes = new_figure(FigureText("t", "u", "s"))
    axes.flat[0].plot([0, 1], [0, 1])
    png, svg = save_figure(fig, tmp_path / "f", ["png", "svg"])
    width_pt = float(re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg.read_text()).group(1))
    width_px, height_px = struct.unpack(">II", png.read_bytes()[16:24])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert abs(width_px - width_pt / 72 * RASTER_PPI) <= 1 and height_px > 0
    assert svg_to_png(svg.read_bytes()) == png.read_bytes()


# The family drawn by two processes and compared byte for byte: two figures, each in every format.
DETERMINISM_FAMILY = "claims"
DRAW_IN_A_FRESH_PROCESS = """
import sys
sys.path.insert(0, sys.argv[2])
from test_figures import DETERMINISM_FAMILY, STYLE, stage_tables, synthetic_settings, synthetic_tables
from emergence.figures.draw import draw_family
draw_family(DETERMINISM_FAMILY, {**synthetic_tables(), **stage_tables()}, synthetic_settings(), sys.argv[1],
            ["svg", "png", "pdf"], STYLE)
"""


def test_two_processes_write_identical_bytes(tmp_path):
    """Hash seeds and memory layout differ between processes; the files must not. The two run side by side."""
    base = {k: v for k, v in __import__("os").environ.items() if k in ("PYTHONPATH", "HOME")}
    runs = []
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", **base}
        command = [sys.executable, "-c", DRAW_IN_A_FRESH_PROCESS, str(tmp_path / seed), str(Path(__file__).parent)]
        runs.append((tmp_path / seed, subprocess.Popen(command, env=env)))
    outputs = []
    for out, process in runs:
        assert process.wait(timeout=300) == 0
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 3 * len(catalog.figures_of(DETERMINISM_FAMILY))
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name


def test_the_confidence_level_is_the_one_the_models_stage_recorded():
    trend = model_tables()["models_trend_growth"]
    assert confidence_level(trend, "t") == pytest.approx(CONFIDENCE)
    mixed = trend.copy()
    mixed.loc[mixed["ci_level"].notna().idxmax(), "ci_level"] = 0.95
    with pytest.raises(InputError, match="one confidence level"):
        confidence_level(mixed, "t")


def test_trend_rows_put_the_total_first_and_the_periods_in_time_order():
    rows = trend_rows(model_tables()["models_trend_growth"], "t", "MAR", "va_constant", ["emergence", "pre2005"])
    assert list(dict.fromkeys(rows["sector"])) == ["total", "agriculture", "manufacturing"]
    assert list(rows["period"][:3]) == ["emergence", "pre2005", "whole_sample"]
    assert set(rows["country"]) == {"MAR"}
    with pytest.raises(InputError, match="EGY"):
        trend_rows(model_tables()["models_trend_growth"], "t", "EGY", "va_constant", ["pre2005"])


def test_only_measurable_share_targets_are_set_beside_a_share():
    targets = share_targets(stage_tables()["claims_targets"])
    assert list(targets["unit"]) == ["% of GDP"] and list(targets["target"]) == [23.0]


def test_the_backtest_winner_has_the_most_wins_and_ties_go_to_the_simpler_model():
    table = wins(model_tables()["models_backtest_wins"], "w", "MAR")
    assert list(table.index) == ["rw_drift", "ets_damped", "arima"] and winner(table) == "arima"
    tie = pd.DataFrame({"wins": [2, 3, 3]}, index=["rw_drift", "ets_damped", "arima"])
    assert winner(tie) == "ets_damped"


def left_title(ax) -> matplotlib.text.Text:
    return next(
        t for t in ax.get_children() if isinstance(t, matplotlib.text.Text) and t.get_text() == ax.get_title("left")
    )


def test_long_panel_titles_wrap_and_never_reach_the_next_panels():
    """Two panels side by side with titles each longer than its panel: once laid out, every title's lines stay
    left of where the next panel's title starts (unwrapped, the first one ran into it)."""
    long = "Manufacturing, % of value added (current prices, from the UN main aggregates)"
    with matplotlib.style.context(str(STYLE)):
        fig, axes = new_figure(FigureText("Title", "units", "source"), 2, 2)
        for row in axes:
            panel_title(row[0], long)
            panel_title(row[1], f"{long}\nsecond line")
        fig.finish()
        renderer = fig.canvas.get_renderer()
        for left, right in axes:
            own, next_one = (left_title(ax) for ax in (left, right))
            assert "\n" in own.get_text() and own.get_text().replace("\n", " ") == long
            assert next_one.get_text().split("\n")[-1] == "second line"
            assert own.get_window_extent(renderer).x1 < next_one.get_window_extent(renderer).x0
