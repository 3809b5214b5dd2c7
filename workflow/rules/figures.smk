# Figures: one job draws one family of figures, in the one style file (an input of every figure rule, so a
# style edit reruns the figures and the report only). The catalog emergence.figures.catalog names each family's
# figures and the tables they read; each figure has its caption in workflow/report/figures/<name>.rst.
# Needs the clean, claims, models and structure stages included before it; helpers in common.smk.
from pathlib import Path

from emergence.figures.catalog import FIGURES

FIGURES_DIR = "reports/figures"
FIGURE_STYLE = "workflow/styles/emergence.mplstyle"
FIGURE_FORMATS = config["figures"]["formats"]
FIGURE_SCHEME = config["figures"]["scheme"]
# Tables the figures and the report may read, by name: the clean tables, then each analysis stage's tables
# (its <STAGE>_TARGETS list), named <stage>_<file stem>.
REPORT_STAGES = {
    "claims": CLAIMS_TARGETS,
    "models": MODELS_TARGETS,
    "structure": STRUCTURE_TARGETS,
}
REPORT_INPUTS = {
    **{
        name: f"{CLEAN}/{name}.csv"
        for name in (
            "etd",
            "sector_groups",
            "un_ama",
            "wdi",
            "clusters",
            "cluster_companies",
        )
    },
    **{
        f"{stage}_{Path(path).stem}": str(path)
        for stage, targets in REPORT_STAGES.items()
        for path in targets
        if str(path).endswith(".csv")
    },
}
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


rule draw_model_figures:
    input:
        **figure_inputs("models"),
        style=FIGURE_STYLE,
        code=figure_code("models"),
    output:
        **figure_outputs("models"),
    log:
        "logs/figures/draw_model_figures.log",
    priority: 1
    conda:
        "../envs/emergence.yaml"
    params:
        **REPORT_SETTINGS,
        family="models",
        formats=FIGURE_FORMATS,
    script:
        "../scripts/draw_figures.py"


FIGURES_TARGETS = [
    f"{FIGURES_DIR}/{spec.name}.{fmt}" for spec in FIGURES for fmt in FIGURE_FORMATS
]
FIGURE_SVGS = [path for path in FIGURES_TARGETS if path.endswith(".svg")]
