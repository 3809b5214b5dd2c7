"""Schemas of the counterfactual stage's tables; the donor weights must sum to one and the gaps must be the actual
less the synthetic path, exactly as the CSV keeps them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from emergence.counterfactuals.bai_perron import SELECTORS, SPECS
from emergence.counterfactuals.donors import POOL_ROLES
from emergence.counterfactuals.panel import ETD, RUNS, SERIES, UN
from emergence.errors import InputError
from emergence.io import write_all
from emergence.tables import Column, TableSchema

WEIGHT_TOLERANCE = 1e-9
YEAR = {"min": 1900, "max": 2100}
DESIGNS = ("main", "variant")
SOURCES = (ETD, UN)


def sums_to_one(groups: list[str], column: str):
    """A table check: within each group the column sums to one."""

    def check(df: pd.DataFrame, where: str) -> None:
        sums = df.groupby(groups, sort=True)[column].sum()
        bad = sums[(sums - 1.0).abs() > WEIGHT_TOLERANCE]
        if len(bad):
            label = dict(zip(groups, bad.index[0], strict=True))
            raise InputError(where, f"{column} of {label}", "weights summing to one", float(bad.iloc[0]))

    return check


def gap_is_difference(df: pd.DataFrame, where: str) -> None:
    """Each gap is the actual less the synthetic value (to the CSV's precision)."""
    diff = df["actual"] - df["synthetic"] - df["gap"]
    scale = np.maximum(1.0, df["actual"].abs())
    bad = np.flatnonzero((diff.abs() > 1e-9 * scale).to_numpy())
    if len(bad):
        raise InputError(where, f"row {bad[0]}, column 'gap'", "actual - synthetic", float(df["gap"].iloc[bad[0]]))


OUTCOME = Column("outcome", "str", allowed=SERIES)
TREATMENT = Column("treatment_year", "int", **YEAR)
RUN_KEY = (
    OUTCOME,
    TREATMENT,
    Column("run", "str", allowed=RUNS),
    Column("unit", "str"),
    Column("treated_from", "int", **YEAR),
)
SUMMARY = (
    Column("pre_rmspe", "float", min=0),
    Column("post_rmspe", "float", min=0),
    Column("rmspe_ratio", "float", nullable=True, min=0),
    Column("post_gap", "float"),
)
BOOTSTRAP_INFO = (
    Column("n_obs", "int", min=1),
    Column("clusters", "int", min=2),
    Column("draws", "int", min=1),
    Column("weights", "str"),
)

SCHEMAS: dict[str, TableSchema] = {
    "synth_weights": TableSchema(
        name="counterfactuals_synth_weights",
        columns=(OUTCOME, TREATMENT, Column("donor", "str"), Column("weight", "float", min=0, max=1)),
        key=("outcome", "treatment_year", "donor"),
        checks=(sums_to_one(["outcome", "treatment_year"], "weight"),),
    ),
    "synth_balance": TableSchema(
        name="counterfactuals_synth_balance",
        columns=(
            OUTCOME,
            TREATMENT,
            Column("predictor", "str"),
            Column("treated", "float"),
            Column("synthetic", "float"),
            Column("donor_mean", "float"),
            Column("v", "float", min=0, max=1),
        ),
        key=("outcome", "treatment_year", "predictor"),
        checks=(sums_to_one(["outcome", "treatment_year"], "v"),),
    ),
    "synth_fits": TableSchema(
        name="counterfactuals_synth_fits",
        columns=(
            OUTCOME,
            TREATMENT,
            Column("design", "str", allowed=DESIGNS),
            Column("source", "str", allowed=SOURCES),
            Column("treated", "str"),
            Column("donors", "int", min=2),
            Column("first_year", "int", **YEAR),
            Column("last_year", "int", **YEAR),
            *SUMMARY,
            Column("placebos", "int", nullable=True, min=1),
            Column("p_value", "float", nullable=True, min=0, max=1),
            Column("pre_rmspe_k", "float", min=1),
            Column("placebos_kept", "int", nullable=True, min=0),
            Column("p_value_kept", "float", nullable=True, min=0, max=1),
        ),
        key=("outcome", "treatment_year"),
    ),
    "synth_pool": TableSchema(
        name="counterfactuals_synth_pool",
        columns=(
            Column("source", "str", allowed=SOURCES),
            Column("country", "str"),
            Column("role", "str", allowed=POOL_ROLES),
            Column("reason", "str", nullable=True),
        ),
        key=("source", "country"),
    ),
    "synth_runs": TableSchema(
        name="counterfactuals_synth_runs",
        columns=(*RUN_KEY, *SUMMARY, Column("kept", "bool", nullable=True)),
        key=("outcome", "treatment_year", "run", "unit", "treated_from"),
    ),
    "synth_paths": TableSchema(
        name="counterfactuals_synth_paths",
        columns=(
            *RUN_KEY,
            Column("year", "int", **YEAR),
            Column("actual", "float"),
            Column("synthetic", "float"),
            Column("gap", "float"),
        ),
        key=("outcome", "treatment_year", "run", "unit", "treated_from", "year"),
        contiguous_years=("outcome", "treatment_year", "run", "unit", "treated_from"),
        checks=(gap_is_difference,),
    ),
    "event_coefficients": TableSchema(
        name="counterfactuals_event_coefficients",
        columns=(
            OUTCOME,
            Column("event_year", "int", **YEAR),
            Column("event_time", "int", min=-100, max=100),
            Column("binned", "bool"),
            Column("reference", "bool"),
            Column("estimate", "float"),
            Column("se_cluster", "float", nullable=True, min=0),
            Column("p_cluster", "float", nullable=True, min=0, max=1),
            Column("p_bootstrap", "float", nullable=True, min=0, max=1),
            Column("ci_low", "float", nullable=True),
            Column("ci_high", "float", nullable=True),
            Column("level", "float", min=0, max=1),
            *BOOTSTRAP_INFO,
        ),
        key=("outcome", "event_year", "event_time"),
    ),
    "event_pretrend": TableSchema(
        name="counterfactuals_event_pretrend",
        columns=(
            OUTCOME,
            Column("event_year", "int", **YEAR),
            Column("leads", "str"),
            Column("wald", "float", nullable=True, min=0),
            Column("p_bootstrap", "float", nullable=True, min=0, max=1),
            Column("f_cluster", "float", nullable=True, min=0),
            Column("p_cluster", "float", nullable=True, min=0, max=1),
            *BOOTSTRAP_INFO,
        ),
        key=("outcome", "event_year"),
    ),
    "break_dates": TableSchema(
        name="counterfactuals_break_dates",
        columns=(
            Column("country", "str"),
            Column("series", "str", allowed=SERIES),
            Column("break", "int", min=1),
            Column("date", "int", **YEAR),
            Column("new_regime_from", "int", **YEAR),
            Column("ci_low", "int"),
            Column("ci_high", "int"),
            Column("level", "float", min=0, max=1),
        ),
        key=("country", "series", "break"),
    ),
    "break_counts": TableSchema(
        name="counterfactuals_break_counts",
        columns=(
            Column("country", "str"),
            Column("series", "str", allowed=SERIES),
            Column("criterion", "str", allowed=SELECTORS),
            Column("breaks", "int", min=0),
            Column("chosen", "bool"),
            Column("model", "str", allowed=SPECS),
            Column("cov", "str"),
            Column("trimming", "float", min=0, max=0.5),
        ),
        key=("country", "series", "criterion"),
    ),
}


def write_tables(tables: Mapping[str, pd.DataFrame], outputs: Mapping[str, str]) -> None:
    """Write each output the rule declares, validated against its schema; a table the rule lacks is an error."""
    for name, path in outputs.items():
        if name not in tables:
            raise InputError(path, "table", f"a table '{name}' from the stage", sorted(tables))
    write_all({path: (tables[name], SCHEMAS[name]) for name, path in outputs.items()})
