"""Rule name_countries: the names of the ETD snapshot's countries as the workbook gives them."""

from emergence.clean import write_country_names
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    write_country_names(snakemake.input.raw, list(snakemake.params.countries), snakemake.output.table)
