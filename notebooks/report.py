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
# The report's source of truth (jupytext percent format, paired with report.ipynb). Its Markdown cells are
# templates: every number in them is a name of the results file the workflow writes, filled in when the report
# is rendered (emergence.report.templates). Code cells only place the build's figures and tables.
# The build's outputs seen from notebooks/, for a run in JupyterLab; the build injects its own paths below.
results_path = "../reports/results.json"
figures_dir = "../reports/figures"
tables_dir = "../reports/tables"

# %%
from emergence.report.cells import figure, table  # noqa: E402

# %% [markdown]
# {% set focus = names[settings.focus] %}
# {% set about_focus = paper.about_focus %}
# {% set s = structure %}
# {% set m = structure.manufacturing_va %}
# {% set w = decomposition.whole_sample %}
# {% set realloc = w.static + w.dynamic %}
# {% set tm = models.trend.by_sector.manufacturing %}
# {% set tt = models.trend.by_sector.total %}
# {% set mb = models.breaks | selectattr("sector", "equalto", "manufacturing") | selectattr("variable", "equalto", "va_constant") | first | default(none) %}
# {% set events = settings.policy_events %}
# {% set first_period = (settings.periods | list)[0] %}
# {% set last_period = (settings.periods | list)[-1] %}
# {% set level = (models.alpha * 100) | num(0) %}
# {% set joint_change = mb is not none and mb.joint is not none and mb.joint.p is not none and mb.joint.p < models.alpha %}
# {% set gainers = [] %}
# {% for g, v in s.emp_share.items() if v.last > v.first and g != "manufacturing" %}{% set _ = gainers.append(settings.group_labels[g] | lower) %}{% endfor %}
# {% set peers = settings.countries | reject("equalto", settings.focus) | map("country") | list %}
# {% set strongest = counterfactuals.synth | map(attribute="p") | reject("none") | min %}
# {% set whose = "the" if about_focus else names[paper.country] ~ "'s" if paper.country in names else paper.country ~ "'s" %}
# # Abstract {.unnumbered}
#
# Amraoui et al. [-@amraoui2019] review Morocco's reforms, its industrial strategies ({% for e in events %}the {{ e.name }} of {{ e.year }}{{ ", " if not loop.last else "" }}{% endfor %}) and the clusters they fostered, but compute none of the figures they quote; we rebuild them from public statistics. {% if about_focus %}Between {{ s.first_year }} and {{ s.last_year }}, manufacturing's share of {{ focus }}'s value added at current prices went from {{ m.first | num }} % to {{ m.last | num }} %, and agriculture's share of employment from {{ s.emp_share.agriculture.first | num }} % to {{ s.emp_share.agriculture.last | num }} %. Labour productivity grew {{ w.total | num(2) }} % a year, {{ w.within | num(2) }} points of it within sectors. Real manufacturing value added grew at a trend of {{ tm[first_period].growth | num }} % a year before the first strategy and {{ tm[last_period].growth | num }} % under the last{% if mb and mb.joint and mb.joint.p is not none %}; a test that its growth did not change at the launch years gives a bootstrap p-value of {{ mb.joint.p | num(2) }}{% endif %}. Of the plans' {{ targets.measured }} targets that the data can measure, {{ targets.met }} {{ "was" if targets.met == 1 else "were" }} met. {% else %}This build's focus country is {{ focus }}; the paper, its strategies and its targets are {{ names[paper.country] if paper.country in names else paper.country }}'s, and the sections that concern them say so. {% endif %}Of the paper's {{ paper.data.count }} figures that can be set against the data, {{ paper.data.by_status.get("reproduced", 0) }} are reproduced and {{ paper.data.by_status.get("close", 0) }} come close; {{ paper.internal.by_status.get("inconsistent", 0) }} of its {{ paper.internal.count }} figures derived from its own other figures do not follow from them. {% if strongest > models.alpha %}Against synthetic controls from other economies, no outcome departs from its counterfactual more than placebos do.{% else %}Against synthetic controls from other economies, one outcome departs from its counterfactual more than most placebos.{% endif %}

