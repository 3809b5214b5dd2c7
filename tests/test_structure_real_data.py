"""The stage on the ETD snapshot of the default countries: schemas hold and the identities are exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typed_settings import structure_settings

from emergence.config import load_config
from emergence.settings import SAMPLE_ID
from emergence.sources import etd
from emergence.structure.rules import analyse_structure, compare_sectors, decompose_productivity
from emergence.structure.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "etd" / "2021-07-15" / "ETD_230918.xlsx"


@pytest.fixture(scope="module")
def inputs():
    config = load_config(ROOT / "config" / "config.yaml")
    countries = config["countries"]
    settings = structure_settings(
        countries,
        config["periods"],
        config["structure"]["merge_without_employment"],
        config["structure"]["peer_sectors"],
    )
    return etd.clean(RAW, countries), settings, config


@pytest.fixture(scope="module")
def tables(inputs):
    table, settings, config = inputs
    out = analyse_structure(table, settings, True, str(RAW))  # what the workflow's rule runs
    return {name: SCHEMAS[name].validate(df, name) for name, df in out.items()}, config["countries"], config["periods"]


def test_the_one_job_gives_the_tables_of_its_two_parts(inputs):
    table, settings, _ = inputs
    apart = {**decompose_productivity(table, settings, True, str(RAW)), **compare_sectors(table, settings, str(RAW))}
    together = analyse_structure(table, settings, True, str(RAW))
    assert sorted(together) == sorted(apart)
    for name, df in together.items():
        pd.testing.assert_frame_equal(df, apart[name])


def test_every_country_and_period_is_decomposed(tables):
    out, countries, periods = tables
    decomposition = out["decomposition"]
    expected = {p["id"] for p in periods} | {SAMPLE_ID}
    for country in countries:
        assert set(decomposition.loc[decomposition["country"] == country, "period"]) == expected
    annual = out["decomposition_annual"]
    assert annual.groupby("country")["year"].nunique().eq(2018 - 1990).all()


@pytest.mark.parametrize("name", ["decomposition", "decomposition_annual"])
def test_terms_add_up_exactly_on_the_data(name, tables):
    table = tables[0][name]
    if "sector" in table:
        table = table[table["sector"] == "total"]
    keys = [c for c in ("country", "period", "year", "method", "measure") if c in table]
    for _, group in table[table["measure"] != "share_of_total"].groupby(keys):
        total = group.loc[group["term"] == "total", "value"].item()
        parts = group.loc[group["term"] != "total", "value"].to_numpy()
        assert abs(parts.sum() - total) <= 1e-12 * np.abs(parts).max() * len(parts) + 1e-14


def test_period_totals_chain_into_the_whole_sample_on_the_data(tables):
    table = tables[0]["decomposition"]
    totals = table[(table["term"] == "total") & (table["sector"] == "total") & (table["measure"] == "level")]
    totals = totals[totals["method"] == "two_term"]
    for _, group in totals.groupby("country"):
        whole = group.loc[group["period"] == SAMPLE_ID, "value"].item()
        assert group.loc[group["period"] != SAMPLE_ID, "value"].sum() == pytest.approx(whole, rel=1e-10)


def test_peaks_match_the_share_series(tables):
    out = tables[0]
    series = out["peers"].groupby(["country", "variable"])["value"].max()
    peaks = out["peaks"].set_index(["country", "variable"])["peak_value"]
    np.testing.assert_allclose(peaks.sort_index(), series.sort_index())
