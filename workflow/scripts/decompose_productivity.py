"""Rule decompose_productivity: aggregate labour productivity change split into within and reallocation terms."""

from emergence.io import read_table
from emergence.runner import logged
from emergence.structure.rules import decompose_productivity
from emergence.structure.schemas import write_tables
from emergence.structure.settings import StructureSettings

with logged(snakemake.log[0]):  # noqa: F821
    params = snakemake.params  # noqa: F821
    path = snakemake.input.table  # noqa: F821
    settings = StructureSettings.from_params(params.countries, params.periods, params.merges)
    tables = decompose_productivity(read_table(path), settings, params.annual, path)
    write_tables(tables, dict(snakemake.output.items()))  # noqa: F821
