from emergence.report.render import render_report_files
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    inputs, outputs = snakemake.input, snakemake.output  # noqa: F821
    render_report_files(inputs.notebook, inputs.results, outputs.html, outputs.pdf, snakemake.params.title)  # noqa: F821
    log.info("rendered %s and %s", outputs.html, outputs.pdf)
