"""The series the models are fitted to, built from the clean ETD table: real value added, employment, labour
productivity (real value added per person engaged) and sector shares."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.settings import ModelSettings

PRODUCTIVITY = "labour_productivity"
PRODUCTIVITY_PARTS = ("va_constant", "emp")
SHARE_SUFFIX = "_share"
TOTAL = "total"
KEY = ("country", "sector", "variable")


@dataclass(frozen=True)
class Series:
    """One annual series: its key, contiguous years and values."""

    country: str
    sector: str
    variable: str
    years: np.ndarray
    values: np.ndarray
    unit: str
    source: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.country, self.sector, self.variable

    @property
    def positive(self) -> bool:
        return bool(np.all(self.values > 0))


def is_share(variable: str) -> bool:
    return variable.endswith(SHARE_SUFFIX)


def build_model_series(clean: pd.DataFrame, settings: ModelSettings, where: str) -> pd.DataFrame:
    """The tidy rows of every configured country, sector and variable; labour productivity is va_constant / emp."""
    missing = [c for c in settings.countries if c not in set(clean["country"])]
    if missing:
        raise InputError(where, "column 'country'", f"the configured countries {list(settings.countries)}", missing)
    rows = clean[clean["country"].isin(settings.countries)]
    parts = []
    for variable in settings.variables:
        if variable == PRODUCTIVITY:
            parts.append(_productivity(rows, where))
            continue
        found = rows[rows["variable"] == variable]
        if found.empty:
            raise InputError(where, "column 'variable'", f"rows of variable '{variable}' (config models.variables)")
        parts.append(found)
    out = pd.concat(parts, ignore_index=True)
    if settings.sectors is not None:
        unknown = sorted(set(settings.sectors) - set(out["sector"]))
        if unknown:
            raise InputError(where, "column 'sector'", "the sectors of config models.sectors", unknown)
        out = out[out["sector"].isin(settings.sectors)]
    out = out.dropna(subset=["value"])
    return out.sort_values([*KEY, "year"], kind="mergesort").reset_index(drop=True)


def _productivity(rows: pd.DataFrame, where: str) -> pd.DataFrame:
    va, emp = (rows[rows["variable"] == v].set_index(["country", "sector", "year"]) for v in PRODUCTIVITY_PARTS)
    if va.empty or emp.empty:
        raise InputError(where, "column 'variable'", f"rows of {list(PRODUCTIVITY_PARTS)} for labour productivity")
    both = va.join(emp, how="inner", suffixes=("_va", "_emp"))
    # a sector with no one employed in some year has no productivity series at all (a gap would break the fits)
    defined = (both["value_emp"] > 0).groupby(level=["country", "sector"]).transform("all")
    both = both[defined]
    out = pd.DataFrame(
        {
            "value": both["value_va"] / both["value_emp"],
            "unit": both["unit_va"] + " per " + both["unit_emp"],
            "source": both["source_va"],
            "variable": PRODUCTIVITY,
        },
        index=both.index,
    )
    return out.reset_index()


def iter_series(tidy: pd.DataFrame, where: str) -> Iterator[Series]:
    """Each (country, sector, variable) series in key order; years must be contiguous."""
    for (country, sector, variable), rows in tidy.groupby(list(KEY), sort=True):
        rows = rows.sort_values("year")
        years = rows["year"].to_numpy(dtype=int)
        if len(years) and years[-1] - years[0] + 1 != len(years):
            raise InputError(where, f"years of {country}/{sector}/{variable}", "contiguous years", years.tolist())
        yield Series(
            country,
            sector,
            variable,
            years,
            rows["value"].to_numpy(dtype=float),
            str(rows["unit"].iloc[0]),
            str(rows["source"].iloc[0]),
        )


def series_rng(seed: int, key: tuple[str, ...]) -> np.random.Generator:
    """A generator fixed by the configured seed and the series key, so results do not depend on run order."""
    return np.random.default_rng([seed, zlib.crc32("|".join(key).encode())])
