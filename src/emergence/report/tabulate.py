"""A report table defined once and written four ways: CSV (exact values), Markdown, LaTeX booktabs and HTML; and
all of them in one Excel workbook, for readers who take the numbers further in a spreadsheet."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.io import table_to_csv
from emergence.settings import ViewSettings
from emergence.tables import Column, TableSchema
from emergence.views.labels import number
from emergence.workbook import write_workbook

FORMATS = ("csv", "md", "tex", "html")
WORKBOOK = "report_tables.xlsx"  # every report table, one sheet each, beside the tables' own files
SHEET_NAME_MAX = 31  # Excel's limit
MAX_DASHES = 24  # the widest share a Markdown column may claim, in characters
ROW = "row"  # the CSV's key: the row's position in the published table
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: what it is called, what it reads and how its rows are built.

    build(inputs, settings) returns the table as published: rows in order, label columns as text, value
    columns as numbers (printed with `decimals`, whole-number columns without decimals).
    """

    name: str
    title: str
    inputs: tuple[str, ...]
    build: Callable[[Mapping[str, pd.DataFrame], ViewSettings], pd.DataFrame]
    source: str
    note: str = ""
    decimals: int = 1
    # Per column: a count of decimals, or None for "whole numbers without decimals, others with `decimals`".
    column_decimals: Mapping[str, int | None] = field(default_factory=dict)


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_whole(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series)


def _places(value: float, series: pd.Series, name: str, table: ReportTable) -> int:
    if _is_whole(series):
        return 0
    if name in table.column_decimals:
        places = table.column_decimals[name]
        if places is not None:
            return places
        return 0 if float(value).is_integer() else table.decimals
    return table.decimals


def cells(df: pd.DataFrame, table: ReportTable) -> list[list[str]]:
    """Every cell as printed: numbers with the report's number format, text as is, missing as n/a."""
    columns = []
    for name in df.columns:
        series = df[name]
        if _is_number(series):
            columns.append(
                [number(None, 0) if pd.isna(v) else number(float(v), _places(v, series, name, table)) for v in series]
            )
        else:
            columns.append(["" if pd.isna(v) else str(v) for v in series])
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _footer(table: ReportTable) -> list[tuple[str, str]]:
    return [("Source", table.source)] + ([("Note", table.note)] if table.note else [])


def _column_weight(texts: list[str]) -> int:
    """A column's share of a wide table: its longest cell, capped, but never less than its longest word."""
    longest_word = max((len(word) for text in texts for word in text.split()), default=0)
    return max(3, longest_word + 1, min(MAX_DASHES, max(len(t) for t in texts)))


def to_markdown(df: pd.DataFrame, table: ReportTable) -> str:
    """A pipe table with a pandoc caption line (numbered and cross-referenced as tbl-<name>).

    The dashes under each head are as many as the column's longest cell (capped), because pandoc sizes the
    columns of a wide table in proportion to them.
    """

    def escape(text: str) -> str:
        return text.replace("|", "\\|")

    rows = cells(df, table)
    header = "| " + " | ".join(escape(str(c)) for c in df.columns) + " |"
    widths = [_column_weight([str(c), *(r[i] for r in rows)]) for i, c in enumerate(df.columns)]
    rule = (
        "|"
        + "|".join(
            ("-" * (w - 1) + ":") if _is_number(df[c]) else (":" + "-" * (w - 1))
            for c, w in zip(df.columns, widths, strict=True)
        )
        + "|"
    )
    body = ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    footer = " ".join(f"*{label}:* {text.rstrip('.')}." for label, text in _footer(table))
    return "\n".join([header, rule, *body, "", f"Table: {table.title} {{#tbl-{table.name}}}", "", footer, ""])


def to_latex(df: pd.DataFrame, table: ReportTable) -> str:
    """A booktabs table float with caption, label and a footnote-size source line."""

    def escape(text: str) -> str:
        return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)

    spec = "".join("r" if _is_number(df[c]) else "l" for c in df.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{escape(table.title)}}}",
        rf"\label{{tab:{table.name}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(escape(str(c)) for c in df.columns) + r" \\",
        r"\midrule",
        *(" & ".join(escape(c) for c in row) + r" \\" for row in cells(df, table)),
        r"\bottomrule",
        r"\end{tabular}",
        *(rf"\par\smallskip{{\footnotesize\textit{{{label}:}} {escape(text)}}}" for label, text in _footer(table)),
        r"\end{table}",
        "",
    ]
    return "\n".join(lines)


