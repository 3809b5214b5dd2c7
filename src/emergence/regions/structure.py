"""Regional structure from the HCP census: where employment (2014) and establishments (2024) are, relative to
the country (location quotients), how specialised each region is (Krugman index), how concentrated each sector
is (share of the top regions, Hirschman-Herfindahl), jobs per establishment and founding cohorts, the activity
and unemployment rates of both censuses, and the paper's clusters placed in their regions.

Every national figure here is the sum of the regions, so the identities hold exactly: the employment-weighted
mean of a sector's location quotients is 1, and the regions' shares of a sector add up to 100.
"""

from __future__ import annotations

import os
import unicodedata

import numpy as np
import pandas as pd

from emergence.errors import InputError
from emergence.io import read_table, write_all
from emergence.paper import CLUSTERS_SCHEMA
from emergence.regions.tidy import CENSUS_SCHEMA, FIELDS_SCHEMA
from emergence.settings import RegionSettings
from emergence.tables import Column, TableSchema

EMPLOYMENT = ("employment_2014", 2014, "work_sector_", "profession_employed")
ESTABLISHMENTS = {  # dataset -> prefix of its categories among the 2024 establishment counts
    "establishments_sector_2024": "sector_",
    "establishments_size_2024": "size_",
}
COHORTS = "establishments_cohort_2024"
FOUNDED = "founded_"
BUSINESSES, JOBS = "establishments_business", "establishments_jobs"
DATASETS = (EMPLOYMENT[0], *ESTABLISHMENTS, COHORTS)
UNITS = {EMPLOYMENT[0]: "people", **dict.fromkeys((*ESTABLISHMENTS, COHORTS), "establishments")}


_REGION = (Column("region_code", "str"), Column("region_name", "str"))
_DATASET = Column("dataset", "str", allowed=DATASETS)
SCHEMAS = {
    "location_quotients": TableSchema(
        name="regions_location_quotients",
        columns=(
            _DATASET,
            *_REGION,
            Column("category", "str"),
            Column("count", "float", min=0),
            Column("unit", "str"),
            Column("share", "float", min=0, max=100),
            Column("national_share", "float", min=0, max=100),
            Column("region_share", "float", min=0, max=100),
            Column("location_quotient", "float", nullable=True, min=0),
        ),
        key=("dataset", "region_code", "category"),
    ),
    "specialisation": TableSchema(
        name="regions_specialisation",
        columns=(_DATASET, *_REGION, Column("krugman_index", "float", min=0, max=2)),
        key=("dataset", "region_code"),
    ),
    "concentration": TableSchema(
        name="regions_concentration",
        columns=(
            _DATASET,
            Column("category", "str"),
            Column("regions", "int", min=1),
            Column("hhi", "float", min=0, max=1),
            Column("top_n", "int", min=1),
            Column("top_share", "float", min=0, max=100),
            Column("top_regions", "str"),
        ),
        key=("dataset", "category"),
    ),
    "establishments": TableSchema(
        name="regions_establishments",
        columns=(
            *_REGION,
            Column("businesses", "int", min=0),
            Column("jobs", "int", min=0),
            Column("jobs_per_establishment", "float", min=0),
        ),
        key=("region_code",),
    ),
    "labour_rates": TableSchema(
        name="regions_labour_rates",
        columns=(
            *_REGION,
            Column("variable", "str"),
            Column("value_2014", "float", min=0, max=100),
            Column("value_2024", "float", min=0, max=100),
            Column("comparable", "bool"),
            Column("change_pp", "float", nullable=True),
            Column("heading_2014", "str"),
            Column("heading_2024", "str"),
        ),
        key=("variable", "region_code"),
    ),
    "clusters": TableSchema(
        name="regions_clusters",
        columns=(
            Column("cluster_id", "str"),
            Column("cluster_name", "str"),
            Column("region", "str"),
            *_REGION,
            Column("industry_lq_employment", "float", min=0),
            Column("industry_lq_establishments", "float", min=0),
            Column("specialised_employment", "bool"),
            Column("specialised_establishments", "bool"),
        ),
        key=("cluster_id",),
    ),
    "summary": TableSchema(
        name="regions_summary",
        columns=(
            *_REGION,
            Column("industry_employment_share", "float", min=0, max=100),
            Column("industry_lq_employment", "float", min=0),
            Column("industry_establishments", "int", min=0),
            Column("industry_lq_establishments", "float", min=0),
            Column("clusters", "int", min=0),
            Column("cluster_ids", "str", nullable=True),
        ),
        key=("region_code",),
    ),
}


