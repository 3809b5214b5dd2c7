"""Report tables in four formats, quoted numbers against known values, provenance, and the notebook's prose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest
import yaml
from test_counterfactuals_report import counterfactual_tables
from test_figures import (
    BREAKS,
    CONFIDENCE,
    STATUSES,
    TREND,
    YEARS,
    agriculture_employment_share,
    manufacturing_share,
    stage_tables,
    synthetic_settings,
    synthetic_tables,
)

from emergence.errors import InputError
from emergence.io import read_table, write_files, write_text
from emergence.paper import PAPER_SCHEMAS
from emergence.report import catalog
from emergence.report.comparison import GROUPS
from emergence.report.notebook import inject_parameters, notebook_parameters
from emergence.report.provenance import build_date, build_epoch, git_commit, manifest_frames
from emergence.report.render import notebook_markdown
from emergence.report.results import build_results, results_json
from emergence.report.results_file import read_results
from emergence.report.tabulate import ReportTable, report_table_files, to_html, to_latex, to_markdown
from emergence.views.labels import number
from emergence.views.models import series_label

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "report.py"
# A number in prose is allowed only as a year, or as the label of a table, figure, section or appendix.
LABEL_WORDS = ("table", "tables", "figure", "figures", "section", "sections", "appendix")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
NUMBER_WORDS = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand"
    r"|million|billion|dozen|half|third|quarter)\b",
    re.IGNORECASE,
)


def hand_typed_numbers(text: str) -> list[str]:
    """Numbers in `text` that are neither years (1900-2100) nor labels such as 'Table 2' or 'section 4.1', and
    numbers spelled out in words."""
    found = []
    for match in NUMBER.finditer(text):
        token = match.group()
        if re.fullmatch(r"(19|20)\d\d", token) or token == "2100":
            continue
        before = text[: match.start()].rstrip().split()
        if before and before[-1].lower().strip("(") in LABEL_WORDS:
            continue
        found.append(token)
    return found + [m.group() for m in NUMBER_WORDS.finditer(text)]


def clusters_tables() -> dict[str, pd.DataFrame]:
    clusters = pd.DataFrame(
        {
            "cluster_id": ["a", "b", "c"],
            "name": ["Alpha Cluster", "Beta Cluster", "Gamma Cluster"],
            "acronym": ["AC", None, "GC"],
            "year": [2012, 2010, 2014],
            "sector": ["ICT", "Textile", "Aerospace"],
            "sector_group": ["ict_electronics", "textile", "other"],
            "region": ["Casablanca-Settat", "Souss-Massa", "Casablanca-Settat"],
            "members_total": [40, None, None],
            "smes": [32, None, 12],
            "month": [None, 5, None],
            "specialisation": ["software", "technical textiles", "aircraft parts"],
            "members": ["companies", "companies and schools", "companies"],
            "companies": [None, None, 14],
            "large_companies": [None, None, 2],
            "research_training": [None, None, 3],
            "approximate_counts": [None, None, None],
            "location": ["Casablanca", "Agadir", "Nouaceur"],
            "section": "4.1",
            "table": "2",
        }
    )
    companies = pd.DataFrame(
        {
            "cluster_id": ["cluster_1"] * 3 + ["cluster_2"] * 3,
            "size": ["sme", "large", "total"] * 2,
            "companies": [30, 20, 50, 9, 14, 23],
            "section": "5",
            "table": "3",
        }
    )
    return {
        "clusters": PAPER_SCHEMAS["clusters"].validate(clusters, "clusters fixture"),
        "cluster_companies": PAPER_SCHEMAS["cluster_companies"].validate(companies, "companies fixture"),
    }


def write_manifests(folder: Path) -> list[Path]:
    paths = []
    for source, release, name in (("etd", "2021-07-15", "ETD.xlsx"), ("un_ama", "2026-02", "UN.xlsx")):
        path = folder / source / release / "manifest.yaml"
        path.parent.mkdir(parents=True)
        entry = {
            "source": source,
            "publisher": f"{source} publisher",
            "dataset": f"{source} data set",
            "release": release,
            "citation": f"{source} citation",
            "licence": "CC BY 4.0",
            "url": f"https://example.org/{source}",
            "accessed": "2026-11-28",
            "files": [{"name": name, "sha256": "ab" * 32, "bytes": 123}],
        }
        path.write_text(yaml.safe_dump(entry), encoding="utf-8")
        paths.append(path)
    return paths


def test_number_format():
    assert number(1234.5678) == "1,234.6"
    assert number(7808.4, 0) == "7,808"
    assert number(-0.04) == "0.0"
    assert number(float("nan")) == "n/a" and number(None) == "n/a"


SAMPLE = ReportTable("sample", "Shares & 100% | sums", ("x",), lambda inputs, settings: inputs["x"], "Src_1", "A note")
SAMPLE_FRAME = pd.DataFrame({"Sector": ["A & B", "C|D"], "2005": [12.345, None], "Firms": pd.array([3, 1500])})


def test_markdown_rendering():
    assert to_markdown(SAMPLE_FRAME, SAMPLE) == (
        "| Sector | 2005 | Firms |\n"
        "|:------|----:|-----:|\n"
        "| A & B | 12.3 | 3 |\n"
        "| C\\|D | n/a | 1,500 |\n"
        "\n"
        "Table: Shares & 100% | sums {#tbl-sample}\n"
        "\n"
        "*Source:* Src_1. *Note:* A note.\n"
    )


def test_latex_rendering_is_booktabs_and_escaped():
    tex = to_latex(SAMPLE_FRAME, SAMPLE)
    assert "\\begin{tabular}{lrr}" in tex
    assert tex.index("\\toprule") < tex.index("\\midrule") < tex.index("\\bottomrule")
    assert "\\caption{Shares \\& 100\\% | sums}" in tex and "\\label{tab:sample}" in tex
    assert "A \\& B & 12.3 & 3 \\\\" in tex
    assert "Src\\_1" in tex


def test_html_rendering_escapes_and_aligns():
    html = to_html(SAMPLE_FRAME, SAMPLE)
    assert '<table class="report-table" id="tbl-sample">' in html
    assert "<caption>Shares &amp; 100% | sums</caption>" in html
    assert '<td style="text-align:left">A &amp; B</td><td style="text-align:right">12.3</td>' in html
    assert '<td style="text-align:right">1,500</td>' in html


def test_csv_keeps_exact_values_in_published_order(tmp_path):
    files = report_table_files(SAMPLE, {"x": SAMPLE_FRAME}, synthetic_settings(), tmp_path)
    write_files(files)
    paths = list(files)
    assert [p.suffix for p in paths] == [".csv", ".md", ".tex", ".html"]
    csv = read_table(tmp_path / "sample.csv")
    assert list(csv.columns) == ["row", "Sector", "2005", "Firms"]
    assert list(csv["row"]) == [1, 2] and list(csv["Sector"]) == ["A & B", "C|D"]
    assert csv["2005"].iloc[0] == pytest.approx(12.345) and pd.isna(csv["2005"].iloc[1])


def test_a_table_names_its_missing_inputs(tmp_path):
    with pytest.raises(InputError, match="missing \\['x'\\]"):
        report_table_files(SAMPLE, {}, synthetic_settings(), tmp_path)


def _build_all_tables(tmp_path) -> dict[str, pd.DataFrame]:
    inputs = {**synthetic_tables(), **clusters_tables(), **stage_tables(), **counterfactual_tables()}
    inputs["sources"], inputs["files"] = manifest_frames(write_manifests(tmp_path / "raw"))
    for table in catalog.tables_for(set(inputs)):
        write_files(report_table_files(table, inputs, synthetic_settings(), tmp_path / "tables"))
    return inputs


def test_every_recomputable_claim_stands_in_one_side_by_side_table_of_its_section(tmp_path):
    _build_all_tables(tmp_path)
    ledger = stage_tables()["claims_ledger"]
    recomputable = ledger[~ledger["status"].isin(("not_recomputable", "not_evaluated"))]
    shown = []
    for group, sections in GROUPS.items():
        table = read_table(tmp_path / "tables" / f"claims_{group}.csv")
        expected = recomputable[recomputable["section"].isin(sections)]
        assert list(table["The paper says"].str.lower()) == list(expected["statement"]), group
        shown += list(table["The paper says"])
    assert len(shown) == len(recomputable)
    growth = read_table(tmp_path / "tables" / "claims_growth.csv").set_index("The paper says")
    assert growth.loc["Claim 0", "From"] == "ETD, UN AMA" and growth.loc["Claim 0", "Across sources"] == "10.0 to 11.0"


def test_catalog_tables_hold_the_known_values(tmp_path):
    _build_all_tables(tmp_path)
    written = {p.stem for p in (tmp_path / "tables").glob("*.csv")}
    assert written == {t.name for t in catalog.TABLES}
    va = read_table(tmp_path / "tables" / "value_added_shares.csv").set_index("Sector")
    assert list(va.columns) == ["row", "2000", "2005", "2009", "2010"]
    for year in (2000, 2005, 2009, 2010):
        assert va.loc["Manufacturing", str(year)] == pytest.approx(manufacturing_share(year, 0))
    assert va.drop(columns="row").sum().tolist() == pytest.approx([100.0] * 4)
    emp = read_table(tmp_path / "tables" / "employment_shares.csv").set_index("Sector")
    assert emp.loc["Agriculture, forestry and fishing", "2010"] == pytest.approx(agriculture_employment_share(2010))
    peers = read_table(tmp_path / "tables" / "manufacturing_peers.csv").set_index("Country")
    assert list(peers.index) == ["Morocco", "Tunisia"]
    assert peers.loc["Tunisia", "2010"] == pytest.approx(manufacturing_share(2010, 1))
    assert peers.loc["Tunisia", "2012 (UN AMA)"] == pytest.approx(18.0 + 0.1 * 12 - 1)
    companies = read_table(tmp_path / "tables" / "cluster_companies.csv").set_index("Cluster")
    assert companies.loc["Cluster 2", "SME share (%)"] == pytest.approx(100 * 9 / 23)
    clusters = read_table(tmp_path / "tables" / "clusters.csv")
    assert list(clusters["Cluster"]) == ["Beta Cluster", "Alpha Cluster (AC)", "Gamma Cluster (GC)"]
    md = (tmp_path / "tables" / "clusters.md").read_text(encoding="utf-8")
    assert "| 2010 |" in md and "2,010" not in md
    decomposition = read_table(tmp_path / "tables" / "productivity_decomposition.csv")
    assert list(decomposition["Country"]) == ["MAR"] * 3 + ["TUN"] * 3
    assert list(decomposition["Period"])[:3] == ["Before the plan", "The plan", "Whole sample"]
    parts = decomposition[["Within", "Static", "Dynamic"]].sum(axis=1)
    assert decomposition["Total"].tolist() == pytest.approx(parts.tolist())
    assert decomposition.loc[1, "Static"] == pytest.approx(2.7) and decomposition.loc[1, "Years"] == "2004-2008"
    summary = read_table(tmp_path / "tables" / "claims_summary.csv").set_index("Verdict")
    assert summary.loc["Reproduced", "All"] == 3 and summary.loc["Differs", "Against the data"] == 2
    assert summary["All"].sum() == len(STATUSES)
    targets_md = (tmp_path / "tables" / "policy_targets.md").read_text(encoding="utf-8")
    assert "| 440,000 |" in targets_md and "| -21,024 |" in targets_md and "| 1.6 |" in targets_md
    assert "| -5 |" in targets_md and "| 2018 |" in targets_md and "not measurable" in targets_md
    trend = read_table(tmp_path / "tables" / "trend_growth.csv").set_index("Sector")
    assert list(trend.index) == ["Total economy", "Agriculture", "Manufacturing"]
    assert list(trend.columns)[1:] == ["Before the plan, 2000-2004", "The plan, 2004-2008", "Whole sample, 2000-2010"]
    for sector, label in (("total", "Total economy"), ("manufacturing", "Manufacturing")):
        for period, column in zip(TREND[sector], list(trend.columns)[1:], strict=True):
            assert trend.loc[label, column] == pytest.approx(TREND[sector][period][0])
    assert pd.isna(trend.loc["Agriculture", "The plan, 2004-2008"])
    assert "| Agriculture | 1.0 | n/a | 1.5 |" in (tmp_path / "tables" / "trend_growth.md").read_text(encoding="utf-8")
    breaks = read_table(tmp_path / "tables" / "break_tests.csv").set_index("Series")
    assert list(breaks.index) == [series_label(s, v) for s, v in BREAKS]
    assert list(breaks.columns)[1:] == ["p, 2005", "p, 2009", "p, joint", "Break year", "p, break year"]
    for (sector, variable), (p2005, joint, _, (year, p_year)) in BREAKS.items():
        row = breaks.loc[series_label(sector, variable)]
        assert (row["p, 2005"], row["p, joint"], row["p, break year"]) == pytest.approx((p2005, joint, p_year))
        assert pd.isna(row["p, 2009"]) and float(row["Break year"]) == year
    breaks_md = (tmp_path / "tables" / "break_tests.md").read_text(encoding="utf-8")
    assert "| Manufacturing, real value added | 0.012 | n/a | 0.030 | 2006 | 0.040 |" in breaks_md


def test_results_quote_the_known_values(tmp_path):
    inputs = _build_all_tables(tmp_path)
    build = {"commit": "abc", "date": "2026-01-01", "epoch": 1767225600, "software": {"python": "3"}}
    results = build_results(inputs, synthetic_settings(), build, inputs["sources"])
    write_text(tmp_path / "results.json", results_json(results))
    assert read_results(tmp_path / "results.json") == json.loads(json.dumps(results))
    s = results["structure"]
    assert (s["first_year"], s["last_year"]) == (YEARS[0], YEARS[-1])
    m = s["manufacturing_va"]
    assert m["first"] == pytest.approx(manufacturing_share(YEARS[0], 0))
    assert m["last"] == pytest.approx(manufacturing_share(YEARS[-1], 0))
    assert (m["max_year"], m["min_year"]) == (YEARS[0], YEARS[-1])
    assert m["at_events"]["2009"] == pytest.approx(manufacturing_share(2009, 0))
    assert s["emp_share"]["agriculture"]["last"] == pytest.approx(agriculture_employment_share(YEARS[-1]))
    assert s["emp_total"] == {"first": pytest.approx(5000.0), "last": pytest.approx(6000.0)}
    assert s["focus_rank"] == 1 and list(s["peers_manufacturing"]) == ["MAR", "TUN"]
    assert s["un_manufacturing_last"] == {"year": 2012, "value": pytest.approx(19.2)}
    c = results["clusters"]
    assert (c["count"], c["first_year"], c["last_year"], c["with_member_count"]) == (3, 2010, 2014, 1)
    assert c["by_region"] == {"Casablanca-Settat": 2, "Souss-Massa": 1}
    assert c["survey_companies"] == 73 and c["survey_sme_share"] == pytest.approx(100 * 39 / 73)
    assert [src["dataset"] for src in results["sources"]] == ["etd data set", "un_ama data set"]
    d = results["decomposition"]
    assert d["whole_sample"]["total"] == pytest.approx(2.6) and d["whole_sample"]["base_year"] == 2000
    assert d["fastest_period"] == "emergence" and d["fastest_label"] == "The plan"
    assert results["names"] == {"MAR": "Morocco", "TUN": "Tunisia"}
    paper = results["paper"]
    assert (paper["data"]["count"], paper["internal"]["count"], paper["not_recomputable"]) == (5, 1, 4)
    assert paper["data"]["by_status"] == {"close": 1, "differs": 2, "reproduced": 2} and paper["about_focus"]
    assert [d["statement"] for d in paper["depends"]] == ["claim 3"]
    t = results["targets"]
    share = next(target for target in t["all"] if target["indicator"] == "industrial share of GDP")
    assert (t["count"], t["measured"], t["met"]) == (3, 2, 0) and share["baseline"] == 14.0
    k = results["claims"]
    assert (k["statements"], k["checked"], k["targets"], k["targets_measured"]) == (10, 6, 3, 2)
    assert k["by_status"] == {"close": 1, "differs": 2, "not_recomputable": 4, "reproduced": 3}
    g = results["models"]
    assert (g["confidence"], g["alpha"]) == (pytest.approx(100 * CONFIDENCE), pytest.approx(1 - CONFIDENCE))
    t = g["trend"]
    assert t["by_sector"]["total"]["whole_sample"]["growth"] == pytest.approx(4.0)
    assert t["by_sector"]["manufacturing"]["emergence"]["first_year"] == 2004
    assert t["classical"] == [{"period": "Before the plan", "years": 5}, {"period": "The plan", "years": 5}]
    assert t["not_estimated"] == [{"sector": "Agriculture", "period": "The plan", "status": "too_short"}]
    assert (t["fastest_whole"], t["slowest_whole"]) == ("Manufacturing", "Agriculture")
    breaks = {(b["sector"], b["variable"]): b for b in g["breaks"]}
    assert list(breaks) == list(BREAKS)
    assert breaks[("manufacturing", "va_constant")]["changed_at"] == [2005]  # p 0.012 below alpha
    assert breaks[("total", "va_constant")]["changed_at"] == []  # p 0.25
    assert breaks[("total", "emp")]["untestable"] == [{"year": 2009, "status": "too_short"}]
    assert breaks[("manufacturing", "va_constant")]["search"]["break_year"] == 2006
    assert [s["growth"] for s in breaks[("total", "emp")]["segments"]] == [2.0, 1.0]  # the hinge spec, not the shift
    roots = g["unit_root"]
    assert (roots["series"], roots["tested"]) == (5, 4) and set(roots["by_verdict"].values()) == {1}
    share, employment = g["forecasts"]
    assert (share["best"], share["best_ratio"], share["last_year"]) == ("arima", 0.75, YEARS[-1])
    assert share["last_value"] == pytest.approx(manufacturing_share(YEARS[-1], 0))
    assert share["at_target"] == {"year": 2020, "value": pytest.approx(16.4), "lower": pytest.approx(14.4),
                                  "upper": pytest.approx(18.4)}  # fmt: skip
    assert employment["best"] == "ets_damped" and employment["at_target"] is None
    assert employment["horizon"] == {"year": 2020, "value": pytest.approx(6500), "lower": pytest.approx(5850),
                                     "upper": pytest.approx(7150)}  # fmt: skip
    assert g["target"]["target"] == 23.0 and g["target"]["horizon_end"] == 2020
    b = g["backtest"]
    assert (b["winner"], b["series"], b["wins"]) == ("arima", 10, {"rw_drift": 3, "ets_damped": 2, "arima": 5})


def test_results_leave_out_sections_whose_tables_are_absent():
    inputs = synthetic_tables()
    results = build_results(inputs, synthetic_settings(), {}, pd.DataFrame())
    assert "structure" in results and "clusters" not in results


def test_manifests_become_sources_and_files(tmp_path):
    sources, files = manifest_frames(write_manifests(tmp_path))
    assert list(sources["source"]) == ["etd", "un_ama"] and list(sources["licence"]) == ["CC BY 4.0"] * 2
    assert list(files["file"]) == ["ETD.xlsx", "UN.xlsx"] and set(files["sha256"]) == {"ab" * 32}
    broken = tmp_path / "broken" / "manifest.yaml"
    broken.parent.mkdir()
    broken.write_text("source: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing"):
        manifest_frames([broken])


def test_build_date_comes_from_source_date_epoch_or_git_never_the_clock(tmp_path):
    assert build_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "86400"}) == 86400
    assert build_date(86400) == "1970-01-02"
    assert build_epoch(tmp_path, {}) is None and build_date(None) == "unknown"
    assert git_commit(tmp_path) == "unknown"
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        build_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_notebook_parameters_are_relative_to_the_executed_notebook(tmp_path):
    params = notebook_parameters(
        "reports/report.ipynb",
        "reports/results.json",
        ["reports/figures/a.svg", "reports/figures/b.svg"],
        ["reports/tables/t.md"],
    )
    assert params == {"results_path": "results.json", "figures_dir": "figures", "tables_dir": "tables"}
    with pytest.raises(InputError, match="one folder"):
        notebook_parameters("reports/report.ipynb", "reports/results.json", ["a/x.svg", "b/y.svg"], ["t.md"])


def test_parameters_are_injected_after_the_tagged_cell():
    nb = jupytext.read(NOTEBOOK)
    tagged = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    inject_parameters(nb, {"tables_dir": "t", "results_path": "r.json"}, "report.py")
    assert nb.cells[tagged + 1].source.splitlines()[1:] == ["results_path = 'r.json'", "tables_dir = 't'"]
    nb.cells[tagged].metadata["tags"] = []
    nb.cells[tagged + 1].metadata["tags"] = []
    with pytest.raises(InputError, match="tagged"):
        inject_parameters(nb, {}, "report.py")


def test_the_number_check_catches_typed_numbers_and_spares_years_and_labels():
    text = "Growth rose from 3.8% to 4,8 % in 2004-2008; see Table 2, figure 3 and section 4.1 (about 15 clusters)."
    assert hand_typed_numbers(text) == ["3.8", "4,8", "15"]
    assert hand_typed_numbers("The three plans created half a million jobs.") == ["three", "half", "million"]


TEMPLATE_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def test_prose_cells_hold_no_hand_typed_numbers():
    """Outside the template tags that name results, a prose cell holds no number."""
    cells = [c for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "markdown"]
    assert len(cells) >= 5
    prose = {i: TEMPLATE_TAGS.sub("", c.source) for i, c in enumerate(cells)}
    offending = {i: hand_typed_numbers(text) for i, text in prose.items() if hand_typed_numbers(text)}
    assert offending == {}


def test_no_code_cell_writes_prose():
    """Sentences live in Markdown cells; code cells only place figures and tables."""
    code = [c.source for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "code"]
    for source in code[2:]:
        assert re.fullmatch(r'(figure|table)\("\w+", (figures|tables)_dir\)', source.strip()), source


def test_the_paired_notebook_matches_its_source():
    source = jupytext.read(NOTEBOOK)
    paired = nbformat.read(str(NOTEBOOK.with_suffix(".ipynb")), as_version=4)
    assert [(c.cell_type, c.source) for c in paired.cells] == [(c.cell_type, c.source) for c in source.cells]
    assert paired.metadata["kernelspec"]["name"] == "python3"
    assert paired.metadata["language_info"]["name"] == "python"


def test_the_rendered_document_keeps_prose_and_displayed_markdown_only():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x = 1\nMarkdown('shown')")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="printed"),
        nbformat.v4.new_output("display_data", data={"text/markdown": "**shown**", "text/plain": "<Markdown>"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), code, nbformat.v4.new_code_cell("y = 2")]
    assert notebook_markdown(nb) == "# Title\n\n**shown**\n"
    code.outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="x", traceback=[])]
    with pytest.raises(InputError, match="KeyError"):
        notebook_markdown(nb)
