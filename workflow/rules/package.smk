# Package: the codebook of every processed table (a Frictionless Data Package) and the replication README (the
# AEA Data Editor's template), both read from the build. `make package` then zips the built tree.
CODEBOOK = f"{PROCESSED}/datapackage.json"
REPLICATION_README = "reports/README.md"


rule write_codebook:
    input:
        **TABLE_PATHS,
        manifests=sorted(MANIFESTS.values()),
        code=code("write_codebook.py"),
    output:
        codebook=CODEBOOK,
    log:
        "logs/package/write_codebook.log",
    benchmark:
        f"{BENCHMARKS}/write_codebook.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        title=config["report"]["title"],
    script:
        "../scripts/write_codebook.py"


rule write_replication_readme:
    input:
        codebook=CODEBOOK,
        manifests=sorted(MANIFESTS.values()),
        lock="requirements.lock",
        notebook=REPORT_NOTEBOOK,
        # every other output: every other rule's benchmark file is written before the README reads them
        built=[
            *CLEAN_TARGETS,
            *MODELS_TARGETS,
            *STRUCTURE_TARGETS,
            *REGIONS_TARGETS,
            *COUNTERFACTUALS_TARGETS,
            *CLAIMS_TARGETS,
            *FIGURES_TARGETS,
            *REPORT_TARGETS,
        ],
        code=code("write_replication_readme.py"),
    output:
        readme=REPLICATION_README,
    log:
        "logs/package/write_replication_readme.log",
    benchmark:
        f"{BENCHMARKS}/write_replication_readme.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        title=config["report"]["title"],
        seed=config["models"]["seed"],
        rules=workflow_rules,
        benchmarks=BENCHMARKS,
    script:
        "../scripts/write_replication_readme.py"


PACKAGE_TARGETS = [CODEBOOK, REPLICATION_README]
