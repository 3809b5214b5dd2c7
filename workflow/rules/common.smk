# Settings validated (defaults filled, unknown keys refused) before any job runs, and the raw files that the
# selected releases' manifests list.
import threading
from pathlib import Path

from emergence.config import validate_config
from emergence import manifest as raw_manifest
from emergence.codedeps import script_code

config.update(
    validate_config(
        config, where="config/config.yaml", cache_dir=".snakemake/emergence/config"
    )
)

RAW = "data/raw"
PROCESSED = "data/processed"
COUNTRIES = config["countries"]
UN_TABLES = sorted(config["releases"]["un_ama"])


def release_manifest(source, release):
    return f"{RAW}/{source}/{release}/{raw_manifest.MANIFEST}"


MANIFESTS = {
    "etd": release_manifest("etd", config["releases"]["etd"]),
    "ggdc10": release_manifest("ggdc10", config["releases"]["ggdc10"]),
    "wdi": release_manifest("wdi", config["releases"]["wdi"]),
    **{
        f"un_ama_{table}": release_manifest(
            "un_ama", config["releases"]["un_ama"][table]
        )
        for table in UN_TABLES
    },
    "paper": f"{RAW}/paper/{raw_manifest.MANIFEST}",
}


def raw_file(key, table=None):
    """The data file a manifest lists (the one of `table` for the UN workbooks)."""
    entry = raw_manifest.load(MANIFESTS[key])
    names = [
        f["name"] for f in entry["files"] if table is None or f.get("table") == table
    ]
    if len(names) != 1:
        raise ValueError(
            f"{MANIFESTS[key]}: files: expected one data file"
            + (f" of table '{table}'" if table else "")
            + f", found {names}"
        )
    return str(Path(MANIFESTS[key]).parent / names[0])


RAW_FILES = sorted(
    str(path)
    for manifest_path in MANIFESTS.values()
    for path in raw_manifest.files(manifest_path)
)
VERIFIED = f"{PROCESSED}/ingest/verified.csv"


def code(script):
    """The package files a script imports: declared as inputs, so editing them reruns the rule."""
    return script_code(f"{workflow.basedir}/workflow/scripts/{script}")


# Figures (figures.smk): a family's output files, input tables and drawing code, from the figure catalog.
from emergence.figures.catalog import figures_of, tables_of


def figure_outputs(family):
    """Every file of a family's figures; the SVG of each goes into the provenance report with its caption."""
    outputs = {}
    for spec in figures_of(family):
        for fmt in FIGURE_FORMATS:
            path = f"{FIGURES_DIR}/{spec.name}.{fmt}"
            if fmt == "svg":
                path = report(
                    path,
                    caption=f"../report/figures/{spec.name}.rst",
                    category="Figures",
                    subcategory=family,
                    labels={"figure": spec.name},
                )
            outputs[f"{spec.name}_{fmt}"] = path
    return outputs


def figure_inputs(family):
    return {name: REPORT_INPUTS[name] for name in tables_of(family)}


def figure_code(family):
    """The package files that draw a family: the script's imports, and each drawing module (found by name in the
    catalog, so not among those imports) with its own imports."""
    files = set(code("draw_figures.py"))
    for module in sorted({spec.draw.rsplit(".", 1)[0] for spec in figures_of(family)}):
        path = f"src/emergence/figures/{module}.py"
        files |= {path, *script_code(f"{workflow.basedir}/{path}")}
    return sorted(files)


# At the end of a build: Snakemake's job-rate limiter leaves a one-second timer behind (it re-checks the queue),
# and the interpreter waits for it before exiting. Nothing is left to schedule, so the timers are cancelled.
def cancel_scheduler_timers():
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


onsuccess:
    cancel_scheduler_timers()


onerror:
    cancel_scheduler_timers()
