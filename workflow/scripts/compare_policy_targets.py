"""Rule compare_policy_targets: the plans' stated targets against the outcomes the data show."""

from emergence.claims.stage import write_targets
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs, params = snakemake.input, snakemake.params  # noqa: F821
    tables = {name: inputs[name] for name in params.tables}
    write_targets(inputs.claims, tables, snakemake.output.targets)  # noqa: F821
