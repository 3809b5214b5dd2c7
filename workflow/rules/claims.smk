# Claims: the paper's numeric statements recomputed from the processed tables (against every source that holds
# the series), its own arithmetic checked, the plans' targets set against outcomes (one job, which reads the
# claims and tables once), and cluster tables from its Tables 2 and 3 (one job). The claims file names the
# country the paper is about; the build's focus country and countries arrive as params.

CLAIMS_DIR = f"{PROCESSED}/claims"
CLAIMS_FILE = f"{RAW}/paper/claims.yaml"
CLAIMS_SCHEMA_FILE = "workflow/schemas/claims.schema.yaml"
CLAIMS_TABLES = {
    name: f"{PROCESSED}/clean/{name}.csv"
    for name in (
        "etd",
        "ggdc10",
        "un_ama",
        "wdi",
        "sector_groups",
        "clusters",
        "cluster_companies",
    )
} | {
    # the HCP census by region and the clusters placed in their regions (claims on firm sizes and locations)
    name: TABLE_PATHS[name]
    for name in ("regions_location_quotients", "regions_clusters")
}
CLAIMS_LEDGER = {
    name: f"{CLAIMS_DIR}/{name}.csv"
    for name in ("ledger", "summary", "sources", "consistency", "targets")
}
CLAIMS_CLUSTERS = {
    name: f"{CLAIMS_DIR}/clusters_{name}.csv"
    for name in ("by_year", "by_sector", "by_region", "members", "structure")
}
CLAIMS_TARGETS = [*CLAIMS_LEDGER.values(), *CLAIMS_CLUSTERS.values()]


rule build_claims_ledger:
    input:
        **CLAIMS_TABLES,
        claims=CLAIMS_FILE,
        schema=CLAIMS_SCHEMA_FILE,
        verified=VERIFIED,
        code=code("build_claims_ledger.py"),
    output:
        **CLAIMS_LEDGER,
    log:
        "logs/claims/build_claims_ledger.log",
    benchmark:
        f"{BENCHMARKS}/build_claims_ledger.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        tables=sorted(CLAIMS_TABLES),
        tolerance=config["claims"],
        focus=SETTINGS.focus,
        countries=list(SETTINGS.countries),
    script:
        "../scripts/build_claims_ledger.py"


rule tabulate_clusters:
    input:
        clusters=CLAIMS_TABLES["clusters"],
        cluster_companies=CLAIMS_TABLES["cluster_companies"],
        code=code("tabulate_clusters.py"),
    output:
        **CLAIMS_CLUSTERS,
    log:
        "logs/claims/tabulate_clusters.log",
    benchmark:
        f"{BENCHMARKS}/tabulate_clusters.tsv"
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/tabulate_clusters.py"
