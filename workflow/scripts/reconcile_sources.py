from emergence.clean import GROUPS_SCHEMA, SCHEMAS
from emergence.reconcile import write_reconciliation
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs, output = snakemake.input, snakemake.output  # noqa: F821
    tables = {name: inputs[name] for name in ("etd", "ggdc10", "un_ama", "wdi", "sector_groups")}
    schemas = {**SCHEMAS, "sector_groups": GROUPS_SCHEMA}
    write_reconciliation(tables, schemas, snakemake.params.tolerance_pp, output.table, output.summary)  # noqa: F821
