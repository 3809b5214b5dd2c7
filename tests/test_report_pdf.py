"""The whole report chain on synthetic tables: tables, figures, the executed notebook, HTML, PDF and Word.

Checks that the PDF opens with a title page and a table of contents that gives the right pages, has the
report's sections, quotes the numbers of the results file and of the report tables, numbers its figures and
tables and resolves references to them, and ends with the bibliography; that its print holds no text outside the
margins, no page less than a third full except before a section, and no figure text under 7 pt; that the HTML
stands alone with code hidden; that the Word file has the figures and the references; and that a rebuild gives
the same bytes. The same print checks run on the report of the real build (marked `build`).
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pdfplumber
import pypdf
import pytest
from builds import reference_build

from emergence.config import load_config
from emergence.errors import InputError
from emergence.figures.raster import svg_to_png
from emergence.io import read_table
from emergence.registry import FIGURES
from emergence.report.provenance import release_epoch
from emergence.report.render import (
    MARGIN_PT,
    TEXT_WIDTH_PT,
    cross_referenced,
    notebook_markdown,
    render_report,
    title_block,
    typst_source,
)
from emergence.report.results_file import read_results
from emergence.views.labels import number

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "report.py"
BIBLIOGRAPHY = ROOT / "notebooks" / "references.bib"
SECTIONS = (  # the report's numbered sections, in order, as the notebook heads them
    "Introduction",
    "Growth and the structure of value added",
    "The industrial strategies and their targets",
    "Did growth change when the strategies were launched?",
    "Employment and structural change",
    "Morocco and its peers",
    "Exports, investment and innovation",
    "Clusters",
    "Where the clusters sit",
    "Compared with what?",
    "The paper's figures against the data",
    "Conclusion",
    "Data gaps",
    "References",
)
BUILT_REPORT = load_config(ROOT / "config" / "config.yaml")["report"]  # the title page of the default build
REPORT = {
    "title": "Synthetic report",
    "subtitle": "A test of the report chain",
    "authors": [
        {"name": "Ada Author", "affiliation": "Institute of Examples"},
        {"name": "Ben Writer", "affiliation": ""},
    ],
}
FORMATS = ("html", "pdf", "docx")
MIN_FIGURE_TEXT_PT = 7.0
MIN_PAGE_FILL = 1 / 3


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The reports of the session's one reference build of the default workflow."""
    return reference_build(tmp_path_factory) / "reports"


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def text(built) -> str:
    """The PDF's text, extracted once."""
    return pdf_text(built / "report.pdf")


# --- Checks of the print, on any report PDF -------------------------------------------------------------------


def text_box(page) -> tuple[float, float, float, float]:
    """The area inside the margins: x0, top, x1, bottom (pdfplumber's coordinates, from the top of the page)."""
    return MARGIN_PT, MARGIN_PT, float(page.width) - MARGIN_PT, float(page.height) - MARGIN_PT


CAP_HEIGHT = 0.6  # of the font size: about how far a line's capitals reach above its baseline (Typst sets a
# page's first line with the tops of its capitals at the margin)


def text_outside_margins(page, tolerance: float = 0.5) -> str:
    """The characters of `page` that lie outside the margins, the page number in the foot aside. Across, a glyph's
    box; down the page, from its baseline to the top of its capitals (a line is set so, from the top margin)."""
    x0, top, x1, bottom = text_box(page)

    def outside(c: dict) -> bool:
        baseline = float(page.height) - c["matrix"][5]
        return (
            c["x0"] < x0 - tolerance or c["x1"] > x1 + tolerance
            or baseline - CAP_HEIGHT * c["size"] < top - tolerance or baseline > bottom + tolerance
        )  # fmt: skip

    outside = [c for c in page.chars if c["text"].strip() and outside(c)]
    foot = "".join(c["text"] for c in outside if c["top"] > bottom).strip()
    if foot == str(page.page_number):
        outside = [c for c in outside if c["top"] <= bottom]
    return "".join(c["text"] for c in outside)


