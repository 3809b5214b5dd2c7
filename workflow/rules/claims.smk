# Claims: the paper's numeric statements recomputed from the processed tables, its own arithmetic checked,
# the plans' targets set against outcomes (one job, which reads the claims and tables once), and cluster tables
# from its Tables 2 and 3 (one job).

CLAIMS_DIR = f"{PROCESSED}/claims"
CLAIMS_FILE = f"{RAW}/paper/claims.yaml"
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
}
CLAIMS_LEDGER = {
    name: f"{CLAIMS_DIR}/{name}.csv"
    for name in ("ledger", "summary", "consistency", "targets")
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
        verified=VERIFIED,
        code=code("build_claims_ledger.py"),
    output:
        **CLAIMS_LEDGER,
    log:
        "logs/claims/build_claims_ledger.log",
    conda:
        "../envs/emergence.yaml"
    params:
        tables=sorted(CLAIMS_TABLES),
        tolerance=config["claims"],
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
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/tabulate_clusters.py"
