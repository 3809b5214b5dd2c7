from emergence.clean import write_paper_tables
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs, output = snakemake.input, snakemake.output  # noqa: F821
    write_paper_tables(inputs.table2, inputs.table3, dict(output.items()))
