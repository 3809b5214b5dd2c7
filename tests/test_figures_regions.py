"""Figures of the regions family: every figure draws from the real regions tables and from small synthetic ones,
the map's colours follow the location quotients, every region of Table 2 is marked, and no text is smaller than
7 pt or cut at the printed width."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from regions_tables import read_regions

from emergence import registry
from emergence.errors import InputError
from emergence.figures import regions as figures
from emergence.figures.common import WIDTH_IN
from emergence.figures.draw import draw_family
from emergence.regions import structure
from emergence.settings import ViewSettings
from emergence.views.regions import COHORT_LABELS, SIZE_LABELS, TILES, category_shares, tile_grid

ROOT = Path(__file__).resolve().parents[1]
STYLE = ROOT / "workflow" / "styles" / "emergence.mplstyle"
SETTINGS = ViewSettings(countries=("MAR",))
SPECS = registry.figures_of("regions")
PRINTED_WIDTH_IN = WIDTH_IN
NAMES = {code: f"Region {code}" for code in TILES}


@pytest.fixture(scope="module")
def real(regions_paths) -> dict[str, pd.DataFrame]:
    return read_regions(regions_paths)


def synthetic() -> dict[str, pd.DataFrame]:
    """Twelve regions with known quotients: region i's industry LQ is 0.5 + i/10 (0.6 ... 1.7) for employment and
    the reverse order for establishments; clusters in regions 01 (two) and 12 (one)."""
    codes = sorted(TILES)
    employment = [0.5 + (i + 1) / 10 for i in range(12)]
    summary = pd.DataFrame(
        {
            "region_code": codes,
            "region_name": [NAMES[c] for c in codes],
            "industry_employment_share": [12.0 * lq for lq in employment],
            "industry_lq_employment": employment,
            "industry_establishments": [100 * (i + 1) for i in range(12)],
            "industry_lq_establishments": employment[::-1],
            "clusters": [2] + [0] * 10 + [1],
            "cluster_ids": ["a;b"] + [None] * 10 + ["c"],
        }
    )
    rows = []
    for i, code in enumerate(codes):
        for dataset, labels in (
            ("establishments_size_2024", SIZE_LABELS),
            ("establishments_cohort_2024", COHORT_LABELS),
        ):
            for j, category in enumerate(labels):
                rows.append((dataset, code, NAMES[code], category, float(10 + i + j)))
    quotients = structure.location_quotients(
        pd.DataFrame(rows, columns=["dataset", "region_code", "region_name", "category", "count"])
    )
    rates = pd.DataFrame(
        [
            (code, name, variable, 40.0 + k, 35.0 + k, True, -5.0, f"2014 {variable}", f"2024 {variable}")
            for k, (code, name) in enumerate([("MAR", "Maroc"), *NAMES.items()])
            for variable in ("labour_activity_rate", "labour_unemployment_rate")
        ],
        columns=[
            "region_code",
            "region_name",
            "variable",
            "value_2014",
            "value_2024",
            "comparable",
            "change_pp",
            "heading_2014",
            "heading_2024",
        ],
    )
    return {"regions_summary": summary, "regions_location_quotients": quotients, "regions_labour_rates": rates}


def drawn(tables: dict[str, pd.DataFrame], name: str):
    spec = registry.spec(name)
    with matplotlib.style.context(str(STYLE)):
        fig = getattr(figures, spec.draw.rsplit(".", 1)[1])({t: tables[t] for t in spec.tables}, SETTINGS, spec.title)
        fig.finish()
    return fig


def code_of(artist) -> str:
    """The region code an artist of the map is tagged with (ids such as tile_<column>_06, unique in the SVG)."""
    return artist.get_gid().rsplit("_", 1)[1]


def tiles(ax) -> dict[str, Rectangle]:
    return {code_of(p): p for p in ax.patches if isinstance(p, Rectangle) and (p.get_gid() or "").startswith("tile_")}


# --- every figure, real and synthetic ---------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["real", "synthetic"])
def test_every_figure_of_the_family_draws_every_format(source, real, tmp_path):
    tables = real if source == "real" else synthetic()
    paths = draw_family("regions", tables, SETTINGS, tmp_path, ["svg", "pdf"], STYLE)
    assert {p.name for p in paths} == {f"{s.name}.{fmt}" for s in SPECS for fmt in ("svg", "pdf")}
    assert all(p.stat().st_size > 5000 for p in paths)
    svg = (tmp_path / "region_map.svg").read_text(encoding="utf-8")
    ids = re.findall(r'id="((?:tile|star|count)_[^"]+)"', svg)
    assert len(ids) == len(set(ids)) >= 24  # a tile per region and panel, each id once


@pytest.mark.parametrize("source", ["real", "synthetic"])
@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_text_is_at_least_7_pt_and_inside_the_printed_width(source, name, real):
    fig = drawn(real if source == "real" else synthetic(), name)
    assert fig.get_size_inches()[0] == PRINTED_WIDTH_IN
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 20
    small = [t.get_text() for t in texts if t.get_fontsize() < 7.0]
    assert small == []
    # everything drawn (text, legends, tick labels of the axes shown) lies inside the figure: no label is cut
    drawn_box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    assert drawn_box.x0 >= -0.01 and drawn_box.y0 >= -0.01, name
    assert drawn_box.x1 <= width + 0.01 and drawn_box.y1 <= height + 0.01, name


# --- the map --------------------------------------------------------------------------------------------------


def test_the_map_colours_follow_the_location_quotients():
    tables = synthetic()
    fig = drawn(tables, "region_map")
    summary = tables["regions_summary"].set_index("region_code")
    norm = figures.lq_norm(summary[["industry_lq_employment", "industry_lq_establishments"]].to_numpy().ravel())
    assert (norm.vmin, norm.vmax) == pytest.approx((0.3, 1.7))  # symmetric about 1, wide enough for 0.6 and 1.7
    panels = fig.axes[:2]
    for ax, (column, _) in zip(panels, figures.MAP_PANELS, strict=True):
        found = tiles(ax)
        assert sorted(found) == sorted(TILES)
        for code, patch in found.items():
            assert patch.get_facecolor() == pytest.approx(to_rgba(figures.lq_colour(summary.loc[code, column], norm)))
        # the colour runs one way: read back on the colour scale, a larger quotient sits further along it
        scale = matplotlib.colormaps[figures.LQ_CMAP](np.linspace(0, 1, 256))
        ranked = summary[column].sort_values().index
        places = [int(np.abs(scale - found[code].get_facecolor()).sum(axis=1).argmin()) for code in ranked]
        assert places == sorted(places) and len(set(places)) == 12
    # the national mix is the colour scale's centre, in both panels
    assert figures.lq_colour(1.0, norm) == pytest.approx(
        figures.lq_colour(norm.vmin + (norm.vmax - norm.vmin) / 2, norm)
    )


def test_every_region_of_table_2_is_marked_on_the_map_with_its_clusters(real):
    fig = drawn(real, "region_map")
    placed = real["regions_clusters"]
    hosted = placed["region_code"].value_counts().to_dict()
    assert set(placed["region_code"]) == {"04", "06", "07", "09", "10"}  # Table 2's five regions
    for ax in fig.axes[:2]:
        stars = {code_of(c): c for c in ax.collections if (c.get_gid() or "").startswith("star_")}
        counts = {code_of(t): int(t.get_text()) for t in ax.texts if (t.get_gid() or "").startswith("count_")}
        assert set(stars) == set(hosted) and counts == hosted
        for code, star in stars.items():  # each star sits in its region's tile
            assert tiles(ax)[code].contains_point(ax.transData.transform(star.get_offsets()[0]))


def test_tiles_hold_every_region_once_and_a_missing_region_is_named(real):
    grid = tile_grid(real["regions_summary"], "regions_summary")
    assert len(grid) == 12 and len(set(zip(grid["row"], grid["col"], strict=True))) == 12
    assert grid["region_name"].iloc[0] == "Tanger-Tétouan-Al Hoceima"
    with pytest.raises(InputError, match=r"regions_summary: column region_code: .*found \['08'\]"):
        tile_grid(real["regions_summary"].query("region_code != '08'"), "regions_summary")


# --- the bar charts -------------------------------------------------------------------------------------------


def test_industry_bars_carry_the_regions_names_their_clusters_and_the_national_share(real):
    fig = drawn(real, "regional_industry")
    left = fig.axes[0]
    labels = [t.get_text() for t in left.get_yticklabels()]
    assert "Casablanca-Settat (9 clusters)" in labels and "Souss-Massa (1 cluster)" in labels
    assert "Oriental" in labels and len(labels) == 12
    summary = real["regions_summary"]
    national = summary["industry_employment_share"] / summary["industry_lq_employment"]
    assert np.allclose(national, national.iloc[0])  # share / LQ is the national share in every region
    lines = [line.get_xdata()[0] for line in left.get_lines()]
    assert lines == pytest.approx([national.iloc[0]])
    widths = sorted(p.get_width() for p in left.patches)
    assert widths == pytest.approx(sorted(summary["industry_employment_share"]))


def test_size_and_cohort_bars_add_up_to_100_per_region(real):
    for kind in ("size", "cohort"):
        shares = category_shares(real["regions_location_quotients"], kind, "regions_location_quotients")
        parts = shares.drop(columns=["region_code", "region_name"])
        assert np.allclose(parts.sum(axis=1), 100.0) and len(shares) == 12
    fig = drawn(real, "regional_establishments")
    ends = {}
    for patch in fig.axes[0].patches:
        ends[round(patch.get_y(), 6)] = max(ends.get(round(patch.get_y(), 6), 0), patch.get_x() + patch.get_width())
    assert len(ends) == 12 and np.allclose(list(ends.values()), 100.0)


def test_rates_are_drawn_for_both_censuses_with_the_nation_first(real):
    fig = drawn(real, "regional_labour_rates")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Morocco (all regions)" and len(labels) == 13
    rates = real["regions_labour_rates"].set_index(["variable", "region_code"])
    widths = sorted(p.get_width() for p in fig.axes[1].patches)
    unemployment = rates.loc["labour_unemployment_rate"]
    assert widths == pytest.approx(sorted([*unemployment["value_2014"], *unemployment["value_2024"]]))
