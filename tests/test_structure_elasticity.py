"""Employment elasticities of output against hand-worked arc elasticities and growth rates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typed_settings import structure_settings

from emergence.settings import SAMPLE_ID
from emergence.structure.elasticity import arc_elasticity
from emergence.structure.rules import compare_sectors
from emergence.structure.schemas import ELASTICITY

# Years 2000 and 2002. Manufacturing: 100 -> 120 workers, value added 200 -> 300.
# arc elasticity = (20 / 110) / (100 / 250) = 5/11. Agriculture: 50 -> 40 workers, value added unchanged.
LEVELS = {
    ("manufacturing", 2000): (200.0, 100.0),
    ("manufacturing", 2002): (300.0, 120.0),
    ("agriculture", 2000): (80.0, 50.0),
    ("agriculture", 2002): (80.0, 40.0),
}
SHARES = ("va_current_share", "va_constant_share", "emp_share")


def tidy(levels: dict, country: str = "AAA") -> pd.DataFrame:
    rows = []
    for (sector, year), (va, emp) in levels.items():
        rows.append((country, sector, "va_constant", year, va, "million LCU", "test"))
        rows.append((country, sector, "emp", year, emp, "thousand persons", "test"))
    years = sorted({y for _, y in levels})
    for variable in SHARES:
        rows += [(country, "manufacturing", variable, y, 50.0, "%", "test") for y in years]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


def elasticities(levels: dict) -> dict:
    settings = structure_settings(["AAA"], [])
    table = compare_sectors(tidy(levels), settings, "test table")["elasticity"]
    ELASTICITY.validate(table, "elasticity")
    rows = table[table["period"] == SAMPLE_ID]
    return {(s, v): x for s, v, x in zip(rows["sector"], rows["variable"], rows["value"], strict=True)}


def test_hand_worked_elasticity_jobs_and_growth():
    values = elasticities(LEVELS)
    assert values[("manufacturing", "arc_elasticity")] == pytest.approx(5 / 11, rel=1e-12)
    assert values[("manufacturing", "emp_change")] == pytest.approx(20.0)
    assert values[("manufacturing", "emp_growth")] == pytest.approx(100 * (math.sqrt(1.2) - 1))
    assert values[("manufacturing", "va_growth")] == pytest.approx(100 * (math.sqrt(1.5) - 1))
    # the economy: 150 -> 160 workers, 280 -> 380 of value added
    assert values[("total", "emp_change")] == pytest.approx(10.0)
    assert values[("total", "arc_elasticity")] == pytest.approx((10 / 155) / (100 / 330), rel=1e-12)


def test_elasticity_is_undefined_when_output_does_not_change():
    values = elasticities(LEVELS)
    assert math.isnan(values[("agriculture", "arc_elasticity")])
    assert values[("agriculture", "emp_change")] == pytest.approx(-10.0)
    assert values[("agriculture", "va_growth")] == 0.0


def test_arc_elasticity_is_symmetric_in_time_and_free_of_units():
    rng = np.random.default_rng(3)
    emp0, emp1, va0, va1 = rng.uniform(1, 100, size=(4, 200))
    forward = arc_elasticity(emp0, emp1, va0, va1)
    np.testing.assert_allclose(arc_elasticity(emp1, emp0, va1, va0), forward, rtol=1e-12)
    np.testing.assert_allclose(arc_elasticity(emp0 * 1e3, emp1 * 1e3, va0 * 1e-6, va1 * 1e-6), forward, rtol=1e-9)


def test_constant_elasticity_growth_is_recovered():
    # employment grows as output to the power 0.6: the log-ratio of growth rates is exactly 0.6 and the arc
    # elasticity is close to it for small changes
    va0, va1 = 1000.0, 1010.0
    emp0, emp1 = 400.0, 400.0 * (va1 / va0) ** 0.6
    assert arc_elasticity(emp0, emp1, va0, va1) == pytest.approx(0.6, rel=1e-3)
