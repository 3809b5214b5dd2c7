"""Employment elasticity of output by sector and span: how many jobs each unit of growth brought.

The arc (midpoint) elasticity is (dL / mean L) / (dY / mean Y) between the span's ends: symmetric in time
and defined when a level is zero. It is NaN when output did not change or the means are zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from emergence.growth import compound_rate
from emergence.structure.levels import SPAN_KEYS, TOTAL

VARIABLES = ("emp_change", "emp_growth", "va_growth", "arc_elasticity")


def with_total(changes: pd.DataFrame) -> pd.DataFrame:
    """The sector rows plus a 'total' row per span (the sum of the sectors)."""
    total = changes.groupby(SPAN_KEYS, sort=True)[["va0", "emp0", "va1", "emp1"]].sum().reset_index()
    return pd.concat([changes, total.assign(sector=TOTAL)], ignore_index=True)


def arc_elasticity(emp0, emp1, va0, va1) -> np.ndarray:
    emp0, emp1, va0, va1 = (np.asarray(x, dtype=float) for x in (emp0, emp1, va0, va1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = ((emp1 - emp0) / (emp1 + emp0)) / ((va1 - va0) / (va1 + va0))
    return np.where(np.isfinite(ratio), ratio, np.nan)


def elasticities(changes: pd.DataFrame) -> pd.DataFrame:
    """Jobs added, compound growth of employment and of real value added (% a year) and the arc elasticity."""
    rows = with_total(changes)
    years = rows["end_year"] - rows["base_year"]
    values = {
        "emp_change": rows["emp1"] - rows["emp0"],
        "emp_growth": compound_rate(rows["emp0"], rows["emp1"], years),
        "va_growth": compound_rate(rows["va0"], rows["va1"], years),
        "arc_elasticity": arc_elasticity(rows["emp0"], rows["emp1"], rows["va0"], rows["va1"]),
    }
    keys = rows[[*SPAN_KEYS, "sector"]]
    return pd.concat(
        [keys.assign(variable=name, value=np.asarray(v, dtype=float)) for name, v in values.items()], ignore_index=True
    )
