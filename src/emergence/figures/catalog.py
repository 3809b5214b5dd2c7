"""Every figure of the report: its name, family, title, the tables it draws on and the function that draws it.

Plain data, with no plotting import, so the workflow can list a family's outputs without loading matplotlib.
Adding a figure is one drawing function in the family's module and one entry here (plus its caption file
workflow/report/figures/<name>.rst for the provenance report).
"""

from __future__ import annotations

from dataclasses import dataclass

from emergence.errors import InputError


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
        ("sector_groups",),
        "sectors.value_added_structure",
    ),
    FigureSpec(
        "employment_structure",
        "sectors",
        "Structure of employment by sector",
        ("etd", "sector_groups"),
        "sectors.employment_structure",
    ),
    FigureSpec(
        "manufacturing_peers",
        "sectors",
        "Manufacturing share of value added: the focus country and its peers",
        ("etd", "un_ama"),
        "sectors.manufacturing_peers",
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
        "claims_status",
        "claims",
        "The paper's numeric statements by verdict",
        ("claims_ledger",),
        "claims.claims_status",
    ),
    FigureSpec(
        "policy_targets",
        "claims",
        "The industrial strategies' targets against outcomes",
        ("claims_targets",),
        "claims.policy_targets",
    ),
    FigureSpec(
        "trend_growth",
        "models",
        "Trend growth of real value added by sector and policy period",
        ("models_trend_growth",),
        "models.trend_growth",
    ),
    FigureSpec(
        "segmented_trends",
        "models",
        "Segmented trends with slopes free to change at the policy dates",
        ("etd", "models_break_segments"),
        "models.segmented_trends",
    ),
    FigureSpec(
        "forecasts",
        "models",
        "Forecasts of manufacturing's share and of total employment",
        ("claims_targets", "etd", "models_backtest", "models_forecasts", "models_trend_growth"),
        "models.forecasts",
    ),
    FigureSpec(
        "forecast_backtest",
        "models",
        "Forecast accuracy against the random walk with drift",
        ("models_backtest", "models_backtest_wins"),
        "models.forecast_backtest",
    ),
)


def figures_of(family: str) -> tuple[FigureSpec, ...]:
    """The figures of one family, in catalog order; an unknown family is an error."""
    specs = tuple(f for f in FIGURES if f.family == family)
    if not specs:
        raise InputError("emergence.figures.catalog", "family", f"one of {sorted({f.family for f in FIGURES})}", family)
    return specs


def tables_of(family: str) -> tuple[str, ...]:
    """The input tables a family needs, sorted."""
    return tuple(sorted({t for f in figures_of(family) for t in f.tables}))


def spec(name: str) -> FigureSpec:
    for f in FIGURES:
        if f.name == name:
            return f
    raise InputError("emergence.figures.catalog", "figure", f"one of {[f.name for f in FIGURES]}", name)
