"""A short build log for the terminal: one line per finished job (progress, rule, what it made, time) and a
summary, instead of Snakemake's blocks of hundreds of input files. Snakemake keeps writing the full detail to
.snakemake/log/, each job to its own log under logs/, and dry runs, warnings and errors are printed as Snakemake
prints them. Used as the Snakemake logger plugin `emergence` (`--logger emergence`, set in the default profile).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field

from snakemake.logging import ColorizingTextHandler, get_event
from snakemake.settings.enums import Quietness
from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

REPORT = "reports/report.html"
SHOWN_INFO = ("Nothing to be done",)  # plain messages of a real run kept on the terminal
COMPLETE_LOG = "Complete log(s): "
# Events printed as Snakemake prints them in a real run too: failures and the shell commands asked for.
AS_SNAKEMAKE = (LogEvent.JOB_ERROR, LogEvent.GROUP_ERROR, LogEvent.ERROR, LogEvent.SHELLCMD)


def duration(seconds: float) -> str:
    """'0.4 s', '12 s', '2 min 05 s': short enough for one line, exact enough to see which job is slow."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def made(outputs: list[str], width: int = 60) -> str:
    """The first output of a job, and how many more it wrote."""
    if not outputs:
        return "-"
    first = outputs[0] if len(outputs[0]) <= width else "..." + outputs[0][-(width - 3) :]
    return first + (f" (+{len(outputs) - 1} more)" if len(outputs) > 1 else "")


@dataclass
class BuildLog:
    """The state of one build and the lines it prints; `line` is None for a record that stays off the terminal."""

    total: int = 0
    done: int = 0
    failed: list[str] = field(default_factory=list)
    jobs: dict[int, tuple[str, list[str], float]] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    logfile: str | None = None
    nothing_to_do: bool = False

    def line(self, record: logging.LogRecord) -> str | None:
        """The terminal line of a record, timed by when Snakemake made it (records reach a plugin through a queue)."""
        event = get_event(record)
        now = record.created
        if event == LogEvent.RUN_INFO:
            self.total = int(getattr(record, "stats", {}).get("total", 0))
            return f"{self.total} jobs to run (each job's log: logs/)"
        if event == LogEvent.JOB_INFO:
            self.jobs[record.jobid] = (record.rule_name, list(record.output or []), now)
            return None
        if event == LogEvent.JOB_FINISHED and record.job_id in self.jobs:
            rule, outputs, start = self.jobs.pop(record.job_id)
            self.done += 1
            width = len(str(self.total))
            return f"[{self.done:>{width}}/{self.total}] {rule:<24} {duration(now - start):>10}  {made(outputs)}"
        if event is None and record.levelno < logging.WARNING:
            message = record.getMessage()
            if message.startswith(COMPLETE_LOG):
                self.logfile = message.removeprefix(COMPLETE_LOG)
            elif message.startswith(SHOWN_INFO):
                self.nothing_to_do = True
                return message
        return None

    def summary(self, now: float, cwd: str = ".") -> str:
        report = f"; report: {REPORT}" if os.path.exists(os.path.join(cwd, REPORT)) else ""
        log = f"; full log: {os.path.relpath(self.logfile, cwd)}" if self.logfile else ""
        if self.failed:
            return f"stopped: {', '.join(self.failed)} failed; {self.done} of {self.total} jobs done{log}"
        if self.nothing_to_do or not self.total:
            return f"up to date{report}"
        return f"done: {self.done} jobs in {duration(now - self.started)}{report}{log}"


class LogHandler(LogHandlerBase, ColorizingTextHandler):
    """Snakemake's own terminal handler, with a real run's job blocks replaced by `BuildLog` lines."""

    def __post_init__(self) -> None:
        settings = self.common_settings
        ColorizingTextHandler.__init__(
            self, nocolor=settings.nocolor, stream=sys.stdout if settings.stdout else sys.stderr
        )
        self.build = BuildLog()
        self.quiet = Quietness.ALL in (settings.quiet or ())
        self.closed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.common_settings.dryrun or record.levelno >= logging.WARNING or get_event(record) in AS_SNAKEMAKE:
            if get_event(record) == LogEvent.JOB_ERROR and record.jobid in self.build.jobs:
                self.build.failed.append(self.build.jobs.pop(record.jobid)[0])
            ColorizingTextHandler.emit(self, record)
            return
        text = self.build.line(record)
        if text is not None:
            self.stream.write(text + "\n")
            self.flush()

    def close(self) -> None:
        if not self.closed and not self.common_settings.dryrun and not self.quiet:
            self.closed = True
            self.stream.write(self.build.summary(time.time(), os.getcwd()) + "\n")
            self.flush()
        super().close()

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return False  # Snakemake's own filter: --quiet, --printshellcmds and the rest work as usual

    @property
    def has_formatter(self) -> bool:
        return False  # Snakemake's own formatter, for what is printed as Snakemake prints it

    @property
    def needs_rulegraph(self) -> bool:
        return False
