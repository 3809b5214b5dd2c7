"""Source sensitivity on constructed two-source cases: every variant is judged, the range spans their values,
and a verdict that changes with the source (or the reading) is flagged as such."""

from __future__ import annotations

import pandas as pd
import pytest

from emergence.claims.evaluate import context
from emergence.claims.judging import Tolerance
from emergence.claims.ledger import build_ledger
from emergence.claims.scope import Scope
from emergence.claims.spec import check_claims
from emergence.claims.variants import depends_on, evaluate_variants, sources_table

TOL = Tolerance(
    reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
)
SCOPE = Scope(country="MAR", focus="MAR", countries=("MAR",))


def frame(source: str, values: dict[str, float]) -> pd.DataFrame:
    """One year (2007) of employment shares for Morocco."""
    rows = [("MAR", sector, "emp_share", 2007, v, "%", source) for sector, v in values.items()]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


TABLES = {
    # manufacturing 12.4 in ETD, 14.0 in GGDC 10-sector; with mining and utilities 15.0 in ETD, 17.5 in GGDC
    "etd": frame("etd", {"manufacturing": 12.4, "mining": 1.6, "utilities": 1.0, "agriculture": 85.0}),
    "ggdc10": frame("ggdc10", {"manufacturing": 14.0, "mining": 2.5, "utilities": 1.0, "agriculture": 82.5}),
}


def level(table: str, sector) -> dict:
    return {"series": {"table": table, "sector": sector, "variable": "emp_share"}, "reduce": "level", "years": [2007]}


def claim(*variants, reading: str | None = None) -> dict:
    out = {
        "id": "industry",
        "section": "3.4",
        "statement": "industry employs 12.5%",
        "claimed": 12.5,
        "unit": "% of employment",
        "recipe": {"statistic": "value", "terms": [level("etd", "manufacturing")]},
    }
    if reading:
        out["reading"] = reading
    if variants:
        out["variants"] = list(variants)
    return out


def variant(label: str, table: str, sector, reading: str | None = None) -> dict:
    out = {"label": label, "statistic": "value", "terms": [level(table, sector)]}
    return {**out, "reading": reading} if reading else out


def rows_of(c: dict) -> list[dict]:
    (checked,) = check_claims({"country": "MAR", "claims": [c]}, "two_sources.yaml")
    return evaluate_variants(checked, context([checked], TABLES, "MAR"), TOL, "two_sources.yaml")


def test_two_sources_give_the_range_and_a_verdict_that_depends_on_the_source():
    c = claim(variant("GGDC 10-sector", "ggdc10", "manufacturing"))
    rows = rows_of(c)
    assert [(r["variant"], r["source"], r["numeric_status"]) for r in rows] == [
        ("main", "etd", "reproduced"),  # 0.1 points off
        ("GGDC 10-sector", "ggdc10", "differs"),  # 1.5 points off: beyond the 1-point cap
    ]
    assert depends_on(rows) == "source"
    (checked,) = check_claims({"country": "MAR", "claims": [c]}, "two_sources.yaml")
    ledger, variants = build_ledger([checked], TABLES, TOL, SCOPE, "two_sources.yaml")
    row = ledger.iloc[0]
    assert row["status"] == "reproduced" and row["verdict_depends_on"] == "source" and row["variants"] == 2
    assert row["recomputed_min"] == pytest.approx(12.4) and row["recomputed_max"] == pytest.approx(14.0)
    table = sources_table(variants, "two_sources.yaml").set_index("variant")
    assert table.loc["GGDC 10-sector", "deviation"] == pytest.approx(1.5)


def test_sources_that_agree_raise_no_flag():
    rows = rows_of(claim(variant("ETD again", "etd", "manufacturing")))
    assert depends_on(rows) is None


def test_readings_are_evaluated_each_with_its_value():
    broad = ["mining", "manufacturing", "utilities"]
    rows = rows_of(
        claim(
            variant("ETD, wide industry", "etd", broad, reading="mining, manufacturing and utilities"),
            reading="manufacturing",
        )
    )
    assert [r["reading"] for r in rows] == ["manufacturing", "mining, manufacturing and utilities"]
    assert [r["recomputed"] for r in rows] == pytest.approx([12.4, 15.0])
    assert depends_on(rows) == "reading"
    # two sources and two readings, where both the source and the reading change the verdict
    both = rows_of(
        claim(
            variant("GGDC 10-sector", "ggdc10", "manufacturing", reading="manufacturing"),
            variant("ETD, wide industry", "etd", broad, reading="mining, manufacturing and utilities"),
            reading="manufacturing",
        )
    )
    assert depends_on(both) == "source and reading"
    # a source and a reading changed at once cannot be told apart
    crossed = rows_of(claim(variant("GGDC 10-sector, wide", "ggdc10", broad, reading="wide"), reading="manufacturing"))
    assert depends_on(crossed) == "source or reading"


def test_a_declared_definitional_gap_holds_for_every_variant():
    c = {**claim(variant("GGDC 10-sector", "ggdc10", "manufacturing")), "not_comparable": "net against gross"}
    rows = rows_of(c)
    assert {r["status"] for r in rows} == {"not_comparable"}
    assert [r["numeric_status"] for r in rows] == ["reproduced", "differs"]