def page_fill(page) -> float:
    """The share of the text area's height covered by text or graphics (the union of their vertical extents)."""
    x0, top, x1, bottom = text_box(page)
    spans = sorted(
        (max(o["top"], top), min(o["bottom"], bottom))
        for o in (*page.chars, *page.rects, *page.curves, *page.lines, *page.images)
        if o["bottom"] > top and o["top"] < bottom
    )
    covered, end = 0.0, top
    for start, stop in spans:
        if stop > end:
            covered += stop - max(start, end)
            end = stop
    return covered / (bottom - top)


def section_start_pages(reader: pypdf.PdfReader, near_top_pt: float = 40) -> set[int]:
    """The pages (from 0) whose first line is a section heading: a first-level bookmark at the top of the page."""
    starts = set()
    for item in reader.outline:
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item)
        height = float(reader.pages[page].mediabox.height)
        if item.top is not None and height - MARGIN_PT - float(item.top) < near_top_pt:
            starts.add(page)
    return starts


def underfull_pages(path: Path) -> dict[int, float]:
    """Pages (numbered from 1) less than a third full that neither end the report nor come before a section start."""
    starts = section_start_pages(pypdf.PdfReader(str(path)))
    with pdfplumber.open(str(path)) as pdf:
        last = len(pdf.pages) - 1
        fills = {i: page_fill(p) for i, p in enumerate(pdf.pages)}
    return {i + 1: round(f, 2) for i, f in fills.items() if f < MIN_PAGE_FILL and i != last and i + 1 not in starts}


def margin_overruns(path: Path) -> dict[int, str]:
    with pdfplumber.open(str(path)) as pdf:
        return {p.page_number: t for p in pdf.pages if (t := text_outside_margins(p))}


SVG_SIZE = re.compile(r'<svg[^>]*\swidth="([\d.]+)pt"')
# Text drawn as paths (svg.fonttype: path): a comment with the text, then a glyph group scaled by size / 100.
PATH_TEXT = re.compile(r'<!-- ((?:(?!-->).)*?) -->\s*<g[^>]*\stransform="[^"]*scale\(([\d.]+) -[\d.]+\)"', re.DOTALL)
FONT_SCALE = 100  # matplotlib's glyph units per point of font size, in SVGs with text as paths
TEXT_FONT = re.compile(r"font(?:-size)?:\s*(?:[a-z]+\s+)*([\d.]+)px")  # text kept as text (svg.fonttype: none)


def svg_text_sizes(svg: str) -> tuple[float, list[tuple[str, float]]]:
    """An SVG's width in points and the size in points of each piece of its text, as drawn."""
    width = float(SVG_SIZE.search(svg).group(1))
    sizes = [(t, float(s) * FONT_SCALE) for t, s in PATH_TEXT.findall(svg)]
    sizes += [("text", float(s)) for s in TEXT_FONT.findall(svg)]
    return width, sizes


def small_figure_text(figures: list[Path], placed_width_pt: float) -> dict[str, list[tuple[str, float]]]:
    """For each figure set at `placed_width_pt`, its text smaller than 7 pt at print size."""
    small = {}
    for path in figures:
        width, sizes = svg_text_sizes(path.read_text(encoding="utf-8"))
        scale = placed_width_pt / width
        found = sorted({(t, round(s * scale, 2)) for t, s in sizes if s * scale < MIN_FIGURE_TEXT_PT - 1e-9})
        if found:
            small[path.stem] = found
    return small


def placed_figure_width(path: Path) -> float:
    """The width at which the PDF sets its figures: that of their white background, the widest filled rectangle."""
    with pdfplumber.open(str(path)) as pdf:
        white = (1, (1,), (1, 1, 1))
        return max(r["width"] for p in pdf.pages for r in p.rects if r.get("non_stroking_color") in white)


# --- The synthetic report -------------------------------------------------------------------------------------


@pytest.mark.build
def test_the_pdf_opens_and_has_the_report_sections(built, text):
    reader = pypdf.PdfReader(str(built / "report.pdf"))
    assert len(reader.pages) >= 3
    assert reader.metadata.title == BUILT_REPORT["title"]
    assert reader.metadata.author == " & ".join(a["name"] for a in BUILT_REPORT["authors"])
    plain = text.replace("\u2019", "'")
    position = plain.find("1 Introduction", plain.find("Contents") + 200)  # past the contents
    for title in SECTIONS:
        position = plain.find(title, position)
        assert position != -1, title


