"""Outputs only when valid: every job writes its files together once all of them are made and checked, so a job
that fails after computing its result leaves no output and no temporary file behind."""

from __future__ import annotations

import io
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_figures import STYLE, synthetic_settings, synthetic_tables

from emergence import manifest
from emergence.claims.clusters import CLUSTER_SCHEMAS
from emergence.claims.stage import write_clusters
from emergence.clean import write_paper_tables
from emergence.errors import InputError
from emergence.figures.common import ReportFigure
from emergence.figures.draw import draw_family
from emergence.io import atomic_paths, read_table, write_all, write_files
from emergence.paper import PAPER_SCHEMAS
from emergence.registry import figures_of
from emergence.report import build, render, tabulate
from emergence.report.catalog import tables_for
from emergence.tables import Column, TableSchema

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PAPER = RAW / "paper"
SCHEMA = TableSchema("numbers", (Column("key", "str"), Column("value", "float", min=0)), key=("key",))
GOOD = pd.DataFrame({"key": ["b", "a"], "value": [2.0, 1.0]})
BAD = pd.DataFrame({"key": ["a"], "value": [-1.0]})


class Refused(Exception):
    """The failure a test injects once a job has computed its result."""


def left_in(folder: Path) -> list[str]:
    """Every file under `folder`, temporaries (dot files) included."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def fail_on_call(monkeypatch, owner, name: str, call: int = 1) -> None:
    """Make owner.name raise Refused on its `call`-th call (earlier calls run as usual)."""
    original, calls = getattr(owner, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise Refused(f"{name} refused on call {call}")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def refuse(*args, **kwargs):
    raise Refused("the step after the result was computed")


def refuse_table(monkeypatch, path: Path) -> None:
    """Make the schema check of the table written to `path` fail, as a bad value would."""
    validate = TableSchema.validate

    def checked(schema, df, where):
        if where == str(path):
            raise Refused(f"{where}: the write-time check")
        return validate(schema, df, where)

    monkeypatch.setattr(TableSchema, "validate", checked)


# --- the writers -------------------------------------------------------------------------------------------------


def test_files_written_together_are_renamed_only_when_the_block_succeeds(tmp_path):
    targets = [tmp_path / "a.csv", tmp_path / "sub" / "b.svg"]
    with pytest.raises(Refused), atomic_paths(targets) as tmps:
        for tmp in tmps:
            tmp.write_bytes(b"made")
        raise Refused("a check after both files were made")
    assert left_in(tmp_path) == []
    with atomic_paths(targets) as tmps:
        assert [t.parent for t in tmps] == [t.parent for t in targets] and all(t.name.startswith(".") for t in tmps)
        for tmp, text in zip(tmps, (b"a", b"b"), strict=True):
            tmp.write_bytes(text)
    assert [t.read_bytes() for t in targets] == [b"a", b"b"] and left_in(tmp_path) == ["a.csv", "sub/b.svg"]


def test_temporaries_a_killed_writer_left_are_removed(tmp_path):
    stale = tmp_path / ".a.csv.tmp4242.csv"
    stale.write_bytes(b"half")
    write_files({tmp_path / "a.csv": b"whole"})
    assert left_in(tmp_path) == ["a.csv"]


def test_a_bad_last_table_leaves_none_of_the_jobs_tables(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    with pytest.raises(InputError) as caught:
        write_all({first: (GOOD, SCHEMA), second: (BAD, SCHEMA)})
    assert caught.value.where == str(second) and "a value >= 0" in str(caught.value)
    assert left_in(tmp_path) == []
    checked = write_all({first: (GOOD, SCHEMA)}, {second: b"beside it"})
    assert list(checked[first]["key"]) == ["a", "b"]  # validated: sorted by the key
    assert first.read_text() == "key,value\na,1\nb,2\n" and second.read_bytes() == b"beside it"


def test_read_table_reads_the_bytes_of_a_table_not_yet_written(tmp_path):
    write_all({tmp_path / "t.csv": (GOOD, SCHEMA)})
    data = (tmp_path / "t.csv").read_bytes()
    assert read_table(io.BytesIO(data), SCHEMA).equals(read_table(tmp_path / "t.csv", SCHEMA))


# --- each kind of job, failing once its result is computed -------------------------------------------------------


def test_a_tables_job_whose_last_table_fails_on_write_leaves_no_table(monkeypatch, tmp_path):
    outputs = {name: tmp_path / f"{name}.csv" for name in PAPER_SCHEMAS}
    with monkeypatch.context() as patch:
        refuse_table(patch, outputs["cluster_companies"])
        with pytest.raises(Refused):
            write_paper_tables(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml", outputs)
    assert left_in(tmp_path) == []
    write_paper_tables(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml", outputs)
    assert left_in(tmp_path) == ["cluster_companies.csv", "clusters.csv"]


def test_a_claims_job_whose_last_table_fails_on_write_leaves_no_table(monkeypatch, tmp_path):
    inputs = {name: tmp_path / "paper" / f"{name}.csv" for name in PAPER_SCHEMAS}
    write_paper_tables(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml", inputs)
    outputs = {name: tmp_path / "claims" / f"{name}.csv" for name in CLUSTER_SCHEMAS}
    refuse_table(monkeypatch, list(outputs.values())[-1])
    with pytest.raises(Refused):
        write_clusters(inputs["clusters"], inputs["cluster_companies"], outputs)
    assert left_in(tmp_path / "claims") == []


def test_a_figures_job_whose_second_figure_fails_leaves_no_figure(monkeypatch, tmp_path):
    assert len(figures_of("sectors")) >= 2
    fail_on_call(monkeypatch, ReportFigure, "finish", call=2)
    with pytest.raises(Refused):
        draw_family("sectors", synthetic_tables(), synthetic_settings(), tmp_path, ["svg"], STYLE)
    assert left_in(tmp_path) == []


def test_a_report_table_whose_last_format_fails_leaves_none_of_its_files(monkeypatch, tmp_path):
    (table,) = [t for t in tables_for({"sources", "files"}) if t.name == "sources"]
    inputs = dict(zip(("sources", "files"), build.manifest_frames(sorted(RAW.rglob(manifest.MANIFEST))), strict=True))
    monkeypatch.setattr(tabulate, "to_html", refuse)
    with pytest.raises(Refused):
        write_files(tabulate.report_table_files(table, inputs, synthetic_settings(), tmp_path))
    assert left_in(tmp_path) == []


def test_the_tabulate_job_failing_on_its_results_leaves_no_table(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "build_info", lambda repo, environ: {})
    monkeypatch.setattr(build, "config_record", lambda config: {})
    monkeypatch.setattr(build, "build_results", refuse)
    manifests = sorted(RAW.rglob(manifest.MANIFEST))
    with pytest.raises(Refused):
        build.tabulate_report(
            {}, manifests, synthetic_settings(), tmp_path / "tables", tmp_path / "r.json", ROOT, {}, {}
        )
    assert left_in(tmp_path) == []


def test_a_render_whose_last_format_fails_leaves_no_format(monkeypatch, tmp_path):
    notebook = tmp_path / "report.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\nText.")])
    nbformat.write(nb, str(notebook))
    monkeypatch.setattr(render, "render_html", lambda ast, fields, output, *rest, **kw: Path(output).write_text("x"))
    monkeypatch.setattr(render, "render_pdf", refuse)
    outputs = {"html": tmp_path / "report.html", "pdf": tmp_path / "report.pdf"}
    with pytest.raises(Refused):
        render.render_report(notebook, outputs, {}, ROOT / "notebooks" / "references.bib", 1767225600)
    assert left_in(tmp_path) == ["report.ipynb"]


def test_a_report_whose_prose_fails_to_fill_leaves_no_executed_notebook(monkeypatch, tmp_path):
    def execute(source, output, parameters, kernel, timeout):
        nbformat.write(nbformat.v4.new_notebook(), str(output))

    monkeypatch.setattr(render, "execute_notebook", execute)
    monkeypatch.setattr(render, "fill_notebook", refuse)
    monkeypatch.setattr(render, "number_origins", lambda rules, manifests: {})
    monkeypatch.setattr(render, "read_results", lambda path: {})
    executed = tmp_path / "reports" / "report.ipynb"
    inputs = tmp_path / "in"
    with pytest.raises(Refused):
        render.publish_report(
            ROOT / "notebooks" / "report.py",
            executed,
            results=inputs / "results.json",
            figures=[inputs / "figures" / "a.svg"],
            tables=[inputs / "tables" / "a.csv"],
            bibliography=ROOT / "notebooks" / "references.bib",
            outputs={"html": tmp_path / "reports" / "report.html"},
            report={},
            rules=[],
            manifests=[],
            kernel="python3",
            timeout=60,
        )
    assert left_in(tmp_path / "reports") == []
