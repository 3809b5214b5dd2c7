# Counterfactuals: the full ETD panel (every country of the snapshot) cleaned once, then synthetic controls with
# their placebos, event studies against the peers and Bai-Perron breaks of the focus country. The donor pool and
# the peers are checked against the snapshot's countries before any job runs. The synthetic controls, which are
# the cost, share their fits out over the job's threads.
from emergence.counterfactuals.donors import check_counterfactuals

CF_SETTINGS = SETTINGS.counterfactuals
CF_COUNTRIES = raw_manifest.load(MANIFESTS["etd"])["countries"]
check_counterfactuals(CF_SETTINGS, CF_COUNTRIES)
CF_PANEL = registry.table("counterfactuals_etd_panel").path
CF_JOBS = {
    "fit_synthetic_controls": (
        ("synth_weights", "synth_balance", "synth_fits", "synth_runs", "synth_paths"),
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


for job, (tables, cores) in CF_JOBS.items():

    rule:
        name:
            job
        input:
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
