"""Rule build_claims_ledger: the claims ledger, its summary, values by source, the paper's internal checks and
the targets."""

from emergence.claims.stage import write_ledger
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs, params = snakemake.input, snakemake.params  # noqa: F821
    write_ledger(
        inputs.claims,
        inputs.schema,
        {name: inputs[name] for name in params.tables},
        dict(snakemake.output.items()),  # noqa: F821
        params.tolerance,
        params.focus,
        params.countries,
    )
