"""Per-number provenance in the HTML report: every quoted number is a span whose tooltip traces it from its
results key through the tables and rules to the raw files and their sha256; each figure and table names the rule
and script that made it; the PDF and the Word file carry the numbers only.

The workflow's rules are given here as the workflow gives them ({rule, script, outputs, inputs}), over the
project's own snapshots; the build-tier test of tests/test_report_html.py runs the same checks on a real build.
"""

from __future__ import annotations

import html.parser
import zipfile
from pathlib import Path

import nbformat
import pypdf
import pytest

from emergence import manifest, registry
from emergence.errors import InputError
from emergence.figures.raster import svg_to_png
from emergence.io import sha256_file
from emergence.report.catalog import TABLES as REPORT_TABLES
from emergence.report.lineage import artefact_captions, number_origins, raw_checksums, raw_inputs
from emergence.report.render import render_report
from emergence.report.results import SECTIONS
from emergence.report.templates import KEY_SEPARATOR, fill_notebook

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = [
    p.relative_to(ROOT).as_posix()
    for p in sorted(ROOT.glob("data/raw/*/*/manifest.yaml")) + [ROOT / "data/raw/paper/manifest.yaml"]
]
BIBLIOGRAPHY = ROOT / "notebooks" / "references.bib"
VERIFIED = registry.table("ingest_verified").path


def raw_files(source: str) -> list[str]:
    return [p.as_posix() for m in MANIFESTS if m.startswith(f"data/raw/{source}/") for p in manifest.files(m)]


def workflow_rules() -> list[dict]:
    """A workflow in the workflow's terms: the check of every raw file, a cleaner per kind of source, one rule for
    every derived table, the report's tables and numbers, a figure family and the report."""
    clean = [t.path for t in registry.TABLES if t.stage == "clean"]
    paper = [registry.table(n).path for n in ("clusters", "cluster_companies")]
    census = [t.path for t in registry.TABLES if t.stage == "clean" and t.file.startswith("hcp_census")]
    national = sorted(set(clean) - set(paper) - set(census))
    derived = [t.path for t in registry.TABLES if t.stage not in ("clean", "ingest")]
    every_raw = sorted({f for m in MANIFESTS for f in (m, *(p.as_posix() for p in manifest.files(m)))})

    def rule(name: str, script: str | None, outputs: list[str], inputs: list[str]) -> dict:
        return {"rule": name, "script": script, "outputs": sorted(outputs), "inputs": sorted(inputs)}

    return [
        rule("verify_raw", "workflow/scripts/verify_raw.py", [VERIFIED], every_raw),
        rule(
            "clean_national",
            "workflow/scripts/clean_source.py",
            national,
            [*raw_files("etd"), *raw_files("un_ama"), *raw_files("wdi"), *raw_files("ggdc10"), VERIFIED],
        ),
        rule("clean_paper", "workflow/scripts/clean_paper.py", paper, [*raw_files("paper"), VERIFIED]),
        rule("clean_hcp_census", "workflow/scripts/clean_hcp_census.py", census, raw_files("hcp_census")),
        rule("derive", "workflow/scripts/derive.py", derived, clean),
        rule(
            "tabulate_report",
            "workflow/scripts/tabulate_report.py",
            ["reports/results.json", *(f"reports/tables/{t.name}.md" for t in REPORT_TABLES)],
            [*clean, *derived, *MANIFESTS],
        ),
        rule(
            "draw_sectors_figures",
            "workflow/scripts/draw_figures.py",
            [f"{registry.FIGURES_DIR}/{f.name}.svg" for f in registry.figures_of("sectors")],
            clean,
        ),
        rule("render_report", "workflow/scripts/render_report.py", ["reports/report.html"], []),
    ]


