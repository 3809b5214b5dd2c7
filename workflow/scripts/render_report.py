"""Rule render_report: the report notebook executed, then rendered to self-contained HTML and to PDF."""

from emergence.report.render import publish_report
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    publish_report(
        inputs.notebook,
        outputs.notebook,
        results=inputs.results,
        figures=inputs.figures,
        tables=inputs.tables,
        html=outputs.html,
        pdf=outputs.pdf,
        kernel=params.kernel,
        timeout=params.timeout,
        title=params.title,
    )
    log.info("executed %s into %s, rendered %s and %s", inputs.notebook, outputs.notebook, outputs.html, outputs.pdf)