def to_html(df: pd.DataFrame, table: ReportTable) -> str:
    """An HTML table fragment with caption and a source paragraph, numbers right-aligned."""
    align = ["right" if _is_number(df[c]) else "left" for c in df.columns]
    head = "".join(
        f'<th style="text-align:{a}">{html.escape(str(c))}</th>' for c, a in zip(df.columns, align, strict=True)
    )
    rows = [
        "<tr>"
        + "".join(f'<td style="text-align:{a}">{html.escape(v)}</td>' for v, a in zip(row, align, strict=True))
        + "</tr>"
        for row in cells(df, table)
    ]
    footer = "".join(
        f'<p class="table-note"><em>{label}:</em> {html.escape(text)}</p>' for label, text in _footer(table)
    )
    return "\n".join(
        [
            f'<table class="report-table" id="tbl-{table.name}">',
            f"<caption>{html.escape(table.title)}</caption>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            footer,
            "",
        ]
    )


def csv_schema(df: pd.DataFrame, table: ReportTable) -> TableSchema:
    """The CSV's schema: the row position as key, then the published columns with their kinds."""
    columns = [Column(ROW, "int", min=1)]
    for name in df.columns:
        series = df[name]
        kind = ("int" if _is_whole(series) else "float") if _is_number(series) else "str"
        columns.append(Column(str(name), kind, nullable=bool(series.isna().any())))
    return TableSchema(name=f"report_{table.name}", columns=tuple(columns), key=(ROW,))


def report_table_files(
    table: ReportTable, inputs: Mapping[str, pd.DataFrame], settings: ViewSettings, outdir: str | os.PathLike
) -> dict[Path, bytes]:
    """`table` built once and validated, as the bytes of outdir/<name>.csv, .md, .tex and .html, not yet written
    (a job writes its files once all of them are made)."""
    missing = [name for name in table.inputs if name not in inputs]
    if missing:
        raise InputError(f"report table {table.name}", "inputs", f"tables {list(table.inputs)}", f"missing {missing}")
    df = table.build({name: inputs[name] for name in table.inputs}, settings).reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    if df.empty:
        raise InputError(f"report table {table.name}", "rows", "at least one row built from its inputs", "none")
    stem = Path(outdir) / table.name
    csv = stem.with_suffix(".csv")
    rows = csv_schema(df, table).validate(df.assign(**{ROW: range(1, len(df) + 1)}), where=str(csv))
    texts = {
        "csv": table_to_csv(rows),
        "md": to_markdown(df, table),
        "tex": to_latex(df, table),
        "html": to_html(df, table),
    }
    return {stem.with_suffix(f".{fmt}"): texts[fmt].encode("utf-8") for fmt in FORMATS}


def tables_workbook(tables: Sequence[ReportTable], csv: Callable[[str], pd.DataFrame]) -> bytes:
    """A contents sheet, then each table's exact values (its CSV, as `csv` reads it by name) under its title,
    with its source and note; fixed workbook properties, so the same tables give the same bytes."""
    contents: list[tuple] = [("sheet", "table", "title", "source")]
    sheets = []
    for table in tables:
        sheet = table.name[:SHEET_NAME_MAX]
        if any(sheet == name for name, _ in sheets):
            raise InputError(
                f"report table {table.name}", "name", f"a name unique in its first {SHEET_NAME_MAX} letters"
            )
        df = csv(table.name).drop(columns=ROW)
        body = [tuple(None if pd.isna(v) else v for v in row) for row in df.itertuples(index=False)]
        footer = [(f"{label}: {text}",) for label, text in _footer(table)]
        sheets.append((sheet, [(table.title,), (), tuple(df.columns), *body, (), *footer]))
        contents.append((sheet, table.name, table.title, table.source))
    return write_workbook([("contents", contents), *sheets])
