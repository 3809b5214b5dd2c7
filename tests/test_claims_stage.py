"""The claims stage on the real claims file and the clean tables: every claim parses and names existing series,
every recipe evaluates, each claim's variants are all in the long table, and the outputs are deterministic."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
from regions_tables import read_regions

from emergence.claims.judging import Tolerance
from emergence.claims.ledger import build_ledger
from emergence.claims.schemas import LEDGER_SCHEMA, SOURCES_SCHEMA, SUMMARY_SCHEMA
from emergence.claims.scope import Scope
from emergence.claims.spec import CLAIMS_SCHEMA, check_claims, contract_violations, series_refs
from emergence.claims.stage import write_ledger
from emergence.config import read_yaml
from emergence.io import read_table, write_table
from emergence.paper import PAPER_SCHEMAS, clean_paper

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "data" / "raw" / "paper"
CLAIMS = PAPER / "claims.yaml"
SERIES_TABLES = ("etd", "ggdc10", "un_ama", "wdi", "sector_groups")
OUTPUTS = ("ledger", "summary", "sources", "consistency", "targets")
# The repository's default allowances (config.yaml, key `claims`).
TOL = Tolerance(
    reproduced_relative=0.02, reproduced_points=0.25, close_relative=0.10, close_points=1.0, paper_relative=0.005
)
MOROCCO = Scope(country="MAR", focus="MAR", countries=("MAR", "TUN"))


@pytest.fixture(scope="module")
def doc():
    return read_yaml(CLAIMS)


@pytest.fixture(scope="module")
def paper_tables():
    return clean_paper(PAPER / "table2_clusters.yaml", PAPER / "table3_cluster_companies.yaml")


@pytest.fixture(scope="module")
def real_tables(clean_tables, paper_tables, regions_paths):
    series = {k: v for k, v in clean_tables.items() if k in SERIES_TABLES}
    return {**series, **paper_tables, **read_regions(regions_paths)}


def test_every_claim_parses_and_is_complete(doc):
    claims = check_claims(doc, str(CLAIMS))
    assert doc["country"] == "MAR"
    assert len(claims) == len({c["id"] for c in claims}) >= 100
    for claim in claims:
        assert ("recipe" in claim) != (claim.get("recomputable") is False)


def test_every_series_is_in_the_data_contract(doc, config):
    schemes = config["concordance"]["schemes"]
    assert series_refs(doc), "the file names processed series"
    assert contract_violations(doc, schemes) == []
    bad = copy.deepcopy(doc)
    claim = next(c for c in bad["claims"] if c["id"] == "s33_industry_share_2003")
    claim["recipe"]["terms"][0]["series"]["variable"] = "va_share_gva"
    assert contract_violations(bad, schemes) == ["claim s33_industry_share_2003, terms[0]: variable va_share_gva"]


def test_default_allowances_are_the_configured_ones(config):
    assert Tolerance.from_params(config["claims"]) == TOL


def test_every_recipe_evaluates_on_the_clean_tables(doc, real_tables):
    ledger, variants = build_ledger(check_claims(doc, str(CLAIMS)), real_tables, TOL, MOROCCO, str(CLAIMS))
    by_basis = ledger.groupby("basis")["status"].agg(set)
    assert ledger.loc[ledger["basis"] != "none", "recomputed"].notna().all()
    assert by_basis["none"] == {"not_recomputable"}
    assert by_basis["paper"] <= {"reproduced", "inconsistent"}
    assert by_basis["data"] <= {"reproduced", "close", "differs", "not_comparable", "unit_error"}
    # the patents 'per million inhabitants' equal the counts of applications: a unit error, not a reproduction
    patents = ledger.set_index("id").loc["s5_patents_national_2010"]
    assert patents["status"] == "unit_error" and patents["numeric_status"] == "reproduced"
    # each claim checked against data has its main recipe and its variants in the long table
    data = ledger[ledger["basis"] == "data"].set_index("id")
    counts = pd.DataFrame(variants).groupby("id").size()
    assert counts.reindex(data.index).tolist() == data["variants"].tolist()
    assert (data["recomputed_min"] <= data["recomputed"]).all() and (data["recomputed"] <= data["recomputed_max"]).all()


def test_stage_outputs_are_deterministic_and_consistent(tmp_path, clean_paths, paper_tables, regions_paths, config):
    tables = {name: clean_paths[name] for name in SERIES_TABLES} | regions_paths
    for name, frame in paper_tables.items():
        tables[name] = tmp_path / f"{name}.csv"
        write_table(frame, tables[name], PAPER_SCHEMAS[name])
    outputs = []
    for run in ("a", "b"):
        paths = {name: tmp_path / run / f"{name}.csv" for name in OUTPUTS}
        write_ledger(CLAIMS, CLAIMS_SCHEMA, tables, paths, config["claims"], "MAR", ["MAR", "TUN", "EGY", "TUR"])
        outputs.append({name: path.read_bytes() for name, path in paths.items()})
    assert outputs[0] == outputs[1]
    ledger = read_table(tmp_path / "a" / "ledger.csv", LEDGER_SCHEMA)
    summary = read_table(tmp_path / "a" / "summary.csv", SUMMARY_SCHEMA)
    sources = read_table(tmp_path / "a" / "sources.csv", SOURCES_SCHEMA)
    assert summary["claims"].sum() == len(ledger)
    assert len(sources) == ledger["variants"].sum()
