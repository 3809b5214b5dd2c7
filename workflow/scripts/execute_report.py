from emergence.report.notebook import execute_notebook, notebook_parameters
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    params, inputs, output = snakemake.params, snakemake.input, snakemake.output.notebook  # noqa: F821
    parameters = notebook_parameters(output, inputs.results, inputs.figures, inputs.tables)
    execute_notebook(inputs.notebook, output, parameters, params.kernel, params.timeout)
    log.info("executed %s into %s with %s", inputs.notebook, output, parameters)
