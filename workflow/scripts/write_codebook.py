"""Rule write_codebook: every processed table as a Frictionless Data Package (data/processed/datapackage.json)."""

from emergence.codebook import write_datapackage
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    tables = {name: path for name, path in snakemake.input.items() if name not in ("manifests", "code")}
    log.info(
        "wrote %s",
        write_datapackage(tables, snakemake.input.manifests, snakemake.params.title, snakemake.output.codebook),
    )