# %% [markdown]
# # Key findings {.unnumbered}
#
# {% if about_focus %}
# - **Manufacturing did not gain ground.** Its share of {{ focus }}'s value added was {{ m.first | num }} % in {{ s.first_year }} and {{ m.last | num }} % in {{ s.last_year }}, peaking at {{ m.max | num }} % in {{ m.max_year }} (@fig-value_added_structure).
# - **Workers who left farming went {{ "to factories" if s.emp_share.manufacturing.last > s.emp_share.manufacturing.first else "elsewhere than to factories" }}.** Agriculture's share of employment fell by {{ (s.emp_share.agriculture.first - s.emp_share.agriculture.last) | num }} points; the shares that rose were those of {{ gainers | listing }}, while manufacturing's went from {{ s.emp_share.manufacturing.first | num }} % to {{ s.emp_share.manufacturing.last | num }} % (@fig-employment_structure).
# - **Productivity grew mostly {{ "within sectors" if w.within > realloc else "through the reallocation of workers" }}.** Of {{ w.total | num(2) }} % a year over {{ w.base_year }}-{{ w.end_year }}, {{ w.within | num(2) }} points came from growth within sectors and {{ realloc | num(2) }} from workers moving between sectors (@fig-productivity_decomposition).
# - **{% if joint_change %}Manufacturing's trend growth changed across the launch years, at no single one.{% else %}No clear change of pace at the launch years.{% endif %}** Real manufacturing value added grew at a trend of {{ tm[first_period].growth | num }} % a year before the first strategy and {{ tm[last_period].growth | num }} % under the last. {% if mb is not none %}{% if mb.changed_at %}Its growth changed at {{ mb.changed_at | listing }} at the {{ level }} % level.{% else %}No launch year taken alone shows a change at the {{ level }} % level{% if mb.joint is not none and mb.joint.p is not none %}; all of them together {{ "do" if joint_change else "do not" }} (bootstrap p-value {{ mb.joint.p | num(2) }}){% endif %}.{% endif %}{% endif %} With so few years per plan, a single date cannot be told apart from its neighbours (@fig-segmented_trends).
# - **Most measurable targets were missed.** {{ targets.met }} of {{ targets.measured }} measurable targets were met; the others are set out from each plan's baseline in @fig-policy_targets.
# - **The paper's figures hold up in part.** Against the data, {{ paper.data.by_status.get("reproduced", 0) + paper.data.by_status.get("close", 0) }} of {{ paper.data.count }} are reproduced or close, {{ paper.data.by_status.get("differs", 0) }} differ and {{ paper.data.by_status.get("not_comparable", 0) + paper.data.by_status.get("unit_error", 0) }} are not comparable or misstate their unit; for {{ paper.depends | length }} the verdict depends on the source or on how the paper's words are read.
# {% else %}
# - The figures below describe {{ focus }}. The paper's claims, its plans and their targets concern {{ names[paper.country] if paper.country in names else paper.country }} and are reported as such, not as {{ focus }}'s.
# - Against the data, {{ paper.data.by_status.get("reproduced", 0) + paper.data.by_status.get("close", 0) }} of the paper's {{ paper.data.count }} recomputable figures are reproduced or close.
# {% endif %}

# %% [markdown]
# # Introduction
#
# Amraoui et al. [-@amraoui2019] ask whether Morocco's economic reforms and its industrial strategies changed the structure of the economy, and how the clusters promoted under them performed. The paper states many figures, from national accounts, ministry reports and surveys, but derives none of them. This report takes the figures the paper states, recomputes every one that published data allow from the national accounts as harmonised in international releases [@devries2021etd; @kruse2023; @timmer2015; @unama; @wdi], sets each beside the paper's own figure, and adds what such a review needs: the growth and structure of output and employment year by year, the contribution of structural change to productivity, tests for a change in trend growth at the launch years, and each plan's targets measured from its own baseline.
#
# The report follows the paper's order: growth and the structure of value added, the strategies and their targets, employment and structural change, {{ focus if about_focus else names[paper.country] }} beside its peers ({{ peers | listing }}), exports, investment and innovation, and the clusters. Every section ends with the paper's figures beside ours. Methods, robustness checks and the sources are in the appendices.
#
# {% if not about_focus %}**Note on this build.** Its focus country is {{ focus }}. The paper's figures, plans and targets are {{ names[paper.country] if paper.country in names else paper.country }}'s; where they appear they are labelled as such and are not evaluated against {{ focus }}'s data.{% endif %}

# %% [markdown]
# # Growth and the structure of value added
#
# The paper's Table 1 gives the distribution of GDP by sector for a few years. @fig-value_added_structure extends it to every year each database covers, with sectors grouped into activities, and @tbl-value_added_shares gives the shares in the years that frame the strategies. In {{ s.last_year }} the largest activity was {{ s.largest_va_group_last | lower }}. Manufacturing's share peaked at {{ m.max | num }} % in {{ m.max_year }} and was lowest, at {{ m.min | num }} %, in {{ m.min_year }}.

# %%
figure("value_added_structure", figures_dir)

# %%
table("value_added_shares", tables_dir)

# %% [markdown]
# Shares at current prices mix volumes and prices. @fig-manufacturing_prices sets manufacturing's share at current prices beside its share at constant 2015 prices: where the constant-price line lies above the current-price one before 2015, manufacturing's output grew faster than its value at current prices suggests, because its prices rose less than the economy's.

# %%
figure("manufacturing_prices", figures_dir)

# %% [markdown]
# **Which source for what.** The sources do not measure the same thing. The ETD [@kruse2023] and the UN main aggregates [@unama] give shares of value added at basic prices; the World Bank's WDI [@wdi] gives shares of GDP, which includes net taxes on products, so its sector shares are lower by roughly that weight. The GGDC sectoral database [@timmer2015] puts Morocco's agricultural employment well below the ETD and the ILO's modelled estimates, so they are never spliced together. The report uses the ETD for the structure of value added and employment and for productivity, because it alone gives both by sector on one definition; the UN series extends manufacturing's share beyond the ETD's last year; the WDI gives trade, investment and innovation. Where the paper's figure could come from more than one source, each is computed, and the table below gives the range.
#
# @tbl-claims_growth sets the paper's figures on growth and on the structure of GDP beside ours ({{ paper.by_group.growth.count }} figures).

