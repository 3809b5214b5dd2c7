# Structural change: productivity decompositions, employment elasticities, shift-share and peer comparison.
# One job covers every country.

STRUCTURE = config["structure"]
STRUCTURE_INPUT = TABLE_PATHS[STRUCTURE["source"]]
STRUCTURE_TABLES = registry.paths("structure")
if not STRUCTURE["annual"]:
    del STRUCTURE_TABLES["decomposition_annual"]
STRUCTURE_TARGETS = list(STRUCTURE_TABLES.values())


rule analyse_structure:
    input:
        table=STRUCTURE_INPUT,
        code=code("analyse_structure.py"),
    output:
        **STRUCTURE_TABLES,
    log:
        "logs/structure/analyse_structure.log",
    benchmark:
        f"{BENCHMARKS}/analyse_structure.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        settings=to_params(SETTINGS.structure),
        source=STRUCTURE["source"],
        annual=STRUCTURE["annual"],
    script:
        "../scripts/analyse_structure.py"
