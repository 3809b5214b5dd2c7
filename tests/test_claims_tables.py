"""Internal consistency checks and cluster tables on small synthetic inputs with known answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from emergence.claims.clusters import by_region, by_year, cluster_tables, company_structure, members
from emergence.claims.consistency import consistency_table, table2_checks, table3_checks
from emergence.claims.evaluate import Context
from emergence.claims.judging import Tolerance
from emergence.claims.stage import write_clusters
from emergence.io import write_table
from emergence.paper import PAPER_SCHEMAS, clean_paper

PAPER = Path(__file__).resolve().parents[1] / "data" / "raw" / "paper"


@pytest.fixture(scope="module")
def paper():
    return clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")


def companies_frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (c, size, n)
            for c, sme, large, total in rows
            for size, n in (("sme", sme), ("large", large), ("total", total))
        ],
        columns=["cluster_id", "size", "companies"],
    )


def clusters_frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "members_total": None,
        "companies": None,
        "smes": None,
        "large_companies": None,
        "research_training": None,
        "approximate_counts": None,
        "name": "n",
        "sector_group": "other",
        "sector": "s",
        "region": "r",
        "year": 2010,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# ------------------------------------------------------------------------------------------- consistency


def test_table3_row_totals():
    checks = pd.DataFrame(table3_checks(companies_frame([("a", 30, 20, 50), ("b", 10, 5, 16)]))).set_index("subject")
    assert checks.loc["a", "status"] == "consistent"
    assert checks.loc["b", "status"] == "inconsistent" and checks.loc["b", "found"] == 15


def test_table2_member_counts():
    clusters = clusters_frame(
        [
            {"cluster_id": "full", "members_total": 35, "smes": 6, "large_companies": 6, "research_training": 7},
            {"cluster_id": "partial", "members_total": 40, "smes": 32},
            {"cluster_id": "over", "members_total": 10, "smes": 8, "large_companies": 4},
            {"cluster_id": "firms", "members_total": 32, "companies": 24},
            {"cluster_id": "none", "companies": 105},
        ]
    )
    checks = pd.DataFrame(table2_checks(clusters)).set_index(["check_id", "subject"])["status"]
    assert checks[("table2_member_parts", "full")] == "incomplete"
    assert checks[("table2_member_parts", "partial")] == "consistent"
    assert checks[("table2_member_parts", "over")] == "inconsistent"
    assert checks[("table2_member_firms", "firms")] == "consistent"
    assert "none" not in checks.index.get_level_values("subject")


def test_checks_of_the_paper_sums(paper):
    claims = [{"id": f"s{i}", "claimed": v} for i, v in enumerate((20.2, 27.7, 52.1, 16.1, 27.5, 50.0))]
    ctx = Context(tables=paper, claimed={c["id"]: c["claimed"] for c in claims}, country="MAR")
    checks = [
        {
            "id": "y1998",
            "description": "sum",
            "expected": 100,
            "recipe": {"statistic": "sum", "terms": [{"claim": "s0"}, {"claim": "s1"}, {"claim": "s2"}]},
        },
        {
            "id": "y2008",
            "description": "sum",
            "expected": 100,
            "recipe": {"statistic": "sum", "terms": [{"claim": "s3"}, {"claim": "s4"}, {"claim": "s5"}]},
        },
    ]
    tol = Tolerance(
        reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
    )
    table = consistency_table(checks, ctx, tol, "claims.yaml").set_index(["check_id", "subject"])
    assert table.loc[("y1998", "paper"), "status"] == "consistent"
    assert table.loc[("y2008", "paper"), "status"] == "inconsistent"
    assert table.loc[("y2008", "paper"), "found"] == pytest.approx(93.6)
    assert table.loc[("table2_member_parts", "cise"), "status"] == "incomplete"
    assert (table.xs("table3_row_total")["status"] == "consistent").all()


# ------------------------------------------------------------------------------------------- clusters


def test_by_year_fills_gaps_and_accumulates():
    clusters = clusters_frame([{"cluster_id": c, "year": y} for c, y in (("a", 2010), ("b", 2010), ("c", 2013))])
    table = by_year(clusters)
    assert table["year"].tolist() == [2010, 2011, 2012, 2013]
    assert table["clusters"].tolist() == [2, 0, 0, 1] and table["cumulative"].tolist() == [2, 2, 2, 3]


def test_by_region_shares_and_sector_groups():
    clusters = clusters_frame(
        [
            {"cluster_id": "a", "region": "Casablanca-Settat", "sector_group": "textile", "year": 2014},
            {"cluster_id": "b", "region": "Casablanca-Settat", "sector_group": "other", "year": 2011},
            {"cluster_id": "c", "region": "Souss-Massa", "sector_group": "agro_food", "year": 2012},
            {"cluster_id": "d", "region": "Casablanca-Settat", "sector_group": "textile", "year": 2016},
        ]
    )
    table = by_region(clusters).set_index("region")
    assert table.loc["Casablanca-Settat", "clusters"] == 3 and table.loc["Casablanca-Settat", "share"] == 75
    assert table.loc["Casablanca-Settat", "sector_groups"] == "other;textile"
    assert table.loc["Casablanca-Settat", "first_year"] == 2011


def test_members_keep_only_stated_counts_with_their_approximation():
    clusters = clusters_frame(
        [
            {"cluster_id": "a", "members_total": 12, "approximate_counts": "members_total"},
            {"cluster_id": "b", "members_total": 40, "smes": 32},
            {"cluster_id": "c"},
        ]
    )
    table = members(clusters).set_index(["cluster_id", "measure"])
    assert sorted(table.index) == [("a", "members_total"), ("b", "members_total"), ("b", "smes")]
    assert bool(table.loc[("a", "members_total"), "approximate"])
    assert not table.loc[("b", "smes"), "approximate"]


def test_company_structure_shares():
    table = company_structure(companies_frame([("a", 30, 20, 50), ("b", 45, 5, 50)])).set_index("cluster_id")
    assert table.loc["a", "sme_share"] == 60 and table.loc["b", "sme_share"] == 90
    assert table.loc["all", "total_companies"] == 100 and table.loc["all", "sme_share"] == 75
    assert table.loc["b", "share_of_companies"] == 50


def test_cluster_tables_from_the_paper(paper, tmp_path):
    tables = cluster_tables(paper["clusters"], paper["cluster_companies"])
    assert tables["by_year"]["cumulative"].iloc[-1] == len(paper["clusters"])
    assert tables["by_sector"]["clusters"].sum() == len(paper["clusters"])
    assert tables["by_region"]["share"].sum() == pytest.approx(100)
    assert tables["structure"].set_index("cluster_id").loc["all", "total_companies"] == 232
    paths = {}
    for name in ("clusters", "cluster_companies"):
        paths[name] = tmp_path / f"{name}.csv"
        write_table(paper[name], paths[name], PAPER_SCHEMAS[name])
    outputs = {name: tmp_path / "out" / f"{name}.csv" for name in tables}
    write_clusters(paths["clusters"], paths["cluster_companies"], outputs)
    assert all(path.exists() for path in outputs.values())
