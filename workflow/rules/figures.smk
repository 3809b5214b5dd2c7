# Figures: one job draws one family of figures, in the one style file (an input of every figure rule, so a
# style edit reruns the figures and the report only). The catalog emergence.figures.catalog names each family's
# figures and the tables they read; each figure has its caption in workflow/report/figures/<name>.rst.
from pathlib import Path

from emergence.codedeps import script_code
from emergence.figures.catalog import figures_of, tables_of

FIGURES_DIR = "reports/figures"
FIGURE_STYLE = "workflow/styles/emergence.mplstyle"
FIGURE_FORMATS = config["figures"]["formats"]
FIGURE_SCHEME = config["figures"]["scheme"]
# Tables the figures and the report may read, by name: the clean tables, then the tables of each analysis stage
# included before this file (its <STAGE>_TARGETS list), named <stage>_<file stem>.
REPORT_INPUTS = {
    name: f"{CLEAN}/{name}.csv"
    for name in (
        "etd",
        "sector_groups",
        "un_ama",
        "wdi",
        "clusters",
        "cluster_companies",
    )
}
REPORT_STAGES = [
    stage
    for stage in ("claims", "models", "structure")
    if f"{stage.upper()}_TARGETS" in globals()
]
for _stage in REPORT_STAGES:
    for _path in globals()[f"{_stage.upper()}_TARGETS"]:
        if str(_path).endswith(".csv"):
            REPORT_INPUTS[f"{_stage}_{Path(_path).stem}"] = str(_path)
# What the figures and the report take from the config: small, ordered values.
REPORT_SETTINGS = {
    "countries": config["countries"],
    "policy_events": sorted(
        config["policy_events"], key=lambda e: (e["year"], e["name"])
    ),
    "scheme": FIGURE_SCHEME,
    "groups": [
        [group, label]
        for group, label in config["concordance"]["schemes"][FIGURE_SCHEME][
            "groups"
        ].items()
    ],
    "periods": [[period["id"], period["label"]] for period in config["periods"]],
}


def figure_outputs(family):
    """Every file of a family's figures; the SVG of each goes into the provenance report with its caption."""
    outputs = {}
    for spec in figures_of(family):
        for fmt in FIGURE_FORMATS:
            path = f"{FIGURES_DIR}/{spec.name}.{fmt}"
            if fmt == "svg":
                path = report(
                    path,
                    caption=f"../report/figures/{spec.name}.rst",
                    category="Figures",
                    subcategory=family,
                    labels={"figure": spec.name},
                )
            outputs[f"{spec.name}_{fmt}"] = path
    return outputs


def figure_inputs(family):
    return {name: REPORT_INPUTS[name] for name in tables_of(family)}


def figure_code(family):
    """The package files that draw a family: the script's imports, and each drawing module (found by name in the
    catalog, so not among those imports) with its own imports."""
    files = set(code("draw_figures.py"))
    for module in sorted({spec.draw.rsplit(".", 1)[0] for spec in figures_of(family)}):
        path = f"src/emergence/figures/{module}.py"
        files |= {path, *script_code(f"{workflow.basedir}/{path}")}
    return sorted(files)


def has_tables(family):
    """Whether every table the family reads is made by a stage of this workflow."""
    return set(tables_of(family)) <= set(REPORT_INPUTS)


rule draw_sector_figures:
    input:
        **figure_inputs("sectors"),
        style=FIGURE_STYLE,
        code=figure_code("sectors"),
    output:
        **figure_outputs("sectors"),
    log:
        "logs/figures/draw_sector_figures.log",
    conda:
        "../envs/emergence.yaml"
    params:
        **REPORT_SETTINGS,
        family="sectors",
        formats=FIGURE_FORMATS,
    script:
        "../scripts/draw_figures.py"


rule draw_cluster_figures:
    input:
        **figure_inputs("clusters"),
        style=FIGURE_STYLE,
        code=figure_code("clusters"),
    output:
        **figure_outputs("clusters"),
    log:
        "logs/figures/draw_cluster_figures.log",
    conda:
        "../envs/emergence.yaml"
    params:
        **REPORT_SETTINGS,
        family="clusters",
        formats=FIGURE_FORMATS,
    script:
        "../scripts/draw_figures.py"


FIGURE_FAMILIES = ["sectors", "clusters"]

# Families of the analysis stages: drawn when the stage is part of the workflow.
if has_tables("structure"):

    rule draw_structure_figures:
        input:
            **figure_inputs("structure"),
            style=FIGURE_STYLE,
            code=figure_code("structure"),
        output:
            **figure_outputs("structure"),
        log:
            "logs/figures/draw_structure_figures.log",
        conda:
            "../envs/emergence.yaml"
        params:
            **REPORT_SETTINGS,
            family="structure",
            formats=FIGURE_FORMATS,
        script:
            "../scripts/draw_figures.py"

    FIGURE_FAMILIES.append("structure")


if has_tables("claims"):

    rule draw_claims_figures:
        input:
            **figure_inputs("claims"),
            style=FIGURE_STYLE,
            code=figure_code("claims"),
        output:
            **figure_outputs("claims"),
        log:
            "logs/figures/draw_claims_figures.log",
        conda:
            "../envs/emergence.yaml"
        params:
            **REPORT_SETTINGS,
            family="claims",
            formats=FIGURE_FORMATS,
        script:
            "../scripts/draw_figures.py"

    FIGURE_FAMILIES.append("claims")


FIGURES_TARGETS = [
    f"{FIGURES_DIR}/{spec.name}.{fmt}"
    for family in FIGURE_FAMILIES
    for spec in figures_of(family)
    for fmt in FIGURE_FORMATS
]
FIGURE_SVGS = [path for path in FIGURES_TARGETS if path.endswith(".svg")]
