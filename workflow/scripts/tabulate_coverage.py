"""Rule tabulate_coverage: which years each source holds for each configured country and variable."""

from emergence.runner import logged
from emergence.views.coverage import write_coverage

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    tables = {name: path for name, path in snakemake.input.items() if name != "code"}
    write_coverage(tables, list(snakemake.params.countries), snakemake.output.table)
