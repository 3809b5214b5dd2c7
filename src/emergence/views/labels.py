"""How numbers, sources and countries are printed in the report, in one place, so that tables, prose and the tests
that check them agree."""

from __future__ import annotations

import importlib
import math

MISSING = "n/a"


def number(value: float | int | None, decimals: int = 1) -> str:
    """A number with thousands separators and a fixed count of decimals; missing values print as n/a."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def source_label(source: str) -> str:
    """A source's data-set name as its metadata gives it (emergence.sources.<source>.META), else the id itself."""
    try:
        meta = importlib.import_module(f"emergence.sources.{source}").META
    except (ImportError, AttributeError):
        return source
    return meta.dataset


SHORT_NAMES = {"etd": "ETD", "ggdc10": "GGDC 10-Sector", "un_ama": "UN AMA", "wdi": "WDI", "hcp_census": "HCP census"}


def short_source(source: str) -> str:
    """The abbreviation used in panel titles and column heads."""
    return SHORT_NAMES.get(source, source)


def country_names(countries) -> dict[str, str]:
    """Code -> name, from the clean table of country names (the publisher's own names)."""
    return dict(zip(countries["country"], countries["name"], strict=True))


def name_of(tables, code: str) -> str:
    """One country's name, from the `countries` table among a figure's or a report table's inputs."""
    return country_names(tables["countries"])[code]