def _regions(census: pd.DataFrame, year: int) -> pd.DataFrame:
    return census[(census["level"] == "region") & (census["year"] == year)]


def location_quotients(counts: pd.DataFrame) -> pd.DataFrame:
    """Shares and location quotients from counts by dataset, region and category (columns dataset, region_code,
    region_name, category, count).

    share: the category's % of the region's total; national_share: its % of the sum over regions;
    region_share: the region's % of the category's national count; LQ = share / national_share (none when the
    category is empty nationwide). National figures are sums of the regions, so sum_r w_r LQ_rc = 1 with w_r
    the region's share of the national total.
    """
    totals = counts.groupby(["dataset", "region_code"])["count"].transform("sum")
    national = counts.groupby(["dataset", "category"])["count"].transform("sum")
    grand = counts.groupby("dataset")["count"].transform("sum")
    share = 100.0 * counts["count"] / totals
    national_share = 100.0 * national / grand
    return counts.assign(
        share=share,
        national_share=national_share,
        region_share=100.0 * counts["count"] / national,
        location_quotient=(share / national_share).where(national > 0),
    )


def employment_counts(census: pd.DataFrame) -> pd.DataFrame:
    """Employment by sector and region, 2014: the employed times HCP's sector shares, rescaled to their sum
    (HCP rounds each share to one decimal, so they add up to 99.9-100.2)."""
    dataset, year, prefix, employed = EMPLOYMENT
    rows = _regions(census, year)
    shares = rows[rows["variable"].str.startswith(prefix)]
    total = rows[rows["variable"] == employed].set_index("code")["value"]
    scale = shares.groupby("code")["value"].transform("sum")
    return pd.DataFrame(
        {
            "dataset": dataset,
            "region_code": shares["code"],
            "region_name": shares["name"],
            "category": shares["variable"].str.removeprefix(prefix),
            "count": shares["code"].map(total) * shares["value"] / scale,
        }
    )


def establishment_counts(census: pd.DataFrame, cohorts: dict[str, list[str]]) -> pd.DataFrame:
    """2024 businesses by region and sector, size class and founding cohort (HCP's periods grouped)."""
    rows = _regions(census, 2024)
    frames = []
    for dataset, prefix in ESTABLISHMENTS.items():
        part = rows[rows["variable"].str.startswith(prefix)]
        frames.append(part.assign(dataset=dataset, category=part["variable"].str.removeprefix(prefix)))
    founded = rows[rows["variable"].str.startswith(FOUNDED)]
    periods = founded["variable"].str.removeprefix(FOUNDED)
    listed = [period for members in cohorts.values() for period in members]
    cohort_of = {period: cohort for cohort, members in cohorts.items() for period in members}
    twice = sorted({p for p in listed if listed.count(p) > 1})
    unknown = sorted(set(periods) - set(cohort_of))
    if twice or unknown:
        found = f"in more than one: {twice}" if twice else f"in none: {unknown}"
        raise InputError("config/config.yaml", "key 'regions/cohorts'", "every founding period in one cohort", found)
    frames.append(founded.assign(dataset=COHORTS, category=periods.map(cohort_of)))
    grouped = (
        pd.concat(frames, ignore_index=True)
        .groupby(["dataset", "code", "name", "category"], sort=True)["value"]
        .sum()
        .reset_index()
    )
    return grouped.rename(columns={"code": "region_code", "name": "region_name", "value": "count"})


def specialisation(quotients: pd.DataFrame) -> pd.DataFrame:
    """Krugman's index per region and dataset: sum over categories of |share - national share|, from 0
    (the country's mix) to 2 (nothing in common)."""
    gap = (quotients["share"] - quotients["national_share"]).abs() / 100.0
    return (
        quotients.assign(krugman_index=gap)
        .groupby(["dataset", "region_code", "region_name"], sort=True)["krugman_index"]
        .sum()
        .reset_index()
    )


