"""Rule fit_trends: trend growth by policy period, unit-root diagnostics, HP and Hamilton trend and cycle."""

from emergence.clean import SCHEMAS
from emergence.io import read_table
from emergence.models.rules import fit_trends
from emergence.models.schemas import write_tables
from emergence.models.settings import model_settings
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params = snakemake.params
    settings = model_settings(params.countries, params.periods, params.policy_events, params.models)
    source = snakemake.input.table
    tables = fit_trends(read_table(source, SCHEMAS["etd"]), settings, source)
    write_tables(tables, dict(snakemake.output.items()))
    log.info("%s", ", ".join(f"{name}: {len(table)} rows" for name, table in sorted(tables.items())))
