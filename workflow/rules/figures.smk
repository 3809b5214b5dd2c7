# Figures: one job draws one family of figures, in the one style file (an input of every figure rule, so a
# style edit reruns the figures and the report only). The registry (emergence.registry) names each family's
# figures and the tables they read; each figure has its caption in workflow/report/figures/<name>.rst.

FIGURE_STYLE = "workflow/styles/emergence.mplstyle"
FIGURE_FORMATS = list(SETTINGS.figure_formats)


def figure_outputs(family):
    """Every file of a family's figures; the SVG of each goes into the provenance report with its caption."""
    outputs = {}
    for spec in registry.figures_of(family):
        for fmt in FIGURE_FORMATS:
            path = f"{registry.FIGURES_DIR}/{spec.name}.{fmt}"
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


def figure_code(family):
    """The package files that draw a family: the script's imports, and each drawing module (named in the
    registry, so not among those imports) with its own imports."""
    files = set(code("draw_figures.py"))
    for module in sorted(
        {spec.draw.rsplit(".", 1)[0] for spec in registry.figures_of(family)}
    ):
        path = f"src/emergence/figures/{module}.py"
        files |= {path, *script_code(f"{workflow.basedir}/{path}")}
    return sorted(files)


for family in sorted({spec.family for spec in registry.FIGURES}):

    rule:
        name:
            f"draw_{family}_figures"
        input:
            **{name: TABLE_PATHS[name] for name in registry.tables_of(family)},
            style=FIGURE_STYLE,
            code=figure_code(family),
        output:
            **figure_outputs(family),
        log:
            f"logs/figures/draw_{family}_figures.log",
        benchmark:
            f"{BENCHMARKS}/draw_{family}_figures.tsv"
        priority: 1 if family == "models" else 0
        conda:
            "../envs/emergence.yaml"
        params:
            settings=to_params(SETTINGS.views),
            family=family,
            formats=FIGURE_FORMATS,
        script:
            "../scripts/draw_figures.py"


FIGURES_TARGETS = [
    path for fmt in FIGURE_FORMATS for path in registry.figure_paths(fmt)
]