@pytest.mark.build
def test_the_title_page_has_the_config_authors_and_the_build_date_and_version(built):
    first, second = page_texts(built / "report.pdf")[:2]
    expected = [BUILT_REPORT["title"], BUILT_REPORT["subtitle"], "Contents"]
    expected += [part for a in BUILT_REPORT["authors"] for part in (a["name"], a["affiliation"]) if part]
    for item in expected:
        assert item in first, item
    assert re.search(r"\d{4}-\d\d-\d\d · version \d+\.\d+\.\d+", first) and "unknown" not in first
    assert second.startswith("Abstract")  # the report starts on a new page


@pytest.mark.build
def test_the_contents_give_each_section_and_the_page_it_starts_on(built):
    pages = page_texts(built / "report.pdf")
    reader = pypdf.PdfReader(str(built / "report.pdf"))
    entries = re.findall(r"^(.*?) (?:\. ?){3,}(\d+)$", reader.pages[0].extract_text(), re.MULTILINE)
    bookmarks = [item for item in reader.outline if not isinstance(item, list)]
    assert len(entries) > len(bookmarks) >= 10  # the second level is listed too
    listed = {title.replace("\u2019", "'"): page for title, page in entries}
    for item in bookmarks:
        page = reader.get_destination_page_number(item) + 1
        title = item.title.replace("\u2019", "'")
        assert listed[title] == str(page), title
        assert title in pages[page - 1].replace("\u2019", "'")


def test_the_report_date_comes_from_the_build_never_unknown(tmp_path):
    project, package = tmp_path / "copy", tmp_path / "checkout"
    project.mkdir()
    assert release_epoch(project, {"SOURCE_DATE_EPOCH": "86400"}, package=package) == 86400
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        release_epoch(project, {}, package=package)
    # A copy outside git, run by the package of a checkout: the date of that checkout's commit.
    when = {"GIT_AUTHOR_DATE": "@172800 +0000", "GIT_COMMITTER_DATE": "@172800 +0000"}
    git = ["git", "-C", str(package), "-c", "user.name=A", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "init", "-q", str(package)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True, env={**os.environ, **when})
    assert release_epoch(project, {}, package=package) == 172800
    build = {"date": "2026-01-01", "version": "0.1.0", "commit": "0123456789abcdef"}
    fields = title_block(REPORT, build)
    assert fields["date"] == "2026-01-01 · version 0.1.0 (commit 0123456)"
    assert fields["authors"][1] == {"name": "Ben Writer", "affiliation": ""}


