"""Schemas on write: types, ranges, unique keys, contiguous years and shares summing to 100; atomic, byte-stable
CSV output."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from emergence.errors import InputError
from emergence.io import atomic_path, read_table, table_to_csv, write_table
from emergence.tables import TIDY_COLUMNS, Column, TableSchema, tidy_schema

SCHEMA = tidy_schema("demo", share_variables=("va_share",))


def tidy(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(TIDY_COLUMNS))


def shares_table(years=(2000, 2001, 2002)) -> pd.DataFrame:
    """Two sectors and their total in levels, and the sectors' shares (25 % and 75 %)."""
    rows = []
    for year in years:
        rows += [
            ("MAR", "agriculture", "va", year, 10.0, "million", "demo"),
            ("MAR", "industry", "va", year, 30.0, "million", "demo"),
            ("MAR", "total", "va", year, 40.0, "million", "demo"),
            ("MAR", "agriculture", "va_share", year, 25.0, "%", "demo"),
            ("MAR", "industry", "va_share", year, 75.0, "%", "demo"),
        ]
    return tidy(rows)


def error_of(df: pd.DataFrame, schema: TableSchema = SCHEMA) -> str:
    with pytest.raises(InputError) as caught:
        schema.validate(df, where="out/demo.csv")
    assert caught.value.where == "out/demo.csv"
    return str(caught.value)


def test_tidy_schema_has_the_tidy_columns_and_a_key_without_value():
    assert SCHEMA.column_names == list(TIDY_COLUMNS)
    assert SCHEMA.key == ("source", "country", "variable", "sector", "year")
    grouped = tidy_schema("g", extra_key=(Column("scheme", "str"),))
    assert grouped.column_names == ["country", "scheme", *TIDY_COLUMNS[1:]]
    assert grouped.key == ("source", "country", "scheme", "variable", "sector", "year")


def test_validate_orders_columns_sorts_by_key_and_coerces_types():
    df = shares_table().sample(frac=1.0, random_state=3)[list(reversed(TIDY_COLUMNS))]
    df["year"] = df["year"].astype(str)
    out = SCHEMA.validate(df, where="x")
    assert out.columns.tolist() == list(TIDY_COLUMNS)
    assert out["year"].dtype == np.int64 and out["value"].dtype == np.float64
    keys = list(out[list(SCHEMA.key)].itertuples(index=False))
    assert keys == sorted(keys)
    assert out.index.tolist() == list(range(len(out)))


def test_missing_and_extra_columns_are_named():
    assert "missing ['unit']" in error_of(shares_table().drop(columns="unit"))
    assert "extra ['note']" in error_of(shares_table().assign(note="x"))


def test_empty_cell_in_a_required_column_names_row_and_column():
    df = shares_table()
    df.loc[4, "country"] = None
    message = error_of(df)
    assert "row 4, column 'country'" in message and "an empty cell" in message


def test_text_in_a_number_column_names_row_and_column():
    df = shares_table().astype({"value": object})
    df.loc[2, "value"] = "n/a"
    message = error_of(df)
    assert "row 2, column 'value'" in message and "expected a number (float)" in message and "'n/a'" in message


def test_year_must_be_whole_and_in_range():
    df = shares_table()
    df["year"] = df["year"].astype(float)
    df.loc[0, "year"] = 2000.5
    assert "column 'year': expected whole numbers" in error_of(df)
    df = shares_table()
    df.loc[0, "year"] = 1850
    assert "column 'year'" in error_of(df) and "a value >= 1900" in error_of(df)


def test_bounds_allowed_values_and_infinity():
    schema = TableSchema(
        "flags",
        (Column("id", "int", min=0), Column("flag", "str", allowed=("a", "b")), Column("x", "float", max=1.0)),
        key=("id",),
    )
    good = pd.DataFrame({"id": [0, 1], "flag": ["a", "b"], "x": [0.5, 1.0]})
    assert schema.validate(good, "x").equals(good)
    assert "a value >= 0" in error_of(good.assign(id=[-1, 1]), schema)
    assert "one of ['a', 'b']" in error_of(good.assign(flag=["a", "c"]), schema)
    assert "a value <= 1.0" in error_of(good.assign(x=[0.5, 1.5]), schema)
    assert "finite numbers" in error_of(good.assign(x=[0.5, np.inf]), schema)


