# Structural change: productivity decompositions, employment elasticities, shift-share and peer comparison.
# One job covers every country.

STRUCTURE = config["structure"]
STRUCTURE_DIR = f"{PROCESSED}/structure"
STRUCTURE_INPUT = f"{PROCESSED}/clean/{STRUCTURE['source']}.csv"
STRUCTURE_PARAMS = {
    "countries": COUNTRIES,
    "periods": config["periods"],
    "merges": dict(sorted(STRUCTURE["merge_without_employment"].items())),
}
STRUCTURE_DECOMPOSITION = {"decomposition": f"{STRUCTURE_DIR}/decomposition.csv"}
if STRUCTURE["annual"]:
    STRUCTURE_DECOMPOSITION["decomposition_annual"] = (
        f"{STRUCTURE_DIR}/decomposition_annual.csv"
    )
STRUCTURE_COMPARISON = {
    name: f"{STRUCTURE_DIR}/{name}.csv"
    for name in ("elasticity", "shift_share", "peers", "peaks")
}
STRUCTURE_TARGETS = [*STRUCTURE_DECOMPOSITION.values(), *STRUCTURE_COMPARISON.values()]


rule analyse_structure:
    input:
        table=STRUCTURE_INPUT,
        code=code("analyse_structure.py"),
    output:
        **STRUCTURE_DECOMPOSITION,
        **STRUCTURE_COMPARISON,
    log:
        "logs/structure/analyse_structure.log",
    conda:
        "../envs/emergence.yaml"
    params:
        **STRUCTURE_PARAMS,
        annual=STRUCTURE["annual"],
        peer_sectors=sorted(STRUCTURE["peer_sectors"]),
    script:
        "../scripts/analyse_structure.py"
