"""Cluster analytics from the paper's Tables 2 and 3: when, where and in which sectors clusters were created,
how many members they state, and how their companies split between SMEs and large firms."""

from __future__ import annotations

import pandas as pd

from emergence.paper import COUNT_FIELDS
from emergence.tables import Column, TableSchema

BY_YEAR_SCHEMA = TableSchema(
    name="clusters_by_year",
    columns=(
        Column("year", "int", min=1900, max=2100),
        Column("clusters", "int", min=0),
        Column("cumulative", "int", min=0),
    ),
    key=("year",),
    contiguous_years=(),
)
BY_SECTOR_SCHEMA = TableSchema(
    name="clusters_by_sector",
    columns=(
        Column("sector_group", "str"),
        Column("sector", "str"),
        Column("clusters", "int", min=1),
        Column("first_year", "int", min=1900, max=2100),
        Column("last_year", "int", min=1900, max=2100),
    ),
    key=("sector_group", "sector"),
)
BY_REGION_SCHEMA = TableSchema(
    name="clusters_by_region",
    columns=(
        Column("region", "str"),
        Column("clusters", "int", min=1),
        Column("share", "float", min=0, max=100),
        Column("sector_groups", "str"),
        Column("first_year", "int", min=1900, max=2100),
    ),
    key=("region",),
)
MEMBERS_SCHEMA = TableSchema(
    name="cluster_members",
    columns=(
        Column("cluster_id", "str"),
        Column("name", "str"),
        Column("measure", "str", allowed=COUNT_FIELDS),
        Column("value", "int", min=0),
        Column("approximate", "bool"),
    ),
    key=("cluster_id", "measure"),
)
STRUCTURE_SCHEMA = TableSchema(
    name="cluster_company_structure",
    columns=(
        Column("cluster_id", "str"),
        Column("smes", "int", min=0),
        Column("large_companies", "int", min=0),
        Column("total_companies", "int", min=0),
        Column("sme_share", "float", min=0, max=100),
        Column("share_of_companies", "float", min=0, max=100),
    ),
    key=("cluster_id",),
)
CLUSTER_SCHEMAS = {
    "by_year": BY_YEAR_SCHEMA,
    "by_sector": BY_SECTOR_SCHEMA,
    "by_region": BY_REGION_SCHEMA,
    "members": MEMBERS_SCHEMA,
    "structure": STRUCTURE_SCHEMA,
}
ALL_CLUSTERS = "all"


def by_year(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clusters created each year, every year from the first to the last, with the running total."""
    counts = clusters.groupby("year").size()
    years = range(int(counts.index.min()), int(counts.index.max()) + 1)
    out = pd.DataFrame({"year": list(years), "clusters": [int(counts.get(y, 0)) for y in years]})
    return out.assign(cumulative=out["clusters"].cumsum())


def by_sector(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clusters per sector as printed, within the paper's strategic sector groups."""
    grouped = clusters.groupby(["sector_group", "sector"])["year"]
    return grouped.agg(clusters="size", first_year="min", last_year="max").reset_index()


def by_region(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clusters per administrative region, their share of all clusters and the sector groups present."""
    grouped = clusters.groupby("region")
    out = grouped.agg(clusters=("cluster_id", "size"), first_year=("year", "min")).reset_index()
    out["share"] = out["clusters"] / len(clusters) * 100.0
    out["sector_groups"] = out["region"].map(grouped["sector_group"].agg(lambda s: ";".join(sorted(set(s)))))
    return out


def members(clusters: pd.DataFrame) -> pd.DataFrame:
    """Member counts where the paper states them: one row per cluster and kind of count."""
    long = clusters.melt(
        id_vars=["cluster_id", "name", "approximate_counts"],
        value_vars=list(COUNT_FIELDS),
        var_name="measure",
        value_name="value",
    ).dropna(subset=["value"])
    flagged = long["approximate_counts"].fillna("").str.split(";")
    long["approximate"] = [m in f for m, f in zip(long["measure"], flagged, strict=True)]
    return long.drop(columns="approximate_counts")


def company_structure(companies: pd.DataFrame) -> pd.DataFrame:
    """SMEs and large companies per cluster of Table 3, SME share and weight in the six clusters' total.

    Totals are recomputed as SMEs plus large companies (the printed totals are checked in consistency.py).
    """
    wide = companies.pivot(index="cluster_id", columns="size", values="companies")
    out = pd.DataFrame({"smes": wide["sme"], "large_companies": wide["large"]})
    out.loc[ALL_CLUSTERS] = out.sum()
    out["total_companies"] = out["smes"] + out["large_companies"]
    out["sme_share"] = out["smes"] / out["total_companies"] * 100.0
    out["share_of_companies"] = out["total_companies"] / out.loc[ALL_CLUSTERS, "total_companies"] * 100.0
    return out.rename_axis("cluster_id").reset_index()


def cluster_tables(clusters: pd.DataFrame, companies: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All cluster tables, keyed like CLUSTER_SCHEMAS and validated against them."""
    tables = {
        "by_year": by_year(clusters),
        "by_sector": by_sector(clusters),
        "by_region": by_region(clusters),
        "members": members(clusters),
        "structure": company_structure(companies),
    }
    return {name: CLUSTER_SCHEMAS[name].validate(df, f"cluster table {name}") for name, df in tables.items()}
