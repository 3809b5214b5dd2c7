"""The stage's settings, built from the rule's params so that every function gets plain, checked values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emergence.errors import InputError

CONFIG = "config/config.yaml"
SAMPLE_ID = "whole_sample"


@dataclass(frozen=True)
class Period:
    id: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Span:
    """A change from `base` to `end` (years): a configured period, the whole sample, or one year."""

    period: str
    base: int
    end: int


@dataclass(frozen=True)
class StructureSettings:
    countries: tuple[str, ...]
    periods: tuple[Period, ...]
    merges: tuple[tuple[str, str], ...] = ()
    peer_sectors: tuple[str, ...] = ("manufacturing",)

    @classmethod
    def from_params(
        cls,
        countries: list[str],
        periods: list[Mapping],
        merges: Mapping[str, str] | None = None,
        peer_sectors: list[str] | None = None,
    ) -> StructureSettings:
        """Settings from the validated config keys `countries`, `periods` and `structure`, as the rules pass them."""
        if not countries:
            raise InputError(CONFIG, "countries", "at least one ISO3 code", countries)
        parsed = tuple(Period(p["id"], p.get("start"), p.get("end")) for p in periods)
        ids = [p.id for p in parsed]
        if SAMPLE_ID in ids:
            raise InputError(CONFIG, "periods[].id", f"ids other than '{SAMPLE_ID}' (the whole sample)", ids)
        merges = dict(merges or {})
        chained = sorted(set(merges) & set(merges.values()))
        if chained or any(k == v for k, v in merges.items()):
            raise InputError(
                CONFIG, "structure.merge_without_employment", "sectors merged into other kept sectors", merges
            )
        return cls(
            countries=tuple(countries),
            periods=parsed,
            merges=tuple(sorted(merges.items())),
            peer_sectors=tuple(peer_sectors or cls.peer_sectors),
        )


def spans(periods: tuple[Period, ...], first: int, last: int) -> list[Span]:
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


def annual_spans(years: list[int]) -> list[Span]:
    """One span for each pair of consecutive data years, named by its end year."""
    ordered = sorted(years)
    return [Span(str(b), a, b) for a, b in zip(ordered[:-1], ordered[1:], strict=True) if b == a + 1]
