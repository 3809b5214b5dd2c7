"""The donor pool and the peer group, as config: checked against the countries of the ETD snapshot before any job
runs, so a misspelt code or an unexplained exclusion stops the build with the key that holds it."""

from __future__ import annotations

from collections.abc import Sequence

from emergence.errors import InputError
from emergence.settings import CounterfactualSettings

KEY = "counterfactuals"


def check_counterfactuals(settings: CounterfactualSettings, countries: Sequence[str]) -> None:
    """Every code in the panel (`countries`, those of the ETD snapshot), every exclusion with a reason, the focus
    country never a donor nor its own peer, room for a synthetic control, and designs the years can serve."""
    where, panel = settings.config_file, set(countries)
    if settings.focus not in panel:
        raise InputError(where, "key 'focus'", f"a country of the ETD snapshot {sorted(panel)}", settings.focus)
    for i, (country, reason) in enumerate(settings.excluded):
        key = f"key '{KEY}/donors/exclude/{i}'"
        if country not in panel:
            raise InputError(where, f"{key}, country", "a country of the ETD snapshot", country)
        if not reason.strip():
            raise InputError(where, f"{key}, reason", "the reason the country is left out", "an empty reason")
        if country == settings.focus:
            raise InputError(where, f"{key}, country", "a donor (the focus country is the treated unit)", country)
    codes = [c for c, _ in settings.excluded]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputError(where, f"key '{KEY}/donors/exclude'", "each country excluded once", twice)
    lists = [(f"{KEY}/donors/include", settings.donors or ()), (f"{KEY}/event_study/extra_peers", settings.peers)]
    for key, members in lists:
        absent = [c for c in members if c not in panel]
        if absent:
            raise InputError(where, f"key '{key}'", "countries of the ETD snapshot", absent)
        if settings.focus in members:
            raise InputError(where, f"key '{key}'", f"countries other than the focus {settings.focus}", settings.focus)
    if len(donor_pool(settings, countries)) < 2:
        raise InputError(where, f"key '{KEY}/donors'", "at least two donors after the exclusions")
    if not settings.peers:
        raise InputError(where, f"key '{KEY}/event_study/extra_peers'", "at least one peer besides the focus")
    leads, clusters = -settings.event_window[0] - 1, 1 + len(settings.peers)
    if leads > clusters - 2:
        raise InputError(
            where,
            f"key '{KEY}/event_study/window'",
            f"at most {clusters - 2} leads for {clusters} countries (first event time -{clusters - 1} or later)",
            list(settings.event_window),
        )
    _check_years(settings)


def donor_pool(settings: CounterfactualSettings, countries: Sequence[str]) -> list[str]:
    """The donors, sorted: the include list (or every panel country), less the focus and the exclusions."""
    excluded = {c for c, _ in settings.excluded} | {settings.focus}
    members = settings.donors if settings.donors is not None else countries
    return sorted(c for c in set(members) if c not in excluded)


def _check_years(settings: CounterfactualSettings) -> None:
    """Each design leaves at least one pre-period year per predictor window, and in-time placebos fall inside
    the main design's pre-period."""
    where, first, shortest = settings.config_file, settings.first_year, settings.windows + 1
    for i, year in enumerate(settings.treatment_years):
        if year - first < shortest:
            raise InputError(
                where,
                f"key '{KEY}/treatment_years/{i}'",
                f"a year at least {shortest} years after synth/first_year {first}",
                year,
            )
    main = settings.treatment_years[0]
    for i, year in enumerate(settings.fake_years):
        if not first + shortest <= year < main:
            raise InputError(
                where,
                f"key '{KEY}/synth/fake_years/{i}'",
                f"a year from {first + shortest} to {main - 1} (before the main treatment year)",
                year,
            )
