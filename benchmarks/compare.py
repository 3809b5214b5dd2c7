"""Two commits of the project benchmarked side by side: cold build, single-process floor, no-op against the empty
workflow's no-op, a figure-style edit and a touched raw file, each taken in turns so that both commits see the
same load.

Run by hand (never in the tests):  .venv/bin/python benchmarks/compare.py BEFORE AFTER [--repeat 2]
Each commit is extracted with `git archive` into a temporary folder and runs its own package (its `src/` on
PYTHONPATH) with this environment's libraries, seen through a bare virtual environment that leaves out this
project's own editable install; ratios are what compares across commits whose workflows differ.
"""

from __future__ import annotations

import argparse
import contextlib
import site
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import run

STYLE = Path("workflow") / "styles" / "emergence.mplstyle"


def commit_epoch(ref: str) -> str:
    """The commit's time: a plain tree has no git to date its report, so the build reads SOURCE_DATE_EPOCH."""
    return subprocess.run(
        ["git", "show", "-s", "--format=%ct", ref], cwd=run.ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def extract(ref: str, folder: Path) -> Path:
    """The tree of `ref` as a plain folder, its package bytecode compiled as `make` does."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=run.ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder / "src")], check=True)
    return folder


def bare_python(folder: Path) -> str:
    """A virtual environment whose only path entry is this one's site-packages, read as a plain folder: the
    `.pth` of the project's editable install there is not processed, so no commit sees another's package."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    target = Path(sysconfig.get_path("purelib", vars={"base": str(folder), "platbase": str(folder)}))
    (target / "libraries.pth").write_text(f"{site.getsitepackages()[0]}\n")
    return str(folder / "bin" / "python")


@contextlib.contextmanager
def package_of(tree: Path, python: str, epoch: str):
    """Snakemake and its jobs import the package of `tree` and nothing of the project installed here."""
    saved = dict(run.ENV), list(run.SNAKEMAKE)
    run.ENV["PYTHONPATH"] = str(tree / "src")
    run.ENV["SOURCE_DATE_EPOCH"] = epoch
    run.ENV["PATH"] = f"{Path(python).parent}:{run.ENV['PATH']}"
    run.SNAKEMAKE[:] = [python, "-m", "snakemake", *saved[1][1:]]
    try:
        yield
    finally:
        run.ENV.clear()
        run.ENV.update(saved[0])
        run.SNAKEMAKE[:] = saved[1]


def measure(refs: list[str], work: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    python = bare_python(work / "env")
    epochs = {ref: commit_epoch(ref) for ref in refs}
    results = {ref: {k: [] for k in ("cold", "floor", "noop", "empty", "style", "raw")} for ref in refs}
    built = {}
    for i in range(repeat):
        for ref in refs:
            tree = extract(ref, work / f"{i}" / ref.replace("/", "_"))
            floor_tree = extract(ref, work / f"{i}" / f"floor-{ref.replace('/', '_')}")
            with package_of(tree, python, epochs[ref]):
                results[ref]["cold"].append(run.timed(run.SNAKEMAKE, tree)[0])
            with package_of(floor_tree, python, epochs[ref]):
                results[ref]["floor"].append(run.single_process_floor(floor_tree, python))
            built[ref] = tree
    for ref in refs:  # the empty workflow is rebuilt for each commit, in turns with that commit's no-op
        with package_of(built[ref], python, epochs[ref]):
            folder = work / f"noop-{ref.replace('/', '_')}"
            folder.mkdir()
            noops = run.noops(built[ref], folder, 9)
        results[ref]["noop"], results[ref]["empty"] = noops["ours"], noops["empty"]
    for i in range(repeat):
        for ref in refs:
            style = built[ref] / STYLE
            raw = sorted((built[ref] / "data" / "raw" / "wdi").rglob("*.csv"))[0]
            original = style.read_text()
            with package_of(built[ref], python, epochs[ref]):
                style.write_text(original + f"\n# edit {i}\n")
                results[ref]["style"].append(run.timed(run.SNAKEMAKE, built[ref])[0])
                raw.touch()
                results[ref]["raw"].append(run.timed(run.SNAKEMAKE, built[ref])[0])
    return results


def table(results: dict[str, dict[str, list[float]]]) -> str:
    med = {ref: {k: statistics.median(v) for k, v in r.items()} for ref, r in results.items()}
    rows = [
        ("cold build / single-process floor", "cold", "floor"),
        ("no-op / empty-workflow no-op", "noop", "empty"),
        ("figure-style edit / cold build", "style", "cold"),
        ("raw file touched / cold build", "raw", "cold"),
    ]
    lines = [f"{'commit':12} {'measurement':36} {'median s':>9} {'against s':>10} {'ratio':>6}"]
    for ref, m in med.items():
        for name, num, den in rows:
            lines.append(f"{ref[:12]:12} {name:36} {m[num]:9.2f} {m[den]:10.2f} {m[num] / m[den]:6.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("refs", nargs=2, metavar="REF", help="the commits to compare, before then after")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="emergence-compare-") as tmp:
        print(table(measure(args.refs, Path(tmp), args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
