"""Inference for a synthetic control (Abadie, Diamond and Hainmueller 2010, 2015): the designs of the placebo
runs, and the p-value of the treated unit's post/pre RMSPE ratio among those of the in-space placebos.

The runs themselves are plain `synth.fit` calls; what this module adds is which fits to make: every donor treated
in turn with the other donors as its pool (the treated unit never among them, as ADH do), the same design at
fake treatment years on the years before the real one, and the design without each donor of positive weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from emergence.counterfactuals.panel import LEAVE_ONE_OUT, SPACE, TIME
from emergence.counterfactuals.synth import Predictor, SynthSpec

# Donor weights at or below this count as zero when choosing the donors to leave out: the inner problem returns
# exact zeros off its support, but a donor on it may carry a weight that is zero up to rounding (1e-14), and
# refitting without it would only repeat the fit.
ZERO_WEIGHT = 1e-6


def synth_design(
    outcome: str, treatment_year: int, first_year: int, windows: int, last_value: bool, starts: int = 0
) -> SynthSpec:
    """The ADH design on the outcome alone: its means over `windows` consecutive stretches of the pre-period
    (first_year to the year before treatment, split as evenly as whole years allow), its last pre-treatment
    value if asked, and V fitted to the gap over every pre-treatment year from `starts` extra start points."""
    pre = list(range(first_year, treatment_year))
    stretches = np.array_split(np.array(pre), windows)
    predictors = [Predictor(outcome, tuple(int(y) for y in s)) for s in stretches]
    if last_value:
        predictors.append(Predictor(outcome, (treatment_year - 1,)))
    return SynthSpec(outcome, treatment_year, tuple(predictors), tuple(pre), starts=starts)


@dataclass(frozen=True)
class Run:
    """One fit of an inference design: `unit` is the unit treated (the placebo country for an in-space placebo,
    the focus otherwise) or, for leave-one-out, the donor left out; `before` keeps only the years before it."""

    run: str
    treated: str
    donors: tuple[str, ...]
    spec: SynthSpec
    unit: str
    before: int | None = None


def space_placebos(treated: str, donors: Sequence[str], spec: SynthSpec) -> list[Run]:
    """Every donor treated in turn, its pool the other donors."""
    return [Run(SPACE, d, tuple(x for x in donors if x != d), spec, d) for d in donors]


def time_placebos(
    treated: str, donors: Sequence[str], spec: SynthSpec, fake_years: Sequence[int], design: dict
) -> list[Run]:
    """The design (`synth_design`'s first_year, windows and last_value) at each fake treatment year, fitted on
    the years before the real treatment only, so that no real post-treatment year enters it."""
    return [
        Run(TIME, treated, tuple(donors), synth_design(spec.outcome, year, **design), treated, spec.treatment_year)
        for year in fake_years
    ]


def leave_one_out(
    treated: str, donors: Sequence[str], spec: SynthSpec, weights: dict[str, float], zero_weight: float = ZERO_WEIGHT
) -> list[Run]:
    """The design without each donor of weight above `zero_weight` in turn (ADH 2015's robustness check)."""
    return [
        Run(LEAVE_ONE_OUT, treated, tuple(x for x in donors if x != d), spec, d)
        for d in donors
        if weights.get(d, 0.0) > zero_weight
    ]


@dataclass(frozen=True)
class PlaceboTest:
    placebos: int
    p_value: float
    kept: int
    p_value_kept: float | None  # None when no placebo fits well enough to be kept


def placebo_test(
    ratio: float, pre_rmspe: float, placebo_ratios: Sequence[float], placebo_pre: Sequence[float], k: float
) -> tuple[PlaceboTest, np.ndarray]:
    """The treated unit's rank among all units by post/pre RMSPE ratio, as a share of them (rank 1 of J+1 gives
    1/(J+1), the smallest p-value J placebos allow), over all placebos and over those whose pre-period RMSPE is
    at most k times the treated unit's (None if there is none); also which placebos are kept."""
    ratios, pre = np.asarray(placebo_ratios, dtype=float), np.asarray(placebo_pre, dtype=float)
    kept = pre <= k * pre_rmspe

    def p(mask: np.ndarray) -> float:
        return float((1 + np.sum(ratios[mask] >= ratio)) / (1 + mask.sum()))

    everyone = np.ones(len(ratios), dtype=bool)
    return PlaceboTest(len(ratios), p(everyone), int(kept.sum()), p(kept) if kept.any() else None), kept