# %%
table("claims_growth", tables_dir)

# %% [markdown]
# # The industrial strategies and their targets
#
# {% if about_focus %}The strategies set targets for industrial output, exports and jobs. @fig-policy_targets and @tbl-policy_targets measure each target from the plan's own baseline: the share of the way from baseline to target that the outcome covered by the end of the plan, or by the last year of the data, whichever comes first. Of {{ targets.count }} targets, {{ targets.measured }} can be measured and {{ targets.met }} {{ "was" if targets.met == 1 else "were" }} met.{% for t in targets.all if t.progress is not none and t.status != "met" %}{% if loop.first %} The others:{% endif %} {{ t.plan }}, {{ t.indicator }}: from {{ t.baseline | amount }} to {{ t.outcome | amount }} against a target of {{ t.target | amount }} {{ t.unit }}, {{ t.progress | num(0) }} % of the way{% if t.alt_progress is not none %} ({{ t.alt_progress | num(0) }} % {{ t.alt_label }}){% endif %}{{ "." if loop.last else ";" }}{% endfor %} Job targets count gross jobs in the targeted trades; the outcome here is net employment in the sector, so a target can be missed while the trades it names grew.{% else %}The strategies and their targets are {{ names[paper.country] if paper.country in names else paper.country }}'s; @tbl-policy_targets measures them for {{ names[paper.country] if paper.country in names else paper.country }}, not for {{ focus }}.{% endif %}

# %%
figure("policy_targets", figures_dir)

# %%
table("policy_targets", tables_dir)

# %% [markdown]
# ## Did growth change when the strategies were launched?
#
# The paper describes the strategies but does not ask whether growth changed when they began. We fit log-linear trends to {{ focus }}'s series at constant prices for each policy period (@fig-trend_growth, @tbl-trend_growth), with Newey-West intervals where a period is long enough [@newey1987]. Real value added of the whole economy grew at a trend of {{ tt[first_period].growth | num }} % a year before the first strategy and {{ tt[last_period].growth | num }} % under the last; manufacturing at {{ tm[first_period].growth | num }} % and {{ tm[last_period].growth | num }} %. The periods are short ({% for p in models.trend.classical %}{{ p.period }}: {{ p.years }} years{{ ", " if not loop.last else "" }}{% endfor %}), so their intervals are wide and overlap.
#
# A segmented trend lets the growth rate change in each launch year while the level stays continuous (@fig-segmented_trends). {% if mb is not none %}For manufacturing value added, {% if mb.changed_at %}the test rejects an unchanged trend at {{ mb.changed_at | listing }}{% else %}no launch year's test alone rejects an unchanged trend at the {{ level }} % level{% endif %}{% if mb.joint is not none and mb.joint.p is not none %}, while the joint test of all launch years gives a bootstrap p-value of {{ mb.joint.p | num(2) }}{% endif %}. {% if mb.search.break_year %}A search over every year [@andrews1993] puts the likeliest single break in {{ mb.search.break_year }} (bootstrap p-value {{ mb.search.p | num(2) }}){% if mb.search.nearest_policy_year %}, {{ mb.search.years_from_policy | abs }} year{{ "s" if (mb.search.years_from_policy | abs) != 1 else "" }} {{ "after" if mb.search.years_from_policy > 0 else "before" }} the launch year {{ mb.search.nearest_policy_year }}{% endif %}.{% endif %}{% endif %} {% if joint_change %}So growth did change over the strategies' years, but the data cannot pin the change to one plan, and the same years saw the 2008 crisis and its aftermath in the country's export markets.{% else %}With a handful of years per regime a real change of moderate size would often go undetected, so the absence of a significant break is weak evidence that nothing changed.{% endif %} The bootstrap p-values allow for the serial correlation of annual data [@hansen2000]. Unit-root tests, the full break tests and the forecasts are in the appendix.

# %%
figure("trend_growth", figures_dir)

# %%
table("trend_growth", tables_dir)

# %%
figure("segmented_trends", figures_dir)

# %% [markdown]
# @tbl-claims_strategies sets the paper's figures on the strategies beside ours ({{ paper.by_group.strategies.count }} figures).

# %%
table("claims_strategies", tables_dir)

# %% [markdown]
# # Employment and structural change
#
# The paper's Figure 2 shows employment by branch in one year. @fig-employment_structure shows it for the first and the last year of the data and in between; @tbl-employment_shares gives the shares in the years that frame the strategies. Total employment rose from {{ s.emp_total.first | whole }} to {{ s.emp_total.last | whole }} thousands of persons.

# %%
figure("employment_structure", figures_dir)

# %%
table("employment_shares", tables_dir)

