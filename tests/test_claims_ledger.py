"""claims.yaml parses and names existing series; the ledger recomputes synthetic claims correctly and is
deterministic; bad entries are refused with the file, the claim and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from emergence.claims import ledger as L
from emergence.claims.stage import write_ledger
from emergence.config import read_yaml
from emergence.errors import InputError
from emergence.io import read_table, write_table
from emergence.paper import PAPER_SCHEMAS, clean_paper

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "data" / "raw" / "paper"
CLAIMS = PAPER / "claims.yaml"


@pytest.fixture(scope="module")
def doc():
    return read_yaml(CLAIMS)


@pytest.fixture(scope="module")
def paper_tables():
    return clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")


@pytest.fixture(scope="module")
def real_tables(clean_tables, paper_tables):
    return {**{k: v for k, v in clean_tables.items() if k in L.SERIES_TABLES}, **paper_tables}


# ------------------------------------------------------------------------------------------- the real file


def test_every_claim_parses_and_is_complete(doc):
    claims = L.check_claims(doc, str(CLAIMS))
    assert len(claims) == len({c["id"] for c in claims}) >= 100
    for claim in claims:
        assert ("recipe" in claim) != (claim.get("recomputable") is False)


def test_every_series_is_in_the_data_contract(doc):
    assert L.series_refs(doc), "the file names processed series"
    assert L.contract_violations(doc) == []


def test_default_allowances_are_the_configured_ones(config):
    assert L.Tolerance.from_params(config["claims"]) == TOL


def test_every_recipe_evaluates_on_the_clean_tables(doc, real_tables, config):
    tol = L.Tolerance.from_params(config["claims"])
    ledger = L.build_ledger(L.check_claims(doc, str(CLAIMS)), real_tables, tol, str(CLAIMS))
    recomputable = ledger["basis"] != "none"
    assert ledger.loc[recomputable, "recomputed"].notna().all()
    assert (ledger.loc[~recomputable, "status"] == "not_recomputable").all()
    assert set(ledger.loc[ledger["basis"] == "paper", "status"]) <= {"reproduced", "inconsistent"}
    assert set(ledger.loc[ledger["basis"] == "data", "status"]) <= {"reproduced", "close", "differs"}


def test_contract_catches_an_unknown_variable(doc):
    bad = copy.deepcopy(doc)
    claim = next(c for c in bad["claims"] if c["id"] == "s33_industry_share_2003")
    claim["recipe"]["terms"][0]["series"]["variable"] = "va_share_gva"
    assert L.contract_violations(bad) == ["claim s33_industry_share_2003, terms[0]: variable va_share_gva"]


def test_ledger_is_deterministic(tmp_path, clean_paths, paper_tables, config):
    tables = {name: clean_paths[name] for name in L.SERIES_TABLES}
    for name, frame in paper_tables.items():
        tables[name] = tmp_path / f"{name}.csv"
        write_table(frame, tables[name], PAPER_SCHEMAS[name])
    outputs = []
    for run in ("a", "b"):
        paths = {name: tmp_path / run / f"{name}.csv" for name in ("ledger", "summary", "consistency", "targets")}
        write_ledger(CLAIMS, tables, paths, config["claims"])
        outputs.append({name: path.read_bytes() for name, path in paths.items()})
    assert outputs[0] == outputs[1]
    ledger = read_table(tmp_path / "a" / "ledger.csv", L.LEDGER_SCHEMA)
    summary = read_table(tmp_path / "a" / "summary.csv", L.SUMMARY_SCHEMA)
    assert summary["claims"].sum() == len(ledger)


# ------------------------------------------------------------------------------------------- synthetic claims


def synthetic_tables() -> dict[str, pd.DataFrame]:
    years = list(range(2000, 2011))
    rows = []
    for i, year in enumerate(years):
        rows.append(("MAR", "total", "va_constant", year, 1000 * 1.05**i))
        rows.append(("MAR", "manufacturing", "emp", year, 1300.0 - 10 * i))
        rows.append(("MAR", "business", "emp", year, 100.0 + 4 * i))
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


SYNTHETIC = {
    "claims": [
        {
            "id": "growth",
            "section": "2",
            "statement": "growth of 5% a year",
            "claimed": 5.0,
            "unit": "% a year",
            "recipe": {
                "statistic": "value",
                "terms": [
                    {
                        "series": {"table": "etd", "sector": "total", "variable": "va_constant"},
                        "reduce": "mean_growth",
                        "years": [2001, 2010],
                    }
                ],
            },
        },
        {
            "id": "jobs",
            "section": "3",
            "statement": "over 50,000 jobs",
            "claimed": 50000,
            "qualifier": "more_than",
            "unit": "jobs",
            "recipe": {
                "statistic": "value",
                "terms": [
                    {
                        "series": {"table": "etd", "sector": ["manufacturing", "business"], "variable": "emp"},
                        "reduce": "change",
                        "years": [2000, 2010],
                        "scale": 1000,
                    }
                ],
            },
        },
        {
            "id": "rank",
            "section": "3",
            "statement": "second employer",
            "claimed": 2,
            "unit": "rank",
            "recipe": {
                "statistic": "value",
                "terms": [
                    {
                        "series": {"table": "etd", "sector": "manufacturing", "variable": "emp_share"},
                        "reduce": "rank",
                        "years": [2005],
                    }
                ],
            },
        },
        {
            "id": "companies",
            "section": "5",
            "statement": "120 companies",
            "claimed": 120,
            "unit": "companies",
            "recipe": {
                "statistic": "value",
                "terms": [{"paper": "cluster_companies", "size": "total", "reduce": "sum"}],
            },
        },
        {
            "id": "mean",
            "section": "5",
            "statement": "40 per cluster",
            "claimed": 39,
            "unit": "companies",
            "recipe": {
                "statistic": "ratio",
                "terms": [{"claim": "companies"}, {"paper": "cluster_companies", "reduce": "count"}],
            },
            "also": [
                {
                    "label": "from the table",
                    "statistic": "value",
                    "terms": [{"paper": "cluster_companies", "reduce": "average"}],
                }
            ],
        },
        {
            "id": "exports",
            "section": "2",
            "statement": "exports",
            "claimed": 119,
            "unit": "billion MAD",
            "recomputable": False,
            "reason": "no series",
        },
    ]
}


# The repository's default allowances (config.yaml, key `claims`).
TOL = L.Tolerance(
    reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
)


def synthetic_ledger(doc: dict | None = None) -> pd.DataFrame:
    doc = doc or SYNTHETIC
    claims = L.check_claims(doc, "synthetic.yaml")
    return L.build_ledger(claims, synthetic_tables(), TOL, "synthetic.yaml").set_index("id")


def test_synthetic_claims_get_known_values_and_statuses():
    ledger = synthetic_ledger()
    assert ledger.loc["growth", "recomputed"] == pytest.approx(5.0)
    assert ledger.loc["growth", "status"] == "reproduced" and ledger.loc["growth", "basis"] == "data"
    # manufacturing -100 thousand, business +40 thousand: a net loss, far from "over 50,000"
    assert ledger.loc["jobs", "recomputed"] == pytest.approx(-60000)
    assert ledger.loc["jobs", "status"] == "differs"
    assert ledger.loc["jobs", "source_series"] == "etd MAR manufacturing+business emp change 2000-2010"
    assert ledger.loc["rank", "recomputed"] == 3 and ledger.loc["rank", "status"] == "differs"
    assert ledger.loc["companies", "recomputed"] == 117 and ledger.loc["companies", "status"] == "inconsistent"
    assert ledger.loc["mean", "recomputed"] == pytest.approx(40.0)
    assert ledger.loc["mean", "status"] == "inconsistent" and ledger.loc["mean", "basis"] == "paper"
    assert "from the table: 39" in ledger.loc["mean", "note"]
    assert ledger.loc["exports", "status"] == "not_recomputable"
    assert ledger.loc["exports", "note"] == "not recomputable: no series"
    assert pd.isna(ledger.loc["exports", "recomputed"])


def test_summary_counts_every_claim():
    ledger = synthetic_ledger().reset_index()
    summary = L.summarise(ledger).set_index(["status", "basis"])["claims"]
    assert summary.sum() == len(ledger)
    assert summary[("inconsistent", "paper")] == 2 and summary[("differs", "data")] == 2
    assert summary[("close", "data")] == 0  # always listed


# ------------------------------------------------------------------------------------------- bad input


def mutated(change) -> dict:
    doc = copy.deepcopy(SYNTHETIC)
    change(doc["claims"])
    return doc


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (lambda c: c[0].pop("unit"), "claims[0] (id 'growth'), field 'unit'"),
        (lambda c: c[1].update(claimed="many"), "claims[1] (id 'jobs'), field 'claimed'"),
        (lambda c: c[2].update(id="growth"), "claims[2], field 'id'"),
        (
            lambda c: c[4]["recipe"]["terms"][0].update(claim="nowhere"),
            "claims[4] (id 'mean'), recipe, terms[0], field 'claim'",
        ),
        (
            lambda c: c[0]["recipe"]["terms"][0].update(scale="1.0e9"),
            "claims[0] (id 'growth'), recipe, terms[0], field 'scale'",
        ),
        (
            lambda c: c[0]["recipe"]["terms"][0].update(years=[2001]),
            "claims[0] (id 'growth'), recipe, terms[0], field 'years'",
        ),
        (
            lambda c: c[0]["recipe"]["terms"][0]["series"].update(table="hcp"),
            "claims[0] (id 'growth'), recipe, terms[0], series 'table'",
        ),
        (lambda c: c[5].pop("reason"), "claims[5] (id 'exports')"),
        (lambda c: c[0].update(qualifier="roughly"), "claims[0] (id 'growth'), field 'qualifier'"),
        (
            lambda c: c[0].update(target={"plan": "p", "indicator": "i", "horizon_end": 2015}),
            "claims[0] (id 'growth'), target",
        ),
    ],
)
def test_bad_claims_are_refused(change, location):
    with pytest.raises(InputError) as err:
        L.check_claims(mutated(change), "synthetic.yaml")
    assert err.value.where == "synthetic.yaml"
    assert err.value.location == location


def test_a_year_missing_from_the_data_names_the_claim():
    doc = mutated(lambda c: c[0]["recipe"]["terms"][0].update(years=[2001, 2012]))
    with pytest.raises(InputError) as err:
        synthetic_ledger(doc)
    assert err.value.where == "synthetic.yaml"
    assert err.value.location.startswith("claim growth")
    assert "2011" in str(err.value.found)


@pytest.mark.parametrize(
    ("term", "field"),
    [
        ({"paper": "cluster_companies", "reduce": "count_below"}, "threshold"),
        ({"paper": "cluster_companies", "reduce": "sum", "size": "medium"}, "size"),
        ({"paper": "clusters", "reduce": "sum", "field": "employees"}, "field"),
        ({"paper": "clusters", "reduce": "count", "since": 2010}, "since"),
    ],
)
def test_bad_paper_terms_are_refused(term, field):
    doc = mutated(lambda c: c[3]["recipe"].update(terms=[term]))
    with pytest.raises(InputError) as err:
        L.check_claims(doc, "synthetic.yaml")
    assert err.value.location == f"claims[3] (id 'companies'), recipe, terms[0], field '{field}'"
