"""Rule render_report: the report notebook executed, then rendered to self-contained HTML, to PDF and to Word."""

from emergence.report.render import publish_report
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    formats = {fmt: outputs[fmt] for fmt in ("html", "pdf", "docx")}
    publish_report(
        inputs.notebook,
        outputs.notebook,
        results=inputs.results,
        figures=inputs.figures,
        tables=inputs.tables,
        bibliography=inputs.bibliography,
        outputs=formats,
        report=params.report,
        rules=params.rules,
        manifests=inputs.manifests,
        kernel=params.kernel,
        timeout=params.timeout,
    )
    log.info("executed %s into %s, rendered %s", inputs.notebook, outputs.notebook, ", ".join(formats.values()))