# %% [markdown]
# Labour productivity, value added per person engaged at constant prices, grows when sectors become more productive and when workers move to sectors of higher productivity. The shift-share decomposition of McMillan, Rodrik and Verduzco-Gallo [-@mcmillan2014] and de Vries, Timmer and de Vries [-@devries2015] splits it into growth within sectors, static reallocation (towards sectors with higher productivity levels) and dynamic reallocation (towards sectors whose productivity grows). From {{ w.base_year }} to {{ w.end_year }}, {{ focus }}'s labour productivity grew {{ w.total | num(2) }} % a year: {{ w.within | num(2) }} points within sectors, {{ w.static | num(2) }} from static and {{ w.dynamic | num(2) }} from dynamic reallocation (@fig-productivity_decomposition, @tbl-productivity_decomposition). Growth was fastest in the period "{{ decomposition.fastest_label }}", at {{ decomposition.by_period[decomposition.fastest_period].total | num(2) }} % a year.

# %%
figure("productivity_decomposition", figures_dir)

# %%
table("productivity_decomposition", tables_dir)

# %% [markdown]
# @fig-sector_contributions shows which sectors carried that growth in each period, and @fig-reallocation_scatter where the workers went: sectors to the right gained employment share, sectors above the line are more productive than the economy as a whole. Workers moving from sectors on the left to the upper right raise aggregate productivity; a move towards sectors below the line, such as much of trade and construction, lowers it.

# %%
figure("sector_contributions", figures_dir)

# %%
figure("reallocation_scatter", figures_dir)

# %% [markdown]
# @tbl-claims_employment sets the paper's figures on employment beside ours ({{ paper.by_group.employment.count }} figures).

# %%
table("claims_employment", tables_dir)

# %% [markdown]
# # {{ focus }} and its peers
#
# @fig-manufacturing_peers sets {{ focus }}'s manufacturing share beside those of {{ peers | listing }}, in the ETD and in the longer UN series; @tbl-manufacturing_peers gives the values. The dashed lines mark the years of {{ names[paper.country] if paper.country in names else paper.country }}'s strategies; they are not events of the peers. In {{ s.peers_year }} the shares were {% for c in settings.countries %}{{ names[c] }} {{ s.peers_manufacturing[c] | num }} %{{ ", " if not loop.last else "" }}{% endfor %}. The UN series puts {{ focus }}'s share at {{ s.un_manufacturing_last.value | num }} % in {{ s.un_manufacturing_last.year }}.

# %%
figure("manufacturing_peers", figures_dir)

# %%
table("manufacturing_peers", tables_dir)

# %% [markdown]
# # Exports, investment and innovation
#
# {% set ws = trade.series %}
# The strategies aimed at exports, foreign investment and innovation as much as at output. @fig-trade_and_innovation shows the World Bank's series for {{ focus }} [@wdi]. {% if "manufactures_exports_share" in ws %}Manufactures made up {{ ws.manufactures_exports_share.first | num }} % of merchandise exports in {{ ws.manufactures_exports_share.first_year }} and {{ ws.manufactures_exports_share.last | num }} % in {{ ws.manufactures_exports_share.last_year }}.{% endif %} {% if "hightech_exports_share" in ws %}High-technology goods were {{ ws.hightech_exports_share.last | num }} % of manufactured exports in {{ ws.hightech_exports_share.last_year }}.{% endif %} {% if "fdi_inflows" in ws %}Net inflows of foreign direct investment averaged {{ ws.fdi_inflows.mean_before | num }} % of GDP before {{ trade.first_launch }} and {{ ws.fdi_inflows.mean_after | num }} % from then on; these are net inflows from the balance of payments, while the paper's FDI figures are gross receipts, so they are not comparable.{% endif %} {% if "rd_expenditure" in ws %}Research and development spending was {{ ws.rd_expenditure.last | num(2) }} % of GDP in {{ ws.rd_expenditure.last_year }}, the last year published.{% endif %} {% if "patent_applications_resident" in ws %}Residents filed {{ ws.patent_applications_resident.last | whole }} patent applications in {{ ws.patent_applications_resident.last_year }}{% if "patent_applications_nonresident" in ws %} and non-residents {{ ws.patent_applications_nonresident.last | whole }}{% endif %}.{% endif %} These series are national: they cannot say which exports, investment or patents came from the clusters.

# %%
figure("trade_and_innovation", figures_dir)

# %% [markdown]
# # Clusters
#
# {% set c = clusters %}
# The paper's Table 2 lists {{ c.count }} clusters created between {{ c.first_year }} and {{ c.last_year }}, by region: {% for region, count in c.by_region.items() %}{{ region }} ({{ count }}){{ ", " if not loop.last else "" }}{% endfor %}. It gives a member count for {{ c.with_member_count }} of them. Its Table 3, from a survey of {{ c.survey_clusters }} clusters, counts {{ c.survey_companies | whole }} companies, {{ c.survey_sme_share | num }} % of them small and medium-sized. These are the paper's own figures: no public source gives the clusters' members, sales, exports or jobs, so the report can check the paper's arithmetic on them but not its figures.

# %%
figure("cluster_timeline", figures_dir)

# %%
table("clusters", tables_dir)

# %%
figure("cluster_composition", figures_dir)

