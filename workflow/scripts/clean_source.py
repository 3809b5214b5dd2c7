"""Rules clean_{source}: one source's verified snapshot to its tidy table."""

from pathlib import Path

from emergence.clean import clean_source
from emergence.runner import logged
from emergence.settings import Gaps, from_params

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    params, inputs = snakemake.params, snakemake.input
    raw = {table: Path(inputs[table]) for table in params.tables} if params.tables else Path(inputs.raw)
    gaps = from_params(Gaps, params.gaps)
    indicators = dict(params.indicators) or None  # the WDI reader's list of indicators, from the config
    clean_source(
        params.source, raw, list(params.countries), snakemake.output.table, gaps, snakemake.output.gaps, indicators
    )
