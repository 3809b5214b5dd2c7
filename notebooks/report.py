# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,language_info
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   language_info:
#     name: python
# ---

# %% tags=["parameters"]
# The report's source of truth (jupytext percent format, paired with report.ipynb). Prose cells hold no
# numbers: every number quoted comes from the results file the workflow writes, through the code cells.
results_path = "results.json"
figures_dir = "figures"
tables_dir = "tables"

# %%
from emergence.report.cells import Markdown, display, figure, join, load, number, table  # noqa: E402
from emergence.report.model_text import (  # noqa: E402
    break_text,
    changes_text,
    forecast_text,
    trend_text,
    unit_root_text,
)

results = load(results_path)
focus = results["settings"]["focus"]
events = results["settings"]["policy_events"]

# %% [markdown]
# # Introduction
#
# Amraoui et al. (2019) describe how Morocco's economic reforms and its industrial strategies were meant to
# change the structure of the economy, and how clusters grew up under those strategies. This report rebuilds
# the quantitative side of that account from published national statistics. Every number in the text, every
# table and every figure is an output of the same build, from raw snapshots whose checksums are listed in the
# appendix.

# %%
s = results["structure"]
m = s["manufacturing_va"]
Markdown(
    f"Between {s['first_year']} and {s['last_year']}, manufacturing's share of {focus}'s value added at current "
    f"prices moved from {number(m['first'])} % to {number(m['last'])} %. Agriculture's share of employment fell "
    f"from {number(s['emp_share']['agriculture']['first'])} % to "
    f"{number(s['emp_share']['agriculture']['last'])} %, while total employment rose from "
    f"{number(s['emp_total']['first'], 0)} to {number(s['emp_total']['last'], 0)} thousand persons."
)

# %% [markdown]
# # Structure of GDP and employment
#
# The paper's Table 1 gives the distribution of GDP by sector for a few years from the national planning
# office. The first figure below extends it to every year that each of the published databases covers, with
# sectors grouped into activities, and the table after it gives the shares in the years that frame the
# strategies.

# %%
figure("value_added_structure", figures_dir)

# %%
table("value_added_shares", tables_dir)

# %%
Markdown(
    f"In {s['last_year']} the largest activity was {s['largest_va_group_last'].lower()}. Manufacturing's share "
    f"peaked at {number(m['max'])} % in {m['max_year']} and was lowest, at {number(m['min'])} %, in "
    f"{m['min_year']}."
)

# %% [markdown]
# The paper's Figure 2 shows the structure of employment by branch in one year. The next figure shows it for
# the first and the last year of the data, and its evolution in between; the table after it gives the shares in
# the same years as above.

# %%
figure("employment_structure", figures_dir)

# %%
table("employment_shares", tables_dir)

# %% [markdown]
# # Industrial strategies and their targets
#
# Each industrial strategy set targets for industrial output, exports and jobs. The dashed lines in the figures
# mark their launch years; the list gives manufacturing's share of value added in each launch year.

# %%
Markdown(
    "\n".join(
        f"- {e['name']} ({e['year']}): manufacturing produced "
        f"{number(m['at_events'][str(e['year'])])} % of value added in its launch year."
        for e in events
        if str(e["year"]) in m["at_events"]
    )
)

# %%
if "claims" in results:
    k = results["claims"]
    met = k["targets_by_status"].get("met", 0)
    targets_section = join(
        f"The paper states {k['targets']} targets for these plans and the programmes around them. The data or the "
        f"paper's own counts measure {k['targets_measured']} of them; {met} of those were met.",
        figure("policy_targets", figures_dir),
        table("policy_targets", tables_dir),
    )
else:
    targets_section = Markdown("")
display(targets_section)

# %% [markdown]
# # Growth models
#
# The paper describes the strategies but does not test whether growth changed when they were launched. The
# models stage fits log-linear trends to the series at constant prices, tests for a change in trend growth at
# each launch year and searches for a break at any other year, asks whether the series behave like stable trends
# or like random walks, and forecasts them to the end of the plans' horizon. Each estimate comes with an
# interval, and the text names every period too short to estimate or test.

# %%
g = results["models"]
launches = {e["year"]: e["name"] for e in events}
display(
    join(
        trend_text(g, focus),
        figure("trend_growth", figures_dir),
        table("trend_growth", tables_dir),
    )
)

# %% [markdown]
# ## Changes in trend growth
#
# A segmented trend lets the growth rate change in each launch year while the level stays continuous. The
# figure shows it for real manufacturing value added and for total employment; the table gives, for the main
# series, the bootstrap p-values of the hypothesis that growth did not change, and the break year that a search
# over all years finds.

# %%
display(
    join(
        figure("segmented_trends", figures_dir),
        *(break_text(series, g["alpha"], launches) for series in g["breaks"] if series["discussed"]),
        table("break_tests", tables_dir),
        changes_text(g["breaks"], g["alpha"], list(launches)),
    )
)

# %% [markdown]
# ## Stable trends or random walks?
#
# A trend test assumes that the series returns to its trend. The ADF test takes a random walk as its null
# hypothesis and the KPSS test a stable trend; read together they say which description the data allow.

# %%
Markdown(unit_root_text(g, focus))

# %% [markdown]
# ## Forecasts
#
# Each series is forecast to the horizon by a random walk with drift, the benchmark, by exponential smoothing
# with a damped trend and by an ARIMA model with drift. A backtest over the last years of the data scores them
# against one another. The first figure shows the forecasts of manufacturing's share of real value added and of
# total employment, the second the backtest.

