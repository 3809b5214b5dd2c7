"""The HCP census snapshot as three tidy tables: the figures (level, code, name, year, variable, value, unit,
source), the region > province > commune hierarchy, and the field dictionaries with their 2014-2024
comparability flags.

HCP publishes each unit's figures with its national total, so the tables are checked on the way in and on
write: regional counts add up to the national row, shares that split a whole add up to 100, the parts of the
establishment count (by sector, size, founding period) add up to it, every region has its rows, and every
commune sits in exactly one province and region.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from emergence.errors import InputError
from emergence.io import write_all
from emergence.sources.hcp_census import read, read_fields
from emergence.tables import Column, TableSchema

LEVELS = ("country", "region", "province", "commune")
COUNTRY_CODE = "MAR"  # the national row has no HCP code
# census year -> (data file, field dictionary); the economy file is the 2024 establishments
PEOPLE = {2014: ("indicators2014/people.csv.gz", "indicators2014"), 2024: ("indicators/people.csv.gz", "indicators")}
ECONOMY = ("economy/establishments.csv.gz", "economy")
KEPT_TOPICS = ("population", "labour", "workSector")
KEPT_PATHS = ("profession.employed",)  # the 2014 count of the employed that the sector shares divide
COUNT_UNITS = ("people", "establishments", "jobs", "souks")
SHARE_TOPICS = ("workSector",)  # percent fields that split one whole
PARTS_OF = {"establishments_business": ("sector_", "size_", "founded_")}  # counts that split the businesses
ROUNDING = {"percent": 0.05, "count": 0.5}  # HCP rounds shares to one decimal, counts to whole units

UNITS_SCHEMA = TableSchema(
    name="hcp_census_units",
    columns=(
        Column("region_code", "str"),
        Column("region_name", "str"),
        Column("province_code", "str"),
        Column("province_name", "str"),
        Column("province_type", "str"),
        Column("commune_code", "str"),
        Column("commune_name", "str"),
        Column("commune_type", "str"),
    ),
    key=("commune_code",),
)
FIELDS_SCHEMA = TableSchema(
    name="hcp_census_fields",
    columns=(
        Column("year", "int", min=2014, max=2024),
        Column("variable", "str"),
        Column("path", "str"),
        Column("topic", "str"),
        Column("label", "str"),
        Column("heading", "str", nullable=True),
        Column("category", "str", nullable=True),
        Column("unit", "str"),
        Column("comparable", "bool"),
        Column("comparable_to", "str", nullable=True),
        Column("note", "str", nullable=True),
        Column("source", "str"),
    ),
    key=("year", "variable"),
)


# --- hierarchy ------------------------------------------------------------------------------------------------


def units(folder: str | Path) -> pd.DataFrame:
    """One row per commune with its province and region; each commune in exactly one, and consistent."""
    folder = Path(folder)
    regions = read(folder, "attributes/regions.csv.gz")
    provinces = read(folder, "attributes/provinces.csv.gz")
    communes = read(folder, "attributes/communes.csv.gz")
    where = {name: str(folder / f"attributes/{name}.csv.gz") for name in ("regions", "provinces", "communes")}
    for name, frame in (("regions", regions), ("provinces", provinces), ("communes", communes)):
        twice = frame["code"].duplicated()
        if twice.any():
            row = int(twice.to_numpy().nonzero()[0][0])
            raise InputError(where[name], f"row {row + 2}, column 'code'", "each code once", frame["code"].iloc[row])
    region_names = dict(zip(regions["code"], regions["name_fr"], strict=True))
    for name, frame in (("provinces", provinces), ("communes", communes)):
        unknown = ~frame["region_code"].isin(list(region_names))
        if unknown.any():
            row = int(unknown.to_numpy().nonzero()[0][0])
            raise InputError(
                where["regions"],
                "rows",
                f"a row for region {frame['region_code'].iloc[row]!r}, which {name}.csv.gz row {row + 2} names",
                f"regions {sorted(region_names)}",
            )
    province = provinces.set_index("code")
    unknown = ~communes["province_code"].isin(province.index)
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        raise InputError(
            where["communes"], f"row {row + 2}, column 'province_code'", "a province of provinces.csv.gz",
            communes["province_code"].iloc[row],
        )  # fmt: skip
    other = communes["region_code"].to_numpy() != province.loc[communes["province_code"], "region_code"].to_numpy()
    if other.any():
        row = int(other.nonzero()[0][0])
        raise InputError(
            where["communes"], f"row {row + 2}, column 'region_code'", "the region of the commune's province",
            communes["region_code"].iloc[row],
        )  # fmt: skip
    empty = sorted(set(region_names) - set(communes["region_code"]))
    if empty:
        raise InputError(where["communes"], "column 'region_code'", "communes in every region", f"none in {empty}")
    return pd.DataFrame(
        {
            "region_code": communes["region_code"],
            "region_name": communes["region_code"].map(region_names),
            "province_code": communes["province_code"],
            "province_name": communes["province_code"].map(province["name_fr"]),
            "province_type": communes["province_code"].map(province["type"]),
            "commune_code": communes["code"],
            "commune_name": communes["name_fr"],
            "commune_type": communes["type"],
        }
    )


# --- census figures -------------------------------------------------------------------------------------------


def _kept(field: dict) -> bool:
    return field["topic"] in KEPT_TOPICS or field["path"] in KEPT_PATHS


def _tidy_file(folder: Path, name: str, dataset: str, year: int, regions: list[str]) -> pd.DataFrame:
    """One data file's rows of the country, regions, provinces and communes, as tidy rows; checked."""
    fields = [f for f in read_fields(folder, dataset) if dataset == "economy" or _kept(f)]
    frame = read(folder, name, tuple(f["column"] for f in fields))
    where = str(folder / name)
    if "area" in frame.columns:
        frame = frame[(frame["area"] == "total") & (frame["sex"] == "all")]
    frame = frame[frame["level"].isin(LEVELS)]
    missing = sorted(set(regions) - set(frame.loc[frame["level"] == "region", "code"]))
    if missing:
        raise InputError(where, "rows of level 'region'", "a row for each region of attributes/regions.csv.gz", missing)
    if not (frame["level"] == "country").any():
        raise InputError(where, "rows of level 'country'", "the national row (level 'country')", "none")
    long = frame.assign(code=frame["code"].fillna(COUNTRY_CODE)).melt(
        id_vars=["level", "code", "name_fr"], value_vars=[f["column"] for f in fields], var_name="variable"
    )
    long = long[long["value"].notna()]
    unit = {f["column"]: f["unit"] for f in fields}
    tidy = pd.DataFrame(
        {
            "level": long["level"],
            "code": long["code"],
            "name": long["name_fr"],
            "year": year,
            "variable": long["variable"],
            "value": long["value"].astype(float),
            "unit": long["variable"].map(unit),
            "source": fields[0]["source"],
        }
    )
    for check in CHECKS:
        check(tidy, where)
    return tidy


