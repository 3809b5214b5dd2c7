"""Rule draw_{family}_figures: one family of figures, in the shared style."""

from pathlib import Path

from emergence.figures.draw import draw_family_files
from emergence.runner import logged
from emergence.settings import ViewSettings, from_params

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params, inputs, outputs = snakemake.params, snakemake.input, snakemake.output
    tables = {name: path for name, path in inputs.items() if name not in ("style", "code")}
    settings = from_params(ViewSettings, params.settings)
    outdir = Path(outputs[0]).parent
    for path in draw_family_files(params.family, tables, settings, outdir, params.formats, inputs.style):
        log.info("wrote %s", path)
