"""Rule forecast_series: every configured country's series forecast to the horizon, with prediction intervals."""

import emergence.blas  # noqa: F401 - before numpy
from emergence.models.rules import forecast_series, run_rule
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    outputs = dict(snakemake.output.items())
    run_rule(forecast_series, snakemake.params, snakemake.input.table, outputs, workers=snakemake.threads)
