"""One function per workflow rule: tidy input table and settings in, the rule's result tables out."""

from __future__ import annotations

import logging

import pandas as pd

from emergence.settings import StructureSettings, annual_spans, spans
from emergence.structure import decomposition, elasticity, peers, shift_share
from emergence.structure.levels import SPAN_KEYS, Levels, at_spans, country_spans, sector_levels

log = logging.getLogger(__name__)


def _changes(levels: Levels, settings: StructureSettings) -> pd.DataFrame:
    """Sector levels at both ends of each configured period and of the whole sample, per country."""
    changes = at_spans(levels, country_spans(levels, lambda years: spans(settings.periods, years[0], years[-1])))
    count = changes[SPAN_KEYS].drop_duplicates().shape[0]
    log.info("%s: %d countries, %d country spans", levels.source, changes["country"].nunique(), count)
    return changes


def _labelled(df: pd.DataFrame, unit, source: str) -> pd.DataFrame:
    return df.assign(unit=unit, source=source)


def decompose_productivity(table: pd.DataFrame, settings: StructureSettings, annual: bool, where: str) -> dict:
    """Both decompositions by period and for the whole sample (with sector detail), and year by year if asked."""
    levels = sector_levels(table, settings.countries, settings.merges, where)
    return _decompositions(levels, _changes(levels, settings), annual)


def compare_sectors(table: pd.DataFrame, settings: StructureSettings, where: str) -> dict:
    """Employment elasticities, shift-share against the peers, and the peers' sector shares with their peaks."""
    levels = sector_levels(table, settings.countries, settings.merges, where)
    return _comparisons(table, levels, _changes(levels, settings), settings, where)


def analyse_structure(table: pd.DataFrame, settings: StructureSettings, annual: bool, where: str) -> dict:
    """Every table of the structure stage, in one job (each part takes a fraction of a second, less than the
    start of a process that would run it alone), from one computation of the sector levels and their changes."""
    levels = sector_levels(table, settings.countries, settings.merges, where)
    changes = _changes(levels, settings)
    return {**_decompositions(levels, changes, annual), **_comparisons(table, levels, changes, settings, where)}


def _decompositions(levels: Levels, changes: pd.DataFrame, annual: bool) -> dict:
    units = {
        "level": f"({levels.va_unit}) per ({levels.emp_unit})",
        "pct_initial": "% of base-year aggregate productivity",
        "annualised": "% a year (parts of the compound growth rate)",
        "share_of_total": "% of the total change",
    }
    by_period = decomposition.decompose(changes)
    tables = {"decomposition": _labelled(by_period, by_period["measure"].map(units), levels.source)}
    if annual:
        yearly = decomposition.decompose(at_spans(levels, country_spans(levels, annual_spans)))
        yearly = yearly[yearly["sector"] == "total"].rename(columns={"end_year": "year"})
        yearly = yearly.drop(columns=["period", "base_year", "sector"])
        tables["decomposition_annual"] = _labelled(yearly, yearly["measure"].map(units), levels.source)
    return tables


def _comparisons(
    table: pd.DataFrame, levels: Levels, changes: pd.DataFrame, settings: StructureSettings, where: str
) -> dict:
    elastic = elasticity.elasticities(changes)
    elastic_units = {
        "emp_change": levels.emp_unit,
        "emp_growth": "% a year",
        "va_growth": "% a year",
        "arc_elasticity": "ratio",
    }
    shifts = shift_share.shift_share(changes)
    shift_units = {"level": levels.emp_unit, "pct_initial": "% of base-year employment"}
    shares = peers.peer_shares(table, settings.countries, settings.peer_sectors, where)
    return {
        "elasticity": _labelled(elastic, elastic["variable"].map(elastic_units), levels.source),
        "shift_share": _labelled(shifts, shifts["measure"].map(shift_units), levels.source),
        "peers": shares,
        "peaks": peers.peaks(shares),
    }
