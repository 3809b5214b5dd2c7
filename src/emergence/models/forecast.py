"""Forecasts of the log level (ETS with damped trend, ARIMA with drift chosen by AICc, and the random walk with
drift as the benchmark) and of sector shares through additive log-ratios, so shares stay positive and sum to 100.
A rolling-origin backtest scores each model against the random walk."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from emergence.models.series import series_rng
from emergence.settings import ModelSettings

ETS = "ets_damped"
ARIMA = "arima"
RANDOM_WALK = "rw_drift"
MODELS = (RANDOM_WALK, ETS, ARIMA)  # ties in the backtest go to the earlier, simpler model
HELD = "held"  # spec of a share held at its last value because it is zero or negative in some year
BASE = "base"  # spec of the sector whose share is the denominator of the log-ratios


@dataclass(frozen=True)
class LogForecast:
    """Forecast of a log series: means and standard deviations by step, one-step residuals, the model's spec."""

    mean: np.ndarray
    sd: np.ndarray
    resid: np.ndarray
    spec: str
    converged: bool


def random_walk_drift(y: np.ndarray, steps: int) -> LogForecast:
    """Random walk with drift: variance sigma^2 (h + h^2 / (n - 1)) includes the drift's estimation error."""
    diffs = np.diff(y)
    drift = diffs.mean()
    resid = diffs - drift
    sigma2 = resid @ resid / max(len(diffs) - 1, 1)
    h = np.arange(1, steps + 1)
    sd = np.sqrt(sigma2 * (h + h**2 / len(diffs)))
    return LogForecast(y[-1] + drift * h, sd, resid, "ARIMA(0,1,0)+drift", True)


def ets_damped(y: np.ndarray, steps: int) -> LogForecast:
    """ETS(A,Ad,N): additive errors, additive damped trend, fitted by maximum likelihood."""
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True).fit(disp=False)
        pred = res.get_prediction(start=len(y), end=len(y) + steps - 1)
    spec = f"ETS(A,Ad,N) phi={res.params.iloc[2]:.3f}"
    return LogForecast(
        np.asarray(pred.predicted_mean),
        np.sqrt(np.asarray(pred.forecast_variance)),
        np.asarray(res.resid)[1:],
        spec,
        bool(res.mle_retvals.get("converged", False)),
    )


def arima_drift(y: np.ndarray, steps: int, orders: tuple[tuple[int, int, int], ...]) -> LogForecast:
    """ARIMA(p,1,q) with drift; the order with the smallest AICc among those configured."""
    from statsmodels.tsa.arima.model import ARIMA as ArimaModel

    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for order in orders:
            res = ArimaModel(y, order=order, trend="t", concentrate_scale=True).fit()
            if best is None or res.aicc < best[1].aicc:
                best = (order, res)
        order, res = best
        pred = res.get_forecast(steps)
    return LogForecast(
        np.asarray(pred.predicted_mean),
        np.sqrt(np.asarray(pred.var_pred_mean)),
        np.asarray(res.resid)[1:],
        f"ARIMA({order[0]},{order[1]},{order[2]})+drift",
        bool(res.mle_retvals.get("converged", False)),
    )


def forecast_log(y: np.ndarray, steps: int, model: str, settings: ModelSettings) -> LogForecast:
    if model == RANDOM_WALK:
        return random_walk_drift(y, steps)
    if model == ETS:
        return ets_damped(y, steps)
    return arima_drift(y, steps, settings.forecast.arima_orders)


def z_value(confidence: float) -> float:
    from scipy import stats  # not at the top: table schemas import this module

    return float(stats.norm.ppf(0.5 + confidence / 2))


def level_forecast(y_log: np.ndarray, steps: int, model: str, settings: ModelSettings) -> dict:
    """Point forecast (the median: exp of the log forecast) and prediction interval of a positive series."""
    fc = forecast_log(y_log, steps, model, settings)
    z = z_value(settings.confidence)
    return {
        "value": np.exp(fc.mean),
        "lower": np.exp(fc.mean - z * fc.sd),
        "upper": np.exp(fc.mean + z * fc.sd),
        "spec": fc.spec,
        "converged": fc.converged,
    }


