"""Rule test_breaks: segmented trends and F tests at the policy years, sup-F and CUSUM search for a break."""

from emergence.clean import SCHEMAS
from emergence.io import read_table
from emergence.models.rules import test_breaks
from emergence.models.schemas import write_tables
from emergence.models.settings import model_settings
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params = snakemake.params
    settings = model_settings(params.countries, params.periods, params.policy_events, params.models)
    source = snakemake.input.table
    tables = test_breaks(read_table(source, SCHEMAS["etd"]), settings, source)
    write_tables(tables, dict(snakemake.output.items()))
    log.info("%s", ", ".join(f"{name}: {len(table)} rows" for name, table in sorted(tables.items())))
