# Models: trend growth, breaks at the policy dates and forecasts of the ETD series (real value added, employment,
# labour productivity, sector shares). Four jobs, each covering every configured country and series; the
# forecasts and their backtest share no fit, so they are two jobs that run side by side.
# Priorities: the report waits longest for this stage (the backtest, then the forecasts, then the figures drawn
# from them), so its jobs and the clean ETD table they read start before other ready jobs.

MODELS_INPUT = TABLE_PATHS["etd"]
# Each job: its script, its output tables, the sections of the models settings it uses (so that another
# section's settings do not rerun it), and its priority.
MODELS_JOBS = {
    "fit_trends": (
        ("trend_growth", "unit_root", "trend_cycle"),
        ("diagnostics", "filters", "trend"),
        1,
    ),
    "test_breaks": (
        ("break_segments", "break_fit", "break_tests", "break_search"),
        ("breaks", "trend"),
        1,
    ),
    "forecast_series": (("forecasts",), ("forecast",), 2),
    "backtest_forecasts": (("backtest", "backtest_wins"), ("forecast",), 2),
}
MODELS_TARGETS = list(registry.paths("models").values())


for job, (tables, sections, rank) in MODELS_JOBS.items():

    rule:
        name:
            job
        input:
            table=MODELS_INPUT,
            code=code("run_models.py"),
        output:
            **registry.paths("models", *tables),
        log:
            f"logs/models/{job}.log",
        benchmark:
            f"{BENCHMARKS}/{job}.tsv"
        priority: rank
        conda:
            "../envs/emergence.yaml"
        threads: 1
        params:
            settings=to_params(SETTINGS.models.only(*sections)),
        script:
            "../scripts/run_models.py"
