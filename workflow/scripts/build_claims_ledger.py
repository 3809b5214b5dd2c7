"""Rule build_claims_ledger: the claims ledger, its summary by status, the paper's internal checks and the targets."""

from emergence.claims.stage import write_ledger
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs, params = snakemake.input, snakemake.params  # noqa: F821
    tables = {name: inputs[name] for name in params.tables}
    write_ledger(inputs.claims, tables, dict(snakemake.output.items()), params.tolerance)  # noqa: F821
