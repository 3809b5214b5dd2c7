"""Rule analyse_regions: location quotients, specialisation, concentration, establishments, rates, clusters."""

from emergence.regions.structure import write_regions
from emergence.runner import logged
from emergence.settings import RegionSettings, from_params

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    settings = from_params(RegionSettings, snakemake.params.settings)
    write_regions(dict(snakemake.input.items()), settings, dict(snakemake.output.items()))
