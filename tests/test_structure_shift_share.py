"""Shift-share of employment change against a hand-worked three-country example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typed_settings import structure_settings

from emergence.settings import SAMPLE_ID
from emergence.structure.rules import compare_sectors
from emergence.structure.schemas import SHIFT_SHARE

# Employment in 2000 and 2005 (value added is not used by the shift-share).
# Peers of FOC pooled: agriculture 500 -> 450 (g = -0.1), manufacturing 200 -> 300 (g = 0.5), all 700 -> 750.
EMPLOYMENT = {
    "FOC": {"agriculture": (100.0, 110.0), "manufacturing": (50.0, 80.0)},
    "PRA": {"agriculture": (200.0, 200.0), "manufacturing": (100.0, 150.0)},
    "PRB": {"agriculture": (300.0, 250.0), "manufacturing": (100.0, 150.0)},
}


def tidy(employment: dict) -> pd.DataFrame:
    rows = []
    for country, sectors in employment.items():
        for sector, values in sectors.items():
            for year, emp in zip((2000, 2005), values, strict=True):
                rows.append((country, sector, "emp", year, emp, "thousand persons", "test"))
                rows.append((country, sector, "va_constant", year, 10.0 * emp, "million LCU", "test"))
        for variable in ("va_current_share", "va_constant_share", "emp_share"):
            rows += [(country, "manufacturing", variable, y, 30.0, "%", "test") for y in (2000, 2005)]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


def components(employment: dict) -> pd.DataFrame:
    settings = structure_settings(list(employment), [])
    table = compare_sectors(tidy(employment), settings, "test table")["shift_share"]
    SHIFT_SHARE.validate(table.assign(source="test"), "shift_share")
    return table[table["period"] == SAMPLE_ID].set_index(["country", "sector", "component", "measure"])["value"]


def test_hand_worked_shift_share_of_the_focus_country():
    value = components(EMPLOYMENT)
    g_national = 50 / 700
    assert value[("FOC", "agriculture", "national", "level")] == pytest.approx(100 * g_national)
    assert value[("FOC", "agriculture", "mix", "level")] == pytest.approx(100 * (-0.1 - g_national))
    assert value[("FOC", "agriculture", "differential", "level")] == pytest.approx(10 - 100 * -0.1)
    assert value[("FOC", "manufacturing", "mix", "level")] == pytest.approx(50 * (0.5 - g_national))
    assert value[("FOC", "manufacturing", "differential", "level")] == pytest.approx(30 - 50 * 0.5)
    assert value[("FOC", "total", "actual", "level")] == pytest.approx(40.0)
    assert value[("FOC", "total", "national", "pct_initial")] == pytest.approx(100 * g_national)
    assert value[("FOC", "manufacturing", "differential", "pct_initial")] == pytest.approx(100 * 5 / 150)


def test_each_country_is_set_against_the_others_only():
    value = components(EMPLOYMENT)
    # peers of PRA: FOC and PRB, agriculture 400 -> 360, all 550 -> 590
    g_national = 40 / 550
    assert value[("PRA", "agriculture", "national", "level")] == pytest.approx(200 * g_national)
    assert value[("PRA", "agriculture", "mix", "level")] == pytest.approx(200 * (-0.1 - g_national))


def test_components_add_up_to_the_actual_change():
    rng = np.random.default_rng(5)
    employment = {f"C{c}": {f"s{s}": tuple(rng.uniform(1, 1000, 2)) for s in range(6)} for c in range(5)}
    value = components(employment).unstack("component")
    np.testing.assert_allclose(value[["national", "mix", "differential"]].sum(axis=1), value["actual"], rtol=1e-10)


def test_a_single_country_has_no_shift_share():
    value = components({"FOC": EMPLOYMENT["FOC"]})
    assert value.empty
