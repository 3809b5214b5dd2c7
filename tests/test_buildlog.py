"""The short build log: one line per finished job with progress, rule, first output and time, then a summary;
on Snakemake's own records, and through Snakemake on a small workflow."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from snakemake_interface_logger_plugins.common import LogEvent

from emergence.buildlog import BuildLog, duration, made

BIN = Path(sys.executable).parent


def record(event: LogEvent | None = None, message: str = "", at: float = 0.0, level: int = logging.INFO, **fields):
    rec = logging.LogRecord("snakemake", level, __file__, 0, message, None, None)
    rec.created = at
    if event is not None:
        rec.event = event
    rec.__dict__.update(fields)
    return rec


def test_durations_and_outputs_are_short():
    assert [duration(s) for s in (0.44, 12.4, 125)] == ["0.4 s", "12 s", "2 min 05 s"]
    assert made([]) == "-"
    assert made(["a.csv", "b.csv", "c.csv"]) == "a.csv (+2 more)"
    assert made(["x" * 100], width=20) == "..." + "x" * 17


def test_each_finished_job_is_one_line_with_its_time_and_the_rest_stays_off():
    log = BuildLog(started=0.0)
    run_info = record(LogEvent.RUN_INFO, stats={"clean": 1, "all": 1, "total": 2})
    assert log.line(run_info) == "2 jobs to run (each job's log: logs/)"
    assert log.line(record(LogEvent.JOB_INFO, at=1.0, jobid=7, rule_name="clean", output=["t.csv", "u.csv"])) is None
    assert log.line(record(message="Select jobs to execute...", at=1.0)) is None
    assert (
        log.line(record(LogEvent.JOB_FINISHED, at=4.5, job_id=7))
        == f"[1/2] {'clean':<24} {'3.5 s':>10}  t.csv (+1 more)"
    )
    assert log.line(record(LogEvent.JOB_INFO, at=4.5, jobid=0, rule_name="all", output=[])) is None
    assert log.line(record(LogEvent.JOB_FINISHED, at=4.6, job_id=0)) == f"[2/2] {'all':<24} {'0.1 s':>10}  -"
    assert log.line(record(message="Complete log(s): /w/.snakemake/log/x.log", at=5.0)) is None
    assert log.summary(65.0, cwd="/w") == "done: 2 jobs in 1 min 05 s; full log: .snakemake/log/x.log"


def test_the_summary_says_what_failed_or_that_nothing_was_to_do(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.html").write_text("<html/>")
    log = BuildLog()
    assert log.line(record(message="Nothing to be done (all requested files are present and up to date).")) == (
        "Nothing to be done (all requested files are present and up to date)."
    )
    assert log.summary(1.0, cwd=str(tmp_path)) == "up to date; report: reports/report.html"
    failed = BuildLog(total=3, done=1, failed=["fit_trends"])
    assert failed.summary(1.0) == "stopped: fit_trends failed; 1 of 3 jobs done"


@pytest.mark.build
def test_snakemake_prints_one_line_a_job_and_keeps_dry_runs_and_errors_as_they_were(tmp_path):
    (tmp_path / "Snakefile").write_text(
        "rule all:\n    input: expand('out/{n}.txt', n=range(3))\n\n"
        "rule make:\n    output: 'out/{n}.txt'\n    log: 'logs/{n}.log'\n    shell: 'echo {wildcards.n} > {output}'\n\n"
        "rule broken:\n    output: 'bad.txt'\n    shell: 'exit 1'\n"
    )

    def snakemake(*args: str) -> subprocess.CompletedProcess:
        cmd = [str(BIN / "snakemake"), *args, "--cores", "1", "--logger", "emergence"]
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    dry = snakemake("-n")
    assert "Job stats:" in dry.stdout + dry.stderr  # a dry run is listed as Snakemake lists it
    run = snakemake()
    assert run.returncode == 0, run.stderr
    lines = (run.stdout + run.stderr).splitlines()
    assert lines[0] == "4 jobs to run (each job's log: logs/)"
    assert [line.split()[:2] for line in lines[1:5]] == [
        [f"[{i}/4]", r] for i, r in enumerate("make make make all".split(), 1)
    ]
    assert lines[5].startswith("done: 4 jobs in ") and "full log: .snakemake/log/" in lines[5]
    assert len(lines) == 6
    again = snakemake()
    assert (again.stdout + again.stderr).splitlines()[-1] == "up to date"
    failed = snakemake("bad.txt")
    assert failed.returncode != 0
    assert "Error in rule broken" in failed.stderr  # Snakemake's own error block
    assert failed.stderr.splitlines()[-1].startswith("stopped: broken failed; 0 of 1 jobs done")
