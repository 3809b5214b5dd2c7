"""Figures: data selections against known values, palette separation, catalog completeness, byte-stable saving."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from emergence.clean import group_sectors
from emergence.config import load_config
from emergence.errors import InputError
from emergence.figures import catalog
from emergence.figures.clusters import LABEL_CHARS, timeline_rows
from emergence.figures.common import FigureText, new_figure, save_figure, series_styles
from emergence.figures.draw import draw_family
from emergence.figures.structure import stacked_bottoms
from emergence.report.frames import milestone_years, ordered, sector_series, share_matrix, status_counts
from emergence.report.settings import Settings, settings_from_params
from emergence.sources.etd import LEAVES as ETD_LEAVES

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
            etd += _leaf_rows(country, leaves, "emp", "thousand persons", year, 5000.0 + 100.0 * t, emp, "etd")
        for year in UN_YEARS:
            va = _split(UN_SECTORS, {"manufacturing": 18.0 + 0.1 * (year - UN_YEARS[0]) - rank})
            un += _leaf_rows(country, UN_SECTORS, "va_current_usd", "million USD", year, 100.0, va, "un_ama")
    columns = ["country", "sector", "variable", "year", "value", "unit", "source"]
    tables = {"etd": pd.DataFrame(etd, columns=columns), "un_ama": pd.DataFrame(un, columns=columns)}
    concordance = load_config(ROOT / "config" / "config.yaml")["concordance"]
    concordance = {**concordance, "sources": {k: concordance["sources"][k] for k in ("etd", "un_ama")}}
    tables["sector_groups"] = group_sectors(tables, concordance)
    return tables


def synthetic_settings(countries=("MAR", "TUN")) -> Settings:
    groups = load_config(ROOT / "config" / "config.yaml")["concordance"]["schemes"]["activity6"]["groups"]
    periods = [["pre2005", "Before the plan"], ["emergence", "The plan"]]
    return settings_from_params(
        list(countries), EVENTS, "activity6", [[g, label] for g, label in groups.items()], periods
    )


DECOMPOSITION = {  # country -> period -> (within, static, dynamic); totals are their sums
    "MAR": {"pre2005": (1.5, -0.1, -0.3), "emergence": (1.8, 2.7, -0.3), "whole_sample": (2.2, 0.7, -0.3)},
    "TUN": {"pre2005": (2.0, -0.2, 0.0), "emergence": (2.9, 0.7, -0.1), "whole_sample": (1.9, 0.1, 0.0)},
}
SPANS = {"pre2005": (2000, 2004), "emergence": (2004, 2008), "whole_sample": (2000, 2010)}
STATUSES = ["reproduced"] * 3 + ["close", "differs", "differs"] + ["not_recomputable"] * 4
BASES = ["data", "data", "paper", "data", "data", "data"] + ["none"] * 4


def stage_tables() -> dict[str, pd.DataFrame]:
    """Tables of the structure and claims stages with known contents, in their published layouts."""
    rows = []
    for country, periods in DECOMPOSITION.items():
        for period, parts in periods.items():
            base, end = SPANS[period]
            terms = {**dict(zip(("within", "static", "dynamic"), parts, strict=True)), "total": sum(parts)}
            for term, value in terms.items():
                for method, measure, sector, v in (
                    ("three_term", "annualised", "total", value),
                    ("three_term", "level", "total", 99.0),
                    ("three_term", "annualised", "manufacturing", 99.0),
                    ("two_term", "annualised", "total", 99.0),
                ):
                    rows.append((country, period, base, end, method, term, sector, measure, v, "% a year", "etd"))
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
    ledger = pd.DataFrame({"id": [f"c{i}" for i in range(len(STATUSES))], "status": STATUSES, "basis": BASES})
    targets = pd.DataFrame(
        {
            "plan": ["Plan A (2005)", "Plan B (2014)", "Plan B (2014)"],
            "indicator": ["jobs created", "industrial share of GDP", "patents"],
            "target": [440000.0, 23.0, 1.6],
            "unit": ["jobs", "% of GDP", "patents"],
            "outcome": [-21024.0, 15.2, None],
            "measured_to": [2018, 2018, None],
            "achieved_pct": [-4.778, 66.0, None],
            "status": ["short_at_data_end", "not_met", "not_measurable"],
        }
    )
    return {
        "structure_decomposition": pd.DataFrame(rows, columns=columns),
        "claims_ledger": ledger,
        "claims_targets": targets,
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


def test_every_family_has_one_rule_that_declares_the_style_file():
    text = (ROOT / "workflow" / "rules" / "figures.smk").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^\s*rule \w+:", text, flags=re.MULTILINE)]
    blocks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    families = {re.search(r'family="(\w+)"', block).group(1) for block in blocks}
    assert len(blocks) == len(families) and families == {f.family for f in catalog.FIGURES}
    for block in blocks:
        assert "style=FIGURE_STYLE" in block.split("output:")[0]


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
    tables = stage_tables()
    for family in ("structure", "claims"):
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


def test_save_figure_refuses_an_unknown_format(tmp_path):
    fig, axes = new_figure(FigureText("t", "u", "s"))
    with pytest.raises(InputError, match="figures.formats"):
        save_figure(fig, tmp_path / "f", ["jpg"])


DRAW_IN_A_FRESH_PROCESS = """
import sys
sys.path.insert(0, sys.argv[2])
from test_figures import STYLE, synthetic_settings, synthetic_tables
from emergence.figures.draw import draw_family
draw_family("sectors", synthetic_tables(("MAR", "TUN", "EGY")), synthetic_settings(("MAR", "TUN", "EGY")),
            sys.argv[1], ["svg", "png", "pdf"], STYLE)
"""


def test_two_processes_write_identical_bytes(tmp_path):
    """Hash seeds and memory layout differ between processes; the files must not."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        env.update({k: v for k, v in __import__("os").environ.items() if k in ("PYTHONPATH", "HOME")})
        subprocess.run(
            [sys.executable, "-c", DRAW_IN_A_FRESH_PROCESS, str(out), str(Path(__file__).parent)], check=True, env=env
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 9
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
