"""Rule tabulate_clusters: clusters by year, sector and region, stated members and company structure."""

from emergence.claims.stage import write_clusters
from emergence.runner import logged

with logged(snakemake.log[0]):  # noqa: F821
    inputs = snakemake.input  # noqa: F821
    write_clusters(inputs.clusters, inputs.cluster_companies, dict(snakemake.output.items()))  # noqa: F821
