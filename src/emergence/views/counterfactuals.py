"""Selections of the counterfactual stage's tables that its figures, report tables and quoted numbers share: the
main design of each outcome and the donors worth naming, chosen once, so that the weights figure, the weights
table and the sentence about them name the same donors.

Only the stage's light modules are imported here (the report's catalog is read when the workflow starts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from emergence.counterfactuals.donors import EXCLUDED, NO_SERIES
from emergence.counterfactuals.panel import COUNTERPART, ETD, FIT, LABELS, SERIES, UN, UN_SERIES
from emergence.errors import InputError
from emergence.settings import ViewSettings
from emergence.views.labels import country_names, source_label

MIN_WEIGHT = 0.005  # donors below half a percent are not named: together they rarely reach a few percent
# Two gaps of the same sign within this factor of each other are of a like size: two sources of the same share,
# each with its own synthetic control, need not agree more closely than that to tell the same story.
SIZE_FACTOR = 2.0
PANELS = {
    ETD: "every country of the release",
    UN: "for the UN outcome, every country of the snapshot but the config's exclusions",
}


def stage_source(sources: Iterable[str]) -> str:
    """The source line of the stage's figures and tables: the panels their fits were drawn from."""
    used = set(sources)
    return "; ".join(
        [f"{source_label(s)}, {PANELS[s]}" for s in PANELS if s in used] + ["the project's counterfactual stage"]
    )


FITS, WEIGHTS, BALANCE, PATHS, POOL = (
    "counterfactuals_synth_fits",
    "counterfactuals_synth_weights",
    "counterfactuals_synth_balance",
    "counterfactuals_synth_paths",
    "counterfactuals_synth_pool",
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


def un_outcome(fits: pd.DataFrame, pool: pd.DataFrame, paths: pd.DataFrame) -> dict | None:
    """The UN outcome's main design as the prose quotes it: its treatment and last year, its donors, the countries
    of the ETD without a UN series and those the UN's own exclusions leave out (with their reasons), and its gaps
    beside its ETD counterpart's (`common_gaps`); None when the stage ran no UN outcome."""
    main = main_designs(fits)
    outcomes = [o for o in main.index if o in UN_SERIES]
    if not outcomes:
        return None
    outcome, design = outcomes[0], main.loc[outcomes[0]]
    un, etd = pool[pool["source"] == UN], pool[pool["source"] == ETD]
    own = un[(un["role"] == EXCLUDED) & ~un["country"].isin(etd.loc[etd["role"] == EXCLUDED, "country"])]
    return {
        "outcome": outcome,
        "year": int(design["treatment_year"]),
        "last_year": int(design["last_year"]),
        "donors": int(design["donors"]),
        "no_series": sorted(un.loc[un["role"] == NO_SERIES, "country"]),
        "excluded": [{"code": str(c), "reason": str(r)} for c, r in zip(own["country"], own["reason"], strict=True)],
        "compared": common_gaps(fits, paths, outcome, COUNTERPART[outcome]),
        "size_factor": SIZE_FACTOR,
    }


def common_gaps(fits: pd.DataFrame, paths: pd.DataFrame, outcome: str, counterpart: str) -> list[dict]:
    """For each treatment year the two outcomes share, the focus country's mean gap to its synthetic control in
    each over the years after treatment that both paths cover, whether they have the same sign, the ratio of the
    first to the second (None where the second is zero) and whether it is within SIZE_FACTOR either way, and the
    first's mean gap over all its own years: two sources of the same quantity, set side by side where they can be."""
    own = paths[paths["run"] == FIT]
    years = set(fits.loc[fits["outcome"] == outcome, "treatment_year"])
    rows = []

    def gap(name: str, year: int) -> pd.Series:
        part = own[(own["outcome"] == name) & (own["treatment_year"] == year) & (own["year"] >= year)]
        return part.set_index("year")["gap"]

    for year in sorted(years & set(fits.loc[fits["outcome"] == counterpart, "treatment_year"])):
        first, second = gap(outcome, year), gap(counterpart, year)
        common = first.index.intersection(second.index).sort_values()
        if common.empty:
            continue
        mean, other = float(first[common].mean()), float(second[common].mean())
        ratio = None if other == 0 else mean / other
        whole = fits[(fits["outcome"] == outcome) & (fits["treatment_year"] == year)]["post_gap"]
        rows.append(
            {
                "year": int(year),
                "first": int(common[0]),
                "last": int(common[-1]),
                "years": len(common),
                "gap": mean,
                "counterpart_gap": other,
                "same_sign": bool((mean > 0) == (other > 0) and mean != 0 and other != 0),
                "ratio": ratio,
                "like_size": ratio is not None and 1 / SIZE_FACTOR <= ratio <= SIZE_FACTOR,
                "gap_all_years": float(whole.iloc[0]),
            }
        )
    return rows
