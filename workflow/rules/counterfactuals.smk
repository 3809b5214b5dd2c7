# Counterfactuals: the full ETD panel (every country of the snapshot) cleaned once, and the UN main aggregates of
# every country the UN publishes (for the longer post-period), then synthetic controls with their placebos, event
# studies against the peers and Bai-Perron breaks of the focus country. The donor pool and the peers are checked
# against the snapshots' countries before any job runs. The synthetic controls, which are the cost, share their
# fits out over the job's threads.
from emergence.counterfactuals.donors import (
    UN_TABLE,
    check_counterfactuals,
    un_panel_countries,
)

CF_SETTINGS = SETTINGS.counterfactuals
CF_COUNTRIES = raw_manifest.load(MANIFESTS["etd"])["countries"]
CF_UN_COUNTRIES = raw_manifest.load(MANIFESTS[f"un_ama_{UN_TABLE}"])["countries"]
check_counterfactuals(CF_SETTINGS, CF_COUNTRIES, CF_UN_COUNTRIES)
CF_PANEL = registry.table("counterfactuals_etd_panel").path
CF_UN_PANEL = registry.table("counterfactuals_un_panel").path
# The UN panel is an input of the synthetic controls only when they have UN outcomes.
CF_UN_INPUT = {"un_panel": CF_UN_PANEL} if CF_SETTINGS.un_outcomes else {}
CF_JOBS = {
    "fit_synthetic_controls": (
        (
            "synth_pool",
            "synth_weights",
            "synth_balance",
            "synth_fits",
            "synth_runs",
            "synth_paths",
        ),
        2,
    ),
    "estimate_event_studies": (("event_coefficients", "event_pretrend"), 1),
    "search_breaks": (("break_dates", "break_counts"), 1),
}
COUNTERFACTUALS_TARGETS = list(registry.paths("counterfactuals").values())


rule clean_etd_panel:
    input:
        raw=raw_file("etd"),
        verified=VERIFIED,
        code=code("clean_source.py", "etd"),
    output:
        table=CF_PANEL,
        gaps=registry.table("counterfactuals_etd_panel_gaps").path,
    log:
        "logs/counterfactuals/clean_etd_panel.log",
    benchmark:
        f"{BENCHMARKS}/clean_etd_panel.tsv"
    priority: 1
    conda:
        "../envs/emergence.yaml"
    params:
        source="etd",
        countries=sorted(CF_COUNTRIES),
        tables=[],
        gaps=to_params(SETTINGS.sources["etd"]),
        indicators={},
    script:
        "../scripts/clean_source.py"


rule clean_un_panel:
    input:
        **{UN_TABLE: raw_file(f"un_ama_{UN_TABLE}", UN_TABLE)},
        verified=VERIFIED,
        code=code("clean_source.py", "un_ama"),
    output:
        table=CF_UN_PANEL,
        gaps=registry.table("counterfactuals_un_panel_gaps").path,
    log:
        "logs/counterfactuals/clean_un_panel.log",
    benchmark:
        f"{BENCHMARKS}/clean_un_panel.tsv"
    priority: 1
    conda:
        "../envs/emergence.yaml"
    params:
        source="un_ama",
        countries=un_panel_countries(CF_SETTINGS, CF_UN_COUNTRIES),
        tables=[UN_TABLE],
        gaps=to_params(SETTINGS.sources["un_ama"]),
        indicators={},
    script:
        "../scripts/clean_source.py"


for job, (tables, cores) in CF_JOBS.items():

    rule:
        name:
            job
        input:
            **(CF_UN_INPUT if job == "fit_synthetic_controls" else {}),
            panel=CF_PANEL,
            code=code("run_counterfactuals.py"),
        output:
            **registry.paths("counterfactuals", *tables),
        log:
            f"logs/counterfactuals/{job}.log",
        benchmark:
            f"{BENCHMARKS}/{job}.tsv"
        priority: cores
        conda:
            "../envs/emergence.yaml"
        threads: cores
        params:
            settings=to_params(CF_SETTINGS),
        script:
            "../scripts/run_counterfactuals.py"
