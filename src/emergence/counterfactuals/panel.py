"""The panel the counterfactuals compare: one series per country and outcome, built from the clean ETD table of
every country (the full ETD panel, not only the configured countries), and, for the longer post-period, from the
clean UN main aggregates of every country the UN publishes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from emergence.errors import InputError

MANUFACTURING = "manufacturing"
TOTAL = "total"
PRODUCTIVITY = "labour_productivity_log"
ETD, UN = "etd", "un_ama"
UN_CURRENT_SHARE = "manufacturing_va_current_share_un"
# Outcome -> (sector, variable, take logs) of the clean table of its source. Log labour productivity is a ratio of
# two totals, so it has its own recipe (see outcome_panel).
SECTOR_SERIES = {
    "manufacturing_va_constant_share": (MANUFACTURING, "va_constant_share", False),
    "manufacturing_va_current_share": (MANUFACTURING, "va_current_share", False),
    UN_CURRENT_SHARE: (MANUFACTURING, "va_current_usd_share", False),  # the workbook donors.UN_TABLE
    "manufacturing_emp_share": (MANUFACTURING, "emp_share", False),
    "manufacturing_va_constant_log": (MANUFACTURING, "va_constant", True),
}
SERIES = (*SECTOR_SERIES, PRODUCTIVITY)
UN_SERIES = (UN_CURRENT_SHARE,)
SOURCE_OF = {name: UN if name in UN_SERIES else ETD for name in SERIES}  # the clean table each series is read from
LABELS = {
    "manufacturing_va_constant_share": "Manufacturing, % of value added (constant prices)",
    "manufacturing_va_current_share": "Manufacturing, % of value added (current prices)",
    UN_CURRENT_SHARE: "Manufacturing, % of value added (current prices, UN)",
    "manufacturing_emp_share": "Manufacturing, % of employment",
    "manufacturing_va_constant_log": "Manufacturing value added, constant prices (log)",
    PRODUCTIVITY: "Labour productivity (log, relative to the base year)",
}
UNITS = {
    "manufacturing_va_constant_share": "% of value added",
    "manufacturing_va_current_share": "% of value added",
    UN_CURRENT_SHARE: "% of value added",
    "manufacturing_emp_share": "% of employment",
    "manufacturing_va_constant_log": "log of million LCU",
    PRODUCTIVITY: "log points",
}
PANEL_COLUMNS = ["unit", "year", "variable", "value"]
# The kinds of synthetic-control fit the stage's tables hold (placebos.py makes them), named here, beside the
# series, so that the views read the tables without importing the estimator.
FIT = "fit"
SPACE = "space_placebo"
TIME = "time_placebo"
LEAVE_ONE_OUT = "leave_one_out"
RUNS = (FIT, SPACE, TIME, LEAVE_ONE_OUT)
# The ETD outcome each UN outcome is set beside over their common years.
COUNTERPART = {UN_CURRENT_SHARE: "manufacturing_va_current_share"}


def outcome_panel(etd: pd.DataFrame, series: tuple[str, ...], base_year: int, where: str) -> pd.DataFrame:
    """The long panel (unit, year, variable, value) of the named series for every country of the clean table of
    their source (the ETD's, or the UN's for `UN_SERIES`, whose shares are of the sum of the activities).

    Log labour productivity is log(value added at constant prices / persons engaged) of the whole economy less its
    value in `base_year`: value added is in each country's own currency, so only changes compare across countries.
    """
    unknown = [s for s in series if s not in SERIES]
    if unknown:
        raise InputError(where, "series", f"one of {list(SERIES)}", unknown)
    parts = []
    for name in series:
        if name == PRODUCTIVITY:
            parts.append(_productivity(etd, base_year, where))
            continue
        sector, variable, log = SECTOR_SERIES[name]
        rows = etd[(etd["sector"] == sector) & (etd["variable"] == variable)]
        if rows.empty:
            raise InputError(where, f"sector '{sector}', variable '{variable}'", f"the rows of the series {name}")
        values = rows["value"].to_numpy(dtype=float)
        if log and not (values > 0).all():
            raise InputError(where, f"{sector} {variable}", "positive values to take logs of", float(values.min()))
        parts.append(
            pd.DataFrame(
                {
                    "unit": rows["country"].to_numpy(),
                    "year": rows["year"].to_numpy(dtype=int),
                    "variable": name,
                    "value": np.log(values) if log else values,
                }
            )
        )
    panel = pd.concat(parts, ignore_index=True)
    return panel.sort_values(["variable", "unit", "year"], kind="mergesort").reset_index(drop=True)


def _productivity(etd: pd.DataFrame, base_year: int, where: str) -> pd.DataFrame:
    totals = etd[(etd["sector"] == TOTAL) & etd["variable"].isin(["va_constant", "emp"])]
    wide = totals.pivot_table(index=["country", "year"], columns="variable", values="value", aggfunc="first")
    if not {"va_constant", "emp"} <= set(wide.columns) or not ((wide["va_constant"] > 0) & (wide["emp"] > 0)).all():
        raise InputError(where, "sector 'total'", "positive va_constant and emp in every country and year")
    log = np.log(wide["va_constant"] / wide["emp"]).unstack("country")
    if base_year not in log.index or log.loc[base_year].isna().any():
        raise InputError(where, f"year {base_year}", "every country's labour productivity (productivity_base_year)")
    relative = (log - log.loc[base_year]).stack().rename("value").reset_index()
    return pd.DataFrame(
        {
            "unit": relative["country"].to_numpy(),
            "year": relative["year"].to_numpy(dtype=int),
            "variable": PRODUCTIVITY,
            "value": relative["value"].to_numpy(dtype=float),
        }
    )


def series_of(panel: pd.DataFrame, variable: str, unit: str) -> pd.Series:
    """One country's series indexed by year."""
    rows = panel[(panel["variable"] == variable) & (panel["unit"] == unit)]
    return rows.set_index("year")["value"].sort_index()
