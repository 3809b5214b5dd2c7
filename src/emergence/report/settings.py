"""What the figures and the report take from the config, in one immutable object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from emergence.errors import InputError


@dataclass(frozen=True)
class Settings:
    """Countries (the focus country first), policy launch years, and the sector grouping drawn with its labels."""

    countries: tuple[str, ...]
    policy_events: tuple[tuple[int, str], ...] = ()
    scheme: str = "activity6"
    group_labels: Mapping[str, str] = field(default_factory=dict)  # group -> label, in display order
    periods: Mapping[str, str] = field(default_factory=dict)  # policy period id -> label, in time order

    @property
    def focus(self) -> str:
        return self.countries[0]


def settings_from_params(
    countries: Sequence[str],
    policy_events: Sequence[Mapping],
    scheme: str,
    groups: Sequence[Sequence[str]],
    periods: Sequence[Sequence[str]] = (),
) -> Settings:
    """Settings from the workflow's params: countries, policy_events, the scheme with its [group, label] pairs and
    the policy periods as [id, label] pairs."""
    if not countries:
        raise InputError("config", "countries", "at least one ISO3 code", list(countries))
    for i, event in enumerate(policy_events):
        if "year" not in event or "name" not in event:
            raise InputError("config", f"policy_events[{i}]", "a mapping with 'year' and 'name'", dict(event))
    events = tuple(sorted((int(e["year"]), str(e["name"])) for e in policy_events))
    for i, pair in enumerate(groups):
        if len(pair) != 2:
            raise InputError("config", f"concordance.schemes.{scheme}.groups[{i}]", "a group and its label", pair)
    for i, pair in enumerate(periods):
        if len(pair) != 2:
            raise InputError("config", f"periods[{i}]", "an id and its label", pair)
    return Settings(
        tuple(countries),
        events,
        scheme,
        {str(g): str(label) for g, label in groups},
        {str(p): str(label) for p, label in periods},
    )