def census(folder: str | Path, regions: list[str]) -> pd.DataFrame:
    """The kept figures of the 2014 and 2024 censuses and of the 2024 establishments, one row per unit and variable."""
    folder = Path(folder)
    files = [(name, dataset, year) for year, (name, dataset) in sorted(PEOPLE.items())] + [(*ECONOMY, 2024)]
    return pd.concat([_tidy_file(folder, *file, regions) for file in files], ignore_index=True)


def fields(folder: str | Path) -> pd.DataFrame:
    """The field dictionaries of both censuses and the establishments, with the 2014-2024 comparability flags.

    A 2014 field with `comparableTo` measures what the 2024 field of that path measures; the flag is carried to
    both years' rows, each naming the other's variable.
    """
    folder = Path(folder)
    by_year = {2014: read_fields(folder, "indicators2014"), 2024: read_fields(folder, "indicators")}
    economy = read_fields(folder, "economy")
    column_2024 = {f["path"]: f["column"] for f in by_year[2024]}
    pairs = {f["column"]: column_2024.get(f["comparableTo"]) for f in by_year[2014] if "comparableTo" in f}
    back = {new: old for old, new in pairs.items() if new is not None}
    rows = []
    for year, items in ((2014, by_year[2014]), (2024, by_year[2024] + economy)):
        for f in items:
            other = pairs.get(f["column"]) if year == 2014 else back.get(f["column"])
            rows.append(
                {
                    "year": year,
                    "variable": f["column"],
                    "path": f["path"],
                    "topic": f["topic"],
                    "label": f["label"],
                    "heading": f["heading"] or None,
                    "category": f.get("category"),
                    "unit": f["unit"],
                    "comparable": other is not None,
                    "comparable_to": other,
                    "note": f.get("note"),
                    "source": f["source"],
                }
            )
    return pd.DataFrame(rows)


