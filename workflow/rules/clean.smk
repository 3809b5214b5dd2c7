# Clean: each verified raw snapshot to a tidy validated table; sectors grouped by scheme; sources compared.

CLEAN_TARGETS = list(registry.paths("clean").values())
CLEAN = registry.paths("clean")
# What each source's cleaner reads: one data file, or the UN's workbooks by table.
SOURCE_FILES = {
    "etd": {"raw": raw_file("etd")},
    "ggdc10": {"raw": raw_file("ggdc10")},
    "un_ama": {table: raw_file(f"un_ama_{table}", table) for table in UN_TABLES},
    "wdi": {"raw": raw_file("wdi")},
}


for source, files in SOURCE_FILES.items():

    rule:
        name:
            f"clean_{source}"
        input:
            **files,
            verified=VERIFIED,
            code=code("clean_source.py", source),
        output:
            table=CLEAN[source],
            gaps=CLEAN[f"{source}_gaps"],
        log:
            f"logs/clean/clean_{source}.log",
        benchmark:
            f"{BENCHMARKS}/clean_{source}.tsv"
        priority: 2 if source == "etd" else 0
        conda:
            "../envs/emergence.yaml"
        params:
            source=source,
            countries=list(SETTINGS.countries),
            tables=[] if "raw" in files else sorted(files),
            gaps=to_params(SETTINGS.sources[source]),
            indicators=config["sources"]["wdi"]["indicators"] if source == "wdi" else {},
        script:
            "../scripts/clean_source.py"


rule name_countries:
    input:
        raw=SOURCE_FILES["etd"]["raw"],
        verified=VERIFIED,
        code=code("name_countries.py"),
    output:
        table=CLEAN["countries"],
    log:
        "logs/clean/name_countries.log",
    benchmark:
        f"{BENCHMARKS}/name_countries.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        countries=raw_manifest.load(MANIFESTS["etd"])["countries"],
    script:
        "../scripts/name_countries.py"


rule group_sectors:
    input:
        etd=CLEAN["etd"],
        ggdc10=CLEAN["ggdc10"],
        un_ama=CLEAN["un_ama"],
        code=code("group_sectors.py"),
    output:
        table=CLEAN["sector_groups"],
    log:
        "logs/clean/group_sectors.log",
    benchmark:
        f"{BENCHMARKS}/group_sectors.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        concordance=config["concordance"],
    script:
        "../scripts/group_sectors.py"


rule reconcile_sources:
    input:
        etd=CLEAN["etd"],
        ggdc10=CLEAN["ggdc10"],
        un_ama=CLEAN["un_ama"],
        wdi=CLEAN["wdi"],
        sector_groups=CLEAN["sector_groups"],
        code=code("reconcile_sources.py"),
    output:
        table=CLEAN["reconciliation"],
        summary=CLEAN["reconciliation_summary"],
    log:
        "logs/clean/reconcile_sources.log",
    benchmark:
        f"{BENCHMARKS}/reconcile_sources.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        tolerance_pp=config["reconciliation"]["tolerance_pp"],
    script:
        "../scripts/reconcile_sources.py"


rule tabulate_coverage:
    input:
        **{source: CLEAN[source] for source in SOURCE_FILES},
        code=code("tabulate_coverage.py"),
    output:
        table=CLEAN["coverage"],
    log:
        "logs/clean/tabulate_coverage.log",
    benchmark:
        f"{BENCHMARKS}/tabulate_coverage.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        countries=list(SETTINGS.countries),
    script:
        "../scripts/tabulate_coverage.py"


rule clean_paper:
    input:
        table2=f"{RAW}/paper/table2_clusters.yaml",
        table3=f"{RAW}/paper/table3_cluster_companies.yaml",
        verified=VERIFIED,
        code=code("clean_paper.py"),
    output:
        clusters=CLEAN["clusters"],
        cluster_companies=CLEAN["cluster_companies"],
    log:
        "logs/clean/clean_paper.log",
    benchmark:
        f"{BENCHMARKS}/clean_paper.tsv"
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/clean_paper.py"
