"""Rule analyse_structure: productivity decompositions, employment elasticities, shift-share and peer shares."""

from emergence import registry
from emergence.runner import logged
from emergence.settings import StructureSettings, from_params
from emergence.structure.rules import analyse_structure
from emergence.structure.schemas import write_tables

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    params, path = snakemake.params, snakemake.input.table
    settings = from_params(StructureSettings, params.settings)
    tables = analyse_structure(registry.read(params.source, path), settings, params.annual, path)
    write_tables(tables, dict(snakemake.output.items()))
