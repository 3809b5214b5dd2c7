# Settings and raw inputs shared by every stage. The config is validated by Snakemake's own validate() against
# workflow/schemas/config.schema.yaml (which holds the defaults; the result is kept by the hash of what it read),
# checked for what a schema cannot say, and made into one typed SETTINGS object; rules take the part they use
# through params (to_params: plain values).
import os
from pathlib import Path

from emergence import manifest as raw_manifest
from emergence import registry
from emergence.codedeps import script_code
from emergence.config import check_config, read_yaml, schema_check_cached
from emergence.kept import START_CACHE
from emergence.package import BENCHMARKS
from emergence.settings import from_config, to_params
from emergence.sources import SOURCES


def config_origin():
    """The config file(s) the settings came from, as a user named them: error messages quote it."""
    files = [
        str(f.relative_to(Path.cwd())) if f.is_relative_to(Path.cwd()) else str(f)
        for f in workflow.config_settings.configfiles
    ] or ["config/config.yaml"]
    for path in files:
        read_yaml(
            path
        )  # Snakemake's loader keeps the last of two equal keys: refuse them instead
    overrides = " with --config" if workflow.config_settings.config else ""
    return ", ".join(files) + overrides


CONFIG_FILE = config_origin()
schema_check_cached(config, CONFIG_FILE, START_CACHE)
check_config(config, CONFIG_FILE)
SETTINGS = from_config(config, CONFIG_FILE)
# The config against the snapshots it selects, and every selected raw file against its manifest (the gate, on every
# start: a job's inputs looking unchanged proves nothing): coverage notes, then every error at once, before any job.
from emergence.check import check_snapshots, enforce

enforce(check_snapshots(config, SETTINGS, cache=START_CACHE))

RAW = "data/raw"
PROCESSED = registry.PROCESSED
UN_TABLES = sorted(config["releases"]["un_ama"])


def release_manifest(source, release):
    return f"{RAW}/{source}/{release}/{raw_manifest.MANIFEST}"


MANIFESTS = {
    "etd": release_manifest("etd", config["releases"]["etd"]),
    "ggdc10": release_manifest("ggdc10", config["releases"]["ggdc10"]),
    "wdi": release_manifest("wdi", config["releases"]["wdi"]),
    "hcp_census": release_manifest("hcp_census", config["releases"]["hcp_census"]),
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
VERIFIED = registry.table("ingest_verified").path
# Every processed table, by registry name.
TABLE_PATHS = {table.name: table.path for table in registry.TABLES}


def code(script, source=None):
    """The package files a script imports: declared as inputs, so editing them reruns the rule. `source`: the
    one source whose reader the rule runs, of a script that may run any of them (the others are left out).
    """
    others = [
        f"emergence.sources.{name}" for name in SOURCES if source and name != source
    ]
    return script_code(f"{workflow.basedir}/workflow/scripts/{script}", others)


# The workflow's own steps, for the replication README (package.smk).
def workflow_rules(wildcards):
    """The workflow's steps, read when the job runs (after every .smk file is parsed): each one's name, its
    script relative to the project, its outputs and its data inputs, in the order the workflow defines them.
    """
    steps = []
    for step in workflow.rules:
        if step.name == "all":
            continue
        script = None
        if step.script:
            folder = os.path.dirname(os.path.relpath(step.snakefile, workflow.basedir))
            script = os.path.normpath(os.path.join(folder, step.script))
        steps.append(
            {
                "rule": step.name,
                "script": script,
                "outputs": sorted(map(str, step.output)),
                "inputs": sorted(
                    {str(f) for f in step.input if str(f).startswith("data/")}
                ),
            }
        )
    return steps
