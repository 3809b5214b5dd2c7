"""Rule reconcile_sources: overlapping measures compared across sources, differences beyond tolerance flagged."""

from emergence import registry
from emergence.reconcile import write_reconciliation
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    inputs, output = snakemake.input, snakemake.output
    names = ("etd", "ggdc10", "un_ama", "wdi", "sector_groups")
    tables = {name: inputs[name] for name in names}
    schemas = {name: registry.schema_of(name) for name in names}
    write_reconciliation(tables, schemas, snakemake.params.tolerance_pp, output.table, output.summary)
