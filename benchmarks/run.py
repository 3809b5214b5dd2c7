"""Benchmark of the build: fresh set-up (pip against uv), cold, no-op, incremental, single-process floor, country
scaling, peak job memory.

Run by hand (never in the tests):  .venv/bin/python benchmarks/run.py [--etd PATH] [--repeat 3] [--quick]
                                   .venv/bin/python benchmarks/run.py --setup-only [--setup-repeat 2]
Every measurement is a median over several runs in this one invocation, taken in fresh copies of the project
under a temporary folder, and reported with its ratio to the floor it is compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from emergence.checkout import copy_project
from emergence.config import read_yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ETD = ROOT.parent / "shared" / "data" / "ggdc_etd" / "ETD_230918.xlsx"
BIN = Path(sys.executable).parent
SNAKEMAKE = [str(BIN / "snakemake"), "--cores", "2", "--quiet", "all"]
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


class PeakJobMemory:
    """Polls the process tree of a build and keeps the largest resident memory of any one job process."""

    def __init__(self, root_pid: int):
        self.root = psutil.Process(root_pid)
        self.peak, self.job = 0, ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            try:
                for child in self.root.children(recursive=True):
                    rss = child.memory_info().rss
                    if rss > self.peak:
                        self.peak, self.job = rss, " ".join(Path(a).name for a in child.cmdline()[-1:])
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(
    cmd: list[str], cwd: Path, memory: bool = False, env: dict[str, str] | None = None
) -> tuple[float, PeakJobMemory | None]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watcher = PeakJobMemory(proc.pid) if memory else None
    if watcher:
        with watcher:
            output, _ = proc.communicate()
    else:
        output, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{output[-3000:]}")
    return elapsed, watcher


def planned_jobs(cwd: Path) -> int:
    out = subprocess.run(
        [str(BIN / "snakemake"), "-n", "--quiet", "rules", "all"], cwd=cwd, env=ENV, capture_output=True, text=True
    )
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["total"]:
            return int(parts[1])
    return 0


def fresh_setups(work: Path, repeat: int) -> tuple[str, dict[str, list[float]]]:
    """`make`'s set-up of the environment on a fresh machine, with pip and with uv (`EMERGENCE_INSTALLER`), taken in
    turns so that both see the same load: each into a new environment, with empty download caches, bytecode compiled
    by both. The PATH is the caller's without this environment, so uv comes as a new machine would have it: from
    PATH if installed there, else from PyPI (and those seconds are counted). Returns which of the two it was."""
    project = copy_project(work / "setup")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != BIN)
    source = "on PATH" if shutil.which("uv", path=path) else "from PyPI"
    times: dict[str, list[float]] = {"pip": [], "uv": []}
    for i in range(repeat):
        for installer in ("pip", "uv") if i % 2 == 0 else ("uv", "pip"):
            run = work / f"setup-{installer}-{i}"
            caches = {"PIP_CACHE_DIR": str(run / "pip-cache"), "UV_CACHE_DIR": str(run / "uv-cache")}
            venv = run / "venv"
            cmd = ["make", f"VENV={venv}", f"EMERGENCE_INSTALLER={installer}", f"{venv}/.installed"]
            times[installer].append(timed(cmd, project, env={**os.environ, "PATH": path, **caches})[0])
            shutil.rmtree(run)
    return source, times


def cold_builds(work: Path, repeat: int) -> list[float]:
    return [timed(SNAKEMAKE, copy_project(work / f"cold-{i}"))[0] for i in range(repeat)]


def peak_job_memory(work: Path) -> PeakJobMemory:
    """One more cold build, watched: the poller takes CPU from the jobs, so it stays out of the timed builds."""
    return timed(SNAKEMAKE, copy_project(work / "memory"), memory=True)[1]


def noops(built: Path, work: Path, repeat: int) -> tuple[list[float], list[float]]:
    """No-ops of the built project and of an empty workflow (the floor), taken in turns so that both see the
    same load on a shared machine."""
    folder = work / "empty"
    folder.mkdir()
    (folder / "Snakefile").write_text(
        'rule all:\n    input:\n        "done.txt"\n\n\nrule done:\n    output:\n'
        '        "done.txt"\n    shell:\n        "touch {output}"\n'
    )
    timed(SNAKEMAKE, folder)
    ours, empty = [], []
    for _ in range(repeat):
        ours.append(timed(SNAKEMAKE, built)[0])
        empty.append(timed(SNAKEMAKE, folder)[0])
    return ours, empty


def incremental(copy: Path, edit, revert, repeat: int) -> tuple[list[float], list[int]]:
    times, jobs = [], []
    for i in range(repeat):
        (edit if i % 2 == 0 else revert)()
        jobs.append(planned_jobs(copy))
        times.append(timed(SNAKEMAKE, copy)[0])
    if repeat % 2:
        revert()
        timed(SNAKEMAKE, copy)
    return times, jobs


def single_process_floor(copy: Path, python: str = sys.executable) -> float:
    """Run every job's script in this order in one Python process: imports paid once, no orchestration."""
    code = f"""
import os, runpy, sys, time, types
from pathlib import Path
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
from run import workflow_jobs
jobs = workflow_jobs()
start = time.perf_counter()
for job in jobs:
    for path in [*job.output, *job.log]:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    obj = types.SimpleNamespace(input=job.input, output=job.output, params=job.params, log=job.log,
                                wildcards=job.wildcards, threads=1, resources=job.resources, rule=job.rule.name)
    runpy.run_path(str(Path(job.rule.snakefile).parent / job.rule.script), init_globals={{"snakemake": obj}})
print(time.perf_counter() - start)
"""
    out = subprocess.run([python, "-c", code], cwd=copy, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"single-process run failed:\n{out.stderr[-3000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def workflow_jobs():
    """The jobs of the default target in an order that respects their dependencies (Snakemake's own DAG)."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import (
        ConfigSettings,
        DAGSettings,
        OutputSettings,
        Quietness,
        ResourceSettings,
    )

    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
        wf = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(),
            snakefile=Path("Snakefile"),
            workdir=Path("."),
        )
        dag_api = wf.dag(DAGSettings(forceall=True))
        dag_api.execute_workflow(executor="dryrun")
        dag = dag_api.workflow_api._workflow.dag
        return [job for level in dag.toposorted() for job in level if job.rule.script]


def scaled_copy(work: Path, etd: Path, countries: list[str]) -> Path:
    copy = copy_project(work / f"scale-{len(countries)}")
    config_path = copy / "config" / "config.yaml"
    config = read_yaml(config_path)
    release = config["releases"]["etd"]
    shutil.rmtree(copy / "data" / "raw" / "etd" / release)
    subprocess.run(
        [
            str(BIN / "emergence"),
            "snapshot",
            "etd",
            str(etd),
            "--countries",
            ",".join(countries),
            "--raw-dir",
            str(copy / "data" / "raw"),
            "--accessed",
            "2000-01-01",
        ],
        check=True,
        env=ENV,
        capture_output=True,
    )
    config["countries"] = countries
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return copy


def etd_countries(etd: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from emergence.workbook import read_sheet

    rows = read_sheet(etd, "Data")
    codes = sorted({r[1] for r in rows[1:] if r[1]})
    first = ["MAR", "TUN", "EGY", "TUR"]
    return first + [c for c in codes if c not in first]


def median(values: list[float]) -> float:
    return statistics.median(values)


def print_rows(rows: list[tuple[str, float, str, float]]) -> None:
    print(f"{'measurement':48} {'median s':>9}   {'compared with':24} {'median s':>9} {'ratio':>6}")
    for name, value, floor_name, floor_value in rows:
        print(f"{name:48} {value:9.2f}   {floor_name:24} {floor_value:9.2f} {value / floor_value:6.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--etd", type=Path, default=DEFAULT_ETD, help="ETD workbook for the scaling series")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the 25- and 51-country builds")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--setup-repeat", type=int, default=2, help="fresh set-ups with each installer")
    parser.add_argument("--setup-only", action="store_true", help="measure only the fresh set-up, pip against uv")
    args = parser.parse_args()
    rows, results = [], {}
    with tempfile.TemporaryDirectory(prefix="emergence-bench-") as tmp:
        work = Path(tmp)
        source, setup = fresh_setups(work, args.setup_repeat)
        results["setup"] = {**setup, "uv_source": source}
        rows.append(
            (f"fresh set-up, uv {source} (no cache)", median(setup["uv"]), "fresh set-up, pip", median(setup["pip"]))
        )
        if args.setup_only:
            print_rows(rows)
            if args.json:
                args.json.write_text(json.dumps(results, indent=2, sort_keys=True))
            return 0
        cold = cold_builds(work, args.repeat)
        floor = [single_process_floor(copy_project(work / f"floor-{i}")) for i in range(args.repeat)]
        built = work / "cold-0"
        noop, empty = noops(built, work, max(args.repeat, 9))
        results.update(cold=cold, floor=floor, noop=noop, empty_noop=empty)
        rows += [
            ("cold build (default config, 2 cores)", median(cold), "single-process floor", median(floor)),
            ("no-op snakemake", median(noop), "empty-workflow no-op", median(empty)),
        ]
        style = built / "workflow" / "styles" / "emergence.mplstyle"
        original_style = style.read_text() if style.exists() else None
        if original_style is not None:
            t, j = incremental(
                built,
                lambda: style.write_text(original_style + "\n# edit\n"),
                lambda: style.write_text(original_style),
                args.repeat,
            )
            results["style_edit"] = {"times": t, "jobs": j}
            rows.append((f"figure-style edit ({statistics.median(j):.0f} jobs)", median(t), "cold build", median(cold)))
        raw = sorted((built / "data" / "raw" / "wdi").rglob("*.csv"))[0]
        t, j = incremental(built, lambda: raw.touch(), lambda: raw.touch(), args.repeat)
        results["raw_touch"] = {"times": t, "jobs": j}
        rows.append((f"raw file touched ({statistics.median(j):.0f} jobs)", median(t), "cold build", median(cold)))
        config_path = built / "config" / "config.yaml"
        original_config = config_path.read_text()
        changed = original_config.replace("tolerance_pp: 1.0", "tolerance_pp: 1.5")
        t, j = incremental(
            built,
            lambda: config_path.write_text(changed),
            lambda: config_path.write_text(original_config),
            args.repeat,
        )
        results["config_change"] = {"times": t, "jobs": j}
        rows.append(
            (f"config parameter changed ({statistics.median(j):.0f} jobs)", median(t), "cold build", median(cold))
        )
        countries = etd_countries(args.etd)
        sizes = [4, 10] if args.quick else [4, 10, 25, len(countries)]
        scaling = {}
        for n in sizes:
            copy = scaled_copy(work, args.etd, countries[:n])
            scaling[n] = timed(SNAKEMAKE, copy)[0]
        results["scaling"] = scaling
        peak = peak_job_memory(work)
        results["peak_job_rss_mb"] = peak.peak / 2**20
        results["peak_job"] = peak.job
    print_rows(rows)
    base = scaling[sizes[0]]
    print("\nscaling (one cold build each)")
    for n, seconds in scaling.items():
        print(f"  {n:3d} countries {seconds:8.2f} s   {seconds / base:5.2f} x the {sizes[0]}-country build")
    print(f"\npeak memory of the largest job: {results['peak_job_rss_mb']:.0f} MiB ({results['peak_job']})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
