"""Turn the report notebook into the published report: executed, then self-contained HTML, a PDF and a Word file.

The notebook's prose cells and the Markdown its code cells display are joined into one Markdown document (code
and other outputs are left out) under a title block from the config and the build. Pandoc (from pypandoc-binary)
parses it once; figures and tables are numbered and `@fig-name` / `@tbl-name` references replaced by "Figure N" /
"Table N" here, so the three formats carry the same numbers; pandoc's citeproc then renders the citations and the
bibliography, into HTML with every figure embedded, into Word, and into Typst, which the typst package compiles to
PDF. No TeX, no network, no clock: every date is the build's.

The HTML alone says where things come from: each quoted number is a span whose tooltip names its results key, the
tables, rules and raw files behind it (emergence.report.templates; the other formats keep only the number), and
each figure and table has a caption line naming the rule and script that made it (emergence.report.lineage).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from emergence.errors import InputError
from emergence.io import atomic_path, atomic_paths, write_bytes, write_text
from emergence.report.lineage import artefact_captions, number_origins
from emergence.report.notebook import execute_notebook, notebook_parameters
from emergence.report.results_file import read_results
from emergence.report.templates import fill_notebook

MARKDOWN_MIME = "text/markdown"
PANDOC_FROM = "markdown"
# What a cross-reference's label starts with, and the word its number follows.
FLOAT_KINDS = {"fig-": "Figure", "tbl-": "Table"}
FLOAT_BLOCKS = {"Figure": "fig-", "Table": "tbl-"}
TOC_DEPTH = 2
# Read so that no table row counts as long: pandoc then sets no column widths, and each format sizes the columns
# to their content (a fixed share of the width let a date or a checksum run out of its column).
SOURCE_COLUMNS = 100_000
# The printed page: A4 with 2.5 cm margins, so a figure set at the full text width is 16 cm wide.
PAPER = "a4"
PAPER_WIDTH_PT = 595.28
PAPER_HEIGHT_PT = 841.89
MARGIN_CM = 2.5
MARGIN_PT = MARGIN_CM / 2.54 * 72
TEXT_WIDTH_PT = PAPER_WIDTH_PT - 2 * MARGIN_PT
FIGURE_WIDTH = "100%"  # of the text width, in every format
HTML_STYLE = """<style>
body { max-width: 52em; }
img { max-width: 100%; height: auto; }
figure { margin: 1.5em 0; }
figcaption { font-size: 0.9em; }
table { border-collapse: collapse; margin: 1em auto; font-size: 0.9em; display: block; max-width: 100%;
  overflow-x: auto; }
