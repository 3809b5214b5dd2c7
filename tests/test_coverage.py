"""The coverage table: which years each source holds for each configured country, and the report's sentence on the
sources that lack a country; the snapshots hold every country their publisher has, so a peer is added by config."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pandas as pd
import pytest
from builds import build

from emergence import manifest
from emergence.checkout import copy_project
from emergence.clean import clean_source
from emergence.registry import read, table
from emergence.report.templates import fill
from emergence.sources import un_ama
from emergence.views.coverage import ANY_VARIABLE, SCHEMA, coverage, lacking, year_ranges

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NOTEBOOK = ROOT / "notebooks" / "report.py"
PEERS = ["MAR", "TUN", "EGY", "TUR", "ZAF", "KEN"]
NAMES = {"MAR": "Morocco", "TUN": "Tunisia", "EGY": "Egypt", "TUR": "Turkey", "ZAF": "South Africa", "KEN": "Kenya"}


def tidy(rows: list[tuple[str, str, int, float]], source: str) -> pd.DataFrame:
    """A clean table of (country, variable, year, value) rows, one sector."""
    frame = pd.DataFrame(rows, columns=["country", "variable", "year", "value"])
    return frame.assign(sector="total", unit="u", source=source)


def test_years_missing_inside_the_span_are_counted_and_listed():
    tables = {
        "a": tidy(
            [("MAR", "x", y, 1.0) for y in (2000, 2001, 2004, 2005)]
            + [("MAR", "x", 2006, float("nan"))]  # no value: not a year held
            + [("TUN", "x", y, 1.0) for y in range(2000, 2006)]
            + [("TUN", "y", 2003, 1.0)],
            "a",
        )
    }
    out = coverage(tables, ["MAR", "TUN"]).set_index(["country", "source", "variable"])
    mar = out.loc[("MAR", "a", "x")]
    assert (mar["first_year"], mar["last_year"], mar["years"], mar["missing_years"]) == (2000, 2005, 4, 2)
    assert mar["missing"] == "2002-2003" and bool(mar["held"])
    tun = out.loc[("TUN", "a", "x")]
    assert (tun["years"], tun["missing_years"]) == (6, 0) and pd.isna(tun["missing"])
    # MAR has no value of y at all: it is held by the source, but that variable has no years
    assert out.loc[("MAR", "a", "y"), "years"] == 0 and bool(out.loc[("MAR", "a", "y"), "held"])


def test_a_country_a_source_lacks_gets_a_row_per_variable_and_is_named_in_config_order():
    tables = {
        "a": tidy([("MAR", "x", 2000, 1.0), ("MAR", "y", 2000, 1.0), ("TUN", "x", 2000, 1.0)], "a"),
        "b": tidy([("MAR", "x", 2001, 1.0)], "b"),
        "c": tidy([], "c"),
    }
    countries = ["ZAF", "MAR", "TUN"]
    out = coverage(tables, countries)
    zaf = out[out["country"] == "ZAF"]
    assert sorted(zip(zaf["source"], zaf["variable"], strict=True)) == [
        ("a", "x"),
        ("a", "y"),
        ("b", "x"),
        ("c", ANY_VARIABLE),
    ]
    assert not zaf["held"].any() and (zaf["years"] == 0).all() and zaf["first_year"].isna().all()
    assert len(out) == 3 * 4
    assert lacking(out, countries) == {"a": ["ZAF"], "b": ["ZAF", "TUN"], "c": ["ZAF", "MAR", "TUN"]}


def test_year_runs():
    assert year_ranges([2001, 1991, 1992, 1993, 2003]) == "1991-1993, 2001, 2003"
    assert year_ranges([]) is None


def test_the_snapshots_hold_every_country_their_publisher_has():
    """A peer of the ETD is a config change: the UN snapshots hold every ETD country the UN file has, the GGDC
    10-sector snapshot every country it can be read for, and their manifests say what the publishers lack."""
    etd = manifest.load(RAW / "etd" / "2021-07-15" / manifest.MANIFEST)["countries"]
    assert len(etd) == 51 and sorted(un_ama.COUNTRIES) == etd
    for release in ("2022-01", "2024-02", "2026-02"):
        entry = manifest.load(RAW / "un_ama" / release / manifest.MANIFEST)
        assert entry["countries_requested"] == etd
        # Taiwan is not in the UN's file; Tanzania only as its Mainland and Zanzibar (codes 835 and 836)
        assert entry["countries_not_in_upstream"] == ["TWN", "TZA"]
        assert entry["countries"] == sorted(set(etd) - {"TWN", "TZA"})
    ggdc10 = manifest.load(RAW / "ggdc10" / "2015-01" / manifest.MANIFEST)
    assert ggdc10["countries_requested"] == "all" and {"ZAF", "KEN", "MAR", "EGY", "USA"} <= set(ggdc10["countries"])
    assert not {"TUN", "TUR"} & set(ggdc10["countries"])
    wdi = manifest.load(RAW / "wdi" / "2025-10-12" / manifest.MANIFEST)
    assert (wdi["countries_requested"], wdi["countries"]) == ("all", ["MAR"])


@pytest.fixture(scope="module")
def peers_coverage(tmp_path_factory) -> pd.DataFrame:
    """The coverage of the snapshots for the default countries and two more ETD peers, cleaned as the build does."""
    folder = tmp_path_factory.mktemp("clean")
    raws = {
        "ggdc10": RAW / "ggdc10" / "2015-01" / "10sd_jan15_2014.xlsx",
        "wdi": RAW / "wdi" / "2025-10-12" / "ddf--datapoints--wdi--by--geo--time.csv",
        "un_ama": {
            entry["files"][0]["table"]: RAW / "un_ama" / release / entry["files"][0]["name"]
            for release in ("2022-01", "2024-02", "2026-02")
            for entry in [manifest.load(RAW / "un_ama" / release / manifest.MANIFEST)]
        },
    }
    for name, raw in raws.items():
        clean_source(name, raw, PEERS, folder / f"{name}.csv")
    return coverage({name: read(name, folder / f"{name}.csv") for name in raws}, PEERS)


def test_the_real_snapshots_say_which_sources_lack_a_peer(peers_coverage):
    assert lacking(peers_coverage, PEERS) == {"ggdc10": ["TUN", "TUR"], "wdi": ["TUN", "EGY", "TUR", "ZAF", "KEN"]}
    held = peers_coverage.set_index(["country", "source", "variable"])
    # the GGDC 10-sector database holds South Africa and Kenya from 1960; the UN's tables from 1970
    assert held.loc[("ZAF", "ggdc10", "emp"), "first_year"] == 1960
    assert held.loc[("KEN", "un_ama", "va_current_usd"), "first_year"] == 1970
    assert SCHEMA.validate(peers_coverage, "coverage").equals(peers_coverage)


def cell(heading: str) -> str:
    """The report's Markdown cell that opens with `heading`."""
    cells = [c.source for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "markdown"]
    (found,) = [c for c in cells if c.startswith(heading)]
    return found