# %%
table("cluster_companies", tables_dir)

# %% [markdown]
# ## Where the clusters sit
#
# {% set rg = regions %}
# {% set ce = rg.concentration.employment_2014 %}
# {% set cb = rg.concentration.establishments_sector_2024 %}
# The paper's subject is the clusters and their host regions, and the national accounts say nothing about regions. The censuses of the Haut-Commissariat au Plan do: the 2014 census counts the employed population by sector in each of the regions, and the 2024 census maps every economic establishment. @fig-region_map shades each region by industry's location quotient, its share of industry in employment or establishments divided by the national share, and marks the clusters of the paper's Table 2. Industry is concentrated: the top {{ ce.top_n }} regions ({{ ce.top_regions | listing }}) hold {{ ce.top_share | num }} % of industrial employment and the top {{ cb.top_n }} hold {{ cb.top_share | num }} % of industrial establishments. Of the {{ rg.clusters.count }} clusters, {{ rg.clusters.specialised_employment }} sit in regions where industry's share of employment is above the national share, and {{ rg.clusters.specialised_establishments }} where its share of establishments is. {% set top = rg.by_region[0] %}The most industrial region by employment is {{ top.name }} (location quotient {{ top.lq_employment | num(2) }}, {{ top.clusters }} cluster{{ "s" if top.clusters != 1 else "" }}). @fig-regional_industry, @fig-regional_establishments and @fig-regional_labour_rates give industry's weight in each region, the establishments by size and by founding period, and the activity and unemployment rates of both censuses{% if "labour_unemployment_rate" in rg.rates %} (nationally, unemployment went from {{ rg.rates.labour_unemployment_rate["2014"] | num }} % in the 2014 census to {{ rg.rates.labour_unemployment_rate["2024"] | num }} % in the 2024 census){% endif %}. The founding periods of the 2024 establishments are the only dated trace of where businesses started after the strategies; they count survivors, not entries.

# %%
figure("region_map", figures_dir)

# %%
figure("regional_industry", figures_dir)

# %%
figure("regional_establishments", figures_dir)

# %%
figure("regional_labour_rates", figures_dir)

# %% [markdown]
# @tbl-claims_clusters sets the paper's figures on the clusters and on innovation beside ours ({{ paper.by_group.clusters.count }} figures).

# %%
table("claims_clusters", tables_dir)

# %% [markdown]
# # The paper's figures against the data
#
# The paper states {{ paper.statements }} figures. {{ paper.checked }} can be set against a number: {{ paper.data.count }} against the data and {{ paper.internal.count }} against the paper's other figures; {{ paper.not_recomputable }} cannot be recomputed from public sources (@fig-claims_status, @tbl-claims_summary). {% set d = paper.data.by_status %}{% set i = paper.internal.by_status %}Against the data, {{ d.get("reproduced", 0) }} are reproduced, {{ d.get("close", 0) }} come close, {{ d.get("differs", 0) }} differ, {{ d.get("not_comparable", 0) }} are not comparable and {{ d.get("unit_error", 0) }} state a wrong unit. Against its own other figures, {{ i.get("reproduced", 0) }} follow from them and {{ i.get("inconsistent", 0) }} do not. "Not comparable" marks figures whose definition differs from any published series (gross jobs in targeted trades against net employment, trade with or without hotels, gross FDI receipts against net inflows); "unit error" marks figures stated in a unit they cannot have.
#
# {% if paper.depends %}For {{ paper.depends | length }} figures the verdict depends on the source or on the reading of the paper's words: {% for d in paper.depends %}{{ d.statement }} ({{ d.low | num }} to {{ d.high | num }}, by {{ d.on }}){{ "; " if not loop.last else "." }}{% endfor %} Each reading is shown in the tables above rather than one chosen after the fact.{% endif %}

# %%
figure("claims_status", figures_dir)

# %%
table("claims_summary", tables_dir)

