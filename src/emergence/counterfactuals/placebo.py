"""Inference for a synthetic control by placebos (Abadie, Diamond and Hainmueller 2010, 2015), since one treated
unit gives no sampling distribution: the same estimator applied where there was no treatment shows how large a
gap arises by chance. In space: each donor treated in turn; in time: fake treatment years before the real one;
leave-one-out: the estimate without each donor that carries weight, to see whether one donor drives it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from emergence.counterfactuals.synth import Panel, SynthFit, SynthSpec, as_panel, fit
from emergence.errors import InputError

# Donor weights at or below this count as zero when choosing the donors to leave out (the inner problem returns
# exact zeros off its support; this only guards against weights that are zero up to rounding).
MIN_WEIGHT = 1e-6


def _summary(fit_: SynthFit, **keys: object) -> dict[str, object]:
    return {
        **keys,
        "pre_rmspe": fit_.pre_rmspe,
        "post_rmspe": fit_.post_rmspe,
        "rmspe_ratio": fit_.rmspe_ratio,
        "post_gap": fit_.post_gap,
    }


def _gaps(fit_: SynthFit, **keys: object) -> pd.DataFrame:
    return pd.DataFrame({**keys, "year": fit_.path["year"], "gap": fit_.path["gap"]})


def in_space(
    panel: pd.DataFrame | Panel,
    treated: str,
    donors: Sequence[str],
    spec: SynthSpec,
    max_pre_rmspe_ratio: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every donor treated in turn, with the other donors as its pool (the treated unit is never a donor), by the
    same specification. Returns a summary (one row per unit: RMSPE before and after, their ratio, the mean gap
    after, whether it is kept and its rank) and the gap paths. Placebos whose pre-RMSPE exceeds
    `max_pre_rmspe_ratio` times the treated unit's are dropped from the ranking, as ADH (2010) do, because a gap
    after treatment means nothing where the fit before it was poor (their MSPE cut-offs of 20, 5 and 2 are RMSPE
    ratios of about 4.5, 2.2 and 1.4). The p-value is the treated unit's rank over the number of units kept."""
    panel = as_panel(panel)
    donors = list(donors)
    fits = {treated: fit(panel, treated, donors, spec)}
    for unit in donors:
        fits[unit] = fit(panel, unit, [d for d in donors if d != unit], spec)
    summary = pd.DataFrame([_summary(f, unit=unit, treated=unit == treated) for unit, f in fits.items()])
    limit = np.inf if max_pre_rmspe_ratio is None else max_pre_rmspe_ratio * fits[treated].pre_rmspe
    summary["kept"] = summary["treated"] | (summary["pre_rmspe"] <= limit)
    ratios = summary.loc[summary["kept"], "rmspe_ratio"].to_numpy()
    # rank 1 = the largest ratio; ties share the lower rank, so a tie never makes a p-value smaller
    summary["rank"] = [
        int((ratios >= r).sum()) if kept else pd.NA
        for r, kept in zip(summary["rmspe_ratio"], summary["kept"], strict=True)
    ]
    summary["rank"] = summary["rank"].astype("Int64")
    gaps = pd.concat([_gaps(f, unit=unit, treated=unit == treated) for unit, f in fits.items()], ignore_index=True)
    return summary, gaps


def p_value(summary: pd.DataFrame) -> float:
    """The share of kept units (the treated one included) whose post/pre RMSPE ratio is at least the treated one's:
    with n kept placebos a multiple of 1/(n+1), and 1/(n+1) at best."""
    treated = summary.loc[summary["treated"]]
    if len(treated) != 1:
        raise InputError("placebo summary", "column 'treated'", "exactly one treated unit", len(treated))
    return int(treated["rank"].iloc[0]) / int(summary["kept"].sum())


def in_time(
    panel: pd.DataFrame | Panel, treated: str, donors: Sequence[str], spec: SynthSpec, fake_years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The treated unit with the treatment moved to each of `fake_years` (before the real one), the whole design
    (predictor years, fit years, validation) shifted back by the same number of years. A fake treatment should
    open no gap: the summary measures its gap only over the years from the fake to the real treatment year, so
    the real effect does not enter. The real year's fit comes first, as the reference."""
    panel = as_panel(panel)
    late = [y for y in fake_years if y >= spec.treatment_year]
    if late:
        raise InputError(panel.source, "fake_years", f"years before the treatment year {spec.treatment_year}", late)
    rows, gaps = [], []
    for year in [spec.treatment_year, *sorted(fake_years, reverse=True)]:
        f = fit(panel, treated, donors, spec.shifted(year - spec.treatment_year))
        path = f.path
        before = path["year"] < year
        after = (path["year"] >= year) & ((path["year"] < spec.treatment_year) | (year == spec.treatment_year))
        rows.append(
            {
                "treatment_year": year,
                "actual": year == spec.treatment_year,
                "pre_rmspe": f.pre_rmspe,
                "post_rmspe": float(np.sqrt(np.mean(path.loc[after, "gap"] ** 2))),
                "post_gap": float(path.loc[after, "gap"].mean()),
                "post_years": int(after.sum()),
            }
        )
        rows[-1]["rmspe_ratio"] = rows[-1]["post_rmspe"] / f.pre_rmspe if f.pre_rmspe > 0 else float("inf")
        gaps.append(_gaps(f, treatment_year=year).assign(pre=before.to_numpy()))
    return pd.DataFrame(rows), pd.concat(gaps, ignore_index=True)


def leave_one_out(
    panel: pd.DataFrame | Panel, treated: str, donors: Sequence[str], spec: SynthSpec, min_weight: float = MIN_WEIGHT
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The synthetic control re-estimated without each donor whose weight exceeds `min_weight`, one at a time.
    Returns the summaries (one row per donor left out), the donor weights and the gap paths of those fits."""
    panel = as_panel(panel)
    donors = list(donors)
    full = fit(panel, treated, donors, spec)
    dropped = [d for d in donors if full.weights[d] > min_weight]
    summaries, weights, gaps = [], [], []
    for donor in dropped:
        f = fit(panel, treated, [d for d in donors if d != donor], spec)
        summaries.append(_summary(f, dropped=donor, weight_dropped=float(full.weights[donor])))
        weights.append(pd.DataFrame({"dropped": donor, "donor": f.weights.index, "weight": f.weights.to_numpy()}))
        gaps.append(_gaps(f, dropped=donor))
    return pd.DataFrame(summaries), pd.concat(weights, ignore_index=True), pd.concat(gaps, ignore_index=True)