@pytest.mark.build
def test_the_pdf_quotes_the_numbers_of_the_results_and_tables(built, text):
    results = read_results(built / "results.json")
    s, c = results["structure"], results["clusters"]
    d, p = results["decomposition"], results["paper"]
    quoted = [
        number(d["whole_sample"]["total"], 2),
        number(d["whole_sample"]["within"], 2),
        f"The paper states {p['statements']} figures",
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
    build = results["build"]
    joined = re.sub(r"[\u200b\s]+", "", text)  # long codes may break anywhere, at zero-width spaces
    assert f"Itwasbuiltfromcommit{build['commit']}on{build['date']}" in joined


@pytest.mark.build
def test_figures_and_tables_are_numbered_in_order_in_every_format(built, text):
    captions = re.findall(r"Figure (\d+): ", text)
    assert captions == [str(i) for i in range(1, len(FIGURES) + 1)]
    tables = re.findall(r"Table (\d+): ", text)
    assert len(tables) >= 10 and tables == [str(i) for i in range(1, len(tables) + 1)]
    html = (built / "report.html").read_text(encoding="utf-8")
    assert re.findall(r"<figcaption>Figure\xa0(\d+):", html) == captions
    docx = zipfile.ZipFile(built / "report.docx").read("word/document.xml").decode("utf-8")
    assert re.findall(r'<w:t xml:space="preserve">Figure\xa0(\d+):', docx) == captions
    assert re.findall(r'<w:t xml:space="preserve">Table\xa0(\d+):', docx) == tables


@pytest.mark.build
def test_the_bibliography_lists_the_paper_the_sources_and_the_methods(built, text):
    references = text[text.rfind("References") :]
    references = references[: references.find("Appendix")]
    bib = BIBLIOGRAPHY.read_text(encoding="utf-8")
    entries = re.findall(r"@\w+\{(\w+),\s*author\s*=\s*\{\{?([^,}]+)", bib)
    assert len(entries) >= 20
    for key, family in entries:
        assert family.strip() in references, key
    for work in ("Insights into Regional Development", "World Development Indicators", "Econometrica"):
        assert work in references
    assert "(Chow 1960)" in text and "Newey and West 1987" in text  # citations in the prose, author-date


def test_cross_references_read_figure_n_and_link_to_it(tmp_path):
    (tmp_path / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
        '<rect width="100" height="50" fill="white"/></svg>',
        encoding="utf-8",
    )
    (tmp_path / "a.png").write_bytes(svg_to_png((tmp_path / "a.svg").read_bytes()))  # the Word file's copy
    nb = nbformat.v4.new_notebook()
    prose = (
        "# Part\n\nAs @fig-second shows, and [@fig-first; @tbl-only], with [-@fig-second] alone [@newey1987].\n\n"
        "![First](a.svg){#fig-first}\n\n![Second](a.svg){#fig-second}\n\n| a |\n|--|\n| 1 |\n\n"
        "Table: The only table {#tbl-only}\n"
    )
    nb.cells = [nbformat.v4.new_markdown_cell(prose)]
    nbformat.write(nb, str(tmp_path / "x.ipynb"))
    fields = {"title": "T", "subtitle": "", "authors": [{"name": "A", "affiliation": ""}], "date": "2026-01-01"}
    outputs = {fmt: tmp_path / f"x.{fmt}" for fmt in FORMATS}
    render_report(tmp_path / "x.ipynb", outputs, fields, BIBLIOGRAPHY, 1767225600)
    text = pdf_text(outputs["pdf"])
    assert "As Figure 2 shows, and Figure 1 and Table 1, with 2 alone (Newey and West 1987)." in text
    assert "Figure 1: First" in text and "Figure 2: Second" in text and "Table 1: The only table" in text
    html = outputs["html"].read_text(encoding="utf-8")
    assert '<a href="#fig-second" class="cross-ref">Figure\xa02</a>' in html and 'id="fig-second"' in html
    nb.cells[0].source = prose.replace("@fig-second shows", "@fig-third shows")
    nbformat.write(nb, str(tmp_path / "x.ipynb"))
    with pytest.raises(InputError, match="@fig-third"):
        render_report(tmp_path / "x.ipynb", outputs, fields, BIBLIOGRAPHY, 1767225600)


def test_the_report_notebook_has_a_references_section_for_the_bibliography():
    source = NOTEBOOK.read_text(encoding="utf-8")
    assert "# # References {.unnumbered}\n#\n# ::: {#refs}\n# :::" in source
    keys = set(re.findall(r"@(\w+)\b", source)) - {"fig", "tbl"}
    assert keys and keys <= set(re.findall(r"@\w+\{(\w+),", BIBLIOGRAPHY.read_text(encoding="utf-8")))


@pytest.mark.build
def test_no_text_runs_past_the_margins(built):
    assert margin_overruns(built / "report.pdf") == {}


@pytest.mark.build
def test_no_page_is_less_than_a_third_full_except_before_a_section(built):
    assert underfull_pages(built / "report.pdf") == {}


def test_the_print_checks_find_what_they_look_for(tmp_path):
    """A page with a line past the right margin and a nearly empty page before another page of text."""
    (tmp_path / "t.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="288pt" height="72pt" viewBox="0 0 288 72">'
        '<!-- Small -->\n<g style="fill: #333" transform="translate(1 2) scale(0.06 -0.06)"></g>'
        '<!-- Large -->\n<g transform="translate(1 2) scale(0.1 -0.1)"></g></svg>',
        encoding="utf-8",
    )
    assert svg_text_sizes((tmp_path / "t.svg").read_text()) == (288.0, [("Small", 6.0), ("Large", 10.0)])
    assert small_figure_text([tmp_path / "t.svg"], 288 * 1.25) == {}
    assert small_figure_text([tmp_path / "t.svg"], 288) == {"t": [("Small", 6.0)]}
    fields = {"title": "T", "subtitle": "", "authors": [{"name": "A", "affiliation": ""}], "date": "2026-01-01"}
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# One\n\nShort.\n\n```{=typst}\n#pagebreak()\n```\n\n# Two\n\n"
                                              "Text.\n\n```{=typst}\n#pagebreak()\n```\n\nStill two.\n\n"
                                              "```{=typst}\n#pagebreak()\n#box(width: 120%)[#lorem(40)]\n```\n")]  # fmt: skip
    nbformat.write(nb, str(tmp_path / "x.ipynb"))
    render_report(tmp_path / "x.ipynb", {"pdf": tmp_path / "x.pdf"}, fields, BIBLIOGRAPHY, 1767225600)
    # Pages: 1 title and contents, 2 "One" (before the start of "Two": allowed), 3 "Two", 4 "Still two" (short and
    # followed by more), 5 the wide paragraph and the references, 6 the rest of the references (the last page).
    assert list(underfull_pages(tmp_path / "x.pdf")) == [3, 4]
    overruns = margin_overruns(tmp_path / "x.pdf")
    assert list(overruns) == [5] and len(overruns[5]) > 10  # the ends of the lines past the right margin


