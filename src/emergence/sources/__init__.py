"""The published sources the project snapshots and cleans, by name."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from emergence.errors import InputError
from emergence.sources import etd, ggdc10, un_ama, wdi

SOURCES: dict[str, ModuleType] = {"etd": etd, "ggdc10": ggdc10, "un_ama": un_ama, "wdi": wdi}
# Regional tables taken through a registry package: snapshotted like the others, cleaned by their own stage, and
# imported only when asked for (so the rules of the sources above do not depend on their code).
PACKAGED = ("hcp_census",)


def source(name: str, packaged: bool = False) -> ModuleType:
    if packaged and name in PACKAGED:
        return import_module(f"emergence.sources.{name}")
    if name not in SOURCES:
        also = f", or {list(PACKAGED)} (taken through a package)" if packaged else ""
        raise InputError("command line", "SOURCE", f"one of {sorted(SOURCES)}{also}", name)
    return SOURCES[name]
