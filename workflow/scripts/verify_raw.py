from emergence.manifest import write_verification
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    write_verification(snakemake.input.manifests, snakemake.output.verified)  # noqa: F821
