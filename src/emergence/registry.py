"""Every table the build writes under data/processed and every figure it draws, each named once.

The workflow's target lists, `read(name)` and the tests take names, paths and schemas from here. A schema is
named by module and attribute and imported only when a table is read, so the workflow can list its outputs
without loading pandas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from emergence.errors import InputError

PROCESSED = "data/processed"
FIGURES_DIR = "reports/figures"


@dataclass(frozen=True)
class Table:
    stage: str
    file: str
    schema: str  # "module:ATTRIBUTE" or "module:MAPPING.key"

    @property
    def name(self) -> str:
        """The clean tables go by their file name, the others by stage and file (models_trend_growth)."""
        return self.file if self.stage == "clean" else f"{self.stage}_{self.file}"

    @property
    def path(self) -> str:
        return f"{PROCESSED}/{self.stage}/{self.file}.csv"


def _tables(stage: str, schemas: dict[str, str]) -> tuple[Table, ...]:
    return tuple(Table(stage, file, schema) for file, schema in schemas.items())


TABLES: tuple[Table, ...] = (
    *_tables("ingest", {"verified": "emergence.verify:VERIFIED_SCHEMA"}),
    *_tables(
        "clean",
        {
            "etd": "emergence.clean:SCHEMAS.etd",
            "ggdc10": "emergence.clean:SCHEMAS.ggdc10",
            "un_ama": "emergence.clean:SCHEMAS.un_ama",
            "wdi": "emergence.clean:SCHEMAS.wdi",
            **{f"{source}_gaps": "emergence.clean:GAPS_SCHEMA" for source in ("etd", "ggdc10", "un_ama", "wdi")},
            "sector_groups": "emergence.clean:GROUPS_SCHEMA",
            "reconciliation": "emergence.reconcile:SCHEMA",
            "reconciliation_summary": "emergence.reconcile:SUMMARY_SCHEMA",
            "clusters": "emergence.paper:PAPER_SCHEMAS.clusters",
            "cluster_companies": "emergence.paper:PAPER_SCHEMAS.cluster_companies",
            "countries": "emergence.clean:COUNTRIES_SCHEMA",
            "coverage": "emergence.views.coverage:SCHEMA",
            "hcp_census": "emergence.regions.tidy:CENSUS_SCHEMA",
            "hcp_census_units": "emergence.regions.tidy:UNITS_SCHEMA",
            "hcp_census_fields": "emergence.regions.tidy:FIELDS_SCHEMA",
        },
    ),
    *_tables(
        "models",
        {
            name: f"emergence.models.schemas:OUTPUTS.{name}"
            for name in (
                "trend_growth",
                "unit_root",
                "trend_cycle",
                "break_segments",
                "break_fit",
                "break_tests",
                "break_search",
                "forecasts",
                "backtest",
                "backtest_wins",
            )
        },
    ),
    *_tables(
        "structure",
        {
            name: f"emergence.structure.schemas:SCHEMAS.{name}"
            for name in ("decomposition", "decomposition_annual", "elasticity", "shift_share", "peers", "peaks")
        },
    ),
    *_tables(
        "regions",
        {
            name: f"emergence.regions.structure:SCHEMAS.{name}"
            for name in (
                "location_quotients",
                "specialisation",
                "concentration",
                "establishments",
                "labour_rates",
                "clusters",
                "summary",
            )
        },
    ),
    *_tables(
        "claims",
        {
            "ledger": "emergence.claims.schemas:LEDGER_SCHEMA",
            "summary": "emergence.claims.schemas:SUMMARY_SCHEMA",
            "sources": "emergence.claims.schemas:SOURCES_SCHEMA",
            "consistency": "emergence.claims.consistency:CONSISTENCY_SCHEMA",
            "targets": "emergence.claims.targets:TARGETS_SCHEMA",
            **{
                f"clusters_{name}": f"emergence.claims.clusters:CLUSTER_SCHEMAS.{name}"
                for name in ("by_year", "by_sector", "by_region", "members", "structure")
            },
        },
    ),
    *_tables(
        "counterfactuals",
        {
            "etd_panel": "emergence.clean:SCHEMAS.etd",
            "etd_panel_gaps": "emergence.clean:GAPS_SCHEMA",  # the blank cells the panel's reader accepted
            "un_panel": "emergence.clean:SCHEMAS.un_ama",
            "un_panel_gaps": "emergence.clean:GAPS_SCHEMA",
            **{
                name: f"emergence.counterfactuals.schemas:SCHEMAS.{name}"
                for name in (
                    "synth_pool",
                    "synth_weights",
                    "synth_balance",
                    "synth_fits",
                    "synth_runs",
                    "synth_paths",
                    "event_coefficients",
                    "event_pretrend",
                    "break_dates",
                    "break_counts",
                )
            },
        },
    ),
)
BY_NAME = {table.name: table for table in TABLES}


@dataclass(frozen=True)
class FigureSpec:
    name: str
    family: str
    title: str
    tables: tuple[str, ...]  # names of the input tables the figure reads
    draw: str  # "module.function" inside emergence.figures


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        "value_added_structure",
        "sectors",
        "Structure of value added by sector, current prices",
        ("countries", "sector_groups"),
        "sectors.value_added_structure",
    ),
    FigureSpec(
        "employment_structure",
        "sectors",
        "Structure of employment by sector",
        ("countries", "etd", "sector_groups"),
        "sectors.employment_structure",
    ),
    FigureSpec(
        "manufacturing_peers",
        "sectors",
        "Manufacturing share of value added: the focus country and its peers",
        ("countries", "etd", "un_ama"),
        "sectors.manufacturing_peers",
    ),
    FigureSpec(
        "manufacturing_prices",
        "sectors",
        "Manufacturing's share of value added at current and at constant prices",
        ("countries", "etd"),
        "sectors.manufacturing_prices",
    ),
    FigureSpec(
        "cluster_timeline",
        "clusters",
        "Moroccan clusters by year of creation and sector",
        ("clusters",),
        "clusters.cluster_timeline",
    ),
    FigureSpec(
        "cluster_composition",
        "clusters",
        "Composition of clusters: companies by size, clusters by region",
        ("cluster_companies", "clusters"),
        "clusters.cluster_composition",
    ),
    FigureSpec(
        "productivity_decomposition",
        "structure",
        "Labour productivity growth within and between sectors, by policy period",
        ("structure_decomposition",),
        "structure.productivity_decomposition",
    ),
    FigureSpec(
        "sector_contributions",
        "structure",
        "Each sector's part of labour productivity growth, within sectors and from reallocation",
        ("countries", "structure_decomposition"),
        "structure.sector_contributions",
    ),
    FigureSpec(
        "reallocation_scatter",
        "structure",
        "Relative productivity and the change in employment shares by sector",
        ("countries", "etd"),
        "structure.reallocation_scatter",
    ),
    FigureSpec(
        "trade_and_innovation",
        "trade",
        "Exports, foreign direct investment, research and patents",
        ("countries", "wdi"),
        "trade.trade_and_innovation",
    ),
    FigureSpec(
        "claims_status",
        "claims",
        "The paper's numeric statements by verdict",
        ("claims_ledger", "countries"),
        "claims.claims_status",
    ),
    FigureSpec(
        "policy_targets",
        "claims",
        "The industrial strategies' targets against outcomes",
        ("claims_targets", "countries"),
        "claims.policy_targets",
    ),
    FigureSpec(
        "trend_growth",
        "models",
        "Trend growth of real value added by sector and policy period",
        ("countries", "models_trend_growth"),
        "models.trend_growth",
    ),
    FigureSpec(
        "segmented_trends",
        "models",
        "Segmented trends with slopes free to change at the policy dates",
        ("countries", "etd", "models_break_fit", "models_break_segments"),
        "models.segmented_trends",
    ),
    FigureSpec(
        "forecasts",
        "models",
        "Forecasts of manufacturing's share and of total employment",
        ("claims_targets", "countries", "etd", "models_backtest", "models_forecasts", "models_trend_growth"),
        "models.forecasts",
    ),
    FigureSpec(
        "forecast_backtest",
        "models",
        "Forecast accuracy against the random walk with drift",
        ("countries", "models_backtest", "models_backtest_wins"),
        "models.forecast_backtest",
    ),
    FigureSpec(
        "region_map",
        "regions",
        "Industry's location quotients by region, and the clusters of Table 2",
        ("regions_summary",),
        "regions.region_map",
    ),
    FigureSpec(
        "regional_industry",
        "regions",
        "Industry's share of employment and its location quotients by region",
        ("regions_summary",),
        "regions.regional_industry",
    ),
    FigureSpec(
        "regional_establishments",
        "regions",
        "Establishments by size class and founding cohort, by region, 2024",
        ("regions_location_quotients",),
        "regions.regional_establishments",
    ),
    FigureSpec(
        "regional_labour_rates",
        "regions",
        "Activity and unemployment rates by region, 2014 and 2024 censuses",
        ("regions_labour_rates",),
        "regions.regional_labour_rates",
    ),
    FigureSpec(
        "synthetic_control",
        "counterfactuals",
        "Against a synthetic control, with the placebo gaps",
        ("countries", "counterfactuals_synth_fits", "counterfactuals_synth_paths", "counterfactuals_synth_runs"),
        "counterfactuals.synthetic_control",
    ),
    FigureSpec(
        "synthetic_control_weights",
        "counterfactuals",
        "Donor weights of the synthetic controls",
        ("countries", "counterfactuals_synth_fits", "counterfactuals_synth_weights"),
        "counterfactuals.synthetic_control_weights",
    ),
    FigureSpec(
        "event_study",
        "counterfactuals",
        "Event-study coefficients against the peers, around each launch year",
        ("countries", "counterfactuals_event_coefficients", "counterfactuals_event_pretrend"),
        "counterfactuals.event_study",
    ),
)


def figures_of(family: str) -> tuple[FigureSpec, ...]:
    """The figures of one family, in catalog order; an unknown family is an error."""
    specs = tuple(f for f in FIGURES if f.family == family)
    if not specs:
        raise InputError("emergence.registry", "family", f"one of {sorted({f.family for f in FIGURES})}", family)
    return specs


def tables_of(family: str) -> tuple[str, ...]:
    """The input tables a family needs, sorted."""
    return tuple(sorted({t for f in figures_of(family) for t in f.tables}))


def spec(name: str) -> FigureSpec:
    for f in FIGURES:
        if f.name == name:
            return f
    raise InputError("emergence.registry", "figure", f"one of {[f.name for f in FIGURES]}", name)


def figure_paths(fmt: str) -> list[str]:
    """Every figure's file in one format."""
    return [f"{FIGURES_DIR}/{spec.name}.{fmt}" for spec in FIGURES]


def table(name: str) -> Table:
    if name not in BY_NAME:
        raise InputError("emergence.registry", "table", f"one of {sorted(BY_NAME)}", name)
    return BY_NAME[name]


def paths(stage: str, *files: str) -> dict[str, str]:
    """The paths of a stage's tables by file name: the ones named, or all of the stage's."""
    chosen = [t for t in TABLES if t.stage == stage and (not files or t.file in files)]
    missing = sorted(set(files) - {t.file for t in chosen})
    if missing or not chosen:
        raise InputError("emergence.registry", f"tables of stage '{stage}'", "registered tables", missing or stage)
    return {t.file: t.path for t in chosen}


def schema_of(name: str):
    """The TableSchema a table is validated against."""
    module, _, attribute = table(name).schema.partition(":")
    attribute, _, key = attribute.partition(".")
    value = getattr(import_module(module), attribute)
    return value[key] if key else value


def read(name: str, path: str | os.PathLike | None = None, root: str | os.PathLike = "."):
    """A processed table by name, validated against its schema (from `path`, or from its place under `root`)."""
    from emergence.io import read_table

    return read_table(path if path is not None else Path(root) / table(name).path, schema_of(name))
