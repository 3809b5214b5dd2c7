import os
from pathlib import Path

from emergence.report.build import tabulate_report
from emergence.report.settings import settings_from_params
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    tables = {name: path for name, path in inputs.items() if name not in ("manifests", "code")}
    settings = settings_from_params(
        params.countries, params.policy_events, params.scheme, params.groups, params.periods
    )
    tables_dir = Path(next(path for name, path in outputs.items() if name != "results")).parent
    written = tabulate_report(
        tables, inputs.manifests, settings, tables_dir, outputs.results, Path.cwd(), os.environ, params.stages
    )
    for path in written:
        log.info("wrote %s", path)