# %% [markdown]
# # Compared with what?
#
# {% set cf = counterfactuals %}
# A trend that changed, or did not, says nothing about what would have happened without the strategies. A synthetic control [@abadie2010; @abadie2015] builds that counterfactual from other countries: a weighted mix of the ETD's other economies, chosen so that it tracks {{ focus }} before {{ settings.policy_events[0].year }}, stands for {{ focus }} on the path it was on; the gap after {{ settings.policy_events[0].year }} is the estimate, and giving every other country in turn the same treatment (placebos) says how unusual {{ focus }}'s gap is.{% if not about_focus %} The years are those of {{ whose }} strategies, not events of {{ focus }}'s.{% endif %} @fig-synthetic_control draws {{ focus }} against its synthetic control with the placebo gaps in grey; @fig-synthetic_control_weights and @tbl-synth_donor_weights give the donor weights, and @tbl-synth_balance sets each predictor of {{ focus }} beside its synthetic control and the plain mean of the donors.
#
# {% for c in cf.synth %}
# - **{{ c.label[0] | upper }}{{ c.label[1:] }}** ({{ c.source }}), from {{ c.year }}: the synthetic control mixes {% for d in c.donors %}{{ d.code | country }} ({{ d.weight | num(2) }}){{ ", " if not loop.last else "" }}{% endfor %}; it tracks {{ focus }} before {{ c.year }} within {{ c.pre_rmspe | num(2) }} (root mean squared gap), and over the {{ c.post_years }} years from {{ c.year }} to {{ c.last_year }} {{ focus }} stands {{ c.post_gap | signed(2) }} from it on average. {% if c.p is not none %}Ranked among the placebos, that gap gives a p-value of {{ c.p | num(2) }} ({{ c.p_kept | num(2) }} among the {{ c.kept }} placebos that fit their own past as well).{% endif %}{% if c.variants %} Launched in {% for y, g in c.variants.items() %}{{ y }}, the gap is {{ g | signed(2) }}{{ "; in " if not loop.last else "." }}{% endfor %}{% endif +%}
# {% endfor %}
#
# | Outcome | Source | From | Years after | Pre-RMSPE | Mean gap | p-value | p, placebos fitting as well |
# |:--|:--|--:|--:|--:|--:|--:|--:|
# {% for c in cf.synth %}
# | {{ c.label[0] | upper }}{{ c.label[1:] }} | {{ c.source }} | {{ c.year }} | {{ c.post_years }} | {{ c.pre_rmspe | num(2) }} | {{ c.post_gap | signed(2) }} | {{ c.p | num(2) }} | {{ c.p_kept | num(2) }} |
# {% endfor %}
#
# Table: Synthetic controls from the first launch year: fit before it (root mean squared gap), mean gap after it to each source's last year, and the placebo p-values {#tbl-synth_effects}
#
# {% if cf.un %}{% set u = cf.un %}{% set cu = cf.synth | selectattr("outcome", "equalto", u.outcome) | first %}{% set etd_last = (cf.synth | rejectattr("outcome", "equalto", u.outcome) | first).last_year %}
# **The UN's longer post-period.** The ETD ends in {{ etd_last }}; the UN main aggregates carry manufacturing's share of value added at current prices to {{ u.last_year }}, {{ cu.post_years }} years from {{ u.year }} (@tbl-synth_effects). Its synthetic control draws on {{ u.donors }} donors, those of the ETD's pool{% if u.no_series %} less {{ u.no_series | map("country") | list | listing }}, for which the UN's file has no series{% endif %}{% if u.excluded %}{{ ", and" if u.no_series else "" }} less {{ u.excluded | map(attribute="code") | map("country") | list | listing }}, which are left out of it, each for a reason found in the UN's figures (Appendix E gives them){% endif %}. Over {{ u.year }}-{{ u.last_year }}, {{ focus }} stands {{ cu.post_gap | signed(2) }} points from it on average{% if cu.p is not none %}, a gap whose placebo p-value is {{ cu.p | num(2) }}{% endif %}. {% for k in u.compared %}{% if loop.first %}Set beside the ETD's share at current prices over the years both cover, {% endif %}from {{ k.year }} ({{ k.first }}-{{ k.last }}, {{ k.years }} years) the UN's gap is {{ k.gap | signed(2) }} points and the ETD's {{ k.counterpart_gap | signed(2) }}: {% if k.same_sign %}the same sign and {{ "a like size" if k.like_size else "not the same size" }} (the UN's {{ k.ratio | num(2) }} times the ETD's){% else %}opposite signs{% endif %}{{ "; " if not loop.last else "." }}{% endfor %}{% if u.compared %} Gaps within a factor of {{ u.size_factor | num(0) }} of each other count here as of a like size.{% endif %} Both are shares at current prices, which move with the price of manufactures relative to other goods and services as well as with what is made: a gap may be a change of relative prices rather than of output, and the UN's years after {{ etd_last }} have no volume measure here to tell them apart.
# {% endif %}
#
# {% if strongest > models.alpha %}None of these gaps stands out from the placebos: the smallest p-value is {{ strongest | num(2) }}. On this evidence {{ focus }}'s manufacturing and productivity did not depart after {{ settings.policy_events[0].year }} from what comparable economies did{% if about_focus %}, as the strategies would have them do{% endif %}.{% else %}The smallest placebo p-value is {{ strongest | num(2) }}.{% endif %} An event study of {{ focus }} against {{ peers | listing }} [@cameron2008] finds no effect distinguishable from zero with so few countries; its pre-trend tests give bootstrap p-values from {{ cf.pretrend_p.min | num(2) }} to {{ cf.pretrend_p.max | num(2) }} (@fig-event_study). The caveats are real: a short pre-period for the later plans, other shocks in the same years (the 2008 crisis, the free-trade agreements), and donors whose own policies changed too.
#
# Searching for breaks at any dates [@bai1998; @bai2003] rather than at the launch years: {% for b in cf.breaks %}{{ b.series }} changes regime from {% for d in b.dates %}{{ d }} (interval {{ b.intervals[loop.index0][0] }}-{{ b.intervals[loop.index0][1] }}){{ " and " if not loop.last else "" }}{% endfor %}{{ "; " if not loop.last else "." }}{% endfor %}