def concentration(quotients: pd.DataFrame, top: int) -> pd.DataFrame:
    """Per dataset and category: the Hirschman-Herfindahl index of the regions' shares (1/n when spread evenly,
    1 when in one region) and the share of the `top` largest regions, which are named."""
    rows = []
    for (dataset, category), part in quotients.groupby(["dataset", "category"], sort=True):
        shares = part["region_share"].to_numpy() / 100.0
        order = part.sort_values(["count", "region_code"], ascending=[False, True], kind="mergesort").head(top)
        rows.append(
            {
                "dataset": dataset,
                "category": category,
                "regions": len(part),
                "hhi": float(np.sum(shares**2)),
                "top_n": top,
                "top_share": float(order["region_share"].sum()),
                "top_regions": ";".join(order["region_code"]),
            }
        )
    return pd.DataFrame(rows)


def establishments(census: pd.DataFrame) -> pd.DataFrame:
    """Businesses and their permanent jobs per region and nationally, and jobs per establishment."""
    rows = census[census["level"].isin(["country", "region"]) & (census["year"] == 2024)]
    wide = rows[rows["variable"].isin([BUSINESSES, JOBS])].pivot_table(
        index=["code", "name"], columns="variable", values="value", aggfunc="first"
    )
    wide = wide.reset_index()
    return pd.DataFrame(
        {
            "region_code": wide["code"],
            "region_name": wide["name"],
            "businesses": wide[BUSINESSES],
            "jobs": wide[JOBS],
            "jobs_per_establishment": wide[JOBS] / wide[BUSINESSES],
        }
    )