@pytest.mark.build
def test_the_figures_are_set_at_the_text_width(built):
    source = typst_source_of(built)
    images = re.findall(r'image\("([^"]+)"(?:, width: ([\d.]+%))?\)', source)
    assert len(images) == len(FIGURES) and {w for _, w in images} == {"100.0%"}
    assert placed_figure_width(built / "report.pdf") == pytest.approx(TEXT_WIDTH_PT, abs=0.5)


def typst_source_of(reports: Path) -> str:
    """The Typst source the PDF was compiled from, made again from the executed notebook."""
    nb = nbformat.read(str(reports / "report.ipynb"), as_version=4)
    build = read_results(reports / "results.json")["build"]
    ast = cross_referenced(notebook_markdown(nb), reports, build["epoch"])
    return typst_source(ast, title_block(REPORT, build), reports, BIBLIOGRAPHY, build["epoch"])


@pytest.mark.build
def test_no_figure_text_is_under_7_pt_at_print_size(built):
    assert small_figure_text(sorted((built / "figures").glob("*.svg")), TEXT_WIDTH_PT) == {}


@pytest.mark.build
def test_the_html_stands_alone_with_the_code_hidden(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    assert f"<title>{BUILT_REPORT['title']}</title>" in html
    assert 'src="figures/' not in html and html.count('src="data:image/svg+xml') == len(FIGURES)
    assert "from emergence" not in html and "results_path" not in html
    assert "Growth and the structure of value added" in html
    assert 'id="TOC"' in html and '<h2 id="toc-title">Contents</h2>' in html
    assert html.count('<a href="#') > len(SECTIONS)
    first = BUILT_REPORT["authors"][0]
    assert f"{first['name']} ({first['affiliation']})" in html and re.search(r"\d{4}-\d\d-\d\d · version \d", html)


@pytest.mark.build
def test_the_word_file_has_the_figures_the_tables_and_the_references(built):
    with zipfile.ZipFile(built / "report.docx") as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        document = docx.read("word/document.xml").decode("utf-8")
        core = docx.read("docProps/core.xml").decode("utf-8")
    assert len(media) == len(FIGURES) and all(n.endswith(".png") for n in media)
    build = read_results(built / "results.json")["build"]
    assert BUILT_REPORT["title"] in core and f"{build['date']}T" in core  # the build's time, not the clock's
    for expected in (
        "Growth and the structure of value added",
        "Amraoui",
        "Insights into Regional Development",
        "Newey",
    ):
        assert expected in document, expected
    assert "<w:tbl>" in document


@pytest.mark.build
def test_the_abstract_is_short_and_the_key_findings_few(built):
    nb = nbformat.read(str(built / "report.ipynb"), as_version=4)
    prose = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    abstract = next(p for p in prose if p.startswith("# Abstract"))
    words = re.sub(r"\[-?@\w+\]", "(2019)", abstract.split("\n", 1)[1]).split()
    assert 100 <= len(words) <= 200
    findings = next(p for p in prose if p.startswith("# Key findings"))
    assert 5 <= len([line for line in findings.splitlines() if line.startswith("- **")]) <= 7