def test_the_report_names_the_sources_that_lack_a_country():
    gaps = cell("# Data gaps")
    lacks = {
        "names": NAMES,
        "coverage": {
            "lacking": [
                {"source": "ggdc10", "label": "GGDC 10-Sector Database", "countries": ["TUN", "TUR"]},
                {"source": "wdi", "label": "World Development Indicators (WDI)", "countries": ["ZAF", "KEN"]},
            ]
        },
    }
    text = fill(gaps, lacks)
    assert "the GGDC 10-Sector Database has no rows for Tunisia and Turkey; " in text
    assert "the World Development Indicators (WDI) has no rows for South Africa and Kenya, and their tables" in text
    assert "within them.\n\nSettling the claims" in text  # a paragraph of its own
    assert "Every source holds every country compared here." in fill(
        gaps, {"names": NAMES, "coverage": {"lacking": []}}
    )


@pytest.mark.build
def test_a_peer_added_by_config_alone_is_built_and_its_gaps_are_stated(tmp_path):
    """ZAF and KEN by `--config` alone: the build succeeds, the coverage table and the report say that the WDI
    lacks them while the GGDC 10-sector database and the UN hold them."""
    copy = build(copy_project(tmp_path / "peers"), "reports/report.ipynb", "--config", f"countries=[{','.join(PEERS)}]")
    out = read("coverage", copy / table("coverage").path)
    assert lacking(out, PEERS) == {"ggdc10": ["TUN", "TUR"], "wdi": ["TUN", "EGY", "TUR", "ZAF", "KEN"]}
    assert out[out["country"].isin(["ZAF", "KEN"]) & out["source"].isin(["etd", "ggdc10", "un_ama"])]["held"].all()
    notebook = jupytext.read(copy / "reports" / "report.ipynb")
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert (
        "the World Development Indicators (WDI) has no rows for Tunisia, Egypt, Turkey, South Africa and Kenya" in prose
    )
    assert "the GGDC 10-Sector Database has no rows for Tunisia and Turkey" in prose
