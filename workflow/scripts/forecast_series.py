"""Rule forecast_series: forecasts to the horizon with intervals, rolling-origin backtest against the random walk."""

import os

# The job's threads go to worker processes; one BLAS thread each, since BLAS threads spinning beside the other
# worker slow these small fits several-fold. Set before numpy is first imported.
os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))

from emergence.clean import SCHEMAS  # noqa: E402
from emergence.io import read_table  # noqa: E402
from emergence.models.rules import forecast_series  # noqa: E402
from emergence.models.schemas import write_tables  # noqa: E402
from emergence.models.settings import model_settings  # noqa: E402
from emergence.runner import logged  # noqa: E402

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params = snakemake.params
    settings = model_settings(params.countries, params.periods, params.policy_events, params.models)
    source = snakemake.input.table
    tables = forecast_series(read_table(source, SCHEMAS["etd"]), settings, source, workers=snakemake.threads)
    write_tables(tables, dict(snakemake.output.items()))
    log.info("%s", ", ".join(f"{name}: {len(table)} rows" for name, table in sorted(tables.items())))
