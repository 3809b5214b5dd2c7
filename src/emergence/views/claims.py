"""The claims ledger counted by verdict and basis, with the labels its figure and table print (the claims
stage's own labels, so a new verdict needs no second list)."""

from __future__ import annotations

import pandas as pd

from emergence.claims.judging import BASIS_LABELS, STATUS_LABELS


def status_counts(ledger: pd.DataFrame) -> pd.DataFrame:
    """Claims by status (rows, in verdict order, unknown ones last) and basis (columns)."""
    counts = ledger.groupby(["status", "basis"]).size().unstack("basis", fill_value=0)
    order = [s for s in STATUS_LABELS if s in counts.index] + sorted(set(counts.index) - set(STATUS_LABELS))
    columns = [b for b in BASIS_LABELS if b in counts.columns] + sorted(set(counts.columns) - set(BASIS_LABELS))
    return counts.loc[order, columns]