def test_nullable_columns_keep_missing_values():
    schema = TableSchema("n", (Column("id", "int"), Column("count", "int", nullable=True)), key=("id",))
    out = schema.validate(pd.DataFrame({"id": [2, 1], "count": [None, 3]}), "x")
    assert out["count"].dtype == "Int64"
    assert out["count"].isna().tolist() == [False, True]


def test_duplicate_key_is_refused():
    df = pd.concat([shares_table(), shares_table().iloc[[3]]], ignore_index=True)
    message = error_of(df)
    assert "key ['source', 'country', 'variable', 'sector', 'year']" in message
    assert "expected unique rows" in message and "'agriculture'" in message


def test_years_must_be_contiguous_within_each_series():
    message = error_of(shares_table(years=(2000, 2001, 2003)))
    assert "contiguous years" in message and "a gap at 2002" in message
    assert len(replace(SCHEMA, contiguous_years=None).validate(shares_table(years=(2000, 2003)), "x")) == 10


def test_shares_must_sum_to_100_without_the_total():
    df = shares_table()
    df.loc[(df["variable"] == "va_share") & (df["sector"] == "industry") & (df["year"] == 2001), "value"] = 74.0
    message = error_of(df)
    assert "shares of" in message and "'year': 2001" in message
    assert "sector shares summing to 100" in message and "found 99.0" in message


def test_shares_within_rounding_pass_and_levels_are_not_shares():
    df = shares_table()
    df.loc[df["variable"] == "va_share", "value"] += 1e-7  # 2e-7 points over 100 in every year
    df.loc[df["variable"] == "va", "value"] *= 3  # levels never sum to 100
    assert len(SCHEMA.validate(df, "x")) == len(df)


def test_extra_checks_run_on_the_validated_table():
    seen = []

    def check(df, where):
        seen.append((where, df["year"].is_monotonic_increasing))

    SCHEMA_WITH_CHECK = replace(SCHEMA, checks=(check,))
    SCHEMA_WITH_CHECK.validate(shares_table().iloc[::-1], "here")
    assert seen == [("here", False)]  # sorted by key: sector before year, so years repeat


def test_write_table_bytes_do_not_depend_on_row_order(tmp_path):
    df = shares_table()
    df.loc[0, "value"] = 1 / 3
    write_table(df, tmp_path / "a.csv", SCHEMA)
    write_table(df.iloc[::-1], tmp_path / "b.csv", SCHEMA)
    text = (tmp_path / "a.csv").read_text()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert "0.333333333333," in text and "\r" not in text
    assert text.splitlines()[0] == ",".join(TIDY_COLUMNS)


def test_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    write_table(shares_table(), target, SCHEMA)
    before = target.read_bytes()
    with pytest.raises(InputError):
        write_table(shares_table(years=(2000, 2002)), target, SCHEMA)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_atomic_path_renames_only_on_success(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert list((tmp_path / "sub").iterdir()) == []
    with atomic_path(target) as tmp:
        tmp.write_text("whole")
    assert target.read_text() == "whole" and list((tmp_path / "sub").iterdir()) == [target]


def test_read_table_round_trip_and_errors(tmp_path):
    path = tmp_path / "t.csv"
    written = write_table(shares_table(), path, SCHEMA)
    pd.testing.assert_frame_equal(read_table(path, SCHEMA), written)
    assert table_to_csv(read_table(path, SCHEMA)) == path.read_text()
    with pytest.raises(InputError, match="an existing processed table"):
        read_table(tmp_path / "none.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="a CSV table with a header row"):
        read_table(tmp_path / "empty.csv")
