"""Reading and validating the transcriptions of the paper's Tables 2 and 3."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from emergence.config import read_yaml
from emergence.errors import InputError
from emergence.paper import PAPER_SCHEMAS, clean_paper, table2_frame, table3_frame

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "paper"
TABLE2 = RAW / "table2_clusters.yaml"
TABLE3 = RAW / "table3_cluster_companies.yaml"


@pytest.fixture(scope="module")
def docs():
    return read_yaml(TABLE2), read_yaml(TABLE3)


def test_clean_paper_returns_one_row_per_cluster_and_size():
    tables = clean_paper(TABLE2, TABLE3)
    assert set(tables) == set(PAPER_SCHEMAS)
    clusters, companies = tables["clusters"], tables["cluster_companies"]
    assert len(clusters) == clusters["cluster_id"].nunique() == 13
    assert len(companies) == 6 * 3
    assert list(clusters.columns) == PAPER_SCHEMAS["clusters"].column_names
    assert set(clusters["section"]) == {"4.1"} and set(companies["table"]) == {"Table 3"}


def test_table3_values_are_the_printed_ones(docs):
    wide = table3_frame(docs[1], "t3").pivot(index="cluster_id", columns="size", values="companies")
    assert wide.loc["cluster_2", "sme"] == 43 and wide.loc["cluster_6", "large"] == 14
    assert wide["total"].sum() == 232


def test_table2_counts_and_approximations(docs):
    clusters = table2_frame(docs[0], "t2").set_index("cluster_id")
    assert clusters.loc["cise", ["members_total", "smes", "large_companies", "research_training"]].tolist() == [
        35,
        6,
        6,
        7,
    ]
    assert clusters.loc["c2tm", "approximate_counts"] == "members_total"
    assert clusters["approximate_counts"].isna().sum() == 11
    assert clusters.loc["ce3m", "month"] == 12 and clusters["month"].isna().sum() == 11


def test_missing_field_names_file_row_and_field(docs):
    doc = copy.deepcopy(docs[0])
    del doc["clusters"][3]["sector"]
    with pytest.raises(InputError) as err:
        table2_frame(doc, "table2.yaml")
    assert err.value.where == "table2.yaml"
    assert "clusters[3]" in err.value.location and "'sector'" in err.value.location


def test_non_numeric_count_is_rejected(docs):
    doc = copy.deepcopy(docs[1])
    doc["clusters"][1]["smes"] = "forty-three"
    with pytest.raises(InputError) as err:
        table3_frame(doc, "table3.yaml")
    assert "clusters[1]" in err.value.location and "'smes'" in err.value.location
    assert err.value.found == "forty-three"


def test_boolean_is_not_a_count(docs):
    doc = copy.deepcopy(docs[0])
    doc["clusters"][0]["members_total"] = True
    with pytest.raises(InputError, match="members_total"):
        table2_frame(doc, "table2.yaml")


def test_duplicate_cluster_id_is_rejected(docs):
    doc = copy.deepcopy(docs[1])
    doc["clusters"][4]["id"] = "cluster_1"
    with pytest.raises(InputError) as err:
        table3_frame(doc, "table3.yaml")
    assert err.value.location == "clusters[4], field 'id'" and err.value.found == "cluster_1"


def test_approximate_count_must_name_a_stated_count(docs):
    doc = copy.deepcopy(docs[0])
    doc["clusters"][1]["approximate_counts"] = ["smes"]  # mnc states no SME count
    with pytest.raises(InputError, match="approximate_counts"):
        table2_frame(doc, "table2.yaml")


def test_unknown_sector_group_and_month_out_of_range(docs):
    doc = copy.deepcopy(docs[0])
    doc["clusters"][2]["sector_group"] = "chemicals"
    with pytest.raises(InputError, match="sector_group"):
        table2_frame(doc, "table2.yaml")
    doc = copy.deepcopy(docs[0])
    doc["clusters"][0]["month"] = 13
    with pytest.raises(InputError, match="month"):
        table2_frame(doc, "table2.yaml")


def test_bad_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("clusters: [\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(bad)
    assert err.value.where == str(bad)
    with pytest.raises(InputError, match="existing YAML file"):
        read_yaml(tmp_path / "absent.yaml")
    (tmp_path / "list.yaml").write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(InputError, match="'source'"):
        table3_frame(read_yaml(tmp_path / "list.yaml"), "list.yaml")
