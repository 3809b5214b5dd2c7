"""Selections of the counterfactual stage's tables that its figures, report tables and quoted numbers share: the
main design of each outcome and the donors worth naming, chosen once, so that the weights figure, the weights
table and the sentence about them name the same donors.

Only the stage's light modules are imported here (the report's catalog is read when the workflow starts).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from emergence.counterfactuals.panel import LABELS, SERIES
from emergence.errors import InputError
from emergence.settings import ViewSettings
from emergence.views.labels import country_names

MIN_WEIGHT = 0.005  # donors below half a percent are not named: together they rarely reach a few percent
FITS, WEIGHTS, BALANCE = (
    "counterfactuals_synth_fits",
    "counterfactuals_synth_weights",
    "counterfactuals_synth_balance",
)


def main_designs(fits: pd.DataFrame) -> pd.DataFrame:
    """The main design's row of each outcome (treatment at the first launch year), indexed by outcome, in the
    stage's order of series; a table without one is an error, since every view reads the main design."""
    main = fits[fits["design"] == "main"].set_index("outcome")
    if main.empty:
        raise InputError(FITS, "column 'design'", "a row of the main design for at least one outcome")
    return main.loc[[s for s in SERIES if s in main.index]]


def _of_design(table: pd.DataFrame, outcome: str, year: int) -> pd.DataFrame:
    return table[(table["outcome"] == outcome) & (table["treatment_year"] == year)]


def named_donors(weights: pd.DataFrame, outcome: str, year: int, top: int | None = None) -> pd.DataFrame:
    """The donors of one design with a weight of at least MIN_WEIGHT, largest first (ties by code), at most `top`."""
    rows = _of_design(weights, outcome, year)
    if rows.empty:
        raise InputError(WEIGHTS, f"outcome '{outcome}', treatment_year {year}", "the donor weights of the design")
    shown = rows[rows["weight"] >= MIN_WEIGHT].sort_values(["weight", "donor"], ascending=[False, True])
    return shown if top is None else shown.head(top)


def donor_weights(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The synthetic control of each outcome in the main design as a table: its donors by weight, and what the
    donors of positive weight too small to name add up to, so that each outcome's rows account for the whole."""
    names = country_names(inputs["countries"])
    weights = inputs[WEIGHTS]
    records = []
    for outcome, design in main_designs(inputs[FITS]).iterrows():
        year = int(design["treatment_year"])
        shown = named_donors(weights, outcome, year)
        label = f"{LABELS[outcome]}, from {year}"
        records += [
            {"Outcome": label, "Donor": names.get(d.donor, d.donor), "Code": d.donor, "Weight": float(d.weight)}
            for d in shown.itertuples()
        ]
        rest = _of_design(weights, outcome, year)
        rest = rest[~rest["donor"].isin(shown["donor"]) & (rest["weight"] > 0)]
        if len(rest):
            others = f"{len(rest)} other donor{'s' if len(rest) > 1 else ''}"
            records.append({"Outcome": label, "Donor": others, "Code": "", "Weight": float(rest["weight"].sum())})
    return pd.DataFrame.from_records(records, columns=["Outcome", "Donor", "Code", "Weight"])


def _predictor(label: str, outcome: str) -> str:
    """A predictor as the table prints it: its years, and whether it is a mean over them (the stage's predictors
    are the outcome itself, so the variable is the row's outcome)."""
    span = label.removeprefix(f"{outcome} ")
    return f"mean {span}" if "-" in span or "," in span else span


def predictor_balance(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """Each predictor of the main designs for the focus country, its synthetic control and the plain mean of the
    donors, with the predictor's weight V: how much closer the weighting brings the donors to the focus country
    than their average does, where the fit is judged."""
    focus = country_names(inputs["countries"]).get(settings.focus, settings.focus)
    balance = inputs[BALANCE]
    records = []
    for outcome, design in main_designs(inputs[FITS]).iterrows():
        year = int(design["treatment_year"])
        rows = _of_design(balance, outcome, year)
        if rows.empty:
            raise InputError(BALANCE, f"outcome '{outcome}', treatment_year {year}", "the predictors of the design")
        records += [
            {
                "Outcome": f"{LABELS[outcome]}, from {year}",
                "Predictor": _predictor(str(r.predictor), outcome),
                focus: float(r.treated),
                "Synthetic": float(r.synthetic),
                "Donor mean": float(r.donor_mean),
                "V": float(r.v),
            }
            for r in rows.itertuples()
        ]
    return pd.DataFrame.from_records(records)
