from pathlib import Path

from emergence.clean import clean_source
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    params = snakemake.params  # noqa: F821
    if params.source == "un_ama":
        raw = {table: Path(snakemake.input[table]) for table in params.tables}  # noqa: F821
    else:
        raw = Path(snakemake.input.raw)  # noqa: F821
    clean_source(params.source, raw, list(params.countries), snakemake.output.table)  # noqa: F821
