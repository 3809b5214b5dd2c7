"""Every table of the report. Adding one is a build function and one entry in TABLES.

Inputs are named as in the workflow: the clean tables (etd, sector_groups, un_ama, clusters, cluster_companies,
...), and `sources` and `files`, the snapshots' manifests as tables (emergence.report.provenance).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from emergence.errors import InputError
from emergence.report.comparison import GROUPS, side_by_side
from emergence.report.tabulate import ReportTable
from emergence.settings import SAMPLE_ID, ViewSettings
from emergence.views import counterfactuals
from emergence.views.claims import BASIS_LABELS, STATUS_LABELS, status_counts
from emergence.views.labels import country_names, short_source, source_label
from emergence.views.models import (
    BREAK_SERIES,
    SECTOR_LABELS,
    TREND_VARIABLE,
    period_years,
    rows_of,
    series_label,
    tests_of,
    trend_rows,
)
from emergence.views.sectors import CURRENT_VA_SHARE, milestone_years, ordered, sector_series, share_matrix
from emergence.views.structure import decomposition_terms


def _group_shares(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings, variable: str) -> pd.DataFrame:
    wide = share_matrix(
        inputs["sector_groups"], "sector_groups", settings.focus, variable, source="etd", scheme=settings.scheme
    )
    years = milestone_years(wide.index, settings.policy_events)
    wide = wide.loc[years, ordered(wide.columns, list(settings.group_labels))].T
    wide.columns = [str(y) for y in years]
    return pd.concat(
        [pd.DataFrame({"Sector": [settings.group_labels.get(s, s) for s in wide.index]}), wide.reset_index(drop=True)],
        axis=1,
    )


def value_added_shares(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The paper's Table 1 for the years that frame the three strategies."""
    return _group_shares(inputs, settings, "va_current_share")


