"""Rule clean_hcp_census: the HCP census snapshot to tidy figures, the unit hierarchy and the field dictionaries."""

from pathlib import Path

from emergence.regions.tidy import write_census
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    write_census(Path(snakemake.input.manifest).parent, dict(snakemake.output.items()))  # noqa: F821
