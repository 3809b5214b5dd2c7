from emergence.clean import write_groups
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    tables = {name: snakemake.input[name] for name in ("etd", "ggdc10", "un_ama")}  # noqa: F821
    write_groups(tables, snakemake.params.concordance, snakemake.output.table)  # noqa: F821