@dataclass(frozen=True)
class Composition:
    """Shares (years x sectors, in %) split into sectors modelled through log-ratios and sectors held fixed."""

    sectors: tuple[str, ...]
    shares: np.ndarray

    @property
    def held(self) -> np.ndarray:
        return np.any(self.shares <= 0, axis=0)

    @property
    def base(self) -> int:
        """The modelled sector whose log share changes least from year to year: every log-ratio inherits the
        denominator's noise, so the steadiest share makes the quietest one."""
        with np.errstate(divide="ignore", invalid="ignore"):
            changes = np.diff(np.log(self.shares), axis=0).std(axis=0)
        return int(np.argmin(np.where(self.held, np.inf, changes)))

    def log_ratios(self, rows: slice = slice(None)) -> tuple[np.ndarray, list[int]]:
        """log(share / base share) of each modelled sector other than the base, and their columns."""
        others = [j for j in range(len(self.sectors)) if not self.held[j] and j != self.base]
        s = self.shares[rows]
        return np.log(s[:, others] / s[:, [self.base]]), others

    def to_shares(self, ratios: np.ndarray, others: list[int], last: np.ndarray) -> np.ndarray:
        """Shares from log-ratios (last axis: the `others`); held sectors keep their last value."""
        out = np.zeros(ratios.shape[:-1] + (len(self.sectors),))
        held_total = last[self.held].sum()
        expo = np.exp(ratios)
        denominator = 1.0 + expo.sum(axis=-1, keepdims=True)
        out[..., others] = (100.0 - held_total) * expo / denominator
        out[..., self.base] = (100.0 - held_total) / denominator[..., 0]
        out[..., self.held] = last[self.held]
        return out


def share_point_forecast(comp: Composition, train: int, steps: int, model: str, settings: ModelSettings) -> np.ndarray:
    """Point forecast of every sector's share (steps x sectors) from the first `train` years."""
    ratios, others = comp.log_ratios(slice(0, train))
    means = [forecast_log(ratios[:, k], steps, model, settings).mean for k in range(len(others))]
    return comp.to_shares(np.column_stack(means) if others else np.zeros((steps, 0)), others, comp.shares[train - 1])


def share_forecast(comp: Composition, steps: int, model: str, settings: ModelSettings, key: tuple[str, ...]) -> dict:
    """Point forecast and intervals of every share; intervals from draws of the log-ratios' forecast errors,
    correlated across sectors as their one-step residuals are."""
    ratios, others = comp.log_ratios()
    last = comp.shares[-1]
    fits = [forecast_log(ratios[:, k], steps, model, settings) for k in range(len(others))]
    specs = np.array([HELD if h else "" for h in comp.held], dtype=object)
    specs[comp.base] = BASE
    converged = np.ones(len(comp.sectors), dtype=bool)
    for k, j in enumerate(others):
        specs[j], converged[j] = fits[k].spec, fits[k].converged
    if not others:
        value = comp.to_shares(np.zeros((steps, 0)), others, last)
        return {"value": value, "lower": value, "upper": value, "spec": specs, "converged": converged}
    mean = np.column_stack([f.mean for f in fits])
    sd = np.column_stack([f.sd for f in fits])
    resid = np.column_stack([f.resid[-min(len(f.resid) for f in fits) :] for f in fits])
    corr = np.corrcoef(resid, rowvar=False) if len(others) > 1 else np.ones((1, 1))
    rng = series_rng(settings.seed, (*key, model))
    z = rng.multivariate_normal(
        np.zeros(len(others)), np.atleast_2d(corr), size=settings.forecast.share_draws, method="eigh"
    )
    draws = comp.to_shares(mean[None, :, :] + sd[None, :, :] * z[:, None, :], others, last)
    alpha = 1.0 - settings.confidence
    lower, upper = np.quantile(draws, [alpha / 2, 1 - alpha / 2], axis=0)
    return {
        "value": comp.to_shares(mean, others, last),
        "lower": lower,
        "upper": upper,
        "spec": specs,
        "converged": converged,
    }


def backtest_origins(n: int, settings: ModelSettings) -> list[int]:
    """Training lengths of the rolling origins: the last `backtest_origins` years before the end of the data, each
    leaving at least `backtest_min_train_years` years to fit on."""
    return list(range(max(n - settings.forecast.backtest_origins, settings.forecast.backtest_min_train_years), n))


def level_backtest_errors(y_log: np.ndarray, model: str, settings: ModelSettings) -> np.ndarray:
    """Errors of the log forecasts from every rolling origin, 1 to `backtest_max_step` years ahead, in % (100 x log)."""
    errors = []
    for train in backtest_origins(len(y_log), settings):
        steps = min(settings.forecast.backtest_max_step, len(y_log) - train)
        fc = forecast_log(y_log[:train], steps, model, settings)
        errors.append(100.0 * (fc.mean - y_log[train : train + steps]))
    return np.concatenate(errors) if errors else np.zeros(0)


def share_backtest_errors(comp: Composition, model: str, settings: ModelSettings) -> np.ndarray:
    """Share forecast errors (forecasts x sectors, percentage points) from every rolling origin."""
    errors = []
    n = len(comp.shares)
    for train in backtest_origins(n, settings):
        steps = min(settings.forecast.backtest_max_step, n - train)
        errors.append(share_point_forecast(comp, train, steps, model, settings) - comp.shares[train : train + steps])
    return np.vstack(errors) if errors else np.zeros((0, len(comp.sectors)))


def accuracy(errors: np.ndarray) -> tuple[int, float, float]:
    """Number of forecasts, RMSE and MAE."""
    if len(errors) == 0:
        return 0, math.nan, math.nan
    return len(errors), float(np.sqrt(np.mean(errors**2))), float(np.mean(np.abs(errors)))