def employment_shares(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    return _group_shares(inputs, settings, "emp_share")


def manufacturing_peers(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """ETD shares at the milestone years, then the latest UN AMA year, one row per country (focus first)."""
    etd = sector_series(inputs["etd"], "etd", "manufacturing", CURRENT_VA_SHARE["etd"], settings.countries)
    years = milestone_years(etd.index, settings.policy_events)
    table = etd.loc[years].T
    table.columns = [str(y) for y in years]
    un = sector_series(inputs["un_ama"], "un_ama", "manufacturing", CURRENT_VA_SHARE["un_ama"], settings.countries)
    latest = int(un.index.max())
    table[f"{latest} ({short_source('un_ama')})"] = un.loc[latest].reindex(table.index)
    names = country_names(inputs["countries"])
    return pd.concat([pd.DataFrame({"Country": [names[c] for c in table.index]}), table.reset_index(drop=True)], axis=1)


def clusters(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The paper's Table 2 in brief, oldest cluster first."""
    df = inputs["clusters"].sort_values(["year", "name"], kind="mergesort")
    name = df["name"] + df["acronym"].map(lambda a: f" ({a})" if isinstance(a, str) and a else "")
    return pd.DataFrame(
        {
            "Cluster": name.to_numpy(),
            "Created": df["year"].astype("int64").astype(str).to_numpy(),  # a year: printed as a label
            "Sector": df["sector"].to_numpy(),
            "Region": df["region"].to_numpy(),
            "Members": df["members_total"].astype("Int64").to_numpy(),
            "SMEs": df["smes"].astype("Int64").to_numpy(),
        }
    )


def cluster_companies(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The paper's Table 3 with the SME share of each cluster's firms."""
    wide = inputs["cluster_companies"].pivot(index="cluster_id", columns="size", values="companies").sort_index()
    return pd.DataFrame(
        {
            "Cluster": [c.replace("_", " ").capitalize() for c in wide.index],
            "SMEs": wide["sme"].astype("int64").to_numpy(),
            "Large companies": wide["large"].astype("int64").to_numpy(),
            "Total as printed": wide["total"].astype("int64").to_numpy(),
            "SME share (%)": (100.0 * wide["sme"] / (wide["sme"] + wide["large"])).to_numpy(),
        }
    )


def productivity_decomposition(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The three terms of labour productivity growth by country and policy period (% a year)."""
    terms = decomposition_terms(
        inputs["structure_decomposition"], "structure_decomposition", settings.countries, list(settings.periods)
    )
    labels = {**settings.periods, SAMPLE_ID: "Whole sample"}
    return pd.DataFrame(
        {
            "Country": terms["country"].to_numpy(),
            "Period": terms["period"].map(lambda p: labels.get(p, p)).to_numpy(),
            "Years": [f"{b}-{e}" for b, e in zip(terms["base_year"], terms["end_year"], strict=True)],
            "Within": terms["within"].to_numpy(),
            "Static": terms["static"].to_numpy(),
            "Dynamic": terms["dynamic"].to_numpy(),
            "Total": terms["total"].to_numpy(),
        }
    )


def trend_growth(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """Trend growth of the focus country's real value added: sectors (total first) by policy period."""
    rows = trend_rows(
        inputs["models_trend_growth"], "models_trend_growth", settings.focus, TREND_VARIABLE, list(settings.periods)
    )
    years = period_years(rows)
    labels = {**settings.periods, SAMPLE_ID: "Whole sample"}
    wide = rows.pivot(index="sector", columns="period", values="growth_pct")
    wide = wide.loc[list(dict.fromkeys(rows["sector"])), list(dict.fromkeys(rows["period"]))]
    wide.columns = [
        f"{labels.get(p, p)}, {years[p][0]}-{years[p][1]}" if p in years else labels.get(p, p) for p in wide.columns
    ]
    sectors = pd.DataFrame({"Sector": [SECTOR_LABELS.get(s, s) for s in wide.index]})
    return pd.concat([sectors, wide.reset_index(drop=True)], axis=1)


def break_tests(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """For the focus country's main series: p-values of a change in trend growth at each launch year and jointly,
    and the break year a search over all years finds, with its p-value."""
    tests, search = inputs["models_break_tests"], inputs["models_break_search"]
    present = set(zip(tests["sector"], tests["variable"], strict=True))
    records = []
    for sector, variable in [key for key in BREAK_SERIES if key in present]:
        row = {"Series": series_label(sector, variable)}
        for test in tests_of(tests, "models_break_tests", settings.focus, sector, variable).itertuples():
            name = "joint" if pd.isna(test.policy_year) else str(int(test.policy_year))
            row[f"p, {name}"] = test.bootstrap_p_value  # missing where a segment is too short to test
        found = rows_of(search, "models_break_search", country=settings.focus, sector=sector, variable=variable)
        found = found.iloc[0]
        row["Break year"] = "" if pd.isna(found["break_year"]) else str(int(found["break_year"]))
        row["p, break year"] = found["sup_f_p_value"]
        records.append(row)
    if not records:
        raise InputError("models_break_tests", f"rows of the series {list(BREAK_SERIES)}", "at least one series")
    return pd.DataFrame.from_records(records)


def claims_summary(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """The paper's numeric statements by verdict and by what they were checked against."""
    counts = status_counts(inputs["claims_ledger"])
    table = pd.DataFrame({"Verdict": [STATUS_LABELS.get(s, s) for s in counts.index]})
    for basis in counts.columns:
        table[BASIS_LABELS.get(basis, basis)] = counts[basis].astype("int64").to_numpy()
    table["All"] = counts.sum(axis=1).astype("int64").to_numpy()
    return table


def policy_targets(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    """Each plan's stated targets, from the plan's baseline: the outcome measured and the share of the distance from
    baseline to target it covered."""
    df = inputs["claims_targets"]
    return pd.DataFrame(
        {
            "Plan": df["plan"].to_numpy(),
            "Indicator": df["indicator"].to_numpy(),
            "Baseline": df["baseline"].astype(float).to_numpy(),
            "Target": df["target"].astype(float).to_numpy(),
            "Unit": df["unit"].to_numpy(),
            "Outcome": df["outcome"].astype(float).to_numpy(),
            "Year": df["measured_to"].map(lambda y: "" if pd.isna(y) else str(int(y))).to_numpy(),
            "% of the way": df["progress_pct"].astype(float).to_numpy(),
            "Status": df["status"].str.replace("_", " ").to_numpy(),
        }
    )


def sources(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    df = inputs["sources"]
    return pd.DataFrame(
        {
            "Data set": df["dataset"].to_numpy(),
            "Release": df["release"].to_numpy(),
            "Publisher": df["publisher"].to_numpy(),
            "Licence": df["licence"].to_numpy(),
            "Accessed": df["accessed"].to_numpy(),
        }
    )


def files(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
    df = inputs["files"]
    return pd.DataFrame(
        {
            "Source": df["source"].to_numpy(),
            "Release": df["release"].to_numpy(),
            "File": df["file"].to_numpy(),
            "SHA-256": df["sha256"].to_numpy(),
        }
    )


GROUP_TITLES = {
    "growth": "Growth and the structure of value added: the paper's figures beside the data",
    "strategies": "The industrial strategies: the paper's figures beside the data",
    "employment": "Employment: the paper's figures beside the data",
    "clusters": "Clusters and innovation: the paper's figures beside the data",
}


def _side_by_side(group: str):
    def build(inputs: Mapping[str, pd.DataFrame], settings: ViewSettings) -> pd.DataFrame:
        return side_by_side(inputs["claims_ledger"], group)

    build.__doc__ = f"The recomputable figures of the paper's sections {', '.join(GROUPS[group])}."
    return build


SIDE_BY_SIDE = tuple(
    ReportTable(
        f"claims_{group}",
        title,
        ("claims_ledger",),
        _side_by_side(group),
        "Amraoui et al. (2019) for the paper's figures; the project's claims stage for the data",
        "Data: our figure from the source named (the first where several hold the series); Across sources: the "
        "range over every source that holds it, where they differ. Paper against itself: the figure is the "
        "paper's own arithmetic on its other figures.",
        column_decimals={"Paper": None, "Data": None},
    )
    for group, title in GROUP_TITLES.items()
)


TABLES: tuple[ReportTable, ...] = (
    ReportTable(
        "value_added_shares",
        "Structure of value added by activity, current prices (% of total)",
        ("sector_groups",),
        value_added_shares,
        source_label("etd"),
        "Years: first and last of the data and the launch year of each industrial strategy.",
    ),
    ReportTable(
        "employment_shares",
        "Structure of employment by activity (% of persons engaged)",
        ("sector_groups",),
        employment_shares,
        source_label("etd"),
        "Years: first and last of the data and the launch year of each industrial strategy.",
    ),
    ReportTable(
        "manufacturing_peers",
        "Manufacturing share of value added, current prices (% of total)",
        ("countries", "etd", "un_ama"),
        manufacturing_peers,
        f"{source_label('etd')}; {source_label('un_ama')}",
        "The last column is the latest year of the UN series, at current US dollars.",
    ),
    ReportTable(
        "clusters",
        "Moroccan clusters (the paper's Table 2)",
        ("clusters",),
        clusters,
        "Amraoui et al. (2019), Table 2",
        "Counts only where the paper gives a number; n/a otherwise.",
    ),
    ReportTable(
        "cluster_companies",
        "Companies by cluster (the paper's Table 3)",
        ("cluster_companies",),
        cluster_companies,
        "Amraoui et al. (2019), Table 3, after El Waatmani and Makhtari (2019)",
        "SME share: SMEs over SMEs plus large companies.",
    ),
    ReportTable(
        "productivity_decomposition",
        "Labour productivity growth within and between sectors (% a year)",
        ("structure_decomposition",),
        productivity_decomposition,
        f"{source_label('etd')}; the project's structure stage",
        "Three-term shift-share of value added per person engaged at constant prices; Total = Within + Static + "
        "Dynamic.",
        decimals=2,
    ),
    ReportTable(
        "trend_growth",
        "Trend growth of real value added by sector and policy period (% a year)",
        ("models_trend_growth",),
        trend_growth,
        f"{source_label('etd')}; the project's models stage",
        "OLS slope of log value added at constant prices on time within each period, from the year before it "
        "starts; intervals in the figure of trend growth. n/a: too few years for an estimate.",
    ),
    ReportTable(
        "break_tests",
        "Changes in trend growth at the policy launch years, and the break year the data suggest",
        ("models_break_search", "models_break_tests"),
        break_tests,
        f"{source_label('etd')}; the project's models stage",
        "p: bootstrap p-value (AR sieve) of an F test of no change in trend growth at the launch year, in a "
        "continuous segmented trend of the log level; joint: all launch years at once. Break year: the year whose "
        "break in level and slope fits best (sup-F), searching every year that leaves both sides long enough, with "
        "its bootstrap p-value. n/a: a segment would be too short to test.",
        decimals=3,
    ),
    ReportTable(
        "claims_summary",
        "The paper's numeric statements by verdict",
        ("claims_ledger",),
        claims_summary,
        "Amraoui et al. (2019); the project's claims stage",
        "Columns: what each statement was checked against.",
    ),
    ReportTable(
        "policy_targets",
        "The industrial strategies' targets and outcomes",
        ("claims_targets",),
        policy_targets,
        "Amraoui et al. (2019) for the targets; the project's claims stage for the outcomes",
        "Year: the last year of the outcome; n/a where no series measures the target.",
        column_decimals={"Target": None, "Outcome": None, "% of the way": 0},
    ),
    ReportTable(
        "synth_donor_weights",
        "Donor weights of the synthetic controls",
        ("countries", "counterfactuals_synth_fits", "counterfactuals_synth_weights"),
        counterfactuals.donor_weights,
        counterfactuals.stage_source(counterfactuals.PANELS),
        f"Treatment at the first launch year. Donors with a weight of at least {100 * counterfactuals.MIN_WEIGHT:g} % "
        "are named; where the others carry any weight, the last row of an outcome adds them up. Each outcome's "
        "weights sum to one.",
        decimals=3,
    ),
    ReportTable(
        "synth_balance",
        "Predictor balance: the focus country, its synthetic control and the mean of the donors",
        ("countries", "counterfactuals_synth_balance", "counterfactuals_synth_fits"),
        counterfactuals.predictor_balance,
        counterfactuals.stage_source(counterfactuals.PANELS),
        "Predictors: the outcome's mean over each stretch of the years before treatment and its value in the last "
        "of them, in the outcome's unit. V: the predictor's weight in the fit (each outcome's sum to one).",
        decimals=2,
        column_decimals={"V": 3},
    ),
    *SIDE_BY_SIDE,
    ReportTable("sources", "Data sources", ("sources",), sources, "the snapshots' manifests (data/raw)"),
    ReportTable(
        "files", "Raw files and their SHA-256 checksums", ("files",), files, "the snapshots' manifests (data/raw)"
    ),
)


def tables_for(available: set[str] | frozenset[str]) -> tuple[ReportTable, ...]:
    """The tables whose inputs are all available, in catalog order."""
    return tuple(t for t in TABLES if set(t.inputs) <= set(available))
