"""Benchmark of the build: fresh set-up (pip against uv), cold, no-op, incremental, single-process floor, country
scaling, peak job memory.

Run by hand (never in the tests):  .venv/bin/python benchmarks/run.py [--repeat 3] [--quick]
                                   .venv/bin/python benchmarks/run.py --setup-only [--setup-repeat 2]
Every measurement is a median over several runs in this one invocation, taken in fresh copies of the project
under a temporary folder, and reported with its ratio to the floor it is compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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
BIN = Path(sys.executable).parent
SNAKEMAKE = [str(BIN / "snakemake"), "--cores", "2", "--quiet", "all"]
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
CPU_SECONDS: list[float] = []  # of each timed run, in order
RESULTS = ROOT / "benchmarks" / "results.md"
# The targets of the build's speed, in seconds or as ratios; a row without one is measured for information.
TARGETS = {
    "cold": 30.0,
    "prose": 3.0,
    "style": 6.0,
    "all_countries": 150.0,
    "noop_cpu_ratio": 1.1,
}


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
    """Wall seconds of `cmd`; its CPU seconds (user and system, of all its processes) go to CPU_SECONDS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watcher = PeakJobMemory(proc.pid) if memory else None
    if watcher:
        with watcher:
            output, _ = proc.communicate()
    else:
        output, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
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


def noops(built: Path, work: Path, repeat: int) -> dict[str, list[float]]:
    """No-ops of the built project and of an empty workflow (the floor), taken in turns so that both see the
    same load on a shared machine: wall and CPU seconds of each."""
    folder = work / "empty"
    folder.mkdir()
    (folder / "Snakefile").write_text(
        'rule all:\n    input:\n        "done.txt"\n\n\nrule done:\n    output:\n'
        '        "done.txt"\n    shell:\n        "touch {output}"\n'
    )
    timed(SNAKEMAKE, folder)
    runs: dict[str, list[float]] = {"ours": [], "ours_cpu": [], "empty": [], "empty_cpu": []}
    for _ in range(repeat):
        for name, where in (("ours", built), ("empty", folder)):
            runs[name].append(timed(SNAKEMAKE, where)[0])
            runs[f"{name}_cpu"].append(CPU_SECONDS[-1])
    return runs


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


def scaled_copy(work: Path, countries: list[str]) -> Path:
    """A copy whose `countries` are the first n of the ETD snapshot: the snapshots hold every country their
    publisher has, so a larger peer group is a config change and nothing is taken again."""
    copy = copy_project(work / f"scale-{len(countries)}")
    config_path = copy / "config" / "config.yaml"
    config = read_yaml(config_path)
    config["countries"] = countries
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return copy


# The UN's own activities do not add up to its total for these, so its reader refuses them as peers (the schema's
# counterfactuals.un_ama.exclude says by how much): the largest peer group leaves them out.
UN_REFUSED = ("BRA", "MEX", "MWI")


def etd_countries() -> list[str]:
    """The ETD snapshot's countries that can be peers, the default build's four first."""
    config = read_yaml(ROOT / "config" / "config.yaml")
    listed = read_yaml(ROOT / "data" / "raw" / "etd" / config["releases"]["etd"] / "manifest.yaml")["countries"]
    first = list(config["countries"])
    return first + sorted(c for c in listed if c not in first and c not in UN_REFUSED)


def median(values: list[float]) -> float:
    return statistics.median(values)


def commit_of() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return (out.stdout.strip() or "unknown") + (" with uncommitted changes" if dirty else "")


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.platform(terse=True)}"


