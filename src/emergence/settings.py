"""The build's settings, typed and immutable, made once from the validated config.

The workflow validates the config (its schema holds the defaults), builds one `Settings` from it and hands each
rule the part it uses through `params:` as plain values (`to_params`), so that a changed setting reruns exactly
the rules that use it; a script turns its part back into the typed object (`from_params`) without checking it
again. Error messages name `config_file`, the file the values came from.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from emergence.errors import InputError

DEFAULT_CONFIG_FILE = "config/config.yaml"
SAMPLE_ID = "whole_sample"  # the span of all data years, beside the configured periods


@dataclass(frozen=True)
class Period:
    """A policy period; no start or end means the first or last year of the data."""

    id: str
    label: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Span:
    """A change from `base` to `end` (years): a configured period, the whole sample, or one year."""

    period: str
    base: int
    end: int


def spans(periods: Sequence[Period], first: int, last: int) -> list[Span]:
    """The periods as changes between two data years, then the whole sample.

    A period covers the changes of its years: it runs from the year before its start (or from the first data
    year) to its end (or the last data year), so consecutive periods chain into the whole sample. Periods with
    no change inside the data are left out.
    """
    out = []
    for p in periods:
        base = first if p.start is None else max(p.start - 1, first)
        end = last if p.end is None else min(p.end, last)
        if base < end:
            out.append(Span(p.id, base, end))
    out.append(Span(SAMPLE_ID, first, last))
    return out


def annual_spans(years: Sequence[int]) -> list[Span]:
    """One span for each pair of consecutive data years, named by its end year."""
    ordered = sorted(years)
    return [Span(str(b), a, b) for a, b in zip(ordered[:-1], ordered[1:], strict=True) if b == a + 1]


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
    countries: tuple[str, ...] = ()
    backtest_countries: tuple[str, ...] = ()


MODEL_SECTIONS = {
    "trend": TrendSettings,
    "breaks": BreakSettings,
    "diagnostics": DiagnosticSettings,
    "filters": FilterSettings,
    "forecast": ForecastSettings,
}


@dataclass(frozen=True)
class ModelSettings:
    """The models stage; each rule gets only the sections it uses (the others are None)."""

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
    config_file: str = DEFAULT_CONFIG_FILE

    def only(self, *sections: str) -> ModelSettings:
        """These settings with only the named sections kept."""
        return replace(self, **{name: None for name in MODEL_SECTIONS if name not in sections})


@dataclass(frozen=True)
class StructureSettings:
    countries: tuple[str, ...]
    periods: tuple[Period, ...]
    merges: tuple[tuple[str, str], ...] = ()
    peer_sectors: tuple[str, ...] = ("manufacturing",)


@dataclass(frozen=True)
class RegionSettings:
    """The regions stage: the sector called industry, how many top regions, founding cohorts, rates compared."""

    industry: str
    top_regions: int
    cohorts: Mapping[str, tuple[str, ...]]
    rates: tuple[str, ...]


@dataclass(frozen=True)
class CounterfactualSettings:
    """The counterfactual stage: the focus country, its donor pool (or None: every panel country but the focus)
    less the exclusions (country, reason), the peers of its event study, the outcomes and treatment years (the
    first the main design), and the settings of the synthetic controls, event studies and break searches; the
    synthetic controls' outcomes from the UN main aggregates and the UN's own exclusions (country, reason)."""

    focus: str
    peers: tuple[str, ...]
    donors: tuple[str, ...] | None
    excluded: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]
    productivity_base_year: int
    treatment_years: tuple[int, ...]
    first_year: int
    windows: int
    last_value: bool
    starts: int
    pre_rmspe_k: float
    placebo_variants: bool
    fake_years: tuple[int, ...]
    leave_one_out: bool
    event_window: tuple[int, int]
    draws: int
    weights: str
    level: float
    seed: int
    break_series: tuple[str, ...]
    break_model: str
    trimming: float
    max_breaks: int | None
    cov: str
    select: str
    alpha: float
    break_level: float
    config_file: str = DEFAULT_CONFIG_FILE
    un_outcomes: tuple[str, ...] = ()
    un_excluded: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ViewSettings:
    """What the figures and the report take: countries (the focus country first), launch years, periods, and the
    sector grouping drawn with its labels."""

    countries: tuple[str, ...]
    policy_events: tuple[tuple[int, str], ...] = ()
    scheme: str = "activity6"
    group_labels: Mapping[str, str] = field(default_factory=dict)  # group -> label, in display order
    periods: Mapping[str, str] = field(default_factory=dict)  # policy period id -> label, in time order

    @property
    def focus(self) -> str:
        return self.countries[0]


@dataclass(frozen=True)
class BlankCells:
    """Cells of a source that may be blank (or hold `marker`, the publisher's note) by the publisher's own account:
    those of the sectors, variables, countries and years given (an empty filter or no year bound matches all)."""

    reason: str
    sectors: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    marker: str = ""

    def matches(self, country: str, variable: str, sector: str, year: int) -> bool:
        return (
            (not self.sectors or sector in self.sectors)
            and (not self.variables or variable in self.variables)
            and (not self.countries or country in self.countries)
            and (self.first_year is None or year >= self.first_year)
            and (self.last_year is None or year <= self.last_year)
        )


@dataclass(frozen=True)
class Gaps:
    """What a source may lack (the config's `sources.SOURCE.gaps`): years without any value at the start or both
    ends of a series (`empty_years`: none, leading or edges), and the blank cells listed in `cells`."""

    empty_years: str = "none"
    cells: tuple[BlankCells, ...] = ()


def source_gaps(config: Mapping) -> dict[str, Gaps]:
    """Each source's allowed gaps from the validated config."""
    return {name: gaps_of(part["gaps"]) for name, part in sorted(config["sources"].items())}


def gaps_of(part: Mapping) -> Gaps:
    """One source's `gaps` setting as typed values (keys left out take the dataclasses' defaults, the schema's)."""
    cells = tuple(
        BlankCells(
            " ".join(str(c["reason"]).split()),
            *(tuple(c.get(key, ())) for key in ("sectors", "variables", "countries")),
            c.get("first_year"),
            c.get("last_year"),
            c.get("marker", ""),
        )
        for c in part.get("cells", ())
    )
    return Gaps(part.get("empty_years", Gaps.empty_years), cells)


@dataclass(frozen=True)
class Settings:
    """Every setting of a build."""

    config_file: str
    focus: str
    countries: tuple[str, ...]  # the focus country first, then its peers in the order given
    periods: tuple[Period, ...]
    policy_events: tuple[tuple[int, str], ...]
    models: ModelSettings
    structure: StructureSettings
    regions: RegionSettings
    counterfactuals: CounterfactualSettings
    views: ViewSettings
    figure_formats: tuple[str, ...]
    sources: Mapping[str, Gaps] = field(default_factory=dict)  # source -> the gaps its reader allows


def from_config(config: Mapping, config_file: str = DEFAULT_CONFIG_FILE) -> Settings:
    """Typed settings from a config that the schema has validated and filled with defaults."""
    focus = config["focus"]
    countries = (focus, *(c for c in config["countries"] if c != focus))
    periods = tuple(Period(p["id"], p["label"], p.get("start"), p.get("end")) for p in config["periods"])
    events = tuple((int(e["year"]), str(e["name"])) for e in config["policy_events"])
    models = config["models"]
    sections = {name: kind(**models[name]) for name, kind in MODEL_SECTIONS.items()}
    forecast = sections["forecast"]
    sections["forecast"] = replace(
        forecast,
        arima_orders=tuple(tuple(int(x) for x in order) for order in forecast.arima_orders),
        countries=tuple(forecast.countries or (focus,)),
        backtest_countries=tuple(forecast.backtest_countries or (focus,)),
    )
    scheme = config["figures"]["scheme"]
    structure = config["structure"]
    return Settings(
        config_file=config_file,
        focus=focus,
        countries=countries,
        periods=periods,
        policy_events=events,
        models=ModelSettings(
            countries=countries,
            periods=periods,
            policy_years=tuple(year for year, _ in events),
            sectors=tuple(models["sectors"]) if models["sectors"] else None,
            variables=tuple(models["variables"]),
            confidence=float(models["confidence"]),
            seed=int(models["seed"]),
            config_file=config_file,
            **sections,
        ),
        structure=StructureSettings(
            countries=countries,
            periods=periods,
            merges=tuple(sorted(structure["merge_without_employment"].items())),
            peer_sectors=tuple(sorted(structure["peer_sectors"])),
        ),
        regions=RegionSettings(
            industry=config["regions"]["industry"],
            top_regions=int(config["regions"]["top_regions"]),
            cohorts={k: tuple(v) for k, v in sorted(config["regions"]["cohorts"].items())},
            rates=tuple(config["regions"]["rates"]),
        ),
        counterfactuals=counterfactual_settings(config, countries, events, config_file),
        views=ViewSettings(
            countries=countries,
            policy_events=events,
            scheme=scheme,
            group_labels=dict(config["concordance"]["schemes"][scheme]["groups"]),
            periods={p.id: p.label for p in periods},
        ),
        figure_formats=tuple(config["figures"]["formats"]),
        sources=source_gaps(config),
    )


def counterfactual_settings(
    config: Mapping, countries: tuple[str, ...], events: tuple[tuple[int, str], ...], config_file: str
) -> CounterfactualSettings:
    """The counterfactual stage's part of the config: treatment years default to the launch years, the peers are
    the other configured countries and the extra ones."""
    part = config["counterfactuals"]
    synth, study, breaks, donors = part["synth"], part["event_study"], part["breaks"], part["donors"]
    extra = tuple(c for c in study["extra_peers"] if c not in countries)

    def exclusions(items: Sequence[Mapping]) -> tuple[tuple[str, str], ...]:
        return tuple((e["country"], " ".join(str(e["reason"]).split())) for e in items)

    return CounterfactualSettings(
        focus=countries[0],
        peers=(*countries[1:], *extra),
        donors=None if donors["include"] is None else tuple(donors["include"]),
        excluded=exclusions(donors["exclude"]),
        outcomes=tuple(part["outcomes"]),
        productivity_base_year=int(part["productivity_base_year"]),
        treatment_years=tuple(part["treatment_years"] or (year for year, _ in events)),
        first_year=int(synth["first_year"]),
        windows=int(synth["windows"]),
        last_value=bool(synth["last_value"]),
        starts=int(synth["starts"]),
        pre_rmspe_k=float(synth["pre_rmspe_k"]),
        placebo_variants=bool(synth["placebo_variants"]),
        fake_years=tuple(sorted(synth["fake_years"])),
        leave_one_out=bool(synth["leave_one_out"]),
        event_window=(int(study["window"][0]), int(study["window"][1])),
        draws=int(study["draws"]),
        weights=study["weights"],
        level=float(study["level"]),
        seed=int(study["seed"]),
        break_series=tuple(breaks["series"]),
        break_model=breaks["model"],
        trimming=float(breaks["trimming"]),
        max_breaks=breaks["max_breaks"],
        cov=breaks["cov"],
        select=breaks["select"],
        alpha=float(breaks["alpha"]),
        break_level=float(breaks["level"]),
        config_file=config_file,
        un_outcomes=tuple(part["un_ama"]["outcomes"]),
        un_excluded=exclusions(part["un_ama"]["exclude"]),
    )


def check_against_data(settings: ModelSettings, first: int, last: int, where: str) -> None:
    """Settings the data cannot serve are errors, not silent gaps: a policy year with no data before or after it,
    and a period with fewer years of data than a trend fit needs."""
    for i, year in enumerate(settings.policy_years):
        if not first < year <= last:
            raise InputError(
                settings.config_file,
                f"policy_events[{i}].year",
                f"a year after {first} and up to {last}, the years of {where}",
                year,
            )
    if settings.trend is None:
        return
    covered = {span.period: span for span in spans(settings.periods, first, last)}
    for i, period in enumerate(settings.periods):
        span = covered.get(period.id)
        n = span.end - span.base + 1 if span else 0
        if n < settings.trend.min_years:
            raise InputError(
                settings.config_file,
                f"periods[{i}] ({period.id})",
                f"at least models.trend.min_years = {settings.trend.min_years} years of {where} "
                f"({first}-{last}), counting the year before the start",
                f"{n} years",
            )


def to_params(value: object) -> object:
    """Plain values (dicts, lists, numbers, strings) of a settings object, for a rule's params: Snakemake compares
    params by their text, and does not look inside objects of other types."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_params(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_params(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_params(v) for v in value]
    return value


def from_params(kind: type, data: object) -> object:
    """The typed object of `kind` back from `to_params` values."""
    return _typed(kind, data)


def _typed(hint: object, data: object) -> object:
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        return _typed(options[0], data)
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{name: _typed(hints[name], value) for name, value in data.items()})
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], v) for v in data)
        return tuple(_typed(a, v) for a, v in zip(args, data, strict=True))
    if origin in (Mapping, dict) or hint in (Mapping, dict):
        args = typing.get_args(hint) or (str, object)
        return {k: _typed(args[1], v) for k, v in data.items()}
    return data
