"""The clean stage: each source's raw snapshot to a tidy validated table, and sectors grouped by scheme."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from emergence import manifest
from emergence.io import read_table, write_all, write_table
from emergence.settings import Gaps
from emergence.sources import SOURCES
from emergence.sources.common import with_shares
from emergence.tables import Column, TableSchema, tidy_schema

SCHEMAS: dict[str, TableSchema] = {
    "etd": tidy_schema("etd", share_variables=("va_current_share", "va_constant_share", "emp_share")),
    "ggdc10": tidy_schema("ggdc10", share_variables=("va_current_share", "va_constant_share", "emp_share")),
    "un_ama": tidy_schema(
        "un_ama", share_variables=("va_current_usd_share", "va_current_lcu_share", "va_constant_usd_share")
    ),
    "wdi": tidy_schema("wdi", contiguous=False),
}
# The gaps a reader accepted (as `sources.SOURCE.gaps` allows): one row per run of consecutive years of a country's
# variable and sector ('all' for years without any value), with the setting that allows it and why.
GAPS_SCHEMA = TableSchema(
    name="source_gaps",
    columns=(
        Column("source", "str"),
        Column("country", "str"),
        Column("variable", "str"),
        Column("sector", "str"),
        Column("first_year", "int", min=1900, max=2100),
        Column("last_year", "int", min=1900, max=2100),
        Column("years", "int", min=1),
        Column("allowance", "str"),
        Column("reason", "str"),
    ),
    key=("source", "country", "variable", "sector", "first_year"),
)
GROUPS_SCHEMA = tidy_schema(
    "sector_groups",
    extra_key=(Column("scheme", "str"),),
    share_variables=(
        "va_current_share",
        "va_constant_share",
        "emp_share",
        "va_current_usd_share",
        "va_current_lcu_share",
        "va_constant_usd_share",
    ),
)


COUNTRIES_SCHEMA = TableSchema(
    name="countries",
    columns=(Column("country", "str"), Column("name", "str"), Column("source", "str")),
    key=("country",),
)


def write_country_names(raw: Path, countries: list[str], output: str | os.PathLike) -> pd.DataFrame:
    """The names of the countries of the ETD snapshot (the source every configured country must be in, and the
    donor pool of the counterfactuals), as the workbook writes them."""
    from emergence.sources.etd import country_names

    return write_table(country_names(Path(raw), countries), output, COUNTRIES_SCHEMA)


def clean_source(
    name: str,
    raw: Path | dict[str, Path],
    countries: list[str],
    output: str | os.PathLike,
    gaps: Gaps | None = None,
    gaps_output: str | os.PathLike | None = None,
    indicators: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Clean one source for the countries it covers (all of them, for the primary ETD) and write the table, and
    the gaps its reader accepted (`gaps`, by default the schema's) to `gaps_output` when given. `indicators`: the
    config's `sources.wdi.indicators`, for the WDI reader (by default the schema's)."""
    module = SOURCES[name]
    wanted = countries if name == "etd" else [c for c in countries if c in _covered(name, raw)]
    tidy, found = module.read(raw, wanted, gaps, **({"indicators": indicators} if indicators else {}))
    tables = {output: (tidy, SCHEMAS[name]), **({gaps_output: (found, GAPS_SCHEMA)} if gaps_output else {})}
    return write_all(tables)[output]


def _covered(name: str, raw: Path | dict[str, Path]) -> set[str]:
    """Countries the snapshot's manifest says the extract holds (secondary sources cover only some)."""
    paths = raw.values() if isinstance(raw, dict) else [raw]
    return {c for p in paths for c in manifest.load(Path(p).parent / manifest.MANIFEST)["countries"]}


def group_sectors(tables: dict[str, pd.DataFrame], concordance: dict) -> pd.DataFrame:
    """Sum each source's leaf sectors into the groups of every scheme, then recompute the shares."""
    frames = []
    for name, by_scheme in sorted(concordance["sources"].items()):
        table = tables[name]
        levels = table[~table["variable"].str.endswith("_share")]
        for scheme, groups in sorted(by_scheme.items()):
            leaf_to_group = {leaf: group for group, leaves in groups.items() for leaf in leaves}
            leaves = levels[levels["sector"].isin(leaf_to_group)]
            summed = (
                leaves.assign(sector=leaves["sector"].map(leaf_to_group))
                .groupby(["source", "country", "variable", "sector", "year", "unit"], sort=True)["value"]
                .sum(min_count=1)
                .reset_index()
            )
            totals = levels[levels["sector"] == "total"]
            frames.append(pd.concat([summed, totals], ignore_index=True).assign(scheme=scheme))
    grouped = pd.concat(frames, ignore_index=True)
    share_units = {}
    for name in concordance["sources"]:
        shares = tables[name][tables[name]["variable"].str.endswith("_share")]
        share_units.update(shares.groupby("variable")["unit"].first().to_dict())
    out = []
    units = {v.removesuffix("_share"): u for v, u in share_units.items()}
    for scheme, part in grouped.groupby("scheme", sort=True):
        of_sum = part["source"] == "un_ama"
        out.append(with_shares(part[~of_sum].drop(columns="scheme"), units).assign(scheme=scheme))
        out.append(with_shares(part[of_sum].drop(columns="scheme"), units, of_sum=True).assign(scheme=scheme))
    return pd.concat(out, ignore_index=True)


def write_groups(tables: dict[str, str | os.PathLike], concordance: dict, output: str | os.PathLike) -> pd.DataFrame:
    frames = {name: read_table(path, SCHEMAS[name]) for name, path in tables.items()}
    return write_table(group_sectors(frames, concordance), output, GROUPS_SCHEMA)


def write_paper_tables(table2: str | os.PathLike, table3: str | os.PathLike, outputs: dict[str, str]) -> None:
    """The paper's Tables 2 and 3, validated, as processed tables (one per name in `outputs`)."""
    from emergence.paper import PAPER_SCHEMAS, clean_paper

    write_all({outputs[name]: (frame, PAPER_SCHEMAS[name]) for name, frame in clean_paper(table2, table3).items()})
