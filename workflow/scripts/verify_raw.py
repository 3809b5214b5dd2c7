"""Rule verify_raw: every raw file of the selected releases against its manifest's sha256."""

from emergence.runner import logged
from emergence.verify import write_verification

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]):
    write_verification(snakemake.input.manifests, snakemake.output.verified)