# %%
figure("synthetic_control", figures_dir)

# %%
figure("synthetic_control_weights", figures_dir)

# %%
table("synth_donor_weights", tables_dir)

# %%
table("synth_balance", tables_dir)

# %%
figure("event_study", figures_dir)

# %% [markdown]
# # Conclusion
#
# {% if about_focus %}Did the strategies perform? On the evidence of the national accounts, not as they promised. {{ focus }}'s structure changed slowly: manufacturing held between {{ m.min | num }} % and {{ m.max | num }} % of value added over {{ s.first_year }}-{{ s.last_year }}, and the workers who left agriculture went mostly to {{ gainers | listing }}. Productivity growth came {{ "mostly from within sectors" if w.within > realloc else "largely from the reallocation of workers" }}. {% if joint_change %}Manufacturing's trend growth changed over the strategies' years, {{ 'slowing' if tm[last_period].growth < tm[first_period].growth else 'quickening' }} from {{ tm[first_period].growth | num }} % to {{ tm[last_period].growth | num }} % a year, but no single launch year marks the change.{% else %}Manufacturing's trend growth shows no clear change at the launch years.{% endif %} Measured from each plan's own baseline, {{ targets.met }} of the {{ targets.measured }} measurable targets were met.{% endif %} Many of the paper's figures are reproduced by the published data; others differ, depend on the source, or are not comparable with any public series.
#
# What the evidence cannot show is as important. A trend that did not change may still be higher than it would have been without the strategies: the 2008 crisis, the free-trade agreements and the automotive and aeronautics investments all fell within the same years. The synthetic controls of the section "Compared with what?" answer part of that question{% if counterfactuals.un %}, on the ETD's years and, for manufacturing's share at current prices, on the UN's to {{ counterfactuals.un.last_year }}{% endif %}: {% if strongest > models.alpha %}none of {{ focus }}'s outcomes departs from its counterfactual by more than the placebos do{% else %}one outcome departs from its counterfactual more than most placebos{% endif %}, though with a pre-period of a few years for the later launch years and other shocks in the same years, the absence of a clear effect is not proof of none. Nothing here measures the clusters themselves.

# %% [markdown]
# # Data gaps
#
# {% if coverage.lacking %}Not every source covers every country compared here: {% for g in coverage.lacking %}the {{ g.label }} has no rows for {{ g.countries | map("country") | list | listing }}{{ "; " if not loop.last else "" }}{% endfor %}, and their tables and figures leave those countries out{% else %}Every source holds every country compared here{% endif %}. The coverage table published with the processed data gives each source's years by country and variable, and the years missing within them.
#
# Settling the claims that remain open would need:
#
# - **Exports by sector and by firm**, to attribute exports to the targeted trades and the clusters: the Office des Changes publishes foreign trade by product; firm-level customs data are held by the Administration des Douanes et Impôts Indirects.
# - **Foreign direct investment by sector**, gross and net, from the Office des Changes, to compare the paper's gross receipts with net inflows.
# - **Jobs created in the targeted trades**, gross and net, as the ministry in charge of industry counts them for the plans, beside HCP's labour force survey.
# - **Cluster-level data**: members, sales, exports, employment and patents per cluster, held by the clusters' own associations and the ministry's cluster programme.
# - **Firm counts by size on the paper's definition of an SME**, from HCP's surveys or the social security register (CNSS), to check the SME shares.
# - **Patents by applicant and region**, from the Office Marocain de la Propriété Industrielle et Commerciale (OMPIC), to tie patents to the clusters.

# %% [markdown]
# # References {.unnumbered}
#
# ::: {#refs}
# :::

# %% [markdown]
# # Appendix A: methods
#
# The snapshots are cleaned into tidy tables (country, sector, variable, year, value, unit, source) with shares recomputed from levels, and sectors grouped by a concordance for each source. The structure stage decomposes labour productivity growth by shift-share [@mcmillan2014; @devries2015]; the claims stage recomputes the paper's figures from these tables, against every source that holds the series, and sets the plans' targets against outcomes from their stated baselines.
#
# The models stage works on the log levels of the series at constant prices. Trend growth is the OLS slope on time, with Newey-West (HAC) intervals [@newey1987] where a period has enough years and classical intervals otherwise. Breaks at the launch years are F tests in a segmented trend [@chow1960], with p-values from a seeded autoregressive sieve bootstrap, which allows for the serial correlation of annual data; the search for a break at an unknown year takes the largest F statistic over the years that leave both regimes long enough [@andrews1993; @hansen2000], beside the OLS-CUSUM test [@ploberger1992]. The ADF [@dickey1979] and KPSS [@kwiatkowski1992] tests ask whether a series returns to a trend. The HP [@hodrick1997] and Hamilton [@hamilton2018] filters give trend and cycle. Forecasts model the log level, and sector shares through log-ratios so that they sum to the total, with a random walk with drift, damped exponential smoothing [@gardner1985] and an ARIMA model; a rolling-origin backtest scores them.
#
# {% set cf = counterfactuals %}
# The counterfactual stage compares {{ focus }} with every other economy of the ETD but those excluded, each with its reason, in the config{% if cf.un %}; for the UN main aggregates, with those of them the UN publishes, less its own exclusions{% endif %}. A synthetic control [@abadie2010; @abadie2015] matches the outcome's means over stretches of the years before treatment and its last value before it; the predictor weights minimise the outcome gap over every year before treatment, and for each of them the donor weights solve a least-squares problem on the simplex exactly (an active-set method). Inference is by placebos: each donor in turn treated as {{ focus }} is (in space), the second p-value keeping only those whose own fit before treatment is within {{ cf.pre_rmspe_k | num }} times {{ focus }}'s; fake treatment years before the first launch (in time); and each donor of weight left out in turn. {% if cf.variant_placebos %}The in-space placebos are run for every launch year.{% else %}The in-space placebos are run for the first launch year only, so the later launch years have gaps but no p-values: for each later year they cost one fit per donor, and for the later years together they would more than double the cost of the synthetic controls. Setting `counterfactuals.synth.placebo_variants` runs them for every launch year.{% endif %} The event study regresses each outcome on unit and year fixed effects and leads and lags of each launch, against the peers only; with so few countries, its intervals and pre-trend tests come from the restricted wild cluster bootstrap [@cameron2008]. The multiple-break search [@bai1998; @bai2003] dates breaks at unknown years by dynamic programming, chooses their number by sequential tests, and gives each date its confidence interval.