def status(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "met" if value <= target else "missed"


def table(rows: list[dict]) -> str:
    """The results as a Markdown table: what, median, what it is compared with, ratio, target and status."""
    lines = [
        "| measurement | median | compared with | median | ratio | target | status |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r['value'] / r['floor']:.2f}" if r.get("floor") else ""
        floor = f"{r['floor']:.2f} s" if r.get("floor") else ""
        target = r.get("target")
        shown = "" if target is None else (f"≤ {target:g}×" if r.get("target_is_ratio") else f"≤ {target:g} s")
        measured = float(ratio) if r.get("target_is_ratio") else r["value"]
        lines.append(
            f"| {r['name']} | {r['value']:.2f} s | {r.get('floor_name', '')} | {floor} | {ratio} | {shown} "
            f"| {status(measured, target)} |"
        )
    return "\n".join(lines)


def edit_in_turns(copy: Path, path: Path, edited: str, repeat: int) -> tuple[list[float], list[int]]:
    """The build after `path` is edited and after it is put back, in turns (each a real change)."""
    original = path.read_text()
    return incremental(copy, lambda: path.write_text(edited), lambda: path.write_text(original), repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the 25- and 51-country builds")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--setup-repeat", type=int, default=2, help="fresh set-ups with each installer")
    parser.add_argument("--setup-only", action="store_true", help="measure only the fresh set-up, pip against uv")
    parser.add_argument("--no-setup", action="store_true", help="skip the fresh set-ups")
    parser.add_argument("--no-scaling", action="store_true", help="skip the builds with more countries")
    parser.add_argument("--write", action="store_true", help=f"write the table to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    rows, results = [], {}
    # The copies import the package from this checkout: its bytecode is compiled first, as `make` does, or with
    # PYTHONDONTWRITEBYTECODE set every module changed since the last compile is compiled again at every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="emergence-bench-") as tmp:
        work = Path(tmp)
        if not args.no_setup:
            source, setup = fresh_setups(work, args.setup_repeat)
            results["setup"] = {**setup, "uv_source": source}
            rows.append(
                {
                    "name": f"fresh set-up, uv {source} (no cache)",
                    "value": median(setup["uv"]),
                    "floor_name": "fresh set-up, pip",
                    "floor": median(setup["pip"]),
                }
            )
        if not args.setup_only:
            measure_builds(work, args, rows, results)
    text = table(rows)
    scaling = results.get("scaling", {})
    if scaling:
        base = min(scaling)
        text += "\n\nScaling, one cold build each:\n\n| countries | seconds | × the smallest |\n|---:|---:|---:|\n"
        text += "\n".join(f"| {n} | {t:.1f} | {t / scaling[base]:.2f} |" for n, t in sorted(scaling.items()))
    if "peak_job_rss_mb" in results:
        text += f"\n\nPeak memory of the largest job: {results['peak_job_rss_mb']:.0f} MiB ({results['peak_job']})."
    print(text)
    if args.write:
        RESULTS.write_text(
            f"# Benchmark results\n\nWritten by `benchmarks/run.py --write` on {started}, commit {commit_of()}, on "
            f"{machine()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end. Medians of "
            f"{args.repeat} runs (no-ops: {max(args.repeat, 9)}), taken in turns where two are compared.\n\n"
            + text
            + "\n"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))
    return 0


def measure_builds(work: Path, args, rows: list[dict], results: dict) -> None:
    cold = cold_builds(work, args.repeat)
    floor = [single_process_floor(copy_project(work / f"floor-{i}")) for i in range(args.repeat)]
    built = work / "cold-0"
    noop = noops(built, work, max(args.repeat, 9))
    results.update(cold=cold, floor=floor, noop=noop)
    rows += [
        {
            "name": "cold build (default config, 2 cores)",
            "value": median(cold),
            "floor_name": "single-process floor",
            "floor": median(floor),
            "target": TARGETS["cold"],
        },
        {
            "name": "no-op, wall",
            "value": median(noop["ours"]),
            "floor_name": "empty workflow",
            "floor": median(noop["empty"]),
        },
        {
            "name": "no-op, CPU",
            "value": median(noop["ours_cpu"]),
            "floor_name": "empty workflow",
            "floor": median(noop["empty_cpu"]),
            "target": TARGETS["noop_cpu_ratio"],
            "target_is_ratio": True,
        },
    ]
    cold_row = {"floor_name": "cold build", "floor": median(cold)}
    notebook = built / "notebooks" / "report.py"
    prose = notebook.read_text() + "\n# %% [markdown]\n# One more sentence.\n"
    t, j = edit_in_turns(built, notebook, prose, args.repeat)
    results["prose_edit"] = {"times": t, "jobs": j}
    rows.append(
        {"name": f"prose edit ({median(j):.0f} jobs)", "value": median(t), **cold_row, "target": TARGETS["prose"]}
    )
    style = built / "workflow" / "styles" / "emergence.mplstyle"
    t, j = edit_in_turns(built, style, style.read_text() + "\n# edit\n", args.repeat)
    results["style_edit"] = {"times": t, "jobs": j}
    rows.append(
        {
            "name": f"figure-style edit ({median(j):.0f} jobs)",
            "value": median(t),
            **cold_row,
            "target": TARGETS["style"],
        }
    )
    raw = sorted((built / "data" / "raw" / "wdi").rglob("*.csv"))[0]
    t, j = incremental(built, raw.touch, raw.touch, args.repeat)
    results["raw_touch"] = {"times": t, "jobs": j}
    rows.append({"name": f"raw file touched ({median(j):.0f} jobs)", "value": median(t), **cold_row})
    config_path = built / "config" / "config.yaml"
    changed = config_path.read_text() + "\nreconciliation:\n  tolerance_pp: 1.5\n"
    t, j = edit_in_turns(built, config_path, changed, args.repeat)
    results["config_change"] = {"times": t, "jobs": j}
    rows.append({"name": f"setting changed ({median(j):.0f} jobs)", "value": median(t), **cold_row})
    if not args.no_scaling:
        scale(work, args, rows, results)
    peak = peak_job_memory(work)
    results["peak_job_rss_mb"] = peak.peak / 2**20
    results["peak_job"] = peak.job


def scale(work: Path, args, rows: list[dict], results: dict) -> None:
    countries = etd_countries()
    sizes = [4, 10] if args.quick else [4, 10, 25, len(countries)]
    scaling = {n: timed(SNAKEMAKE, scaled_copy(work, countries[:n]))[0] for n in sizes}
    results["scaling"] = scaling
    if not args.quick:
        rows.append(
            {
                "name": f"{len(countries)} countries (the ETD's but {', '.join(UN_REFUSED)}), cold",
                "value": scaling[len(countries)],
                "floor_name": f"{sizes[0]} countries, cold",
                "floor": scaling[sizes[0]],
                "target": TARGETS["all_countries"],
            }
        )


if __name__ == "__main__":
    sys.exit(main())
