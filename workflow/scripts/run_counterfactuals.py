"""Rules fit_synthetic_controls, estimate_event_studies and search_breaks: the counterfactual stage's function named
like the rule, on the full ETD panel (and the UN's, when the synthetic controls have UN outcomes); the synthetic
controls use the job's threads as worker processes."""

from emergence.counterfactuals.stage import run_rule
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    outputs = dict(snakemake.output.items())
    un_panel = snakemake.input.get("un_panel")
    run_rule(snakemake.rule, snakemake.params, snakemake.input.panel, outputs, snakemake.threads, un_panel)
