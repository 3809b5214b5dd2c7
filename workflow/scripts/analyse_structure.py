"""Rule analyse_structure: productivity decompositions, employment elasticities, shift-share and peer shares."""

from emergence.io import read_table
from emergence.runner import logged
from emergence.structure.rules import analyse_structure
from emergence.structure.schemas import write_tables
from emergence.structure.settings import StructureSettings

with logged(snakemake.log[0]):  # noqa: F821
    params = snakemake.params  # noqa: F821
    path = snakemake.input.table  # noqa: F821
    settings = StructureSettings.from_params(params.countries, params.periods, params.merges, params.peer_sectors)
    tables = analyse_structure(read_table(path), settings, params.annual, path)
    write_tables(tables, dict(snakemake.output.items()))  # noqa: F821
