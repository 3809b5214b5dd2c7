"""The ledger on small constructed claims: every status is reached, values and labels are the known ones,
checks against the data stay apart from the paper's checks of itself, and the claims are labelled with their
own country whatever the build's focus."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from emergence.claims.judging import STATUSES, Tolerance
from emergence.claims.ledger import build_ledger, summarise
from emergence.claims.scope import Scope
from emergence.claims.spec import check_claims
from emergence.errors import InputError

TOL = Tolerance(
    reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
)
MOROCCO = Scope(country="MAR", focus="MAR", countries=("MAR", "TUN"))


def synthetic_tables() -> dict[str, pd.DataFrame]:
    years = list(range(2000, 2011))
    rows = []
    for i, year in enumerate(years):
        rows.append(("MAR", "total", "va_constant", year, 1000 * 1.05**i))
        rows.append(("MAR", "manufacturing", "emp", year, 1300.0 - 10 * i))
        rows.append(("MAR", "business", "emp", year, 100.0 + 4 * i))
        rows.append(("TUN", "total", "va_constant", year, 1000 * 1.02**i))
        for sector, value in (("agriculture", 44.0), ("trade", 36.0), ("manufacturing", 12.0), ("mining", 8.0)):
            rows.append(("MAR", sector, "emp_share", year, value))
    etd = pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value"]).assign(unit="u", source="etd")
    companies = pd.DataFrame(
        [
            (f"c{i}", size, n)
            for i, (sme, large) in enumerate([(30, 20), (43, 4), (10, 10)], start=1)
            for size, n in (("sme", sme), ("large", large), ("total", sme + large))
        ],
        columns=["cluster_id", "size", "companies"],
    )
    return {"etd": etd, "cluster_companies": companies}


def series(sector, variable, reduce, years, scale=None) -> dict:
    term = {"series": {"table": "etd", "sector": sector, "variable": variable}, "reduce": reduce, "years": years}
    return {**term, "scale": scale} if scale else term


def claim(claim_id, claimed, unit, terms, statistic="value", **extra) -> dict:
    recipe = {"statistic": statistic, "terms": terms}
    return {"id": claim_id, "section": "2", "statement": claim_id, "claimed": claimed, "unit": unit, "recipe": recipe,
            **extra}  # fmt: skip


GROWTH = series("total", "va_constant", "mean_growth", [2001, 2010])  # 5.0 exactly
SYNTHETIC = {
    "country": "MAR",
    "claims": [
        claim("growth", 5.0, "% a year", [GROWTH]),
        claim("growth_close", 5.3, "% a year", [GROWTH]),
        claim(
            "jobs",
            50000,
            "jobs",
            [series(["manufacturing", "business"], "emp", "change", [2000, 2010], 1000)],
            qualifier="more_than",
        ),
        claim("rank", 2, "rank", [series("manufacturing", "emp_share", "rank", [2005])]),
        claim(
            "gross_jobs",
            90000,
            "jobs",
            [series("manufacturing", "emp", "change", [2000, 2009], 1000)],
            not_comparable="gross jobs created against the net change in employment",
        ),
        claim(
            "per_million",
            12,
            "per million inhabitants",
            [series("manufacturing", "emp_share", "level", [2003])],
            unit_error="the figure is a share printed as a rate",
        ),
        claim("companies", 120, "companies", [{"paper": "cluster_companies", "size": "total", "reduce": "sum"}]),
        claim("companies_117", 117, "companies", [{"paper": "cluster_companies", "size": "total", "reduce": "sum"}]),
        claim(
            "mean",
            39,
            "companies",
            [{"claim": "companies"}, {"paper": "cluster_companies", "reduce": "count"}],
            statistic="ratio",
            also=[
                {
                    "label": "from the table",
                    "statistic": "value",
                    "terms": [{"paper": "cluster_companies", "reduce": "average"}],
                }
            ],
        ),
        {
            "id": "exports",
            "section": "2",
            "statement": "exports",
            "claimed": 119,
            "unit": "billion MAD",
            "recomputable": False,
            "reason": "no series",
        },
    ],
}


def synthetic_ledger(doc: dict | None = None, scope: Scope = MOROCCO) -> pd.DataFrame:
    claims = check_claims(doc or SYNTHETIC, "synthetic.yaml")
    return build_ledger(claims, synthetic_tables(), TOL, scope, "synthetic.yaml")[0].set_index("id")


def test_each_status_is_reached_by_a_constructed_claim():
    ledger = synthetic_ledger()
    assert ledger.loc["growth", "recomputed"] == pytest.approx(5.0)
    assert ledger.loc["growth", "status"] == "reproduced" and ledger.loc["growth", "basis"] == "data"
    assert ledger.loc["growth_close", "status"] == "close"  # 0.3 points off: beyond 0.25, within 1
    # manufacturing -100 thousand, business +40 thousand: a net loss, far from "over 50,000"
    assert ledger.loc["jobs", "recomputed"] == pytest.approx(-60000) and ledger.loc["jobs", "status"] == "differs"
    assert ledger.loc["jobs", "source_series"] == "etd MAR manufacturing+business emp change 2000-2010"
    assert ledger.loc["rank", "recomputed"] == 3 and ledger.loc["rank", "status"] == "differs"
    assert ledger.loc["gross_jobs", "status"] == "not_comparable"
    assert ledger.loc["gross_jobs", "numeric_status"] == "differs"  # the number is still recomputed and shown
    assert ledger.loc["gross_jobs", "recomputed"] == pytest.approx(-90000)
    assert ledger.loc["gross_jobs", "status_reason"].startswith("gross jobs")
    assert (
        ledger.loc["per_million", "status"] == "unit_error"
        and ledger.loc["per_million", "numeric_status"] == "reproduced"
    )
    assert ledger.loc["companies", "status"] == "inconsistent" and ledger.loc["companies", "basis"] == "paper"
    assert ledger.loc["companies_117", "status"] == "reproduced" and ledger.loc["companies_117", "basis"] == "paper"
    assert ledger.loc["mean", "recomputed"] == pytest.approx(40.0) and ledger.loc["mean", "status"] == "inconsistent"
    assert ledger.loc["mean", "note"] == "from the table: 39 (Table 3 total companies: average)"
    assert ledger.loc["exports", "status"] == "not_recomputable" and ledger.loc["exports", "basis"] == "none"
    assert ledger.loc["exports", "status_reason"] == "no series" and pd.isna(ledger.loc["exports", "recomputed"])
    no_morocco = synthetic_ledger(scope=Scope(country="MAR", focus="TUN", countries=("TUN",)))
    assert no_morocco.loc["growth", "status"] == "not_evaluated"
    reached = set(ledger["status"]) | set(no_morocco["status"])
    assert reached == set(STATUSES)


def test_summary_counts_data_and_internal_checks_apart():
    ledger = synthetic_ledger().reset_index()
    summary = summarise(ledger).set_index(["status", "basis"])["claims"]
    assert summary.sum() == len(ledger)
    assert summary.xs("data", level="basis").sum() == 6 and summary.xs("paper", level="basis").sum() == 3
    assert summary[("inconsistent", "paper")] == 2 and summary[("reproduced", "paper")] == 1
    assert summary[("differs", "data")] == 2 and summary[("not_comparable", "data")] == 1
    assert summary[("unit_error", "data")] == 1


def test_a_tunisia_focus_never_presents_the_claims_as_tunisias():
    # Morocco among the countries: evaluated on Morocco's series (not Tunisia's 2% growth), labelled Morocco's
    peers = synthetic_ledger(scope=Scope(country="MAR", focus="TUN", countries=("TUN", "MAR")))
    assert set(peers["country"]) == {"MAR"} and not peers["is_focus"].any()
    assert peers.loc["growth", "recomputed"] == pytest.approx(5.0)
    assert "TUN" not in " ".join(peers["source_series"].dropna())
    # Morocco absent: the claims that need data are not evaluated, and say why
    alone = synthetic_ledger(scope=Scope(country="MAR", focus="TUN", countries=("TUN",)))
    data = alone[alone["basis"] == "data"]
    assert set(data["status"]) == {"not_evaluated"} and data["recomputed"].isna().all()
    assert data["status_reason"].str.contains("about MAR, which is not among the build's countries \\(TUN\\)").all()
    assert set(alone["country"]) == {"MAR"} and not alone["is_focus"].any()
    assert alone.loc["companies", "status"] == "inconsistent"  # the paper against itself needs no country's data


def test_a_year_missing_from_the_data_names_the_claim():
    doc = copy.deepcopy(SYNTHETIC)
    doc["claims"][0]["recipe"]["terms"][0]["years"] = [2001, 2012]
    with pytest.raises(InputError) as err:
        synthetic_ledger(doc)
    assert err.value.where == "synthetic.yaml"
    assert err.value.location.startswith("claim growth")
    assert "2011" in str(err.value.found)
