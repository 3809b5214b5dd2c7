"""The whole report chain on synthetic tables: tables, figures, the executed notebook, HTML and PDF.

Checks that the PDF opens, has the report's sections, and that its text quotes the numbers of the results file
and of the report tables; that the HTML stands alone with code hidden; and that a rebuild gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from test_figures import STYLE, stage_tables, synthetic_settings, synthetic_tables
from test_report import clusters_tables, write_manifests

from emergence.figures.catalog import FIGURES, tables_of
from emergence.figures.draw import draw_family_files
from emergence.io import read_table
from emergence.report.build import tabulate_report
from emergence.report.notebook import execute_notebook, notebook_parameters
from emergence.report.render import render_report_files
from emergence.report.results_file import read_results
from emergence.report.text import number

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "report.py"
SECTIONS = (
    "Introduction",
    "Structure of GDP and employment",
    "Industrial strategies and their targets",
    "Growth models",
    "Changes in trend growth",
    "Stable trends or random walks?",
    "Forecasts",
    "Clusters",
    "Structural change",
    "Peers",
    "Claims ledger",
    "Appendix: data and methods",
    "Sources",
    "Build",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the report once, as the workflow does, from synthetic clean tables written to disk."""
    root = tmp_path_factory.mktemp("build")
    settings = synthetic_settings()
    paths = {}
    for name, df in {**synthetic_tables(), **clusters_tables(), **stage_tables()}.items():
        paths[name] = root / "clean" / f"{name}.csv"
        paths[name].parent.mkdir(exist_ok=True)
        df.to_csv(paths[name], index=False)
    reports = root / "reports"
    written = tabulate_report(
        paths,
        write_manifests(root / "raw"),
        settings,
        reports / "tables",
        reports / "results.json",
        root,
        {"SOURCE_DATE_EPOCH": "1767225600"},
    )
    figures = []
    for family in ("sectors", "clusters", "structure", "claims", "models"):
        tables = {name: paths[name] for name in tables_of(family)}
        figures += draw_family_files(family, tables, settings, reports / "figures", ["svg"], STYLE)
    tables = [p for p in written if p.suffix == ".md"]
    params = notebook_parameters(reports / "report.ipynb", reports / "results.json", figures, tables)
    execute_notebook(NOTEBOOK, reports / "report.ipynb", params)
    render_report_files(
        reports / "report.ipynb",
        reports / "results.json",
        reports / "report.html",
        reports / "report.pdf",
        "Synthetic report",
    )
    return reports


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def text(built) -> str:
    """The PDF's text, extracted once."""
    return pdf_text(built / "report.pdf")


def test_the_pdf_opens_and_has_the_report_sections(built, text):
    reader = pypdf.PdfReader(str(built / "report.pdf"))
    assert len(reader.pages) >= 3
    assert reader.metadata.title == "Synthetic report"
    positions = [text.find(title) for title in SECTIONS]
    assert -1 not in positions, dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)


def test_the_pdf_quotes_the_numbers_of_the_results_and_tables(built, text):
    results = read_results(built / "results.json")
    s, c = results["structure"], results["clusters"]
    d, k = results["decomposition"], results["claims"]
    quoted = [
        number(d["whole_sample"]["total"], 2),
        number(d["whole_sample"]["within"], 2),
        f"lists {k['statements']} numeric statements",
        number(s["manufacturing_va"]["first"]),
        number(s["manufacturing_va"]["last"]),
        number(s["emp_share"]["agriculture"]["last"]),
        number(s["emp_total"]["first"], 0),
        number(s["emp_total"]["last"], 0),
        number(s["un_manufacturing_last"]["value"]),
        number(c["survey_sme_share"]),
        f"lists {c['count']} clusters",
    ]
    for value in quoted:
        assert value in text, value
    peers = read_table(built / "tables" / "manufacturing_peers.csv").drop(columns="row")
    for _, row in peers.iterrows():
        assert " ".join([row["Country"], *(number(v) for v in row.iloc[1:])]) in text
    assert "Built from commit unknown on 2026-01-01" in text


def test_the_pdf_has_the_growth_models_with_their_numbers(built, text):
    g = read_results(built / "results.json")["models"]
    start, end = text.find("Growth models"), text.find("Clusters", text.find("Growth models"))
    section = text[start:end]
    whole = g["trend"]["by_sector"]["total"]["whole_sample"]
    assert f"grew {number(whole['growth'])} % a year ({number(g['confidence'], 0)} % interval" in section
    assert "The change at 2009 cannot be tested" in section  # the synthetic last segment is too short
    assert f"the {g['backtest']['labels'][g['backtest']['winner']]} won" in section
    trend = read_table(built / "tables" / "trend_growth.csv").drop(columns="row")
    for _, row in trend.iterrows():
        assert " ".join([row["Sector"], *(number(v) for v in row.iloc[1:])]) in section
    for title in ("Trend growth of real value added by sector and policy period", "Forecast accuracy against"):
        assert title in section


def test_the_html_stands_alone_with_the_code_hidden(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    assert "<title>Synthetic report</title>" in html
    assert 'src="figures/' not in html and html.count('src="data:image/svg+xml') == len(FIGURES)
    assert "import" not in html and "results_path" not in html
    assert "Structure of GDP and employment" in html


def test_a_rebuild_gives_the_same_bytes(built, tmp_path):
    render_report_files(
        built / "report.ipynb", built / "results.json", built / "again.html", built / "again.pdf", "Synthetic report"
    )
    assert (built / "again.pdf").read_bytes() == (built / "report.pdf").read_bytes()
    assert (built / "again.html").read_bytes() == (built / "report.html").read_bytes()
    first = (built / "report.ipynb").read_bytes()
    params = {"results_path": "results.json", "figures_dir": "figures", "tables_dir": "tables"}
    execute_notebook(NOTEBOOK, built / "report.ipynb", params)
    assert (built / "report.ipynb").read_bytes() == first
