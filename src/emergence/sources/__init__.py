"""The published sources the project snapshots and cleans, by name."""

from __future__ import annotations

from types import ModuleType

from emergence.errors import InputError
from emergence.sources import etd, ggdc10, un_ama, wdi

SOURCES: dict[str, ModuleType] = {"etd": etd, "ggdc10": ggdc10, "un_ama": un_ama, "wdi": wdi}


def source(name: str) -> ModuleType:
    if name not in SOURCES:
        raise InputError("command line", "SOURCE", f"one of {sorted(SOURCES)}", name)
    return SOURCES[name]
