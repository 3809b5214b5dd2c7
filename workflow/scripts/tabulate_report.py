"""Rule tabulate_report: the report tables in four formats and the numbers the prose quotes."""

import os
from pathlib import Path

from emergence.report.build import tabulate_report
from emergence.runner import logged
from emergence.settings import ViewSettings, from_params

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output
    tables = {name: path for name, path in inputs.items() if name not in ("manifests", "code")}
    settings = from_params(ViewSettings, params.settings)
    tables_dir = Path(next(path for name, path in outputs.items() if name != "results")).parent
    for path in tabulate_report(
        tables, inputs.manifests, settings, tables_dir, outputs.results, Path.cwd(), os.environ, params.config
    ):
        log.info("wrote %s", path)
