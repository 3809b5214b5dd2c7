"""Reconciliation: differences from the ETD reference, flagged against the tolerance, with the reason when the
definitions differ; on the real data, WDI shares of GDP differ by definition and the UN agrees with the ETD."""

from __future__ import annotations

import pandas as pd
import pytest

from emergence.reconcile import MEASURES, SCHEMA, SUMMARY_SCHEMA, reconcile, summarise

MANUFACTURING = "manufacturing share of value added"
COLUMNS = ["country", "sector", "variable", "year", "value", "unit", "source"]


def series(source: str, sector: str, variable: str, values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [("MAR", sector, variable, year, v, "%", source) for year, v in values.items()], columns=COLUMNS
    )


@pytest.fixture
def small_tables() -> dict[str, pd.DataFrame]:
    """ETD manufacturing shares and, for some of the same years, the UN's, GGDC's and WDI's."""
    empty = pd.DataFrame(columns=COLUMNS)
    return {
        "etd": series("etd", "manufacturing", "va_current_share", {2000: 20.0, 2001: 19.0, 2002: 18.0}),
        "un_ama": series("un_ama", "manufacturing", "va_current_lcu_share", {2000: 20.5, 2001: 21.0, 2005: 9.0}),
        "ggdc10": series("ggdc10", "manufacturing", "va_current_share", {2001: 16.0}),
        "wdi": series("wdi", "manufacturing", "va_share_gdp", {2000: 17.0, 2002: 17.5}),
        "sector_groups": empty.assign(scheme=pd.Series(dtype=str)),
    }


def test_differences_and_flags_on_a_small_table(small_tables):
    rows = SCHEMA.validate(reconcile(small_tables, tolerance_pp=1.0), "reconciliation.csv")
    got = {(r.source, r.variable, r.year): (r.difference, r.flag) for r in rows.itertuples()}
    assert got == {
        ("un_ama", "va_current_lcu_share", 2000): (0.5, "agrees"),
        ("un_ama", "va_current_lcu_share", 2001): (2.0, "differs"),
        ("ggdc10", "va_current_share", 2001): (-3.0, "differs"),
        ("wdi", "va_share_gdp", 2000): (-3.0, "differs by definition"),
        ("wdi", "va_share_gdp", 2002): (-0.5, "agrees"),
    }
    assert set(rows["measure"]) == {MANUFACTURING} and set(rows["reference_source"]) == {"etd"}
    assert (rows["value"] - rows["reference_value"]).equals(rows["difference"])


def test_tolerance_decides_the_flag(small_tables):
    rows = reconcile(small_tables, tolerance_pp=5.0)
    assert set(rows["flag"]) == {"agrees"}
    rows = reconcile(small_tables, tolerance_pp=0.1)
    assert "agrees" not in set(rows["flag"])


def test_summary_counts_years_and_differences(small_tables):
    rows = reconcile(small_tables, tolerance_pp=1.0)
    summary = SUMMARY_SCHEMA.validate(summarise(rows, tolerance_pp=1.0), "summary.csv").set_index("source")
    un = summary.loc["un_ama"]
    assert (un["first_year"], un["last_year"], un["years"]) == (2000, 2001, 2)
    assert un["mean_difference"] == pytest.approx(1.25) and un["max_abs_difference"] == pytest.approx(2.0)
    assert un["years_beyond_tolerance"] == 1
    assert summary.loc["wdi", "years_beyond_tolerance"] == 1


def test_every_share_of_gdp_is_described_as_such():
    for measure in MEASURES:
        for other in measure.others:
            is_gdp_share = other.variable == "va_share_gdp"
            assert is_gdp_share == ("not of value added" in other.definition), (measure.name, other)


@pytest.fixture(scope="module")
def real(clean_tables) -> pd.DataFrame:
    return clean_tables["reconciliation"]


def test_wdi_shares_of_gdp_differ_by_definition(real, config):
    wdi = real[real["variable"] == "va_share_gdp"]
    beyond = wdi["difference"].abs() > config["reconciliation"]["tolerance_pp"]
    assert beyond.sum() > 0
    assert set(wdi.loc[beyond, "flag"]) == {"differs by definition"}
    assert "differs" not in set(wdi["flag"])
    manufacturing = wdi[(wdi["measure"] == MANUFACTURING) & (wdi["country"] == "MAR")]
    assert (manufacturing["difference"] < 0).all()  # a share of GDP is below the share of value added


def test_un_and_etd_manufacturing_agree_in_most_years(real, config):
    un = real[(real["measure"] == MANUFACTURING) & (real["variable"] == "va_current_lcu_share")]
    mar = un[un["country"] == "MAR"]
    assert list(mar["year"]) == list(range(1990, 2019))
    agree = (mar["flag"] == "agrees").mean()
    assert agree > 0.5
    assert (mar["difference"].abs() <= config["reconciliation"]["tolerance_pp"]).mean() == agree


def test_ggdc10_agricultural_employment_differs_for_morocco(real):
    rows = real[
        (real["measure"] == "agriculture share of employment")
        & (real["source"] == "ggdc10")
        & (real["country"] == "MAR")
    ]
    assert len(rows) == 23 and (rows["flag"] == "differs").all() and (rows["difference"] < 0).all()


def test_summary_matches_the_rows(clean_tables):
    rows, summary = clean_tables["reconciliation"], clean_tables["reconciliation_summary"]
    counts = rows.groupby(["measure", "country", "source", "variable"]).size()
    assert (
        summary.set_index(["measure", "country", "source", "variable"])["years"]
        .sort_index()
        .equals(counts.sort_index())
    )
