"""Rules fit_trends, test_breaks, forecast_series and backtest_forecasts: the models function named like the rule,
on the clean ETD table. Snakemake limits each job's BLAS threads to the rule's `threads`."""

from emergence.models import rules
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    rule = getattr(rules, snakemake.rule)
    outputs = dict(snakemake.output.items())
    rules.run_rule(rule, snakemake.params, snakemake.input.table, outputs, workers=snakemake.threads)
