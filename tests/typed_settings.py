"""Typed settings for tests, made the way the workflow makes them: the repository's config, with the parts a test
changes, validated and turned into `emergence.settings` objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from emergence.config import load_config, validate_config
from emergence.settings import ModelSettings, Period, StructureSettings, from_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "config.yaml")


def model_settings(
    countries: Sequence[str],
    periods: Sequence[Mapping] | None = None,
    policy_events: Sequence[Mapping] | None = None,
    models: Mapping | None = None,
) -> ModelSettings:
    """The models stage's settings for these countries (the first is the focus) and config parts."""
    config = {
        **CONFIG,
        "focus": countries[0],
        "countries": list(countries),
        "periods": list(periods if periods is not None else CONFIG["periods"]),
        "policy_events": list(policy_events if policy_events is not None else CONFIG["policy_events"]),
        "models": dict(models if models is not None else CONFIG["models"]),
    }
    return from_config(validate_config(config, where="test settings")).models


def structure_settings(
    countries: Sequence[str],
    periods: Sequence[Mapping] = (),
    merges: Mapping[str, str] | None = None,
    peer_sectors: Sequence[str] | None = None,
) -> StructureSettings:
    """The structure stage's settings for these countries, periods (dicts as in the config) and merges."""
    return StructureSettings(
        countries=tuple(countries),
        periods=tuple(Period(p["id"], p.get("label", ""), p.get("start"), p.get("end")) for p in periods),
        merges=tuple(sorted((merges or {}).items())),
        peer_sectors=tuple(peer_sectors or ("manufacturing",)),
    )
