# Ingest: the record of the raw files verified. The verification itself is the gate every start of the workflow
# passes (common.smk, before any job); this job writes what it verified, with the same function, for the report.


rule verify_raw:
    input:
        manifests=sorted(MANIFESTS.values()),
        files=RAW_FILES,
        code=code("verify_raw.py"),
    output:
        verified=VERIFIED,
    log:
        "logs/ingest/verify_raw.log",
    benchmark:
        f"{BENCHMARKS}/verify_raw.tsv"
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/verify_raw.py"
