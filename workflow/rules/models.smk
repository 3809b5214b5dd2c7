# Models: trend growth, breaks at the policy dates and forecasts of the ETD series (real value added, employment,
# labour productivity, sector shares). Four jobs, each covering every configured country and series; the
# forecasts and their backtest share no fit, so they are two jobs that run side by side.
# Priorities: the report waits longest for this stage (the backtest, then the forecasts, then the figures drawn
# from them), so its jobs and the clean ETD table they read start before other ready jobs.

MODELS_DIR = f"{PROCESSED}/models"
MODELS_INPUT = f"{PROCESSED}/clean/etd.csv"
MODELS = config["models"]
MODELS_SHARED = {
    "countries": config["countries"],
    "periods": config["periods"],
    "policy_events": config["policy_events"],
}
MODELS_COMMON = {
    key: MODELS[key] for key in ("confidence", "seed", "sectors", "variables")
}
MODELS_TRENDS = {
    name: f"{MODELS_DIR}/{name}.csv"
    for name in ("trend_growth", "unit_root", "trend_cycle")
}
MODELS_BREAKS = {
    name: f"{MODELS_DIR}/{name}.csv"
    for name in ("break_segments", "break_tests", "break_search")
}
MODELS_FORECASTS = {"forecasts": f"{MODELS_DIR}/forecasts.csv"}
MODELS_BACKTEST = {
    name: f"{MODELS_DIR}/{name}.csv" for name in ("backtest", "backtest_wins")
}
MODELS_TARGETS = [
    *MODELS_TRENDS.values(),
    *MODELS_BREAKS.values(),
    *MODELS_FORECASTS.values(),
    *MODELS_BACKTEST.values(),
]


# Each rule gets the shared keys and only the parts of `models` it uses, so other settings do not rerun it
# (the forecasts and the backtest both get `forecast`: the backtest fits the same models).
MODELS_PARAMS = {
    job: {**MODELS_COMMON, **{section: MODELS[section] for section in sections}}
    for job, sections in (
        ("fit_trends", ("diagnostics", "filters", "trend")),
        ("test_breaks", ("breaks", "trend")),
        ("forecast_series", ("forecast",)),
        ("backtest_forecasts", ("forecast",)),
    )
}


rule fit_trends:
    input:
        table=MODELS_INPUT,
        code=code("fit_trends.py"),
    output:
        **MODELS_TRENDS,
    log:
        "logs/models/fit_trends.log",
    priority: 1
    conda:
        "../envs/emergence.yaml"
    params:
        **MODELS_SHARED,
        models=MODELS_PARAMS["fit_trends"],
    script:
        "../scripts/fit_trends.py"


rule test_breaks:
    input:
        table=MODELS_INPUT,
        code=code("test_breaks.py"),
    output:
        **MODELS_BREAKS,
    log:
        "logs/models/test_breaks.log",
    priority: 1
    conda:
        "../envs/emergence.yaml"
    params:
        **MODELS_SHARED,
        models=MODELS_PARAMS["test_breaks"],
    script:
        "../scripts/test_breaks.py"


rule forecast_series:
    input:
        table=MODELS_INPUT,
        code=code("forecast_series.py"),
    output:
        **MODELS_FORECASTS,
    log:
        "logs/models/forecast_series.log",
    priority: 2
    conda:
        "../envs/emergence.yaml"
    threads: 1
    params:
        **MODELS_SHARED,
        models=MODELS_PARAMS["forecast_series"],
    script:
        "../scripts/forecast_series.py"


rule backtest_forecasts:
    input:
        table=MODELS_INPUT,
        code=code("backtest_forecasts.py"),
    output:
        **MODELS_BACKTEST,
    log:
        "logs/models/backtest_forecasts.log",
    priority: 2
    conda:
        "../envs/emergence.yaml"
    threads: 1
    params:
        **MODELS_SHARED,
        models=MODELS_PARAMS["backtest_forecasts"],
    script:
        "../scripts/backtest_forecasts.py"
