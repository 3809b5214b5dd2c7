"""Benchmark of the counterfactual stage: one synthetic-control fit, every fit of the default settings (the main
fits, all placebos, leave-one-out) in one process with two workers, and the stage's three jobs run by Snakemake on
two cores in a fresh copy of the project, each set beside one fit as a ratio.

Run by hand (never in the tests):  .venv/bin/python benchmarks/counterfactuals.py [--repeat 3] [--skip-build]
The target is the stage's jobs in under 60 s on 2 cores; on a busy machine the ratios say more than the seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from emergence import registry
from emergence.checkout import copy_project
from emergence.config import load_config
from emergence.counterfactuals import stage
from emergence.counterfactuals.donors import donor_pool
from emergence.counterfactuals.panel import outcome_panel
from emergence.counterfactuals.placebos import synth_design
from emergence.counterfactuals.synth import Panel, fit
from emergence.settings import from_config

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
STAGE_JOBS = ("fit_synthetic_controls", "estimate_event_studies", "search_breaks")


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def snakemake(folder: Path, *args: str) -> None:
    command = [str(BIN / "snakemake"), "--cores", "2", *args, "--quiet", "all"]  # --quiet takes words after it
    subprocess.run(command, cwd=folder, env=ENV, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--skip-build", action="store_true", help="leave out the Snakemake run of the stage")
    args = parser.parse_args()

    config = load_config(ROOT / "config" / "config.yaml")
    settings = from_config(config).counterfactuals
    with tempfile.TemporaryDirectory(prefix="emergence-cf-bench-") as tmp:
        folder = copy_project(Path(tmp) / "project")
        panels = [registry.table(f"counterfactuals_{name}_panel").path for name in ("etd", "un")]
        snakemake(folder, *panels)  # the two panels the stage reads, as its rules clean them
        clean, un = (registry.read(f"counterfactuals_{name}_panel", root=folder) for name in ("etd", "un"))
        donors = donor_pool(settings, sorted(set(clean["country"])))
        long = outcome_panel(clean, settings.outcomes, settings.productivity_base_year, "etd")
        spec = synth_design(
            settings.outcomes[0],
            settings.treatment_years[0],
            settings.first_year,
            settings.windows,
            settings.last_value,
            settings.starts,
        )
        one = median_seconds(lambda: fit(Panel(long), settings.focus, donors, spec), args.repeat)
        print(f"one fit ({settings.outcomes[0]}, {settings.treatment_years[0]}, {len(donors)} donors): {one:.3f} s")

        counted: dict[str, int] = {}

        def every_fit() -> None:
            tables = stage.fit_synthetic_controls(clean, settings, "etd", workers=2, un=un)
            counted["fits"] = len(tables["synth_runs"])

        everything = median_seconds(every_fit, args.repeat)
        fits = counted["fits"]
        print(
            f"every fit of the default settings, the UN outcome's included ({fits} fits, 2 workers): "
            f"{everything:.1f} s = {everything / one:.0f} x one fit; {everything / fits:.3f} s a fit"
            f" (ideal on 2 cores: {fits / 2:.0f} x one fit)"
        )
        if args.skip_build:
            return
        targets = list(registry.paths("counterfactuals").values())
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            snakemake(folder, *targets, "--forcerun", *STAGE_JOBS)
            times.append(time.perf_counter() - start)
        build = statistics.median(times)
        print(
            f"the stage's jobs by Snakemake on 2 cores (panels built): {build:.1f} s"
            f" = {build / one:.0f} x one fit (target: under 60 s)"
        )


if __name__ == "__main__":
    main()
