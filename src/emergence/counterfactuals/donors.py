"""The donor pool and the peer group, as config: checked against the countries of the ETD snapshot (and of the UN
snapshot, for the UN outcomes) before any job runs, so a misspelt code or an unexplained exclusion stops the build
with the key that holds it."""

from __future__ import annotations

from collections.abc import Sequence

from emergence.errors import InputError
from emergence.settings import CounterfactualSettings

KEY = "counterfactuals"
UN_KEY = f"{KEY}/un_ama"
# The UN workbook the UN outcomes are read from: the US-dollar one, the UN's latest release (a share of the sum of
# the activities does not depend on the currency).
UN_TABLE = "current_usd"
# What each country of the ETD panel is to the synthetic controls of a source (the stage's table synth_pool).
TREATED, DONOR, EXCLUDED, NO_SERIES, NOT_INCLUDED = "treated", "donor", "excluded", "no_series", "not_included"
POOL_ROLES = (TREATED, DONOR, EXCLUDED, NO_SERIES, NOT_INCLUDED)


def check_counterfactuals(
    settings: CounterfactualSettings, countries: Sequence[str], un_countries: Sequence[str] = ()
) -> None:
    """Every code in the panel (`countries`, those of the ETD snapshot), every exclusion with a reason, the focus
    country never a donor nor its own peer, room for a synthetic control, and designs the years can serve; with
    UN outcomes, the same of the UN's exclusions against `un_countries` (those of the UN snapshot)."""
    where, panel = settings.config_file, set(countries)
    if settings.focus not in panel:
        raise InputError(where, "key 'focus'", f"a country of the ETD snapshot {sorted(panel)}", settings.focus)
    _check_exclusions(settings, settings.excluded, panel, f"{KEY}/donors/exclude", "the ETD snapshot")
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
    if settings.un_outcomes:
        _check_un(settings, countries, un_countries)


def _check_exclusions(
    settings: CounterfactualSettings, excluded: Sequence[tuple[str, str]], panel: set[str], key: str, snapshot: str
) -> None:
    """Each exclusion a country of the snapshot other than the focus, with a reason, and none given twice."""
    where = settings.config_file
    for i, (country, reason) in enumerate(excluded):
        item = f"key '{key}/{i}'"
        if country not in panel:
            raise InputError(where, f"{item}, country", f"a country of {snapshot}", country)
        if not reason.strip():
            raise InputError(where, f"{item}, reason", "the reason the country is left out", "an empty reason")
        if country == settings.focus:
            raise InputError(where, f"{item}, country", "a donor (the focus country is the treated unit)", country)
    codes = [c for c, _ in excluded]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputError(where, f"key '{key}'", "each country excluded once", twice)


def _check_un(settings: CounterfactualSettings, countries: Sequence[str], un_countries: Sequence[str]) -> None:
    """The focus country in the UN snapshot, the UN's exclusions countries of it with their reasons (an exclusion
    of a country the snapshot lacks excludes nothing, and is refused), and two donors left."""
    where, snapshot = settings.config_file, set(un_countries)
    if settings.focus not in snapshot:
        raise InputError(where, "key 'focus'", f"a country of the UN snapshot (for {UN_KEY}/outcomes)", settings.focus)
    _check_exclusions(settings, settings.un_excluded, snapshot, f"{UN_KEY}/exclude", "the UN snapshot")
    if len(un_donor_pool(settings, countries, un_countries)) < 2:
        raise InputError(where, f"key '{UN_KEY}/exclude'", "at least two donors with a UN series after the exclusions")


def un_panel_countries(settings: CounterfactualSettings, un_countries: Sequence[str]) -> list[str]:
    """The countries of the UN snapshot the UN panel is cleaned for: all but the UN's exclusions (which the reader
    may not be able to read: their reasons say why)."""
    excluded = {c for c, _ in settings.un_excluded}
    return sorted(c for c in set(un_countries) if c not in excluded)


def un_donor_pool(settings: CounterfactualSettings, countries: Sequence[str], un_countries: Sequence[str]) -> list[str]:
    """The donors of the UN outcomes, sorted: those of the ETD's pool (`donor_pool`) that have a UN series, less
    the UN's exclusions."""
    usable = set(un_panel_countries(settings, un_countries))
    return [c for c in donor_pool(settings, countries) if c in usable]


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
