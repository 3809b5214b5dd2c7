"""Rule test_breaks: segmented trends and F tests at the policy years, sup-F and CUSUM search for a break."""

from emergence.models.rules import run_rule, test_breaks
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    run_rule(test_breaks, snakemake.params, snakemake.input.table, dict(snakemake.output.items()))
