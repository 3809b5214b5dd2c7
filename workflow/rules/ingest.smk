# Ingest: nothing is read before every raw file matches the checksum its manifest recorded.


rule verify_raw:
    input:
        manifests=sorted(MANIFESTS.values()),
        files=RAW_FILES,
        code=code("verify_raw.py"),
    output:
        verified=VERIFIED,
    log:
        "logs/ingest/verify_raw.log",
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/verify_raw.py"