class NumberSpans(html.parser.HTMLParser):
    """Every <span class="num"> of a page: its attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "num":
            self._open = {**attrs, "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            self.spans.append(self._open)
            self._open = None


def number_spans(page: str) -> list[dict]:
    parser = NumberSpans()
    parser.feed(page)
    return parser.spans


def provenance_problems(page: str, root: Path, manifests: list[str]) -> list[str]:
    """What is wrong with the numbers' provenance in an HTML page built in `root`: a number without results keys,
    a section whose tables are not those it reads, a table the registry does not hold at that path, a raw file
    whose sha256 is not the one its manifest records or that the file has."""
    recorded = raw_checksums([root / m for m in manifests])
    recorded = {Path(p).relative_to(root).as_posix(): sha for p, sha in recorded.items()}
    inputs = {s.name: set(s.inputs) for s in SECTIONS}
    problems = []
    for span in number_spans(page):
        keys, lines = span.get("data-key", "").split(KEY_SEPARATOR), span.get("title", "").splitlines()
        if not all(keys) or lines[:1] != [f"results.json: {KEY_SEPARATOR.join(keys)}"]:
            problems.append(f"{span['text']}: keys {keys}, first line {lines[:1]}")
            continue
        tables = {}
        for line in lines[1:]:
            word, _, rest = line.partition(" ")
            if word == "table":
                name, _, path = rest.partition(" (")
                tables[name] = path.split(",")[0]
            elif word == "raw":
                path, _, sha = rest.partition(" sha256 ")
                if recorded.get(path) != sha or sha256_file(root / path) != sha:
                    problems.append(f"{span['text']}: raw {path} sha256 {sha}")
        for name, path in tables.items():
            if name not in registry.BY_NAME or registry.table(name).path != path:
                problems.append(f"{span['text']}: table {name} at {path}")
        wanted = set().union(*(inputs.get(k.split(".")[0], set()) for k in keys))
        if set(tables) != wanted:
            problems.append(f"{span['text']} ({keys}): tables {sorted(tables)}, expected {sorted(wanted)}")
    return problems


def test_a_tables_raw_files_are_followed_through_its_rules_past_the_check_of_every_raw_file():
    rules = workflow_rules()
    etd = registry.table("etd").path
    assert raw_inputs(etd, rules) == sorted(
        f for s in ("etd", "un_ama", "wdi", "ggdc10") for f in raw_files(s)
    )  # not the census nor the paper, which verify_raw also reads
    assert raw_inputs(registry.table("clusters").path, rules) == sorted(raw_files("paper"))
    trend = raw_inputs(registry.table("models_trend_growth").path, rules)
    assert set(raw_files("hcp_census")) <= set(trend) and not any(f.endswith("manifest.yaml") for f in trend)


def test_each_section_names_its_tables_rules_and_raw_files_with_the_manifests_checksums(monkeypatch):
    monkeypatch.chdir(ROOT)
    origins = number_origins(workflow_rules(), MANIFESTS)
    assert set(origins) == {"settings", *(s.name for s in SECTIONS)}
    lines = origins["clusters"].splitlines()
    assert lines[0] == "section clusters, written by rule tabulate_report (workflow/scripts/tabulate_report.py) from:"
    assert (
        "table clusters (data/processed/clean/clusters.csv, rule clean_paper (workflow/scripts/clean_paper.py))"
        in lines
    )
    paper = manifest.load("data/raw/paper/manifest.yaml")["files"]
    assert [line for line in lines if line.startswith("raw ")] == sorted(
        f"raw data/raw/paper/{item['name']} sha256 {item['sha256']}" for item in paper
    )


def test_a_raw_file_no_manifest_lists_or_a_table_no_rule_writes_is_refused(monkeypatch):
    monkeypatch.chdir(ROOT)
    rules = workflow_rules()
    rules[2]["inputs"].append("data/raw/paper/README.md")
    with pytest.raises(InputError, match="README.md.*a raw file its manifest lists"):
        number_origins(rules, MANIFESTS)
    rules = [r for r in workflow_rules() if r["rule"] != "clean_paper"]
    with pytest.raises(InputError, match="table clusters.*a rule that writes it"):
        number_origins(rules, MANIFESTS)


@pytest.fixture
def rendered(tmp_path, monkeypatch) -> dict[str, Path]:
    """A report of one sentence of numbers, a figure and a table, rendered to HTML, PDF and Word."""
    monkeypatch.chdir(ROOT)
    rules = workflow_rules()
    (tmp_path / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
        '<rect width="100" height="50" fill="white"/></svg>',
        encoding="utf-8",
    )
    (tmp_path / "a.png").write_bytes(svg_to_png((tmp_path / "a.svg").read_bytes()))  # the Word file's copy
    results = {
        "names": {"MAR": "Morocco"},
        "settings": {"policy_events": [{"year": 2005, "name": "Emergence"}]},
        "clusters": {"count": 19, "survey_sme_share": 72.25, "by_region": {"Souss Massa": 2}},
        "models": {"alpha": 0.05},
    }
    prose = (
        "# Clusters\n\nThe paper lists {{ clusters.count }} clusters after {{ settings.policy_events[0].year }}, "
        "{{ clusters.survey_sme_share | num }} % of firms small; {% for r, n in clusters.by_region.items() %}"
        "{{ r }} ({{ n }}){% endfor %}; at the {{ (models.alpha * 100) | num(0) }} % level (@fig-value_added_structure, "
        "@tbl-value_added_shares, @tbl-own).\n\n"
        "![Shares](a.svg){#fig-value_added_structure}\n\n| a |\n|--|\n| 1 |\n\nTable: Shares {#tbl-value_added_shares}"
        "\n\n| b |\n|--|\n| 2 |\n\nTable: The report's own {#tbl-own}\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(prose)]
    nbformat.write(fill_notebook(nb, results, number_origins(rules, MANIFESTS)), str(tmp_path / "x.ipynb"))
    fields = {"title": "T", "subtitle": "", "authors": [{"name": "A", "affiliation": ""}], "date": "2026-01-01"}
    outputs = {fmt: tmp_path / f"x.{fmt}" for fmt in ("html", "pdf", "docx")}
    render_report(tmp_path / "x.ipynb", outputs, fields, BIBLIOGRAPHY, 1767225600, artefact_captions(rules))
    return outputs


def test_every_number_in_the_html_carries_its_results_key_tables_rules_and_raw_checksums(rendered):
    page = rendered["html"].read_text(encoding="utf-8")
    spans = number_spans(page)
    assert [(s["data-key"], s["text"]) for s in spans] == [
        ("clusters.count", "19"),
        ("settings.policy_events.0.year", "2005"),
        ("clusters.survey_sme_share", "72.2"),
        ("clusters.by_region.Souss Massa", "2"),
        ("models.alpha", "5"),
    ]
    assert provenance_problems(page, ROOT, MANIFESTS) == []
    assert "config/config.yaml" in spans[1]["title"] and "ETD_230918.xlsx sha256" in spans[4]["title"]
    forged = page.replace(spans[0]["title"].splitlines()[-1][-64:], "0" * 64)  # a checksum of the paper's
    problems = provenance_problems(forged, ROOT, MANIFESTS)
    assert [p.split(":")[0] for p in problems] == ["19", "72.2", "2", "5"]  # all but the settings' read the paper


def test_each_figure_and_table_in_the_html_names_the_rule_and_script_that_made_it(rendered):
    page = rendered["html"].read_text(encoding="utf-8")
    made_by = '<span class="made-by">Made by rule {}</span>'
    figure = "draw_sectors_figures (workflow/scripts/draw_figures.py) from the tables countries, sector_groups."
    table = "tabulate_report (workflow/scripts/tabulate_report.py) from the tables sector_groups."
    own = "render_report (workflow/scripts/render_report.py) from reports/results.json."
    for line in (figure, table, own):
        assert page.count(made_by.format(line)) == 1, line


def test_the_pdf_and_the_word_file_carry_the_numbers_and_no_provenance(rendered):
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(str(rendered["pdf"])).pages)
    docx = zipfile.ZipFile(rendered["docx"]).read("word/document.xml").decode("utf-8")
    for document in (text, docx):
        assert "19" in document and "72.2" in document
        for markup in ("results.json", "sha256", "data-key", "span", "Made by"):
            assert markup not in document
