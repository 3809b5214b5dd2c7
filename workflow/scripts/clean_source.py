"""Rules clean_{source}: one source's verified snapshot to its tidy table."""

from pathlib import Path

from emergence.clean import clean_source
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    params, inputs = snakemake.params, snakemake.input
    raw = {table: Path(inputs[table]) for table in params.tables} if params.tables else Path(inputs.raw)
    clean_source(params.source, raw, list(params.countries), snakemake.output.table)
