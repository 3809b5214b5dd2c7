"""The codebook (data/processed/datapackage.json): each processed table's Table Schema from the registry, checked
by the Frictionless validator, which must pass on tables that obey the schemas and fail on tables that do not."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from emergence import registry
from emergence.codebook import datapackage, field, write_datapackage
from emergence.io import table_to_csv, write_table
from emergence.tables import Column

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted(ROOT.glob("data/raw/*/*/manifest.yaml")) + [ROOT / "data/raw/paper/manifest.yaml"]


def etd_rows() -> pd.DataFrame:
    """Two countries' employment over three years, in the tidy layout of the clean ETD table."""
    rows = [
        {
            "country": c,
            "sector": s,
            "variable": "emp",
            "year": y,
            "value": v,
            "unit": "thousand persons",
            "source": "etd",
        }
        for c in ("MAR", "TUN")
        for s, v in (("manufacturing", 1000.5), ("total", 9000.25))
        for y in (2000, 2001, 2002)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def built(tmp_path) -> dict[str, Path]:
    """A processed folder with two registry tables, as the build writes them, and its codebook."""
    tables = {name: tmp_path / registry.table(name).path for name in ("etd", "ingest_verified")}
    write_table(etd_rows(), tables["etd"], registry.schema_of("etd"))
    verified = pd.DataFrame({"path": ["data/raw/a.xlsx"], "sha256": ["0" * 64], "manifest": ["data/raw/m.yaml"]})
    write_table(verified, tables["ingest_verified"], registry.schema_of("ingest_verified"))
    write_datapackage(tables, MANIFESTS, "Test", tmp_path / registry.PROCESSED / "datapackage.json")
    return tables


def validate(folder: Path) -> frictionless.Report:
    return frictionless.validate(str(folder / registry.PROCESSED / "datapackage.json"))


def test_fields_carry_the_schema_types_and_constraints():
    assert field(Column("year", "int", min=1900, max=2100)) == {
        "name": "year",
        "type": "integer",
        "description": "Calendar year",
        "constraints": {"required": True, "minimum": 1900, "maximum": 2100},
    }
    flag = field(Column("approximate", "bool", nullable=True))
    assert flag["type"] == "boolean" and "constraints" not in flag
    status = field(Column("status", "str", allowed=("ok", "too short")))
    assert status["constraints"] == {"required": True, "enum": ["ok", "too short"]}
    assert field(Column("growth_pct", "float"))["description"] == "Growth pct (in percent)"


def test_the_package_describes_each_table_with_its_key_sources_and_units(built, tmp_path):
    package = json.loads((tmp_path / registry.PROCESSED / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == ["ingest_verified", "etd"]  # registry order
    etd = package["resources"][1]
    assert etd["path"] == "clean/etd.csv"
    assert etd["schema"]["primaryKey"] == ["source", "country", "variable", "sector", "year"]
    assert etd["units"] == [{"variable": "emp", "unit": "thousand persons"}]
    assert [s["version"] for s in etd["sources"]] == ["2021-07-15"] and "citation" not in etd["sources"][0]
    assert etd["sources"][0]["license"].startswith("not stated")
    assert "sources" not in package["resources"][0]  # no source column: the package's sources apply
    assert {s["version"] for s in package["sources"]} >= {"2021-07-15", "2015-01", "2025-10-12", "1.9.1"}


def test_the_validator_passes_on_tables_that_obey_their_schemas(built, tmp_path):
    report = validate(tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda df: pd.concat([df, df.iloc[[0]]]), "primary-key"),  # a duplicate key
        (lambda df: df.assign(year=df["year"].where(df.index != 2, 1850)), "constraint-error"),  # below the minimum
        (lambda df: df.assign(value=df["value"].astype(object).where(df.index != 1, "n/a")), "type-error"),
    ],
)
def test_the_validator_fails_on_a_table_that_breaks_its_schema(built, tmp_path, edit, error):
    path = built["etd"]
    changed = edit(pd.read_csv(path))
    path.write_text(table_to_csv(changed))
    types = {row[0] for row in validate(tmp_path).flatten(["type"])}
    assert error in types, types


def test_a_changed_byte_fails_the_checksum(built, tmp_path):
    path = built["etd"]
    path.write_bytes(path.read_bytes().replace(b"1000.5", b"1000.6"))
    types = {row[0] for row in validate(tmp_path).flatten(["type"])}
    assert types == {"hash-count"}, types


def test_the_same_tables_give_the_same_codebook(built):
    assert datapackage(built, MANIFESTS, "Test") == datapackage(built, MANIFESTS, "Test")