def labour_rates(census: pd.DataFrame, fields: pd.DataFrame, rates: list[str]) -> pd.DataFrame:
    """Activity and unemployment rates by region (and nationally), 2014 beside 2024; the change only where the
    field dictionaries say the two censuses measure the same thing."""
    rows = census[census["level"].isin(["country", "region"]) & census["variable"].isin(rates)]
    known = fields.set_index(["year", "variable"])
    out = []
    for rate in rates:
        for year in (2014, 2024):
            if (year, rate) not in known.index:
                raise InputError("hcp_census_fields", f"variable '{rate}' ({year})", "a field of the dictionary")
        comparable = bool(known.loc[(2014, rate), "comparable"]) and known.loc[(2014, rate), "comparable_to"] == rate
        wide = rows[rows["variable"] == rate].pivot_table(
            index=["code", "name"], columns="year", values="value", aggfunc="first"
        )
        wide = wide.reset_index()
        out.append(
            pd.DataFrame(
                {
                    "region_code": wide["code"],
                    "region_name": wide["name"],
                    "variable": rate,
                    "value_2014": wide[2014],
                    "value_2024": wide[2024],
                    "comparable": comparable,
                    "change_pp": (wide[2024] - wide[2014]) if comparable else np.nan,
                    "heading_2014": known.loc[(2014, rate), "heading"],
                    "heading_2024": known.loc[(2024, rate), "heading"],
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def normalised(name: str) -> str:
    """A region's name without accents, case or punctuation: the paper prints 'Rabat-Sale-Kenitra'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join("".join(c if c.isalnum() else " " for c in plain.casefold()).split())


def place_clusters(clusters: pd.DataFrame, quotients: pd.DataFrame, industry: str, where: str) -> pd.DataFrame:
    """Each cluster of the paper's Table 2 in its HCP region, with industry's location quotients there; a region
    the census does not know is an error."""
    names = quotients.drop_duplicates("region_code").set_index("region_code")["region_name"]
    by_name = {normalised(name): code for code, name in names.items()}
    codes = clusters["region"].map(lambda r: by_name.get(normalised(r)))
    if codes.isna().any():
        row = int(codes.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            where, f"row {row + 2}, column 'region'", f"a region of the HCP census {sorted(names)}",
            clusters["region"].iloc[row],
        )  # fmt: skip
    lq = _industry(quotients, industry)
    employment = codes.map(lq[EMPLOYMENT[0]])
    firms = codes.map(lq["establishments_sector_2024"])
    return pd.DataFrame(
        {
            "cluster_id": clusters["cluster_id"],
            "cluster_name": clusters["name"],
            "region": clusters["region"],
            "region_code": codes,
            "region_name": codes.map(names),
            "industry_lq_employment": employment,
            "industry_lq_establishments": firms,
            "specialised_employment": employment > 1,
            "specialised_establishments": firms > 1,
        }
    )


def _industry(quotients: pd.DataFrame, industry: str) -> dict[str, pd.Series]:
    """Industry's location quotient per region, for employment and for establishments by sector."""
    out = {}
    for dataset in (EMPLOYMENT[0], "establishments_sector_2024"):
        part = quotients[(quotients["dataset"] == dataset) & (quotients["category"] == industry)]
        if part.empty:
            raise InputError("config/config.yaml", "key 'regions/industry'", f"a category of {dataset}", industry)
        out[dataset] = part.set_index("region_code")["location_quotient"]
    return out


def summary(quotients: pd.DataFrame, placed: pd.DataFrame, industry: str) -> pd.DataFrame:
    """Per region: industry's share of employment (2014) and its LQ, industrial establishments (2024) and their
    LQ, and the Table 2 clusters the region hosts."""

    def industry_rows(dataset: str) -> pd.DataFrame:
        part = quotients[(quotients["dataset"] == dataset) & (quotients["category"] == industry)]
        return part.set_index("region_code")

    jobs, firms = industry_rows(EMPLOYMENT[0]), industry_rows("establishments_sector_2024")
    hosted = placed.groupby("region_code")["cluster_id"].agg(lambda ids: ";".join(sorted(ids)))
    return pd.DataFrame(
        {
            "region_code": jobs.index,
            "region_name": jobs["region_name"].to_numpy(),
            "industry_employment_share": jobs["share"].to_numpy(),
            "industry_lq_employment": jobs["location_quotient"].to_numpy(),
            "industry_establishments": firms["count"].reindex(jobs.index).to_numpy(),
            "industry_lq_establishments": firms["location_quotient"].reindex(jobs.index).to_numpy(),
            "clusters": placed["region_code"].value_counts().reindex(jobs.index, fill_value=0).to_numpy(),
            "cluster_ids": hosted.reindex(jobs.index).to_numpy(),
        }
    )


def analyse_regions(
    census: pd.DataFrame, fields: pd.DataFrame, clusters: pd.DataFrame, settings: RegionSettings, where: str
) -> dict[str, pd.DataFrame]:
    """Every table of the regional structure, by name (the keys of SCHEMAS)."""
    counts = pd.concat([employment_counts(census), establishment_counts(census, settings.cohorts)], ignore_index=True)
    quotients = location_quotients(counts.sort_values(["dataset", "region_code", "category"], kind="mergesort"))
    quotients = quotients.assign(unit=quotients["dataset"].map(UNITS))
    placed = place_clusters(clusters, quotients, settings.industry, where)
    return {
        "location_quotients": quotients,
        "specialisation": specialisation(quotients),
        "concentration": concentration(quotients, settings.top_regions),
        "establishments": establishments(census),
        "labour_rates": labour_rates(census, fields, settings.rates),
        "clusters": placed,
        "summary": summary(quotients, placed, settings.industry),
    }


def write_regions(
    inputs: dict[str, str | os.PathLike], settings: RegionSettings, outputs: dict[str, str | os.PathLike]
) -> dict[str, pd.DataFrame]:
    """Read the clean census, its fields and the paper's clusters; write every table of `analyse_regions`."""
    census = read_table(inputs["census"], CENSUS_SCHEMA)
    fields = read_table(inputs["fields"], FIELDS_SCHEMA)
    clusters = read_table(inputs["clusters"], CLUSTERS_SCHEMA)
    tables = analyse_regions(census, fields, clusters, settings, str(inputs["clusters"]))
    written = write_all({outputs[name]: (tables[name], SCHEMAS[name]) for name in SCHEMAS})
    return {name: written[outputs[name]] for name in SCHEMAS}
