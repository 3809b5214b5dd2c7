"""Whose claims these are: the paper is about one country (claims.yaml `country`), the build about its focus
country and peers (the rule's params), and the two need not be the same."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Whose claims these are (`country`), the build's focus country and the countries it holds data for."""

    country: str
    focus: str
    countries: tuple[str, ...]

    @property
    def evaluated(self) -> bool:
        return self.country in self.countries

    def reason(self) -> str:
        """Why claims that need data are not evaluated."""
        countries = ", ".join(self.countries)
        return f"the paper's claims are about {self.country}, which is not among the build's countries ({countries})"