# --- checks (on the way in, naming the raw file, and on write) ------------------------------------------------


def check_counts(tidy: pd.DataFrame, where: str) -> None:
    """Counts of the regions add up to the national row, within HCP's rounding of each region to whole units."""
    counts = tidy[tidy["unit"].isin(COUNT_UNITS) & tidy["level"].isin(["country", "region"])]
    for (year, variable), rows in counts.groupby(["year", "variable"], sort=True):
        regions = rows.loc[rows["level"] == "region", "value"]
        national = rows.loc[rows["level"] == "country", "value"]
        if national.empty or regions.empty:
            continue
        allowed = ROUNDING["count"] * len(regions)
        if abs(regions.sum() - national.iloc[0]) > allowed:
            raise InputError(
                where,
                f"regions' rows of '{variable}' ({year})",
                f"counts summing to the national row {national.iloc[0]:.12g} (within {allowed:g})",
                f"sum {regions.sum():.12g}",
            )


def check_shares(tidy: pd.DataFrame, where: str) -> None:
    """Shares that split a whole (employment by sector) add up to 100, within one decimal's rounding of each."""
    prefixes = tuple(_prefix(topic) for topic in SHARE_TOPICS)
    shares = tidy[(tidy["unit"] == "percent") & tidy["variable"].str.startswith(prefixes)]
    if shares.empty:
        return
    parts = shares.assign(topic=shares["variable"].map(lambda v: next(p for p in prefixes if v.startswith(p))))
    grouped = parts.groupby(["year", "topic", "level", "code"], sort=True)["value"]
    sums, sizes = grouped.sum(), grouped.size()
    bad = sums[(sums - 100.0).abs() > ROUNDING["percent"] * sizes + 1e-9]
    if len(bad):
        year, topic, level, code = bad.index[0]
        raise InputError(
            where,
            f"'{topic}*' of {level} {code} ({year})",
            f"shares summing to 100 (within {ROUNDING['percent']:g} a share)",
            round(float(bad.iloc[0]), 6),
        )


def check_parts(tidy: pd.DataFrame, where: str) -> None:
    """The businesses by sector, by size class and by founding period each add up to the businesses."""
    for total, prefixes in PARTS_OF.items():
        wide = tidy[tidy["variable"].str.startswith((total, *prefixes))].pivot_table(
            index=["level", "code"], columns="variable", values="value", aggfunc="first"
        )
        if total not in wide.columns:
            continue
        for prefix in prefixes:
            columns = [c for c in wide.columns if c.startswith(prefix)]
            gap = (wide[columns].sum(axis=1, min_count=1) - wide[total]).abs()
            bad = gap[gap > 0]
            if len(bad):
                level, code = bad.index[0]
                raise InputError(
                    where, f"'{prefix}*' of {level} {code}", f"parts summing to '{total}'", f"a gap of {bad.iloc[0]:g}"
                )


def _prefix(topic: str) -> str:
    """A topic's column prefix: workSector -> work_sector_."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in topic) + "_"


CHECKS = (check_counts, check_shares, check_parts)
CENSUS_SCHEMA = TableSchema(
    name="hcp_census",
    columns=(
        Column("level", "str", allowed=LEVELS),
        Column("code", "str"),
        Column("name", "str"),
        Column("year", "int", min=2014, max=2024),
        Column("variable", "str"),
        Column("value", "float"),
        Column("unit", "str"),
        Column("source", "str"),
    ),
    key=("level", "code", "year", "variable"),
    checks=CHECKS,
)


def write_census(folder: str | os.PathLike, outputs: dict[str, str | os.PathLike]) -> dict[str, pd.DataFrame]:
    """Clean the snapshot in `folder` into the tables `census`, `units` and `fields` named in `outputs`."""
    hierarchy = units(folder)
    tables = {
        "units": hierarchy,
        "census": census(folder, sorted(set(hierarchy["region_code"]))),
        "fields": fields(folder),
    }
    schemas = {"units": UNITS_SCHEMA, "census": CENSUS_SCHEMA, "fields": FIELDS_SCHEMA}
    written = write_all({outputs[name]: (tables[name], schemas[name]) for name in schemas})
    return {name: written[outputs[name]] for name in schemas}
