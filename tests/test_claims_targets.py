"""The plans' targets: progress measured as the distance covered from the stated baseline, one window per plan
(launch to horizon or the end of the data), jobs with and without business services, and the real file's
targets all read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from emergence.claims.evaluate import context
from emergence.claims.scope import Scope
from emergence.claims.spec import check_claims, load_claims
from emergence.claims.targets import progress, targets_table
from emergence.paper import clean_paper

PAPER = Path(__file__).resolve().parents[1] / "data" / "raw" / "paper"
MOROCCO = Scope(country="MAR", focus="MAR", countries=("MAR", "TUN"))


def test_progress_is_the_distance_covered_from_the_baseline():
    # a share from 14% towards 23% that reached 15.2% covered 1.2 of 9 points, not 15.2/23 = 66%
    assert progress(15.2, 14.0, 23.0) == pytest.approx(13.333, abs=1e-3)
    assert progress(13.1, 14.0, 23.0) == pytest.approx(-10.0)  # below the baseline: negative, shown as such
    assert progress(23.0, 14.0, 23.0) == pytest.approx(100.0)
    assert progress(-21024, 0.0, 440000) == pytest.approx(-4.778, abs=1e-3)
    assert progress(5.0, 14.0, 14.0) is None  # no distance to cover


def etd() -> pd.DataFrame:
    """Manufacturing employment rising 5 thousand a year and business services 2 thousand, 2000-2012; a share
    falling from 15.2 to 14.0."""
    rows = []
    for i, year in enumerate(range(2000, 2013)):
        rows.append(("MAR", "manufacturing", "emp", year, 1000.0 + 5 * i))
        rows.append(("MAR", "business", "emp", year, 100.0 + 2 * i))
        rows.append(("MAR", "manufacturing", "va_current_share", year, 15.2 - 0.1 * i))
        rows.append(("TUN", "manufacturing", "emp", year, 500.0))
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value"]).assign(unit="u", source="etd")


def jobs_target(claim_id: str, claimed: float, plan: str) -> dict:
    def change(sectors) -> dict:
        ref = {"table": "etd", "sector": sectors, "variable": "emp"}
        return {"statistic": "value", "terms": [{"series": ref, "reduce": "change", "years": "window", "scale": 1000}]}

    return {
        "id": claim_id, "section": "3", "statement": "jobs", "claimed": claimed, "unit": "jobs",
        "recomputable": False, "reason": "a target",
        "target": {"plan": plan, "indicator": "jobs created", "baseline": {"value": 0, "year": 2004},
                   "outcome": change("manufacturing"), "outcome_unit": "persons",
                   "alternative": {"label": "with business services", "outcome_unit": "persons",
                                   "recipe": change(["manufacturing", "business"])}},
    }  # fmt: skip


SHARE = {"series": {"table": "etd", "sector": "manufacturing", "variable": "va_current_share"}, "reduce": "level"}
DOC = {
    "country": "MAR",
    "plans": [
        {"id": "early", "name": "Early Plan (2005)", "launch": 2005, "horizon": 2010},
        {"id": "late", "name": "Late Plan (2009)", "launch": 2009, "horizon": 2020},
    ],
    "claims": [
        jobs_target("met", 20000, "early"),
        jobs_target("missed", 60000, "early"),
        jobs_target("running", 60000, "late"),
        {"id": "base", "section": "3", "statement": "baseline", "claimed": 14.9, "unit": "%", "years": "2008",
         "recomputable": False, "reason": "the plan's figure"},
        {"id": "share", "section": "3", "statement": "share", "claimed": 23, "unit": "%", "recomputable": False,
         "reason": "a target",
         "target": {"plan": "late", "indicator": "share", "baseline": {"claim": "base"},
                    "outcome": {"statistic": "value", "terms": [{**SHARE, "years": "window"}]},
                    "outcome_unit": "%"}},
        {"id": "vague", "section": "3", "statement": "exports", "claimed": 95, "unit": "billion MAD",
         "recomputable": False, "reason": "a target",
         "target": {"plan": "late", "indicator": "exports", "not_measurable": "no series"}},
        {"id": "no_target", "section": "3", "statement": "x", "claimed": 1, "unit": "u", "recomputable": False,
         "reason": "r"},
    ],
}  # fmt: skip


def table(doc: dict = DOC, scope: Scope = MOROCCO) -> pd.DataFrame:
    checked = {**doc, "claims": check_claims(doc, "targets.yaml")}
    ctx = context(checked["claims"], {"etd": etd()}, scope.country)
    return targets_table(checked, ctx, scope, "targets.yaml").set_index("target_id")


def test_targets_over_one_window_per_plan():
    t = table()
    assert list(t.index) == ["met", "missed", "running", "share", "vague"]
    # early plan: 2004 (the year before the launch) to its horizon 2010: 6 years of 5 thousand
    assert t.loc["met", "outcome"] == pytest.approx(30000) and t.loc["met", "measured_to"] == 2010
    assert t.loc["met", "window_start"] == 2005 and t.loc["met", "horizon_end"] == 2010
    assert t.loc["met", "progress_pct"] == pytest.approx(150.0) and t.loc["met", "status"] == "met"
    assert t.loc["missed", "status"] == "not_met" and t.loc["missed", "progress_pct"] == pytest.approx(50.0)
    # with business services: 6 years of 7 thousand
    assert t.loc["missed", "alt_outcome"] == pytest.approx(42000)
    assert t.loc["missed", "alt_progress_pct"] == pytest.approx(70.0)
    # late plan: 2008 to the end of the data (2012), before its horizon of 2020
    assert t.loc["running", "outcome"] == pytest.approx(20000) and t.loc["running", "measured_to"] == 2012
    assert t.loc["running", "status"] == "short_at_data_end"
    # the share fell from the stated 14.9 to 14.0 in 2012: progress is negative, not 14.0/23 = 61% of the target
    assert t.loc["share", "baseline"] == 14.9 and t.loc["share", "baseline_year"] == 2008
    assert t.loc["share", "outcome"] == pytest.approx(14.0)
    assert t.loc["share", "progress_pct"] == pytest.approx(-0.9 / 8.1 * 100)
    assert t.loc["share", "achieved_pct"] == pytest.approx(14.0 / 23 * 100)
    assert t.loc["vague", "status"] == "not_measurable" and pd.isna(t.loc["vague", "outcome"])
    assert t.loc["vague", "note"].startswith("not measurable from our sources: no series")
    assert set(t["country"]) == {"MAR"} and t["is_focus"].all()


def test_a_tunisia_focus_never_scores_moroccos_plans_on_tunisia():
    peers = table(scope=Scope(country="MAR", focus="TUN", countries=("TUN", "MAR")))
    assert peers.loc["met", "outcome"] == pytest.approx(30000)  # Morocco's series; Tunisia's is flat
    assert set(peers["country"]) == {"MAR"} and not peers["is_focus"].any()
    alone = table(scope=Scope(country="MAR", focus="TUN", countries=("TUN",)))
    measured = alone.drop(index="vague")
    assert set(measured["status"]) == {"not_evaluated"} and measured["outcome"].isna().all()


def test_real_targets_are_read(clean_tables):
    paper = clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")
    doc = load_claims(PAPER / "claims.yaml")
    ctx = context(doc["claims"], {**clean_tables, **paper}, doc["country"])
    t = targets_table(doc, ctx, MOROCCO, "claims.yaml")
    assert len(t) == sum("target" in c for c in doc["claims"])
    measured = t[t["status"] != "not_measurable"]
    assert measured["outcome"].notna().all() and measured["progress_pct"].notna().all()
    for _, plan in t.groupby("plan_id"):  # one window per plan
        assert plan["window_start"].nunique() == 1 and plan["horizon_end"].nunique() == 1
    share = t.set_index("target_id").loc["s33_iap_share_target"]
    assert share["baseline"] == 14 and share["measured_to"] == 2020
    assert share["progress_pct"] == pytest.approx((share["outcome"] - 14) / (23 - 14) * 100)
