"""The statistics a claim can be recomputed with: reductions of a yearly series and combinations of numbers.

Each function is pure and raises InputError when the data it needs are absent, so a recipe that names a
missing year fails loudly instead of recomputing from a shorter window.
"""

from __future__ import annotations

import math

import pandas as pd

from emergence.errors import InputError


def _span(series: pd.Series, start: int, end: int, where: str) -> pd.Series:
    """The values of years start..end (inclusive); every year must be present."""
    if end < start:
        raise InputError(where, "years", "a start year not after the end year", f"{start}-{end}")
    wanted = list(range(start, end + 1))
    missing = [y for y in wanted if y not in series.index or pd.isna(series.get(y))]
    if missing:
        raise InputError(where, "years", f"values for every year {start}-{end}", f"missing {missing}")
    return series.loc[wanted].astype(float)


def level(series: pd.Series, year: int, where: str = "series") -> float:
    """The value of one year."""
    return float(_span(series, year, year, where).iloc[0])


def average(series: pd.Series, start: int, end: int, where: str = "series") -> float:
    """Arithmetic mean of the yearly values over start..end."""
    return float(_span(series, start, end, where).mean())


def total(series: pd.Series, start: int, end: int, where: str = "series") -> float:
    """Sum of the yearly values over start..end (flows such as patent applications)."""
    return float(_span(series, start, end, where).sum())


def change(series: pd.Series, start: int, end: int, where: str = "series") -> float:
    """Value in `end` minus value in `start` (an increase between two years)."""
    values = _span(series, start, end, where)
    return float(values.iloc[-1] - values.iloc[0])


def growth_rates(series: pd.Series, start: int, end: int, where: str = "series") -> pd.Series:
    """Year-on-year growth in % for the years start..end (each needs the year before it)."""
    values = _span(series, start - 1, end, where)
    return (values / values.shift(1) - 1.0).iloc[1:] * 100.0


def mean_growth(series: pd.Series, start: int, end: int, where: str = "series") -> float:
    """Mean of the annual growth rates (%) of the years start..end, as national reports average them."""
    return float(growth_rates(series, start, end, where).mean())


def cagr(series: pd.Series, start: int, end: int, where: str = "series") -> float:
    """Compound annual growth (%) from the value of `start` to that of `end`."""
    values = _span(series, start, end, where)
    first, last = float(values.iloc[0]), float(values.iloc[-1])
    if first <= 0 or last <= 0 or end == start:
        raise InputError(where, "years", "positive values in two different years", f"{first} ({start}), {last} ({end})")
    return ((last / first) ** (1.0 / (end - start)) - 1.0) * 100.0


def rank(cross_section: pd.Series, item: str, where: str = "series") -> float:
    """Rank of `item` (1 = largest) among the values of a cross-section, e.g. sectors in one year."""
    if item not in cross_section.index:
        raise InputError(where, "sector", f"one of {sorted(cross_section.index)}", item)
    return float((cross_section > cross_section[item]).sum() + 1)


REDUCTIONS = {
    "level": level,
    "average": average,
    "total": total,
    "change": change,
    "mean_growth": mean_growth,
    "cagr": cagr,
}


def count_below(values: pd.Series, threshold: float) -> float:
    """How many of the values are strictly below a threshold."""
    return float((values < threshold).sum())


def sum_largest(values: pd.Series, n: int) -> float:
    """Sum of the n largest values."""
    return float(values.nlargest(n).sum())


def difference(a: float, b: float) -> float:
    return a - b


def ratio(a: float, b: float) -> float:
    if b == 0:
        raise InputError("recipe", "denominator", "a non-zero number", b)
    return a / b


def share(part: float, whole: float) -> float:
    """`part` as a percentage of `whole`."""
    return ratio(part, whole) * 100.0


def currency_conversion(amount: float, reference_from: float, reference_to: float) -> float:
    """Convert `amount` at the exchange rate implied by a reference pair (reference_from -> reference_to)."""
    return amount * ratio(reference_to, reference_from)


def implied_rate(amount_from: float, amount_to: float) -> float:
    """Units of the first currency per unit of the second implied by one conversion."""
    return ratio(amount_from, amount_to)


def combine(statistic: str, values: list[float], where: str) -> float:
    """Apply a combining statistic to the scalar terms of a recipe."""
    arity = {"value": 1, "difference": 2, "ratio": 2, "share": 2, "currency_conversion": 3}
    if statistic in arity and len(values) != arity[statistic]:
        raise InputError(where, f"recipe '{statistic}'", f"{arity[statistic]} terms", len(values))
    if statistic == "value":
        return values[0]
    if statistic == "difference":
        return difference(*values)
    if statistic == "ratio":
        return ratio(*values)
    if statistic == "share":
        return share(*values)
    if statistic == "currency_conversion":
        return currency_conversion(*values)
    if statistic == "sum":
        return math.fsum(values)
    if statistic == "product":
        return math.prod(values)
    if statistic == "average":
        return math.fsum(values) / len(values)
    raise InputError(where, "recipe statistic", f"one of {sorted(STATISTICS)}", statistic)


STATISTICS = ("value", "difference", "ratio", "share", "currency_conversion", "sum", "product", "average")
