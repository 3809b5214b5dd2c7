# Clean: each verified raw snapshot to a tidy validated table; sectors grouped by scheme; sources compared.

CLEAN = f"{PROCESSED}/clean"
CLEAN_TARGETS = [
    f"{CLEAN}/etd.csv",
    f"{CLEAN}/ggdc10.csv",
    f"{CLEAN}/un_ama.csv",
    f"{CLEAN}/wdi.csv",
    f"{CLEAN}/sector_groups.csv",
    f"{CLEAN}/reconciliation.csv",
    f"{CLEAN}/reconciliation_summary.csv",
    f"{CLEAN}/clusters.csv",
    f"{CLEAN}/cluster_companies.csv",
]


rule clean_etd:
    input:
        raw=raw_file("etd"),
        verified=VERIFIED,
        code=code("clean_source.py"),
    output:
        table=f"{CLEAN}/etd.csv",
    log:
        "logs/clean/clean_etd.log",
    priority: 2
    conda:
        "../envs/emergence.yaml"
    params:
        source="etd",
        countries=COUNTRIES,
    script:
        "../scripts/clean_source.py"


rule clean_ggdc10:
    input:
        raw=raw_file("ggdc10"),
        verified=VERIFIED,
        code=code("clean_source.py"),
    output:
        table=f"{CLEAN}/ggdc10.csv",
    log:
        "logs/clean/clean_ggdc10.log",
    conda:
        "../envs/emergence.yaml"
    params:
        source="ggdc10",
        countries=COUNTRIES,
    script:
        "../scripts/clean_source.py"


rule clean_un_ama:
    input:
        **{table: raw_file(f"un_ama_{table}", table) for table in UN_TABLES},
        verified=VERIFIED,
        code=code("clean_source.py"),
    output:
        table=f"{CLEAN}/un_ama.csv",
    log:
        "logs/clean/clean_un_ama.log",
    conda:
        "../envs/emergence.yaml"
    params:
        source="un_ama",
        countries=COUNTRIES,
        tables=UN_TABLES,
    script:
        "../scripts/clean_source.py"


rule clean_wdi:
    input:
        raw=raw_file("wdi"),
        verified=VERIFIED,
        code=code("clean_source.py"),
    output:
        table=f"{CLEAN}/wdi.csv",
    log:
        "logs/clean/clean_wdi.log",
    conda:
        "../envs/emergence.yaml"
    params:
        source="wdi",
        countries=COUNTRIES,
    script:
        "../scripts/clean_source.py"


rule group_sectors:
    input:
        etd=f"{CLEAN}/etd.csv",
        ggdc10=f"{CLEAN}/ggdc10.csv",
        un_ama=f"{CLEAN}/un_ama.csv",
        code=code("group_sectors.py"),
    output:
        table=f"{CLEAN}/sector_groups.csv",
    log:
        "logs/clean/group_sectors.log",
    conda:
        "../envs/emergence.yaml"
    params:
        concordance=config["concordance"],
    script:
        "../scripts/group_sectors.py"


rule reconcile_sources:
    input:
        etd=f"{CLEAN}/etd.csv",
        ggdc10=f"{CLEAN}/ggdc10.csv",
        un_ama=f"{CLEAN}/un_ama.csv",
        wdi=f"{CLEAN}/wdi.csv",
        sector_groups=f"{CLEAN}/sector_groups.csv",
        code=code("reconcile_sources.py"),
    output:
        table=f"{CLEAN}/reconciliation.csv",
        summary=f"{CLEAN}/reconciliation_summary.csv",
    log:
        "logs/clean/reconcile_sources.log",
    conda:
        "../envs/emergence.yaml"
    params:
        tolerance_pp=config["reconciliation"]["tolerance_pp"],
    script:
        "../scripts/reconcile_sources.py"


rule clean_paper:
    input:
        table2=f"{RAW}/paper/table2_clusters.yaml",
        table3=f"{RAW}/paper/table3_cluster_companies.yaml",
        verified=VERIFIED,
        code=code("clean_paper.py"),
    output:
        clusters=f"{CLEAN}/clusters.csv",
        cluster_companies=f"{CLEAN}/cluster_companies.csv",
    log:
        "logs/clean/clean_paper.log",
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/clean_paper.py"
