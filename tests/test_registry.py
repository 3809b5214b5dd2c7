"""The registry: every table the build writes named once, with a path and a schema that resolve, and every
figure with its family, tables and drawing function."""

from __future__ import annotations

import pytest

from emergence import registry
from emergence.errors import InputError
from emergence.tables import TableSchema


def test_names_and_paths_are_unique_and_every_schema_resolves():
    names = [t.name for t in registry.TABLES]
    paths = [t.path for t in registry.TABLES]
    assert len(set(names)) == len(names) and len(set(paths)) == len(paths)
    for t in registry.TABLES:
        schema = registry.schema_of(t.name)
        assert isinstance(schema, TableSchema), t.name
        assert t.path == f"data/processed/{t.stage}/{t.file}.csv"


def test_stage_paths_are_the_registered_ones_and_unknown_names_are_refused():
    assert registry.paths("models", "forecasts") == {"forecasts": "data/processed/models/forecasts.csv"}
    assert set(registry.paths("clean")) >= {"etd", "ggdc10", "un_ama", "wdi", "sector_groups"}
    with pytest.raises(InputError, match="no_such_table"):
        registry.paths("models", "no_such_table")
    with pytest.raises(InputError, match="one of"):
        registry.table("no_such_table")


def test_every_figure_reads_registered_tables_only():
    for spec in registry.FIGURES:
        assert set(spec.tables) <= set(registry.BY_NAME), spec.name
    assert registry.figure_paths("svg")[0].startswith(registry.FIGURES_DIR)


def test_read_validates_the_table_against_its_schema(tmp_path):
    path = tmp_path / "verified.csv"
    path.write_text("path,sha256,manifest\na,b,c\na,b,c\n")
    with pytest.raises(InputError, match="unique rows"):
        registry.read("ingest_verified", path)