# %%
display(
    join(
        figure("forecasts", figures_dir),
        forecast_text(g, focus),
        figure("forecast_backtest", figures_dir),
    )
)

# %% [markdown]
# # Clusters

# %%
if "clusters" in results:
    c = results["clusters"]
    regions = ", ".join(f"{name} ({count})" for name, count in c["by_region"].items())
    clusters_section = join(
        f"The paper's Table 2 lists {c['count']} clusters created between {c['first_year']} and "
        f"{c['last_year']}, by region: {regions}. It gives a member count for {c['with_member_count']} of them. "
        f"Its Table 3, after a survey of {c['survey_clusters']} unnamed clusters, counts {c['survey_companies']} "
        f"companies, {number(c['survey_sme_share'])} % of them small and medium-sized.",
        figure("cluster_timeline", figures_dir),
        table("clusters", tables_dir),
        figure("cluster_composition", figures_dir),
        table("cluster_companies", tables_dir),
    )
else:
    clusters_section = Markdown("The cluster tables of the paper are not part of this build.")
display(clusters_section)

# %%
if "decomposition" in results:
    d = results["decomposition"]
    w = d["whole_sample"]
    structural_section = join(
        "# Structural change",
        "The structure stage splits the growth of value added per person engaged into growth within sectors and "
        "the reallocation of workers between sectors of different productivity levels (static) and growth rates "
        "(dynamic).",
        f"From {w['base_year']} to {w['end_year']}, {focus}'s labour productivity grew {number(w['total'], 2)} % a "
        f"year: {number(w['within'], 2)} points within sectors, {number(w['static'], 2)} from static and "
        f"{number(w['dynamic'], 2)} from dynamic reallocation. Growth was fastest during the period "
        f"'{d['fastest_label']}', at {number(d['by_period'][d['fastest_period']]['total'], 2)} % a year.",
        figure("productivity_decomposition", figures_dir),
        table("productivity_decomposition", tables_dir),
    )
else:
    structural_section = Markdown("")
display(structural_section)

# %% [markdown]
# # Peers
#
# The figure below sets the focus country's manufacturing share beside those of its peers, in the
# transformation database and in the longer, more recent UN series; the table gives the values.

# %%
figure("manufacturing_peers", figures_dir)

# %%
table("manufacturing_peers", tables_dir)

# %%
peers = s["peers_manufacturing"]
Markdown(
    f"In {s['peers_year']}, {focus} ranked {s['focus_rank']} of {len(peers)} countries by manufacturing share: "
    + ", ".join(f"{country} {number(value)} %" for country, value in peers.items())
    + f". The UN series puts {focus}'s share at {number(s['un_manufacturing_last']['value'])} % in "
    f"{s['un_manufacturing_last']['year']}."
)

# %%
if "claims" in results:
    k = results["claims"]
    by = k["by_status"]
    ledger_section = join(
        "# Claims ledger",
        f"The claims stage lists {k['statements']} numeric statements of the paper and recomputes those it can: "
        f"{k['checked']} of them, against our data or against the paper's own figures. "
        f"{by.get('reproduced', 0)} are reproduced, {by.get('close', 0)} come close, {by.get('differs', 0)} differ "
        f"and {by.get('inconsistent', 0)} are inconsistent with the paper's other figures.",
        figure("claims_status", figures_dir),
        table("claims_summary", tables_dir),
    )
else:
    ledger_section = Markdown("")
display(ledger_section)

# %% [markdown]
# # Appendix: data and methods
#
# ## Sources
#
# Each source is a snapshot of a published file, taken by the project's snapshot command, which records the
# publisher, the release, the licence and a checksum of every file.

# %%
table("sources", tables_dir)

# %%
Markdown(
    "Citations:\n\n"
    + "\n".join(
        f"- {src['citation']}." + (f" <{src['url']}>" if src["url"].startswith("http") else "")
        for src in results["sources"]
    )
)

# %%
table("files", tables_dir)

# %% [markdown]
# ## Methods
#
# The snapshots are cleaned into tidy tables (country, sector, variable, year, value, unit, source) with shares
# recomputed from levels, and sectors grouped by a concordance per source. The structure stage decomposes labour
# productivity growth by shift-share; the claims stage recomputes the paper's numeric statements from these
# tables and sets the plans' targets against outcomes.
#
# The models stage works on the log levels of the series at constant prices. Trend growth is the OLS slope on
# time, with Newey-West (HAC) intervals where a period has enough years and classical intervals otherwise.
# Breaks at the launch years are F tests in a segmented trend, with p-values from a seeded autoregressive sieve
# bootstrap, which allows for the serial correlation of annual data; the search for a break at an unknown year
# takes the largest F statistic over the years that leave both regimes long enough (sup-F). Forecasts model the
# log level, and sector shares through log-ratios so that they sum to the total; the backtest forecasts the last
# years of the data from rolling origins and compares each model's root mean squared error with the random
# walk's. The tables of all countries are in the models folder of the processed data.

# %% [markdown]
# ## Build
#
# The tables and figures are produced by a Snakemake workflow; this report is a notebook executed by it and
# rendered with pandoc and Typst.

# %%
build = results["build"]
Markdown(
    f"Built from commit `{build['commit']}` on {build['date']}.\n\n"
    + "| Software | Version |\n|:--|--:|\n"
    + "\n".join(f"| {name} | {version} |" for name, version in build["software"].items())
    + "\n\nTable: Software versions {#tbl-software}"
)
