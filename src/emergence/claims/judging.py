"""Verdicts: when a recomputed figure reproduces a claim, comes close or differs, and when the comparison is
void because the definitions or the units do not match.

A number is judged first (`judge`); a claim's declared definitional or unit problem then overrides the numeric
verdict (`verdict`), which the ledger keeps beside it so a reader sees both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# The verdicts, in the order they are listed and drawn.
STATUSES = (
    "reproduced",
    "close",
    "differs",
    "inconsistent",
    "not_comparable",
    "unit_error",
    "not_recomputable",
    "not_evaluated",
)
NUMERIC_STATUSES = ("reproduced", "close", "differs", "inconsistent")
STATUS_LABELS = {
    "reproduced": "Reproduced",
    "close": "Close",
    "differs": "Differs",
    "inconsistent": "Inconsistent",
    "not_comparable": "Not comparable",
    "unit_error": "Unit error",
    "not_recomputable": "Not recomputable",
    "not_evaluated": "Not evaluated",
}
# What a claim is checked against: our data, the paper's own figures (internal), or nothing.
BASES = ("data", "paper", "none")
BASIS_LABELS = {"data": "Against the data", "paper": "The paper against itself", "none": "Not checked"}
QUALIFIERS = ("exact", "about", "more_than", "less_than")


@dataclass(frozen=True)
class Tolerance:
    """When a recomputed figure counts as reproduced or close (data), or the paper's arithmetic as consistent.

    Relative tolerances are fractions of the claimed value; for claims in % or percentage points the allowance is
    also capped at `points` percentage points, so a share of 52% is not allowed five points of slack.
    """

    reproduced_relative: float
    reproduced_points: float
    close_relative: float
    close_points: float
    paper_relative: float

    @classmethod
    def from_params(cls, params: dict) -> Tolerance:
        return cls(
            reproduced_relative=params["reproduced"]["relative"],
            reproduced_points=params["reproduced"]["points"],
            close_relative=params["close"]["relative"],
            close_points=params["close"]["points"],
            paper_relative=params["paper_relative"],
        )


def is_percent(unit: str) -> bool:
    return unit.startswith("%") or unit.startswith("percentage point")


def printed_decimals(value: float) -> int:
    """Decimals the paper prints for a figure (66.37 -> 2, 252 -> 0)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(-int(exponent), 0)


def matches_printed(claimed: float, recomputed: float) -> bool:
    """Whether `recomputed`, rounded or truncated to the paper's printed decimals, gives the printed figure."""
    factor = 10.0 ** printed_decimals(claimed)
    scaled, target = recomputed * factor, claimed * factor
    tiny = 1e-9 * max(abs(target), 1.0)
    return abs(round(scaled) - target) <= tiny or abs(math.trunc(scaled + math.copysign(tiny, scaled)) - target) <= tiny


def agrees_internally(expected: float, found: float, tol: Tolerance) -> bool:
    """The paper's arithmetic holds: the printed digits, or within the paper tolerance of the printed figure."""
    return matches_printed(expected, found) or abs(found - expected) <= tol.paper_relative * abs(expected)


def judge(claimed: float, recomputed: float | None, qualifier: str, unit: str, basis: str, tol: Tolerance) -> str:
    """The numeric verdict of one figure (one of NUMERIC_STATUSES, or not_recomputable without a figure)."""
    if recomputed is None:
        return "not_recomputable"
    deviation = recomputed - claimed
    bound = qualifier in ("more_than", "less_than")
    if (qualifier == "more_than" and deviation >= 0) or (qualifier == "less_than" and deviation <= 0):
        return "reproduced"
    gap = abs(deviation)
    if basis == "paper":
        return "reproduced" if agrees_internally(claimed, recomputed, tol) and not bound else "inconsistent"

    def allowance(relative: float, points: float) -> float:
        scaled = relative * abs(claimed)
        return min(scaled, points) if is_percent(unit) else scaled

    if gap <= allowance(tol.reproduced_relative, tol.reproduced_points) and not bound:
        return "reproduced"
    if gap <= allowance(tol.close_relative, tol.close_points):
        return "close"
    return "differs"


def verdict(numeric: str, claim: dict) -> tuple[str, str | None]:
    """The claim's status and its reason: a declared unit error or definitional mismatch overrides the number."""
    if claim.get("unit_error"):
        return "unit_error", claim["unit_error"]
    if claim.get("not_comparable"):
        return "not_comparable", claim["not_comparable"]
    return numeric, None
