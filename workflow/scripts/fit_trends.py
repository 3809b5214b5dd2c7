"""Rule fit_trends: trend growth by policy period, unit-root diagnostics, HP and Hamilton trend and cycle."""

from emergence.models.rules import fit_trends, run_rule
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    run_rule(fit_trends, snakemake.params, snakemake.input.table, dict(snakemake.output.items()))
