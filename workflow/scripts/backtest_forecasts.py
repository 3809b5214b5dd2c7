"""Rule backtest_forecasts: rolling-origin backtest of the forecasting models against the random walk."""

import emergence.blas  # noqa: F401 - before numpy
from emergence.models.rules import backtest_forecasts, run_rule
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    outputs = dict(snakemake.output.items())
    run_rule(backtest_forecasts, snakemake.params, snakemake.input.table, outputs, workers=snakemake.threads)
