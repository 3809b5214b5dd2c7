"""Rule forecast_series: forecasts to the horizon with intervals, rolling-origin backtest against the random walk."""

import os

# The job's threads go to worker processes; one BLAS thread each, since BLAS threads spinning beside the other
# worker slow these small fits several-fold. Set before numpy is first imported.
os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))

from emergence.models.rules import forecast_series, run_rule  # noqa: E402
from emergence.runner import logged  # noqa: E402

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    outputs = dict(snakemake.output.items())
    run_rule(forecast_series, snakemake.params, snakemake.input.table, outputs, workers=snakemake.threads)
