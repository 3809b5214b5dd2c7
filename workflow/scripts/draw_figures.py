from pathlib import Path

from emergence.figures.draw import draw_family_files
from emergence.report.settings import settings_from_params
from emergence.runner import logged

with logged(snakemake.log[0]) as log:  # noqa: F821
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    tables = {name: path for name, path in inputs.items() if name not in ("style", "code")}
    settings = settings_from_params(
        params.countries, params.policy_events, params.scheme, params.groups, params.periods
    )
    outdir = Path(outputs[0]).parent
    for path in draw_family_files(params.family, tables, settings, outdir, params.formats, inputs.style):
        log.info("wrote %s", path)
