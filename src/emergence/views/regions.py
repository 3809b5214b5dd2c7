"""The regional tables as the figures show them: regions in HCP's order (north to south) with their names, each
region's place on a tile grid map, and the shares of size classes and founding cohorts laid out wide."""

from __future__ import annotations

import pandas as pd

from emergence.errors import InputError

# Each region's (row, column) on a tile grid laid out roughly as on the map, north at the top: the twelve
# regions of the 2015 division, by HCP code.
TILES = {
    "01": (0, 2),  # Tanger-Tétouan-Al Hoceima
    "02": (1, 3),  # Oriental
    "03": (1, 2),  # Fès-Meknès
    "04": (1, 1),  # Rabat-Salé-Kénitra
    "05": (2, 2),  # Béni Mellal-Khénifra
    "06": (2, 1),  # Casablanca-Settat
    "07": (3, 1),  # Marrakech-Safi
    "08": (3, 2),  # Drâa-Tafilalet
    "09": (4, 1),  # Souss-Massa
    "10": (4, 0),  # Guelmim-Oued Noun
    "11": (5, 0),  # Laâyoune-Sakia El Hamra
    "12": (6, 0),  # Dakhla-Oued Ed-Dahab
}
SIZE_LABELS = {"1": "1 person", "2_3": "2-3", "4_9": "4-9", "10_49": "10-49", "50_plus": "50 or more"}
COHORT_LABELS = {
    "before_2001": "Before 2001",
    "2001_2010": "2001-2010",
    "2011_2019": "2011-2019",
    "2020_plus": "2020 on",
}
RATE_LABELS = {"labour_activity_rate": "Activity rate", "labour_unemployment_rate": "Unemployment rate"}
NATIONAL, NATIONAL_NAME = "MAR", "Morocco (all regions)"
DATASETS = {"size": ("establishments_size_2024", SIZE_LABELS), "cohort": ("establishments_cohort_2024", COHORT_LABELS)}


def regions_in_order(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """The rows of the twelve regions (the national row left out) in HCP's code order; a region missing is an
    error naming it."""
    rows = frame[frame["region_code"].isin(list(TILES))]
    missing = sorted(set(TILES) - set(rows["region_code"]))
    if missing:
        raise InputError(where, "column region_code", f"a row for each of the regions {sorted(TILES)}", missing)
    return rows.sort_values("region_code", kind="mergesort").reset_index(drop=True)


def tile_grid(summary: pd.DataFrame, where: str) -> pd.DataFrame:
    """The per-region summary with each region's tile (row, col) added."""
    rows = regions_in_order(summary, where)
    return rows.assign(
        row=rows["region_code"].map(lambda c: TILES[c][0]), col=rows["region_code"].map(lambda c: TILES[c][1])
    )


def category_shares(quotients: pd.DataFrame, kind: str, where: str) -> pd.DataFrame:
    """Each region's % of its 2024 establishments by size class or founding cohort (`kind`: size, cohort): one row
    per region in code order, one column per category in the order of the labels, named by its label."""
    dataset, labels = DATASETS[kind]
    part = quotients[quotients["dataset"] == dataset]
    unknown = sorted(set(part["category"]) - set(labels))
    if part.empty or unknown:
        found = f"unknown categories {unknown}" if unknown else "no rows"
        raise InputError(where, f"rows of dataset {dataset}", f"categories {list(labels)}", found)
    wide = part.pivot_table(index=["region_code", "region_name"], columns="category", values="share", aggfunc="first")
    wide = wide.reindex(columns=[c for c in labels if c in wide.columns]).reset_index()
    return regions_in_order(wide, where).rename(columns=labels)


def rates_wide(rates: pd.DataFrame, where: str) -> dict[str, pd.DataFrame]:
    """Per rate (label -> frame): the national row first, named Morocco, then the regions in code order, with
    value_2014, value_2024, comparable and HCP's headings of both censuses."""
    out = {}
    for variable, label in RATE_LABELS.items():
        part = rates[rates["variable"] == variable]
        if part.empty:
            raise InputError(where, "column variable", f"rows of {variable}", "none")
        national = part[part["region_code"] == NATIONAL].assign(region_name=NATIONAL_NAME)
        out[label] = pd.concat([national, regions_in_order(part, where)], ignore_index=True)
    return out
