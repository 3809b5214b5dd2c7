"""Schemas of processed tables, checked on every write (types, ranges, unique keys, years, shares)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from emergence.errors import InputError

TIDY_COLUMNS = ("country", "sector", "variable", "year", "value", "unit", "source")
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "str", "int", "float" or "bool"
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table's columns (in order), its unique key and the cross-row rules it obeys.

    contiguous_years: the key columns (other than `year`) within which years must have no gaps.
    shares: (variables, total sector) -- for rows of these variables, the sectors other than the
    total sum to 100 within every combination of the other key columns.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    contiguous_years: tuple[str, ...] | None = None
    shares: tuple[tuple[str, ...], str] | None = None
    checks: tuple = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def validate(self, df: pd.DataFrame, where: str) -> pd.DataFrame:
        """Return `df` with the schema's column order and types, sorted by key; raise InputError otherwise."""
        missing = [c for c in self.column_names if c not in df.columns]
        if missing:
            raise InputError(
                where, f"columns of table '{self.name}'", f"columns {self.column_names}", f"missing {missing}"
            )
        extra = [c for c in df.columns if c not in self.column_names]
        if extra:
            raise InputError(
                where, f"columns of table '{self.name}'", f"only columns {self.column_names}", f"extra {extra}"
            )
        out = df.loc[:, self.column_names].copy()
        for col in self.columns:
            out[col.name] = _coerce(out[col.name], col, where)
        dup = out.duplicated(list(self.key), keep=False)
        if dup.any():
            first = out.loc[dup, list(self.key)].iloc[0].to_dict()
            raise InputError(where, f"key {list(self.key)}", "unique rows", f"duplicate {first}")
        out = out.sort_values(list(self.key), kind="mergesort").reset_index(drop=True)
        if self.contiguous_years is not None:
            _check_contiguous(out, list(self.contiguous_years), where)
        if self.shares is not None:
            _check_shares(out, self, where)
        for check in self.checks:
            check(out, where)
        return out


def _coerce(series: pd.Series, col: Column, where: str) -> pd.Series:
    if series.isna().any() and not col.nullable:
        row = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise InputError(where, f"row {row}, column '{col.name}'", "a value", "an empty cell")
    if col.kind == "str":
        values = series.astype("object").where(series.notna(), None)
        values = values.map(lambda v: v if v is None else str(v))
        if col.allowed is not None:
            bad = values[values.notna() & ~values.isin(col.allowed)]
            if len(bad):
                raise InputError(
                    where, f"row {bad.index[0]}, column '{col.name}'", f"one of {list(col.allowed)}", bad.iloc[0]
                )
        return values
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() & series.notna()
    if bad.any():
        raise InputError(
            where, f"row {bad.idxmax()}, column '{col.name}'", f"a number ({col.kind})", series[bad.idxmax()]
        )
    if col.kind == "int":
        if (numeric.dropna() % 1 != 0).any():
            raise InputError(where, f"column '{col.name}'", "whole numbers")
        numeric = numeric.astype("Int64" if col.nullable else "int64")
    elif col.kind == "float":
        numeric = numeric.astype("float64")
        if np.isinf(numeric.to_numpy(dtype=float, na_value=np.nan)).any():
            raise InputError(where, f"column '{col.name}'", "finite numbers", "infinity")
    elif col.kind == "bool":
        numeric = numeric.astype("boolean" if col.nullable else "bool")
    for bound, op, text in ((col.min, np.less, ">="), (col.max, np.greater, "<=")):
        if bound is None:
            continue
        values = numeric.to_numpy(dtype=float, na_value=np.nan)
        bad_rows = np.flatnonzero(op(values, bound) & ~np.isnan(values))
        if len(bad_rows):
            raise InputError(
                where, f"row {bad_rows[0]}, column '{col.name}'", f"a value {text} {bound}", values[bad_rows[0]]
            )
    return numeric


def _check_contiguous(df: pd.DataFrame, groups: list[str], where: str) -> None:
    for keys, years in df.groupby(groups, sort=True)["year"] if groups else [((), df["year"])]:
        span = years.max() - years.min() + 1
        if span != years.nunique():
            label = dict(zip(groups, keys if isinstance(keys, tuple) else (keys,), strict=True))
            present = set(years)
            gap = next(y for y in range(int(years.min()), int(years.max()) + 1) if y not in present)
            raise InputError(where, f"years of {label}", "contiguous years", f"a gap at {gap}")


def _check_shares(df: pd.DataFrame, schema: TableSchema, where: str) -> None:
    variables, total = schema.shares
    rows = df[df["variable"].isin(variables) & (df["sector"] != total)]
    if rows.empty:
        return
    groups = [k for k in schema.key if k != "sector"]
    sums = rows.groupby(groups, sort=True)["value"].sum()
    bad = sums[(sums - 100.0).abs() > SHARE_TOLERANCE * 100]
    if len(bad):
        label = {k: v.item() if isinstance(v, np.generic) else v for k, v in zip(groups, bad.index[0], strict=True)}
        raise InputError(where, f"shares of {label}", "sector shares summing to 100", round(float(bad.iloc[0]), 6))


def tidy_schema(
    name: str,
    *,
    extra_key: tuple[Column, ...] = (),
    share_variables: tuple[str, ...] = (),
    total_sector: str = "total",
    contiguous: bool = True,
) -> TableSchema:
    """The schema of a tidy long table: country, sector, variable, year, value, unit, source (+ extra keys)."""
    columns = (
        Column("country", "str"),
        *extra_key,
        Column("sector", "str"),
        Column("variable", "str"),
        Column("year", "int", min=1900, max=2100),
        Column("value", "float"),
        Column("unit", "str"),
        Column("source", "str"),
    )
    key = ("source", "country", *(c.name for c in extra_key), "variable", "sector", "year")
    return TableSchema(
        name=name,
        columns=columns,
        key=key,
        contiguous_years=tuple(k for k in key if k != "year") if contiguous else None,
        shares=(share_variables, total_sector) if share_variables else None,
    )
