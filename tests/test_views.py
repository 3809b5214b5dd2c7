"""Views: the selections figures and report share, checked against frames whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emergence.errors import InputError
from emergence.views.labels import country_names
from emergence.views.sectors import price_bases, relative_productivity
from emergence.views.structure import sector_terms
from emergence.views.trade import wdi_series

COLUMNS = ["country", "sector", "variable", "year", "value", "unit", "source"]


def etd_rows(levels: dict[tuple[str, int], tuple[float, float]]) -> pd.DataFrame:
    """ETD-like rows from (sector, year) -> (real value added, employment), with the total and the shares."""
    rows = []
    for year in sorted({y for _, y in levels}):
        va_total = sum(v for (s, y), (v, _) in levels.items() if y == year)
        emp_total = sum(e for (s, y), (_, e) in levels.items() if y == year)
        for (sector, y), (va, emp) in levels.items():
            if y == year:
                rows += [
                    ("MAR", sector, "va_constant", year, va, "m", "etd"),
                    ("MAR", sector, "emp", year, emp, "k", "etd"),
                    ("MAR", sector, "emp_share", year, 100 * emp / emp_total, "%", "etd"),
                ]
        rows += [
            ("MAR", "total", "va_constant", year, va_total, "m", "etd"),
            ("MAR", "total", "emp", year, emp_total, "k", "etd"),
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_relative_productivity_is_the_log_ratio_to_the_economy_and_shares_change_in_points():
    # 2000: farm 60 workers, 60 output; industry 40 workers, 140 output. 2010: farm 40 (80), industry 60 (270).
    levels = {("farm", 2000): (60.0, 60.0), ("industry", 2000): (140.0, 40.0), ("farm", 2010): (80.0, 40.0),
              ("industry", 2010): (270.0, 60.0)}  # fmt: skip
    points = relative_productivity(etd_rows(levels), "etd", "MAR", 2000, 2010).set_index("sector")
    aggregate = 350.0 / 100.0
    assert points.loc["farm", "log_relative_productivity"] == pytest.approx(np.log(2.0 / aggregate))
    assert points.loc["industry", "log_relative_productivity"] == pytest.approx(np.log(4.5 / aggregate))
    assert points.loc["industry", "emp_share_change"] == pytest.approx(20.0)
    assert points["emp_share_change"].sum() == pytest.approx(0.0, abs=1e-12)  # shares move between sectors
    assert points.loc["farm", "emp"] == 40.0


def test_a_sector_without_workers_is_left_out_of_the_scatter():
    levels = {("farm", 2000): (60.0, 60.0), ("rent", 2000): (40.0, 0.0), ("farm", 2010): (80.0, 40.0),
              ("rent", 2010): (50.0, 0.0)}  # fmt: skip
    assert list(relative_productivity(etd_rows(levels), "etd", "MAR", 2000, 2010)["sector"]) == ["farm"]


def test_sector_terms_add_static_and_dynamic_into_reallocation_in_period_order():
    rows = [
        ("MAR", period, "three_term", term, sector, "annualised", value)
        for period, scale in (("b", 2.0), ("a", 1.0))
        for sector in ("manufacturing", "agriculture", "total")
        for term, value in (("within", 1.0 * scale), ("static", 0.5 * scale), ("dynamic", -0.2 * scale))
    ]
    df = pd.DataFrame(rows, columns=["country", "period", "method", "term", "sector", "measure", "value"])
    terms = sector_terms(df, "d", "MAR", ["a", "b"])
    assert list(zip(terms["sector"], terms["period"], strict=True)) == [
        ("manufacturing", "a"), ("manufacturing", "b"), ("agriculture", "a"), ("agriculture", "b")]  # fmt: skip
    np.testing.assert_allclose(terms["reallocation"], [0.3, 0.6, 0.3, 0.6])
    np.testing.assert_allclose(terms["within"], [1.0, 2.0, 1.0, 2.0])
    with pytest.raises(InputError, match="TUN"):
        sector_terms(df, "d", "TUN", ["a"])


def test_price_bases_and_wdi_series_select_what_they_name():
    df = pd.DataFrame(
        [("MAR", "manufacturing", v, y, val, "%", "etd") for y in (2014, 2015)
         for v, val in (("va_current_share", 15.0 + y - 2014), ("va_constant_share", 16.0))],
        columns=COLUMNS,
    )  # fmt: skip
    shares = price_bases(df, "etd", "MAR")
    assert shares.loc[2015].tolist() == [16.0, 16.0] and shares.loc[2014, "current"] == 15.0
    wdi = df.assign(variable="fdi_inflows", sector="total")
    with pytest.raises(InputError, match="rd_expenditure"):
        wdi_series(wdi, "wdi", "MAR", [("total", "rd_expenditure")])
    assert list(wdi_series(wdi.drop_duplicates(["year"]), "wdi", "MAR", [("total", "fdi_inflows")]).index) == [
        2014,
        2015,
    ]


def test_country_names_map_codes_to_the_publishers_names():
    names = country_names(pd.DataFrame({"country": ["MAR", "TUN"], "name": ["Morocco", "Tunisia"]}))
    assert names == {"MAR": "Morocco", "TUN": "Tunisia"}