# %% [markdown]
# # Appendix B: robustness
#
# {% set u = models.unit_root %}
# **Stable trends or random walks.** Of {{ u.tested }} series tested, the ADF and KPSS tests together read {% for v, n in u.by_verdict.items() %}{{ n }} as {{ v | replace("_", " ") }}{{ ", " if not loop.last else "" }}{% endfor %}. Where a series behaves like a random walk, a break in its trend is hard to tell from an accumulation of shocks, one more reason to read the break tests with caution.
#
# **Breaks at the launch years.** @tbl-break_tests gives, for the main series, the bootstrap p-values of the hypothesis that growth did not change at each launch year and jointly, and the year a search over all years finds.

# %%
table("break_tests", tables_dir)

# %% [markdown]
# **Forecasts.** @fig-forecasts extends manufacturing's share of real value added and total employment to the horizon with the model that did best in the backtest (@fig-forecast_backtest); over {{ models.backtest.series }} series, {{ models.backtest.labels[models.backtest.winner] }} won most often. {% for f in models.forecasts if f.at_target and models.target %}The best model puts {{ f.phrase }} at {{ f.at_target.value | num }} % in {{ f.at_target.year }} (interval {{ f.at_target.lower | num }} to {{ f.at_target.upper | num }}), against the {{ models.target.plan }}'s target of {{ models.target.target | num }} {{ models.target.unit }}.{% endfor %}

# %%
figure("forecasts", figures_dir)

# %%
figure("forecast_backtest", figures_dir)

# %% [markdown]
# # Appendix C: sources and files
#
# Each source is a snapshot of a published file, taken by the project's snapshot command, which records the publisher, the release, the licence and a checksum of every file (@tbl-sources, @tbl-files).
#
# {% for src in sources %}
# - {{ src.citation }}.{% if src.url.startswith("http") %} <{{ src.url }}>{% endif %}
# {% endfor %}

# %%
table("sources", tables_dir)

# %%
table("files", tables_dir)

# %% [markdown]
# # Appendix D: the build
#
# The tables and figures are produced by a Snakemake workflow; this report is a notebook executed by it and rendered with pandoc and Typst. It was built from commit `{{ build.commit }}` on {{ build.date }}{% if build.modified %}, with these files changed from it: {% for f in build.modified_files %}`{{ f }}`{{ ", " if not loop.last else "" }}{% endfor %}{% elif build.modified is none %}; whether the files differed from it is not known{% else %}, with no file changed from it{% endif %}. Appendix E gives the full resolved settings (also under `build.config` in `results.json`). {% if build.changed_settings %}@tbl-settings gives the settings that differ from the defaults of the config schema (`workflow/schemas/config.schema.yaml`){% else %}Every setting with a default in the config schema (`workflow/schemas/config.schema.yaml`) is at its default{% endif %}; the focus, the countries, the releases, the policy dates and periods and the concordance are the build's own choices, with no default.
#
# {% if build.changed_settings %}
# | Setting | Value | Default |
# |:--|:--|:--|
# {% for s in build.changed_settings %}
# | `{{ s.key }}` | `{{ s.value }}` | `{{ s.default }}` |
# {% endfor %}
#
# Table: Settings that differ from the schema's defaults {#tbl-settings}
# {% endif %}
#
# | Software | Version |
# |:--|--:|
# {% for name, version in build.software.items() %}
# | {{ name }} | {{ version }} |
# {% endfor %}
#
# Table: Software versions {#tbl-software}

# %% [markdown]
# # Appendix E: the resolved settings
#
# The settings the build ran with, the config file's own and the schema's defaults together, as the workflow validated them:
#
# ```yaml
# {{ build.config_yaml }}
# ```