thead th { border-bottom: 1px solid #444; }
tbody tr:last-child td { border-bottom: 1px solid #444; }
th, td { padding: 0.2em 0.6em; }
td, th, p, li, a, code { overflow-wrap: anywhere; }
span.num { border-bottom: 1px dotted #888; cursor: help; }
.made-by { color: #555; font-size: 0.9em; }
#refs > div { margin-bottom: 0.5em; padding-left: 2em; text-indent: -2em; }
</style>"""
# Figures float to the top or bottom of a page (so a figure that does not fit leaves no half-empty page behind);
# numbers are written into the captions, not by Typst; tables may run over a page break, their caption kept with
# their first rows (alone at the foot of a page it was an orphan, and split the PDF's tags of the table); tables
# are set ragged without hyphens and, with captions, a size smaller; a checksum may break anywhere and no
# punctuation hangs into the margin.
TYPST_STYLE = (
    '#show regex("[0-9a-f]{24,}"): it => it.text.clusters().join(sym.zws)\n'
    "#set text(overhang: false)\n"
    "#set figure(numbering: none)\n"
    "#show figure.where(kind: image): set figure(placement: auto)\n"
    "#show figure.where(kind: table): set block(breakable: true)\n"
    "#show figure.where(kind: table): it => block(breakable: true, width: 100%, {\n"
    "  block(sticky: true, it.caption)\n"
    "  it.body\n"
    "})\n"
    "#show table: set text(size: 0.8em, hyphenate: false)\n"
    "#show table: set par(justify: false)\n"
    "#show figure.caption: set text(size: 0.9em)\n"
    "#show figure.caption: set par(justify: false)\n"
    '#show link: set text(fill: rgb("#1f4e99"))'
)
# Below the title block and the contents, the first section starts a page.
TYPST_AFTER_CONTENTS = {"t": "RawBlock", "c": ["typst", "#pagebreak(weak: true)"]}


def notebook_markdown(nb: nbformat.NotebookNode) -> str:
    """The report as Markdown: prose cells as written, code cells replaced by the Markdown they displayed."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise InputError("executed notebook", f"cell {cell.get('id')}", "no error", output.get("ename"))
                data = output.get("data", {})
                if MARKDOWN_MIME in data:
                    parts.append(data[MARKDOWN_MIME])
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def title_block(report: Mapping, build: Mapping) -> dict:
    """The title page's fields: title, subtitle and authors from the config; the date, package version and commit
    from the build (so a rebuild of the same commit carries the same date)."""
    line = f"{build['date']} · version {build['version']}"
    if build.get("commit") and build["commit"] != "unknown":
        line += f" (commit {build['commit'][:7]})"
    return {
        "title": report["title"],
        "subtitle": report.get("subtitle", ""),
        "authors": [{"name": a["name"], "affiliation": a.get("affiliation", "")} for a in report["authors"]],
        "date": line,
    }


def _pandoc(args: Sequence[str], source: bytes, cwd: str | os.PathLike, epoch: int) -> bytes:
    """Run pandoc; its warnings (a missing image, an unknown citation) stop the build. SOURCE_DATE_EPOCH fixes the
    times pandoc writes into a Word file."""
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--fail-if-warnings", *args],
        input=source,
        capture_output=True,
        cwd=str(cwd),
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
        check=False,
    )
    if done.returncode != 0:
        raise InputError("report", f"pandoc {' '.join(args[:4])}", "a clean run", done.stderr.decode(errors="replace"))
    return done.stdout


def _walk(node: object, visit: Callable[[dict], None]) -> None:
    """Visit every element of a pandoc AST (dicts with a "t"), in document order."""
    if isinstance(node, dict):
        if "t" in node:
            visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _caption_plain(caption: list) -> list | None:
    """The inlines of a caption's first paragraph (a caption is [short caption, blocks])."""
    blocks = caption[1]
    return blocks[0]["c"] if blocks and blocks[0]["t"] in ("Plain", "Para") else None


def number_floats(ast: dict) -> dict[str, str]:
    """Number the figures and the captioned tables in document order, each kind on its own, write "Figure N:" /
    "Table N:" before each caption, and return the reference text of each labelled one ("fig-x" -> "Figure 3")."""
    counts = dict.fromkeys(FLOAT_KINDS, 0)
    labels: dict[str, str] = {}

    def visit(node: dict) -> None:
        prefix = FLOAT_BLOCKS.get(node["t"])
        if prefix is None:
            return
        attr, caption = node["c"][0], node["c"][1]
        inlines = _caption_plain(caption)
        if inlines is None:
            return
        counts[prefix] += 1
        text = f"{FLOAT_KINDS[prefix]}\u00a0{counts[prefix]}"
        inlines[:0] = [{"t": "Str", "c": f"{text}:"}, {"t": "Space"}]
        label = attr[0]
        if not label:
            return
        if not label.startswith(prefix):
            raise InputError("report", f"label {label}", f"a {node['t'].lower()} label starting '{prefix}'", label)
        if label in labels:
            raise InputError("report", f"label {label}", "each figure and table labelled once", "twice")
        labels[label] = text

    _walk(ast["blocks"], visit)
    return labels


def resolve_references(ast: dict, labels: Mapping[str, str]) -> None:
    """Replace each citation of figure or table labels by links reading "Figure N" ("N" alone for `[-@fig-x]`);
    other citations are left to citeproc. A reference to a label that no figure or table carries stops the build."""

    def is_float(key: str) -> bool:
        return key.startswith(tuple(FLOAT_KINDS))

    def link(citation: dict) -> dict:
        key = citation["citationId"]
        if key not in labels:
            raise InputError("report", f"reference @{key}", "a figure or table with this label", "none")
        text = labels[key]
        if citation["citationMode"]["t"] == "SuppressAuthor":
            text = text.split("\u00a0")[1]
        return {"t": "Link", "c": [["", ["cross-ref"], []], [{"t": "Str", "c": text}], [f"#{key}", ""]]}

    def rewrite(inlines: list) -> None:
        for i, node in enumerate(inlines):
            if not (isinstance(node, dict) and node.get("t") == "Cite"):
                continue
            citations = node["c"][0]
            keys = [c["citationId"] for c in citations]
            if not any(map(is_float, keys)):
                continue
            if not all(map(is_float, keys)):
                raise InputError("report", f"citation {keys}", "figure and table references apart from works", keys)
            parts: list = []
            for j, citation in enumerate(citations):
                if j:
                    parts += [{"t": "Str", "c": "," if j < len(citations) - 1 else " and"}, {"t": "Space"}]
                parts.append(link(citation))
            inlines[i] = {"t": "Span", "c": [["", [], []], parts]}

    def visit(node: dict) -> None:
        content = node.get("c")
        lists = [content, *content] if isinstance(content, list) else []
        for part in lists:
            if isinstance(part, list) and any(isinstance(x, dict) and x.get("t") == "Cite" for x in part):
                rewrite(part)

    _walk(ast["blocks"], visit)


def cross_referenced(markdown: str, cwd: str | os.PathLike, epoch: int) -> dict:
    """The report's pandoc AST with figures and tables numbered and references to them resolved."""
    args = ["--from", PANDOC_FROM, "--to", "json", f"--columns={SOURCE_COLUMNS}"]
    ast = json.loads(_pandoc(args, markdown.encode("utf-8"), cwd, epoch))
    resolve_references(ast, number_floats(ast))
    _walk(ast["blocks"], _full_width_images)
    return ast


def _full_width_images(node: dict) -> None:
    """Every figure is set at the full text width, in every format (the width the font-size check assumes)."""
    if node["t"] == "Figure":
        _walk(node["c"][2], _set_width)


def _set_width(node: dict) -> None:
    if node["t"] == "Image":
        attrs = [kv for kv in node["c"][0][2] if kv[0] != "width"]
        node["c"][0][2] = [*attrs, ["width", FIGURE_WIDTH]]


def _metadata(fields: Mapping, fmt: str, bibliography: str | os.PathLike, cwd: str | os.PathLike, epoch: int) -> dict:
    """The document's metadata in pandoc's AST, per format: Typst's template takes authors with affiliations,
    HTML's and Word's take one line per author."""
    authors = [
        {"name": a["name"], "affiliation": a["affiliation"], "email": ""}
        if fmt == "typst"
        else a["name"] + (f" ({a['affiliation']})" if a["affiliation"] else "")
        for a in fields["authors"]
    ]
    meta = {
        "title": fields["title"],
        "author": authors,
        "date": fields["date"],
        # Relative, as Word keeps it among the file's properties: the same in every clone.
        "bibliography": Path(os.path.relpath(Path(bibliography).resolve(), Path(cwd).resolve())).as_posix(),
        "nocite": "@*",
        "link-citations": True,
        "lang": "en-GB",
        "toc-title": "Contents",
    }
    if fields["subtitle"]:
        meta["subtitle"] = fields["subtitle"]
    if fmt == "typst":
        meta["margin"] = {"x": f"{MARGIN_CM}cm", "y": f"{MARGIN_CM}cm"}
    header = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"
    return json.loads(_pandoc(["--from", PANDOC_FROM, "--to", "json"], header.encode("utf-8"), cwd, epoch))["meta"]


def _document(ast: dict, meta: dict, first: Sequence[dict] = ()) -> bytes:
    doc = copy.deepcopy(ast)
    doc["meta"] = meta
    doc["blocks"][:0] = list(first)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


MADE_BY_CLASS = "made-by"


def with_captions(ast: dict, captions: Mapping[str | None, str]) -> dict:
    """A copy of `ast` whose labelled figures and tables end their caption with a line saying what made them
    (`captions` by label; the line under None for those no entry names, the notebook's own tables)."""
    doc = copy.deepcopy(ast)

    def visit(node: dict) -> None:
        if node["t"] not in FLOAT_BLOCKS:
            return
        label, inlines = node["c"][0][0], _caption_plain(node["c"][1])
        text = captions.get(label, captions.get(None))
        if not label or inlines is None or text is None:
            return
        words = [part for word in text.split() for part in ({"t": "Space"}, {"t": "Str", "c": word})][1:]
        inlines += [{"t": "LineBreak"}, {"t": "Span", "c": [["", [MADE_BY_CLASS], []], words]}]

    _walk(doc["blocks"], visit)
    return doc


COMMON_ARGS = ("--from", "json", "--standalone", "--number-sections", "--wrap=none", "--citeproc")


def render_html(
    ast: dict,
    fields: Mapping,
    output: str | os.PathLike,
    cwd: str | os.PathLike,
    bib: str | os.PathLike,
    epoch: int,
    captions: Mapping[str | None, str] | None = None,
) -> None:
    """A single HTML file with figures and styles embedded, so it opens anywhere without its folder; with
    `captions`, each figure and table says what made it."""
    ast = with_captions(ast, captions) if captions else ast
    args = [
        *COMMON_ARGS,
        "--to",
        "html5",
        "--embed-resources",
        f"--resource-path={cwd}",
        "--toc",
        f"--toc-depth={TOC_DEPTH}",
        "--variable",
        f"header-includes={HTML_STYLE}",
    ]
    write_bytes(output, _pandoc(args, _document(ast, _metadata(fields, "html", bib, cwd, epoch)), cwd, epoch))


def with_rasters(ast: dict) -> dict:
    """A copy of `ast` whose SVG figures are their PNG copies beside them (emergence.figures.raster), as Word needs
    a raster picture; a missing copy stops pandoc with its path."""
    doc = copy.deepcopy(ast)

    def visit(node: dict) -> None:
        if node["t"] == "Image" and node["c"][2][0].endswith(".svg"):
            node["c"][2][0] = Path(node["c"][2][0]).with_suffix(".png").as_posix()

    _walk(doc["blocks"], visit)
    return doc


def render_docx(
    ast: dict, fields: Mapping, output: str | os.PathLike, cwd: str | os.PathLike, bib: str | os.PathLike, epoch: int
) -> None:
    """A Word file for co-authors who edit there, figures (PNG) and bibliography included; the times pandoc writes
    into it are the build's, so a rebuild gives the same bytes."""
    with atomic_path(output) as tmp:
        args = [*COMMON_ARGS, "--to", "docx", f"--resource-path={cwd}", "--output", str(tmp.resolve())]
        _pandoc(args, _document(with_rasters(ast), _metadata(fields, "docx", bib, cwd, epoch)), cwd, epoch)


def typst_source(ast: dict, fields: Mapping, cwd: str | os.PathLike, bib: str | os.PathLike, epoch: int) -> str:
    """The report in Typst: A4, a title block with the contents below it, then the sections from a new page."""
    meta = _metadata(fields, "typst", bib, cwd, epoch)
    args = [
        *COMMON_ARGS,
        "--to",
        "typst",
        "--toc",
        f"--toc-depth={TOC_DEPTH}",
        "--variable",
        f"papersize={PAPER}",
        "--variable",
        "page-numbering=1",
        "--variable",
        f"header-includes={TYPST_STYLE}",
    ]
    return _pandoc(args, _document(ast, meta, [TYPST_AFTER_CONTENTS]), cwd, epoch).decode("utf-8")


def render_pdf(
    ast: dict, fields: Mapping, output: str | os.PathLike, cwd: str | os.PathLike, bib: str | os.PathLike, epoch: int
) -> None:
    """Compile the report to PDF with Typst; the document date is the build's, never the current time."""
    source = typst_source(ast, fields, cwd, bib, epoch)
    write_bytes(output, typst.compile(source.encode("utf-8"), root=str(cwd), timestamp=epoch))


def render_report(
    notebook: str | os.PathLike,
    outputs: Mapping[str, str | os.PathLike],
    fields: Mapping,
    bibliography: str | os.PathLike,
    epoch: int,
    captions: Mapping[str | None, str] | None = None,
    nb: nbformat.NotebookNode | None = None,
) -> str:
    """Render the executed `notebook` to the `outputs` by format (html, pdf, docx); figure paths resolve from the
    notebook's folder; `captions`: the HTML's line under each figure and table (with_captions); `nb`: the notebook
    to render in place of the file's (its prose marked with the numbers' origins). Returns the report's Markdown."""
    nb = nb if nb is not None else nbformat.read(str(notebook), as_version=4)
    markdown = notebook_markdown(nb)
    cwd = Path(notebook).resolve().parent
    ast = cross_referenced(markdown, cwd, epoch)
    renderers = {"html": partial(render_html, captions=captions), "pdf": render_pdf, "docx": render_docx}
    # The formats at once: each waits mostly on a pandoc process of its own, so they overlap on a second core.
    with atomic_paths(list(outputs.values())) as tmps, ThreadPoolExecutor(len(outputs)) as pool:
        runs = [
            pool.submit(renderers[fmt], ast, fields, tmp, cwd, bibliography, epoch)
            for fmt, tmp in zip(outputs, tmps, strict=True)
        ]
        for run in runs:  # every format, or none if one fails
            run.result()
    return markdown


def render_report_files(
    notebook: str | os.PathLike,
    results: str | os.PathLike,
    outputs: Mapping[str, str | os.PathLike],
    report: Mapping,
    bibliography: str | os.PathLike,
    captions: Mapping[str | None, str] | None = None,
    nb: nbformat.NotebookNode | None = None,
) -> str:
    """render_report with the title page from the config's `report` block and the build (date, version, commit,
    and the PDF's timestamp) from the results."""
    build = read_results(results)["build"]
    fields = title_block(report, build)
    return render_report(notebook, outputs, fields, bibliography, build["epoch"], captions, nb)


def publish_report(
    source: str | os.PathLike,
    executed: str | os.PathLike,
    *,
    results: str | os.PathLike,
    figures: Sequence[str | os.PathLike],
    tables: Sequence[str | os.PathLike],
    bibliography: str | os.PathLike,
    outputs: Mapping[str, str | os.PathLike],
    report: Mapping,
    rules: Sequence[Mapping],
    manifests: Sequence[str | os.PathLike],
    kernel: str,
    timeout: int,
) -> str:
    """Execute the notebook `source` into `executed` with its inputs (results file, figures, tables), fill its prose
    templates from the results, then render it to the `outputs` with each number marked with its origin (the
    executed notebook keeps the plain prose). `rules`: the workflow's rules ({rule, script, outputs, inputs}) and
    `manifests`, the snapshots', to trace numbers, figures and tables to. One job, not two: rendering always
    follows execution, and a job of its own would add a process start at the very end of every build."""
    with atomic_path(executed) as notebook:  # beside `executed`, so relative paths hold; kept if every render is
        execute_notebook(source, notebook, notebook_parameters(executed, results, figures, tables), kernel, timeout)
        origins = number_origins(rules, manifests)
        nb, values = nbformat.read(str(notebook), as_version=4), read_results(results)
        marked = fill_notebook(nb, values, origins)
        write_text(notebook, nbformat.writes(fill_notebook(nb, values)))
        captions = artefact_captions(rules)
        return render_report_files(notebook, results, outputs, report, bibliography, captions, marked)
