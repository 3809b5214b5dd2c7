"""The settings of the models stage, read once from the rule's params so every function gets typed values.

Each rule gets only the config sections it uses (so a changed forecast setting reruns only the forecasts); the
sections it does not get are None here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from emergence.errors import InputError
from emergence.structure.settings import CONFIG, SAMPLE_ID, Period, spans


@dataclass(frozen=True)
class TrendSettings:
    min_years: int
    hac_min_years: int
    hac_lags: int | None


@dataclass(frozen=True)
class BreakSettings:
    min_segment_years: int
    trimming: float
    bootstrap_draws: int
    bootstrap_ar_lags: int


@dataclass(frozen=True)
class DiagnosticSettings:
    adf_max_lags: int
    significance: float


@dataclass(frozen=True)
class FilterSettings:
    hp_lambda: float
    hamilton_horizon: int
    hamilton_lags: int


@dataclass(frozen=True)
class ForecastSettings:
    horizon: int
    arima_orders: tuple[tuple[int, int, int], ...]
    share_draws: int
    backtest_origins: int
    backtest_min_train_years: int
    backtest_max_step: int
    backtest_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelSettings:
    countries: tuple[str, ...]
    periods: tuple[Period, ...]
    policy_years: tuple[int, ...]
    sectors: tuple[str, ...] | None
    variables: tuple[str, ...]
    confidence: float
    seed: int
    trend: TrendSettings | None = None
    breaks: BreakSettings | None = None
    diagnostics: DiagnosticSettings | None = None
    filters: FilterSettings | None = None
    forecast: ForecastSettings | None = None


SECTIONS = {
    "trend": TrendSettings,
    "breaks": BreakSettings,
    "diagnostics": DiagnosticSettings,
    "filters": FilterSettings,
    "forecast": ForecastSettings,
}


def model_settings(countries: list, periods: list, policy_events: list, models: dict) -> ModelSettings:
    """Typed settings from the validated config's `countries`, `periods`, `policy_events` and (parts of) `models`."""
    parsed = tuple(Period(p["id"], p.get("start"), p.get("end")) for p in periods)
    ids = [p.id for p in parsed]
    if SAMPLE_ID in ids:
        raise InputError(CONFIG, "periods[].id", f"ids other than '{SAMPLE_ID}' (the whole sample)", ids)
    sections = {name: kind(**models[name]) for name, kind in SECTIONS.items() if name in models}
    if "forecast" in sections:
        forecast = sections["forecast"]
        orders = tuple(tuple(int(x) for x in order) for order in forecast.arima_orders)
        scored = tuple(forecast.backtest_countries or countries[:1])
        sections["forecast"] = replace(forecast, arima_orders=orders, backtest_countries=scored)
    return ModelSettings(
        countries=tuple(countries),
        periods=parsed,
        policy_years=tuple(sorted({int(e["year"]) for e in policy_events})),
        sectors=tuple(models["sectors"]) if models.get("sectors") else None,
        variables=tuple(models["variables"]),
        confidence=float(models["confidence"]),
        seed=int(models["seed"]),
        **sections,
    )


def check_against_data(settings: ModelSettings, first: int, last: int, where: str) -> None:
    """Settings the data cannot serve are errors, not silent gaps: a policy year with no data before or after it,
    and a period with fewer years of data than a trend fit needs."""
    for i, year in enumerate(settings.policy_years):
        if not first < year <= last:
            raise InputError(
                CONFIG, f"policy_events[{i}].year", f"a year after {first} and up to {last}, the years of {where}", year
            )
    if settings.trend is None:
        return
    covered = {span.period: span for span in spans(settings.periods, first, last)}
    for i, period in enumerate(settings.periods):
        span = covered.get(period.id)
        n = span.end - span.base + 1 if span else 0
        if n < settings.trend.min_years:
            raise InputError(
                CONFIG,
                f"periods[{i}] ({period.id})",
                f"at least models.trend.min_years = {settings.trend.min_years} years of {where} "
                f"({first}-{last}), counting the year before the start",
                f"{n} years",
            )
