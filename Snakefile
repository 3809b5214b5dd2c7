# emergence: published statistics on Morocco -> tidy tables, models, figures and report.
# The stages live in workflow/rules/; this file only includes them and names the default target. Each stage's
# file needs only common.smk (settings, raw files, the table registry), so the stages may come in any order.

from emergence.config import read_yaml

# The project's own loader reads the default config before Snakemake's does: a syntax error, a tab, a duplicate key
# or an alias bomb stops here with the file and line. (A file given with --configfile is read by Snakemake first.)
read_yaml("config/config.yaml")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/structure.smk"
include: "workflow/rules/regions.smk"
include: "workflow/rules/counterfactuals.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/package.smk"


rule all:
    default_target: True
    input:
        CLEAN_TARGETS,
        MODELS_TARGETS,
        STRUCTURE_TARGETS,
        REGIONS_TARGETS,
        COUNTERFACTUALS_TARGETS,
        CLAIMS_TARGETS,
        FIGURES_TARGETS,
        REPORT_TARGETS,
        PACKAGE_TARGETS,
