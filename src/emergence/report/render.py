"""Turn the report notebook into the published report: executed, then self-contained HTML and a PDF, code hidden.

The notebook's prose cells and the Markdown its code cells display are joined into one Markdown document (code
and other outputs are left out); pandoc (from pypandoc-binary) renders it to HTML with every figure embedded,
and to Typst, which the typst package compiles to PDF. No TeX, no network.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat
import pypandoc
import typst

from emergence.errors import InputError
from emergence.io import atomic_path, write_bytes
from emergence.report.notebook import execute_notebook, notebook_parameters
from emergence.report.results_file import read_results

MARKDOWN_MIME = "text/markdown"
PANDOC_FROM = "markdown"
HTML_STYLE = """<style>
body { max-width: 52em; }
img { max-width: 100%; height: auto; }
figure { margin: 1.5em 0; }
table { border-collapse: collapse; margin: 1em auto; font-size: 0.9em; }
thead th { border-bottom: 1px solid #444; }
tbody tr:last-child td { border-bottom: 1px solid #444; }
th, td { padding: 0.2em 0.6em; }
</style>"""
# Tables may run over a page break, are set ragged without hyphens and, with captions, a size smaller.
TYPST_STYLE = (
    "#show figure.where(kind: table): set block(breakable: true)\n"
    "#show table: set text(size: 0.8em, hyphenate: false)\n"
    "#show table: set par(justify: false)\n"
    "#show figure.caption: set text(size: 0.9em)"
)


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


def _pandoc_args(metadata: Mapping[str, str]) -> list[str]:
    args = ["--standalone", "--number-sections", "--wrap=none"]
    for key, value in sorted(metadata.items()):
        args += ["--metadata", f"{key}={value}"]
    return args


def render_html(
    markdown: str, output: str | os.PathLike, resource_dir: str | os.PathLike, metadata: Mapping[str, str]
) -> None:
    """A single HTML file with figures and styles embedded, so it opens anywhere without its folder."""
    args = [
        *_pandoc_args(metadata),
        "--embed-resources",
        f"--resource-path={resource_dir}",
        "--toc",
        "--variable",
        f"header-includes={HTML_STYLE}",
    ]
    with atomic_path(output) as tmp:
        pypandoc.convert_text(
            markdown,
            "html5",
            format=PANDOC_FROM,
            extra_args=args,
            outputfile=str(tmp.resolve()),
            cworkdir=str(resource_dir),
        )


def typst_source(markdown: str, metadata: Mapping[str, str]) -> str:
    return pypandoc.convert_text(
        markdown,
        "typst",
        format=PANDOC_FROM,
        extra_args=[
            *_pandoc_args(metadata),
            "--variable",
            "papersize=a4",
            "--variable",
            f"header-includes={TYPST_STYLE}",
        ],
    )


def render_pdf(
    markdown: str,
    output: str | os.PathLike,
    resource_dir: str | os.PathLike,
    metadata: Mapping[str, str],
    epoch: int | None,
) -> None:
    """Compile the report to PDF with Typst; the document date is the build's, never the current time."""
    source = typst_source(markdown, metadata)
    pdf = typst.compile(source.encode("utf-8"), root=str(resource_dir), timestamp=epoch if epoch is not None else 0)
    write_bytes(output, pdf)


def render_report(
    notebook: str | os.PathLike,
    html: str | os.PathLike,
    pdf: str | os.PathLike,
    metadata: Mapping[str, str],
    epoch: int | None,
) -> str:
    """Render the executed `notebook` to `html` and `pdf`; figure paths resolve from the notebook's folder."""
    nb = nbformat.read(str(notebook), as_version=4)
    markdown = notebook_markdown(nb)
    resource_dir = Path(notebook).resolve().parent
    render_html(markdown, html, resource_dir, metadata)
    render_pdf(markdown, pdf, resource_dir, metadata, epoch)
    return markdown


def render_report_files(
    notebook: str | os.PathLike,
    results: str | os.PathLike,
    html: str | os.PathLike,
    pdf: str | os.PathLike,
    title: str,
) -> str:
    """render_report with the title from the config and the build date (and PDF timestamp) from the results."""
    build = read_results(results)["build"]
    return render_report(notebook, html, pdf, {"title": title, "date": build["date"]}, build["epoch"])


def publish_report(
    source: str | os.PathLike,
    executed: str | os.PathLike,
    *,
    results: str | os.PathLike,
    figures: Sequence[str | os.PathLike],
    tables: Sequence[str | os.PathLike],
    html: str | os.PathLike,
    pdf: str | os.PathLike,
    kernel: str,
    timeout: int,
    title: str,
) -> str:
    """Execute the notebook `source` into `executed` with its inputs (results file, figures, tables), then render
    it to `html` and `pdf`. One job, not two: rendering always follows execution, and a job of its own would add
    a process start at the very end of every build."""
    execute_notebook(source, executed, notebook_parameters(executed, results, figures, tables), kernel, timeout)
    return render_report_files(executed, results, html, pdf, title)
