# Regions: the HCP census snapshot cleaned into tidy tables (figures, region > province > commune hierarchy,
# field dictionaries), then the regional structure and the paper's clusters placed in their regions.

HCP_MANIFEST = MANIFESTS["hcp_census"]
HCP_FILES = [str(path) for path in raw_manifest.files(HCP_MANIFEST)]
HCP_CLEAN = {
    part: TABLE_PATHS[name]
    for part, name in (
        ("census", "hcp_census"),
        ("units", "hcp_census_units"),
        ("fields", "hcp_census_fields"),
    )
}
REGIONS_TABLES = registry.paths("regions")
REGIONS_TARGETS = [*HCP_CLEAN.values(), *REGIONS_TABLES.values()]


rule clean_hcp_census:
    input:
        manifest=HCP_MANIFEST,
        raw=HCP_FILES,
        verified=VERIFIED,
        code=code("clean_hcp_census.py"),
    output:
        **HCP_CLEAN,
    log:
        "logs/regions/clean_hcp_census.log",
    benchmark:
        f"{BENCHMARKS}/clean_hcp_census.tsv"
    conda:
        "../envs/emergence.yaml"
    script:
        "../scripts/clean_hcp_census.py"


rule analyse_regions:
    input:
        census=HCP_CLEAN["census"],
        fields=HCP_CLEAN["fields"],
        clusters=TABLE_PATHS["clusters"],
        code=code("analyse_regions.py"),
    output:
        **REGIONS_TABLES,
    log:
        "logs/regions/analyse_regions.log",
    benchmark:
        f"{BENCHMARKS}/analyse_regions.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        settings=to_params(SETTINGS.regions),
    script:
        "../scripts/analyse_regions.py"
